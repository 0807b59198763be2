/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "select_upload_chunk",
    "SELECT chunk FROM upload_chunks WHERE tag = $1 AND idx = $2::int",
    2,
};

enum pg_qs pg_select_upload_chunk(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t idx,
                                  PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, idx);
	return pg_exec(pg, &st, &p, res);
}
