/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A month's survey answers sorted by envelope hash, never by arrival. */
#include "queries.h"

static const struct pg_stmt st = {
    "select_survey_answers",
    "SELECT envelope FROM survey_answers WHERE month = to_date($1, 'YYYY-MM')"
    " ORDER BY envelope_hash",
    1,
};

enum pg_qs pg_select_survey_answers(struct pg *pg, const char *month, PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, month);
	return pg_exec(pg, &st, &p, res);
}
