/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The one write a signed read makes: a keyed hash of (key id, nonce) —
 * never the key id — and an expiry rounded up to a whole hour, so that
 * the row neither names the listener nor dates, to the second, what the
 * request wrote next (sql/0004-seized-copy.sql). */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_replay",
    "INSERT INTO request_replay (tag, expires_at) VALUES ($1, ($2::bigint + 3599) / 3600 * 3600)"
    " ON CONFLICT DO NOTHING",
    2,
};

enum pg_qs pg_insert_replay(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t expires_at)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, expires_at);
	return pg_exec(pg, &st, &p, NULL);
}
