/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Every batch of a year's months, by month then id (the id is random, so
 * the order says nothing about arrival). */
#include "queries.h"

static const struct pg_stmt st = {
    "select_stats_batches",
    "SELECT to_char(month, 'YYYY-MM'), envelope FROM stats_batches"
    " WHERE month >= make_date($1::int, 1, 1) AND month < make_date($1::int + 1, 1, 1)"
    " ORDER BY month, id",
    1,
};

enum pg_qs pg_select_stats_batches(struct pg *pg, int year, PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_int(&p, year);
	return pg_exec(pg, &st, &p, res);
}
