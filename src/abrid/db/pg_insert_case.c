/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The week is the Monday of the current ISO week in UTC: the only date a
 * case carries (no creation timestamp, see sql/0001-init.sql). */
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "insert_case",
    "INSERT INTO cases (case_ref, lookup_hash, week)"
    " VALUES ($1, $2, date_trunc('week', $3::date)::date)"
    " ON CONFLICT DO NOTHING"
    " RETURNING to_char(week, 'IYYY-\"W\"IW')",
    3,
};

enum pg_qs pg_insert_case(struct pg *pg, const char *case_ref,
                          const uint8_t lookup_hash[ABRI_HASH_BYTES], char week[WEEK_CHARS + 1])
{
	struct pg_params p;
	const char *w;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	pgp_bytes(&p, lookup_hash, ABRI_HASH_BYTES);
	pgp_today(&p);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	w = pgr_text(r, 0, 0);
	if (w == NULL || strlen(w) != WEEK_CHARS)
		qs = PG_HARD;
	else
		memcpy(week, w, WEEK_CHARS + 1);
	PQclear(r);
	return qs;
}
