/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The weekly re-stamp (abri_restamp in sql/0004-seized-copy.sql): every
 * row written since the last one, rewritten in random order in the
 * caller's transaction; and the mark that the tables were rewritten
 * afterwards (CLUSTER, housekeeping.c). */
#include "queries.h"

static const struct pg_stmt restamp = {
    "restamp",
    "SELECT abri_restamp(date_trunc('week', $1::date)::date)",
    1,
};

static const struct pg_stmt rewritten = {
    "restamp_rewritten",
    "UPDATE housekeeping SET rewrite_pending = false",
    0,
};

enum pg_qs pg_restamp(struct pg *pg, int64_t *rows)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	*rows = 0;
	pgp_init(&p);
	pgp_today(&p);
	qs = pg_exec(pg, &restamp, &p, &r);
	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	if (pgr_int(r, 0, 0, rows) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}

enum pg_qs pg_restamp_rewritten(struct pg *pg)
{
	struct pg_params p;

	pgp_init(&p);
	return pg_exec(pg, &rewritten, &p, NULL);
}
