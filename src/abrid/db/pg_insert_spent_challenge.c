/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_spent_challenge",
    "INSERT INTO spent_challenges (tag, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    2,
};

enum pg_qs pg_insert_spent_challenge(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                     int64_t expires_at)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, expires_at);
	return pg_exec(pg, &st, &p, NULL);
}
