/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Stores one chunk; PG_NONE when that index is already stored (the caller
 * compares the bytes: same = a retry, other = a conflict). */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_upload_chunk",
    "INSERT INTO upload_chunks (tag, idx, chunk) VALUES ($1, $2::int, $3)"
    " ON CONFLICT DO NOTHING",
    3,
};

enum pg_qs pg_insert_upload_chunk(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t idx,
                                  const uint8_t *chunk, size_t len)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, idx);
	pgp_bytes(&p, chunk, len);
	return pg_exec(pg, &st, &p, NULL);
}
