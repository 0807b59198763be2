/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The one write a signed read makes: its nonce, with no case reference. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_replay",
    "INSERT INTO request_replay (key_id, nonce, expires_at) VALUES ($1, $2, $3)"
    " ON CONFLICT DO NOTHING",
    3,
};

enum pg_qs pg_insert_replay(struct pg *pg, const uint8_t key_id[ABRI_KEY_ID_BYTES],
                            const uint8_t nonce[ABRI_NONCE_BYTES], int64_t expires_at)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, key_id, ABRI_KEY_ID_BYTES);
	pgp_bytes(&p, nonce, ABRI_NONCE_BYTES);
	pgp_int(&p, expires_at);
	return pg_exec(pg, &st, &p, NULL);
}
