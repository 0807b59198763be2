/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A survey code, as its peppered hash, valid until the Sunday 26 weeks
 * after this week's (at least 180 days): the expiry dates the code's
 * registration to the week, no finer. A code registered twice (a retried
 * request) keeps its first expiry. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_survey_code",
    "INSERT INTO survey_codes (tag, expires)"
    " VALUES ($1, date_trunc('week', $2::date)::date + 26 * 7 + 6) ON CONFLICT (tag) DO NOTHING",
    2,
};

enum pg_qs pg_insert_survey_code(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_today(&p);
	return pg_exec(pg, &st, &p, NULL);
}
