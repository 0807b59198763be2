/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A new, unattached upload (sql/0002-uploads.sql). */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_upload",
    "INSERT INTO uploads (tag, chunks, header, hash, expires_at)"
    " VALUES ($1, $2::int, $3, $4, $5::bigint) ON CONFLICT DO NOTHING",
    5,
};

enum pg_qs pg_insert_upload(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t chunks,
                            const uint8_t header[ABRI_ATTACH_HEADER_BYTES],
                            const uint8_t hash[ABRI_HASH_BYTES], int64_t expires_at)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, chunks);
	pgp_bytes(&p, header, ABRI_ATTACH_HEADER_BYTES);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	pgp_int(&p, expires_at);
	return pg_exec(pg, &st, &p, NULL);
}
