/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_list",
    "INSERT INTO recipient_lists (version, fields, sig, not_after) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT DO NOTHING",
    4,
};

enum pg_qs pg_insert_list(struct pg *pg, uint32_t version, const uint8_t *fields, size_t fields_len,
                          const uint8_t sig[ABRI_SIG_BYTES], int64_t not_after)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_int(&p, version);
	pgp_bytes(&p, fields, fields_len);
	pgp_bytes(&p, sig, ABRI_SIG_BYTES);
	pgp_int(&p, not_after);
	return pg_exec(pg, &st, &p, NULL);
}
