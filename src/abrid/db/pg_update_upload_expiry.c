/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Moves an unattached upload's expiry later (never earlier): an incomplete
 * upload lives upload_incomplete_ttl after its latest chunk, a complete
 * one upload_ttl after it was completed. The value is a whole hour, so a
 * chunk within the same hour changes nothing (and writes nothing). */
#include "queries.h"

static const struct pg_stmt st = {
    "update_upload_expiry",
    "UPDATE uploads SET expires_at = $2::bigint"
    " WHERE tag = $1 AND case_ref IS NULL AND expires_at < $2::bigint",
    2,
};

enum pg_qs pg_update_upload_expiry(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   int64_t expires_at)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_int(&p, expires_at);
	return pg_exec(pg, &st, &p, NULL);
}
