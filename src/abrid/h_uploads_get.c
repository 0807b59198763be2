/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/uploads/{id}: how far an upload got, to resume it after a
 * dropped connection. Reads never write. */
#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "upload.h"

struct upload_status {
	uint8_t tag[ABRI_HASH_BYTES];
	struct db_upload u;
	json_t *missing;
};

/* The indices 0..chunks-1 not among the stored ones (sorted). */
static enum pg_qs missing_list(struct pg *pg, struct upload_status *s)
{
	PGresult *r = NULL;
	int64_t have, next = 0;
	enum pg_qs qs = pg_select_upload_indices(pg, s->tag, &r);
	int rows = (qs == PG_OK) ? PQntuples(r) : 0;

	if (qs < 0)
		return qs;
	for (int i = 0; i <= rows; i++) {
		if (i < rows && pgr_int(r, i, 0, &have) != 0) {
			PQclear(r);
			return PG_HARD;
		}
		for (int64_t end = (i < rows) ? have : s->u.chunks; next < end; next++)
			if (json_array_append_new(s->missing, json_integer(next)) != 0) {
				PQclear(r);
				return PG_HARD;
			}
		next = (i < rows) ? have + 1 : next;
	}
	PQclear(r);
	return PG_OK;
}

static enum pg_qs status_txn(struct pg *pg, void *cls)
{
	struct upload_status *s = cls;
	enum pg_qs qs;

	json_array_clear(s->missing);
	qs = pg_select_upload(pg, s->tag, &s->u);
	return (qs == PG_OK) ? missing_list(pg, s) : qs;
}

enum MHD_Result h_uploads_get(struct request *rq)
{
	uint8_t id[ABRI_UPLOAD_ID_BYTES];
	struct upload_status s = {.missing = json_array()};
	struct pg *pg;
	enum pg_qs qs;
	enum ec ec = upload_target_parse(rq->arg, NULL, id, NULL);

	if (s.missing == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	if (ec != EC_NONE) {
		json_decref(s.missing);
		return reply_error(rq, ec, NULL);
	}
	upload_tag(s.tag, id);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_READ, status_txn, &s) : PG_SOFT;
	if (qs != PG_OK) {
		json_decref(s.missing);
		return qs == PG_NONE ? reply_error(rq, EC_UNKNOWN_UPLOAD, NULL)
		                     : reply_pg_error(rq, qs);
	}
	return reply_json(rq, MHD_HTTP_OK,
	                  json_pack("{s:I,s:I,s:o,s:b}", "chunks", (json_int_t)s.u.chunks,
	                            "received", (json_int_t)s.u.received, "missing", s.missing,
	                            "complete", s.u.complete));
}
