/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A survey answer into the inbox under its envelope hash: nothing else
 * (no code, no month yet, no time of arrival). The monthly batch moves it
 * to survey_answers in a transaction of its own (housekeeping.c), so the
 * answer's row no longer shares a transaction with the spent code's.
 * PG_NONE if an answer with this hash is stored already. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_survey_answer",
    "INSERT INTO survey_inbox (envelope_hash, envelope)"
    " SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM survey_answers WHERE envelope_hash = $1)"
    " ON CONFLICT (envelope_hash) DO NOTHING",
    2,
};

enum pg_qs pg_insert_survey_answer(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES],
                                   const uint8_t *env, size_t env_len)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	pgp_bytes(&p, env, env_len);
	return pg_exec(pg, &st, &p, NULL);
}
