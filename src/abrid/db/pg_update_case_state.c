/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Listener state changes; an erased case never changes again. Closing sets
 * purge_after to the Monday of the week retention_days on (a day-exact
 * date would tell when the case was closed); any other state clears it. */
#include "queries.h"

static const struct pg_stmt st = {
    "update_case_state",
    "UPDATE cases SET state = $2, purge_after = CASE WHEN $2 = 'closed' THEN"
    " date_trunc('week', ($4::date + $3::int)::timestamp)::date"
    " ELSE NULL END"
    " WHERE case_ref = $1 AND state <> 'erased'",
    4,
};

enum pg_qs pg_update_case_state(struct pg *pg, const char *case_ref, const char *state,
                                unsigned retention_days)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	pgp_text(&p, state);
	pgp_int(&p, (int64_t)retention_days);
	pgp_today(&p);
	return pg_exec(pg, &st, &p, NULL);
}
