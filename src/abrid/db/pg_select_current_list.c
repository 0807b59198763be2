/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The current recipient list is the highest version; every request that
 * needs it asks, so a list uploaded through another instance counts at once. */
#include "queries.h"

static const struct pg_stmt st = {
    "select_current_list",
    "SELECT version, not_after FROM recipient_lists ORDER BY version DESC LIMIT 1",
    0,
};

enum pg_qs pg_select_current_list(struct pg *pg, uint32_t *version, int64_t *not_after)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;
	int64_t v;

	pgp_init(&p);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (pgr_int(r, 0, 0, &v) != 0 || v < 1 || v > UINT32_MAX ||
	    pgr_int(r, 0, 1, not_after) != 0)
		qs = PG_HARD;
	else
		*version = (uint32_t)v;
	PQclear(r);
	return qs;
}
