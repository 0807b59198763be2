/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One housekeeping pass at a time across every abrid sharing the
 * database: a session advisory lock, tried, never waited for. */
#include "queries.h"

/* "abri-hk" */
#define HOUSEKEEPING_LOCK "6382377286543979"

static const struct pg_stmt lock = {
    "housekeeping_lock",
    "SELECT pg_try_advisory_lock(" HOUSEKEEPING_LOCK ")",
    0,
};

static const struct pg_stmt unlock = {
    "housekeeping_unlock",
    "SELECT pg_advisory_unlock(" HOUSEKEEPING_LOCK ")",
    0,
};

static enum pg_qs run_bool(struct pg *pg, const struct pg_stmt *st, bool *out)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	*out = false;
	pgp_init(&p);
	qs = pg_exec(pg, st, &p, &r);
	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	if (PQgetlength(r, 0, 0) != 1)
		qs = PG_HARD;
	else
		*out = PQgetvalue(r, 0, 0)[0] != 0;
	PQclear(r);
	return qs;
}

enum pg_qs pg_housekeeping_lock(struct pg *pg, bool *got)
{
	return run_bool(pg, &lock, got);
}

enum pg_qs pg_housekeeping_unlock(struct pg *pg)
{
	bool was_held;

	return run_bool(pg, &unlock, &was_held);
}
