/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Chunks already attached to a case (its attachment capacity / 65536),
 * or, for case_ref NULL, announced by uploads attached to none (what the
 * upload_quota counts). Two statements, so that each uses the index. */
#include "queries.h"

static const struct pg_stmt st = {
    "select_case_upload_chunks",
    "SELECT coalesce(sum(chunks), 0)::bigint FROM uploads WHERE case_ref = $1",
    1,
};

static const struct pg_stmt st_unattached = {
    "select_unattached_upload_chunks",
    "SELECT coalesce(sum(chunks), 0)::bigint FROM uploads WHERE case_ref IS NULL",
    0,
};

enum pg_qs pg_select_case_upload_chunks(struct pg *pg, const char *case_ref, int64_t *chunks)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	*chunks = 0;
	pgp_init(&p);
	if (case_ref != NULL)
		pgp_text(&p, case_ref);
	qs = pg_exec(pg, case_ref != NULL ? &st : &st_unattached, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (pgr_int(r, 0, 0, chunks) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
