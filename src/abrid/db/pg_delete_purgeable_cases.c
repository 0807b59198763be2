/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The purge: closed and erased cases whose purge_after has come, with
 * their envelopes (ON DELETE CASCADE). Only the count comes back, so
 * nothing that identifies a case reaches the log. */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_purgeable_cases",
    "WITH d AS (DELETE FROM cases WHERE state IN ('closed', 'erased')"
    " AND purge_after <= $1::date RETURNING 1)"
    " SELECT count(*) FROM d",
    1,
};

enum pg_qs pg_delete_purgeable_cases(struct pg *pg, int64_t *n)
{
	struct pg_params p;
	PGresult *r = NULL;
	enum pg_qs qs;

	*n = 0;
	pgp_init(&p);
	pgp_today(&p);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs == PG_OK && pgr_int(r, 0, 0, n) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
