/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The month of an already stored batch with exactly these bytes (a retried
 * upload). The table holds a few rows a month: no index needed. */
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_stats_batch_month",
    "SELECT to_char(month, 'YYYY-MM') FROM stats_batches WHERE envelope = $1 LIMIT 1",
    1,
};

enum pg_qs pg_select_stats_batch_month(struct pg *pg, const uint8_t *env, size_t env_len,
                                       char month[MONTH_CHARS + 1])
{
	struct pg_params p;
	PGresult *r;
	const char *m;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_bytes(&p, env, env_len);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	m = pgr_text(r, 0, 0);
	if (m == NULL || strlen(m) != MONTH_CHARS) {
		PQclear(r);
		return PG_HARD;
	}
	memcpy(month, m, MONTH_CHARS + 1);
	PQclear(r);
	return PG_OK;
}
