/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "select_envelopes",
    "SELECT pos, envelope FROM envelopes WHERE case_ref = $1 ORDER BY pos",
    1,
};

enum pg_qs pg_select_envelopes(struct pg *pg, const char *case_ref, PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	return pg_exec(pg, &st, &p, res);
}
