/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Listener's case list, keyset-paged: newest week first, then reference.
 * The cursor is the last row's "YYYYMMDD-REF". */
#include <stdlib.h>
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_cases",
    "SELECT " CASE_COLUMNS ","
    " to_char(c.week, 'YYYYMMDD') || '-' || c.case_ref,"
    " (SELECT count(*) FROM envelopes e WHERE e.case_ref = c.case_ref)"
    " FROM cases c"
    " WHERE ($1::text IS NULL OR c.state = $1::text)"
    "   AND ($2::date IS NULL OR c.week < $2::date"
    "        OR (c.week = $2::date AND c.case_ref > $3::text))"
    " ORDER BY c.week DESC, c.case_ref"
    " LIMIT $4",
    4,
};

static int row(const PGresult *r, int i, struct db_case_row *out)
{
	const char *cursor;

	if (db_case_from_row(r, i, 0, &out->c) != 0)
		return -1;
	cursor = pgr_text(r, i, 4);
	if (cursor == NULL || strlen(cursor) >= sizeof out->cursor)
		return -1;
	memcpy(out->cursor, cursor, strlen(cursor) + 1);
	return pgr_int(r, i, 5, &out->envelopes);
}

enum pg_qs pg_select_cases(struct pg *pg, const char *state, const char *after_week,
                           const char *after_ref, int limit, struct db_case_row **rows, size_t *n)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;
	int count;

	*rows = NULL;
	*n = 0;
	pgp_init(&p);
	pgp_text(&p, state);
	pgp_text(&p, after_week);
	pgp_text(&p, after_ref);
	pgp_int(&p, limit);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	count = PQntuples(r);
	*rows = calloc((size_t)count, sizeof **rows);
	if (*rows == NULL) {
		PQclear(r);
		return PG_HARD;
	}
	for (int i = 0; i < count; i++) {
		if (row(r, i, &(*rows)[i]) != 0) {
			free(*rows);
			*rows = NULL;
			PQclear(r);
			return PG_HARD;
		}
	}
	*n = (size_t)count;
	PQclear(r);
	return PG_OK;
}
