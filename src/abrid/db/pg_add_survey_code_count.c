/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Survey codes registered by one listener this month (UTC): the quota
 * against a listener answering the survey themselves, and the counts the
 * auditors compare with the answers (sql/0004-seized-copy.sql). */
#include "queries.h"

static const struct pg_stmt add = {
    "add_survey_code_count",
    "INSERT INTO survey_code_counts (key_id, month, n)"
    " VALUES ($1, date_trunc('month', $3::date)::date, $2)"
    " ON CONFLICT (key_id, month) DO UPDATE SET n = survey_code_counts.n + EXCLUDED.n"
    " RETURNING n",
    3,
};

static const struct pg_stmt by_month = {
    "select_survey_code_counts",
    "SELECT key_id, n FROM survey_code_counts WHERE month = to_date($1, 'YYYY-MM')"
    " ORDER BY key_id",
    1,
};

enum pg_qs pg_add_survey_code_count(struct pg *pg, const uint8_t key_id[ABRI_KEY_ID_BYTES],
                                    int64_t n, int64_t *total)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_bytes(&p, key_id, ABRI_KEY_ID_BYTES);
	pgp_int(&p, n);
	pgp_today(&p);
	qs = pg_exec(pg, &add, &p, &r);
	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	if (pgr_int(r, 0, 0, total) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}

enum pg_qs pg_select_survey_code_counts(struct pg *pg, const char *month, PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, month);
	return pg_exec(pg, &by_month, &p, res);
}
