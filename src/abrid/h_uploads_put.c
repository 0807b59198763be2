/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PUT /v1/uploads/{id}/{index}: one 65553-byte chunk as the raw body.
 * Idempotent per index; when the last missing chunk arrives the hash of
 * the whole ciphertext is checked in the same transaction, and on a
 * mismatch the chunks are dropped (the client uploads them again). */
#include <sodium.h>
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "upload.h"

struct put_chunk {
	/* in */
	uint8_t tag[ABRI_HASH_BYTES];
	int64_t idx;
	const uint8_t *chunk;
	size_t len;
	/* out */
	enum ec err;
	struct db_upload u;
};

/* Index already stored: the same bytes are a retry, others a conflict. */
static enum pg_qs same_chunk(struct pg *pg, struct put_chunk *p)
{
	const uint8_t *have;
	size_t have_len;
	PGresult *r;
	enum pg_qs qs = pg_select_upload_chunk(pg, p->tag, p->idx, &r);

	if (qs != PG_OK)
		return qs == PG_NONE ? PG_SOFT : qs; /* deleted meanwhile: retry */
	if (pgr_bytes(r, 0, 0, &have, &have_len) != 0)
		qs = PG_HARD;
	else if (have_len != p->len || sodium_memcmp(have, p->chunk, p->len) != 0)
		p->err = EC_CHUNK_CONFLICT;
	PQclear(r);
	return qs;
}

/* All chunks are in: hash header || chunks and compare. */
static enum pg_qs check_hash(struct pg *pg, struct put_chunk *p)
{
	crypto_generichash_state st;
	uint8_t h[ABRI_HASH_BYTES];
	const uint8_t *c;
	size_t len;
	PGresult *r;
	enum pg_qs qs = pg_select_upload_chunks(pg, p->tag, &r);

	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, p->u.header, sizeof p->u.header);
	for (int i = 0; i < PQntuples(r); i++) {
		if (pgr_bytes(r, i, 1, &c, &len) != 0) {
			PQclear(r);
			return PG_HARD;
		}
		crypto_generichash_update(&st, c, len);
	}
	crypto_generichash_final(&st, h, sizeof h);
	PQclear(r);
	if (sodium_memcmp(h, p->u.hash, sizeof h) == 0) {
		p->u.complete = true;
		return pg_update_upload_complete(pg, p->tag);
	}
	/* Commit the deletion, answer 409: the client sends the chunks again. */
	p->err = EC_UPLOAD_HASH_MISMATCH;
	p->u.received = 0;
	qs = pg_delete_upload_chunks(pg, p->tag);
	return qs < 0 ? qs : PG_OK;
}

static enum pg_qs put_txn(struct pg *pg, void *cls)
{
	struct put_chunk *p = cls;
	enum pg_qs qs;

	p->err = EC_NONE;
	qs = pg_select_upload(pg, p->tag, &p->u);
	if (qs == PG_NONE)
		p->err = EC_UNKNOWN_UPLOAD;
	else if (qs == PG_OK && p->u.case_ref[0] != '\0')
		p->err = EC_UPLOAD_ATTACHED;
	else if (qs == PG_OK)
		p->err = upload_chunk_check(p->idx, p->len, p->u.chunks);
	if (qs < 0 || p->err != EC_NONE)
		return qs < 0 ? qs : PG_NONE;
	qs = pg_insert_upload_chunk(pg, p->tag, p->idx, p->chunk, p->len);
	if (qs == PG_NONE) {
		qs = same_chunk(pg, p);
		return (qs == PG_OK && p->err != EC_NONE) ? PG_NONE : qs;
	}
	if (qs < 0)
		return qs;
	p->u.received++;
	if (p->u.received == p->u.chunks && (qs = check_hash(pg, p)) != PG_OK)
		return qs;
	/* Complete: upload_ttl from now to be named by a submission. Still
	 * incomplete: upload_incomplete_ttl from its latest chunk, so a slow
	 * link keeps its upload while an abandoned one goes soon. */
	qs = pg_update_upload_expiry(pg, p->tag,
	                             upload_expiry(p->u.complete ? abrid.cfg.upload_ttl
	                                                         : abrid.cfg.upload_incomplete_ttl));
	return qs < 0 ? qs : PG_OK; /* PG_NONE: the same hour as before */
}

enum MHD_Result h_uploads_put(struct request *rq)
{
	uint8_t id[ABRI_UPLOAD_ID_BYTES];
	struct put_chunk p = {.chunk = rq->body.data, .len = rq->body.len};
	struct pg *pg;
	enum pg_qs qs;
	enum ec ec = upload_target_parse(rq->arg, rq->arg2, id, &p.idx);

	if (ec != EC_NONE)
		return reply_error(rq, ec, NULL);
	upload_tag(p.tag, id);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, put_txn, &p) : PG_SOFT;
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (p.err != EC_NONE)
		return reply_error(rq, p.err, NULL);
	return reply_json(rq, MHD_HTTP_OK,
	                  json_pack("{s:I,s:I,s:b}", "received", (json_int_t)p.u.received, "chunks",
	                            (json_int_t)p.u.chunks, "complete", p.u.complete));
}
