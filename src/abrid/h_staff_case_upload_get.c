/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/staff/cases/{ref}/uploads/{id}: the whole ciphertext of an
 * upload attached to that case (header || chunks), as
 * application/octet-stream. The listener checks the hash and decrypts
 * with the key from the referencing envelope. */
#include <stdlib.h>
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "log.h"
#include "reply.h"
#include "upload.h"

struct get_upload {
	const char *ref;
	uint8_t tag[ABRI_HASH_BYTES];
	uint8_t *ct; /* malloc'd ciphertext */
	size_t len;
};

/* header || chunks 0..n-1, each exactly once. */
static enum pg_qs assemble(struct get_upload *g, const struct db_upload *u, const PGresult *r)
{
	const uint8_t *c;
	size_t clen;
	int64_t idx;

	if (PQntuples(r) != u->chunks)
		return PG_HARD; /* attached uploads are complete */
	g->len = (size_t)abri_attach_ct_len((uint64_t)u->chunks);
	if ((g->ct = malloc(g->len)) == NULL)
		return PG_HARD;
	memcpy(g->ct, u->header, ABRI_ATTACH_HEADER_BYTES);
	for (int i = 0; i < PQntuples(r); i++) {
		if (pgr_int(r, i, 0, &idx) != 0 || idx != i || pgr_bytes(r, i, 1, &c, &clen) != 0 ||
		    clen != ABRI_ATTACH_CHUNK_CT)
			return PG_HARD;
		memcpy(g->ct + ABRI_ATTACH_HEADER_BYTES + (size_t)i * ABRI_ATTACH_CHUNK_CT, c,
		       clen);
	}
	return PG_OK;
}

static enum pg_qs get_txn(struct pg *pg, void *cls)
{
	struct get_upload *g = cls;
	struct db_upload u;
	PGresult *r;
	enum pg_qs qs;

	free(g->ct);
	g->ct = NULL;
	qs = pg_select_upload(pg, g->tag, &u);
	if (qs != PG_OK || strcmp(u.case_ref, g->ref) != 0)
		return qs < 0 ? qs : PG_NONE;
	if ((qs = pg_select_upload_chunks(pg, g->tag, &r)) != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	qs = assemble(g, &u, r);
	PQclear(r);
	return qs;
}

enum MHD_Result h_staff_case_upload_get(struct request *rq)
{
	struct get_upload g = {.ref = rq->arg};
	uint8_t id[ABRI_UPLOAD_ID_BYTES];
	struct MHD_Response *resp;
	struct pg *pg;
	enum pg_qs qs;

	if (!abri_case_ref_valid(rq->arg) ||
	    upload_target_parse(rq->arg2, NULL, id, NULL) != EC_NONE)
		return reply_error(rq, EC_UNKNOWN_UPLOAD, NULL);
	upload_tag(g.tag, id);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_READ, get_txn, &g) : PG_SOFT;
	if (qs != PG_OK) {
		free(g.ct);
		return qs == PG_NONE ? reply_error(rq, EC_UNKNOWN_UPLOAD, NULL)
		                     : reply_pg_error(rq, qs);
	}
	resp = MHD_create_response_from_buffer(g.len, g.ct, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(g.ct);
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	return reply_queue(rq, MHD_HTTP_OK, resp, "application/octet-stream");
}
