/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A spent challenge, kept until its expiry rounded up to a whole hour: it
 * is written in the transaction that stores the case or message, so an
 * expiry to the second would date that. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_spent_challenge",
    "INSERT INTO spent_challenges (tag, expires_at) VALUES ($1, ($2::bigint + 3599) / 3600 * 3600)"
    " ON CONFLICT DO NOTHING",
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
