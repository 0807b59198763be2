/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The housekeeping's state (sql/0004-seized-copy.sql): which week was
 * re-stamped last, whether its tables still need their rewrite, which
 * month's survey batch ran last. */
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_housekeeping",
    "SELECT coalesce(to_char(restamped_week, 'YYYY-MM-DD'), ''), rewrite_pending,"
    " coalesce(to_char(survey_month, 'YYYY-MM-DD'), '') FROM housekeeping",
    0,
};

static int copy_date(char out[DATE_CHARS + 1], const char *s)
{
	if (s == NULL || (strlen(s) != 0 && strlen(s) != DATE_CHARS))
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

enum pg_qs pg_select_housekeeping(struct pg *pg, struct db_housekeeping *h)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;
	const char *pending;

	pgp_init(&p);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs; /* the row is made by the migration */
	pending = PQgetvalue(r, 0, 1);
	if (copy_date(h->restamped_week, pgr_text(r, 0, 0)) != 0 ||
	    copy_date(h->survey_month, pgr_text(r, 0, 2)) != 0 || PQgetlength(r, 0, 1) != 1)
		qs = PG_HARD;
	else
		h->rewrite_pending = pending[0] != 0;
	PQclear(r);
	return qs;
}
