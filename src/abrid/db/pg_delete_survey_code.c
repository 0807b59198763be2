/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Spends a survey code: deleted, so nothing remembers which code was
 * used. PG_NONE when it is unknown, spent or expired. */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_survey_code",
    "DELETE FROM survey_codes WHERE tag = $1 AND expires >= $2::date"
    " RETURNING 1",
    2,
};

enum pg_qs pg_delete_survey_code(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES])
{
	struct pg_params p;
	PGresult *r = NULL;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_today(&p);
	qs = pg_exec(pg, &st, &p, &r);
	PQclear(r);
	return qs;
}
