/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Listener state changes; an erased case never changes again. */
#include "queries.h"

static const struct pg_stmt st = {
    "update_case_state",
    "UPDATE cases SET state = $2 WHERE case_ref = $1 AND state <> 'erased'",
    2,
};

enum pg_qs pg_update_case_state(struct pg *pg, const char *case_ref, const char *state)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	pgp_text(&p, state);
	return pg_exec(pg, &st, &p, NULL);
}
