/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A survey code, as its peppered hash, valid for 180 days (a date: the
 * day a code was registered is not kept more precisely than that). A code
 * registered twice (a retried request) keeps its first expiry. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_survey_code",
    "INSERT INTO survey_codes (tag, expires)"
    " VALUES ($1, (now() AT TIME ZONE 'UTC')::date + 180) ON CONFLICT (tag) DO NOTHING",
    1,
};

enum pg_qs pg_insert_survey_code(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, NULL);
}
