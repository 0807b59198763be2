/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "select_case_by_ref",
    "SELECT " CASE_COLUMNS " FROM cases c WHERE c.case_ref = $1",
    1,
};

enum pg_qs pg_select_case_by_ref(struct pg *pg, const char *case_ref, struct db_case *c)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (db_case_from_row(r, 0, 0, c) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
