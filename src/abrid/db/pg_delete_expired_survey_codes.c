/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_expired_survey_codes",
    "DELETE FROM survey_codes WHERE expires < $1::date",
    1,
};

enum pg_qs pg_delete_expired_survey_codes(struct pg *pg)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_today(&p);
	return pg_exec(pg, &st, &p, NULL);
}
