/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A monthly statistics batch under a random id: nothing else is stored
 * (no uploader, no time of arrival). */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_stats_batch",
    "INSERT INTO stats_batches (id, month, envelope)"
    " VALUES (gen_random_uuid(), to_date($1, 'YYYY-MM'), $2)",
    2,
};

enum pg_qs pg_insert_stats_batch(struct pg *pg, const char *month, const uint8_t *env,
                                 size_t env_len)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, month);
	pgp_bytes(&p, env, env_len);
	return pg_exec(pg, &st, &p, NULL);
}
