/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/uploads: announces an upload (chunk count, secretstream header,
 * hash of the whole ciphertext) with a proof of work bound to that hash.
 * abrid picks the id and keeps only its peppered tag. */
#include <sodium.h>
#include <stdlib.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "load.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "upload.h"
#include "reqspec.h"

struct create_upload {
	uint8_t tag[ABRI_HASH_BYTES];
	int64_t chunks;
	uint8_t header[ABRI_ATTACH_HEADER_BYTES];
	uint8_t hash[ABRI_HASH_BYTES];
	struct pow_spend spend;
	int64_t expires_at;
	enum ec err;
};

static enum pg_qs create_txn(struct pg *pg, void *cls)
{
	struct create_upload *c = cls;
	enum pg_qs qs;

	c->err = EC_NONE;
	if (c->spend.spend) {
		qs = pg_insert_spent_challenge(pg, c->spend.tag, c->spend.expires);
		if (qs == PG_NONE)
			c->err = EC_CHALLENGE_SPENT;
		if (qs <= 0)
			return qs;
	}
	qs = pg_insert_upload(pg, c->tag, c->chunks, c->header, c->hash, c->expires_at);
	return (qs == PG_NONE) ? PG_HARD : qs; /* a 128-bit random id collided */
}

/* Unattached uploads expire upload_ttl on, rounded up to the hour so the
 * stored expiry does not date the upload to the second. */
static int64_t expiry(void)
{
	int64_t t = abri_now() + (int64_t)abrid.cfg.upload_ttl;
	return (t + 3599) / 3600 * 3600;
}

static enum MHD_Result created(struct request *rq, const uint8_t id[ABRI_UPLOAD_ID_BYTES],
                               int64_t chunks)
{
	char *id64 = abri_b64_encode(id, ABRI_UPLOAD_ID_BYTES);
	json_t *o = (id64 != NULL)
	                ? json_pack("{s:s,s:I,s:I}", "upload", id64, "chunks", (json_int_t)chunks,
	                            "chunk_bytes", (json_int_t)ABRI_ATTACH_CHUNK_CT)
	                : NULL;
	free(id64);
	return reply_json(rq, MHD_HTTP_CREATED, o);
}

enum MHD_Result h_uploads_create(struct request *rq)
{
	struct create_upload c = {0};
	uint8_t id[ABRI_UPLOAD_ID_BYTES];
	json_t *pow = NULL;
	struct rj_field spec[] = {
	    SPEC_UPLOAD_CREATE(c.chunks, c.header, c.hash, pow),
	    RJ_END,
	};
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;
	enum ec ec;

	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	if ((uint64_t)c.chunks * ABRI_ATTACH_CHUNK > abrid.cfg.max_upload_bytes)
		return reply_error(rq, EC_UPLOAD_TOO_LARGE, NULL);
	if ((ec = pow_check(pow, c.hash, &c.spend)) != EC_NONE)
		return reply_error(rq, ec, NULL);
	randombytes_buf(id, sizeof id);
	upload_tag(c.tag, id);
	c.expires_at = expiry();
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, create_txn, &c) : PG_SOFT;
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (c.err != EC_NONE)
		return reply_error(rq, c.err, NULL);
	load_note_submission(); /* its proof of work verified and spent */
	return created(rq, id, c.chunks);
}
