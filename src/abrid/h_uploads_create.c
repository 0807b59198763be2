/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/uploads: announces an upload (chunk count, secretstream header,
 * hash of the whole ciphertext) with a proof of work bound to that hash,
 * growing with the chunk count. abrid picks the id and keeps only its
 * peppered tag. Bytes not yet attached to a case are bounded: per address
 * in memory (addr_upload_bytes per window, addrlimit.h) and for all
 * instances together in the database (upload_quota); an upload lives
 * upload_incomplete_ttl until it is complete (h_uploads_put.c). */
#include <sodium.h>
#include <stdlib.h>

#include "abrid.h"
#include "addrlimit.h"
#include "db/queries.h"
#include "handlers.h"
#include "load.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "upload.h"
#include "reqspec.h"

/* Retry-After of a 503 upload_quota: room comes back as incomplete
 * uploads expire or uploads are attached, not at a known time. */
#define UPLOAD_QUOTA_RETRY_AFTER 600

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
	int64_t held;
	enum pg_qs qs;

	c->err = EC_NONE;
	/* Serializable: two announcements cannot both take the last room. */
	qs = pg_select_case_upload_chunks(pg, NULL, &held);
	if (qs < 0)
		return qs;
	if ((uint64_t)(held + c->chunks) * ABRI_ATTACH_CHUNK > abrid.cfg.upload_quota) {
		c->err = EC_UPLOAD_QUOTA;
		return PG_NONE;
	}
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
	uint64_t bytes;
	unsigned wait;
	enum pg_qs qs;
	enum ec ec;

	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	if ((uint64_t)c.chunks * ABRI_ATTACH_CHUNK > abrid.cfg.max_upload_bytes)
		return reply_error(rq, EC_UPLOAD_TOO_LARGE, NULL);
	if ((ec = pow_check(pow, c.hash, (uint64_t)c.chunks, &c.spend)) != EC_NONE)
		return reply_error(rq, ec, NULL);
	bytes = (uint64_t)c.chunks * ABRI_ATTACH_CHUNK;
	if (rq->ticket != NULL && (wait = addrlimit_upload_bytes(rq->ticket, bytes)) > 0) {
		rq->retry_after = wait;
		return reply_error(rq, EC_UPLOAD_QUOTA_ADDR, NULL);
	}
	randombytes_buf(id, sizeof id);
	upload_tag(c.tag, id);
	c.expires_at = upload_expiry(abrid.cfg.upload_incomplete_ttl);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, create_txn, &c) : PG_SOFT;
	if ((qs < 0 || c.err != EC_NONE) && rq->ticket != NULL)
		addrlimit_upload_refund(rq->ticket, bytes); /* nothing stored */
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (c.err == EC_UPLOAD_QUOTA)
		rq->retry_after = UPLOAD_QUOTA_RETRY_AFTER;
	if (c.err != EC_NONE)
		return reply_error(rq, c.err, NULL);
	load_note_submission(); /* its proof of work verified and spent */
	return created(rq, id, c.chunks);
}
