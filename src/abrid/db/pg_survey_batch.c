/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The monthly survey batch: every answer in the inbox moves to
 * survey_answers under `month` (the month they were collected in), in an
 * order drawn from the strong random generator, in one transaction apart
 * from the ones that spent the codes; the housekeeping notes the current
 * month as done. */
#include "queries.h"

static const struct pg_stmt move = {
    "survey_batch_move",
    "WITH m AS (DELETE FROM survey_inbox RETURNING envelope_hash, envelope)"
    " INSERT INTO survey_answers (envelope_hash, month, envelope)"
    " SELECT envelope_hash, $1::date, envelope FROM m ORDER BY gen_random_uuid()"
    " ON CONFLICT (envelope_hash) DO NOTHING",
    1,
};

static const struct pg_stmt done = {
    "survey_batch_done",
    "UPDATE housekeeping SET survey_month = date_trunc('month', $1::date)::date",
    1,
};

enum pg_qs pg_survey_batch(struct pg *pg, const char *month_first_day)
{
	struct pg_params p;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_text(&p, month_first_day);
	qs = pg_exec(pg, &move, &p, NULL);
	if (qs < 0)
		return qs;
	pgp_init(&p);
	pgp_today(&p);
	return pg_exec(pg, &done, &p, NULL);
}
