/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "select_envelope_hash",
    "SELECT 1 FROM envelopes WHERE envelope_hash = $1",
    1,
};

enum pg_qs pg_select_envelope_hash(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, NULL);
}
