/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A survey answer under its envelope hash with the month it arrived in:
 * nothing else (no code, no time of arrival). PG_NONE if stored already. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_survey_answer",
    "INSERT INTO survey_answers (envelope_hash, month, envelope)"
    " VALUES ($1, to_date($2, 'YYYY-MM'), $3) ON CONFLICT (envelope_hash) DO NOTHING",
    3,
};

enum pg_qs pg_insert_survey_answer(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES],
                                   const char *month, const uint8_t *env, size_t env_len)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	pgp_text(&p, month);
	pgp_bytes(&p, env, env_len);
	return pg_exec(pg, &st, &p, NULL);
}
