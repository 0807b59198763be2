/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PG_OK when an answer with this envelope hash is stored, waiting in the
 * inbox or released (a retry). */
#include "queries.h"

static const struct pg_stmt st = {
    "select_survey_answer",
    "SELECT 1 FROM survey_answers WHERE envelope_hash = $1"
    " UNION ALL SELECT 1 FROM survey_inbox WHERE envelope_hash = $1",
    1,
};

enum pg_qs pg_select_survey_answer(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES])
{
	struct pg_params p;
	PGresult *r = NULL;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	qs = pg_exec(pg, &st, &p, &r);
	PQclear(r);
	return qs;
}
