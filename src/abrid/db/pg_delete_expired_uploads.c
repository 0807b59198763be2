/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The purge of uploads never attached, past their expiry (chunks
 * cascade). Attached uploads have no expiry: they go with their case. */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_expired_uploads",
    "WITH d AS (DELETE FROM uploads WHERE case_ref IS NULL AND expires_at <= $1::bigint"
    " RETURNING 1) SELECT count(*) FROM d",
    1,
};

enum pg_qs pg_delete_expired_uploads(struct pg *pg, int64_t now, int64_t *n)
{
	struct pg_params p;
	PGresult *r = NULL;
	enum pg_qs qs;

	*n = 0;
	pgp_init(&p);
	pgp_int(&p, now);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs == PG_OK && pgr_int(r, 0, 0, n) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
