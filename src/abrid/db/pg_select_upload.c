/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One upload with the number of chunks received so far. */
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_upload",
    "SELECT u.chunks, u.complete::int, u.case_ref,"
    " (SELECT count(*) FROM upload_chunks c WHERE c.tag = u.tag), u.header, u.hash"
    " FROM uploads u WHERE u.tag = $1",
    1,
};

static int from_row(const PGresult *r, struct db_upload *u)
{
	const uint8_t *h, *x;
	size_t hl, xl;
	int64_t complete;
	const char *ref = pgr_text(r, 0, 2);

	if (pgr_int(r, 0, 0, &u->chunks) != 0 || pgr_int(r, 0, 1, &complete) != 0 ||
	    pgr_int(r, 0, 3, &u->received) != 0 || pgr_bytes(r, 0, 4, &h, &hl) != 0 ||
	    pgr_bytes(r, 0, 5, &x, &xl) != 0 || hl != sizeof u->header || xl != sizeof u->hash ||
	    (ref != NULL && strlen(ref) != ABRI_CASE_REF_CHARS))
		return -1;
	u->complete = complete != 0;
	memcpy(u->header, h, hl);
	memcpy(u->hash, x, xl);
	memcpy(u->case_ref, ref != NULL ? ref : "", ref != NULL ? ABRI_CASE_REF_CHARS + 1 : 1);
	return 0;
}

enum pg_qs pg_select_upload(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], struct db_upload *u)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	memset(u, 0, sizeof *u);
	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (from_row(r, u) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
