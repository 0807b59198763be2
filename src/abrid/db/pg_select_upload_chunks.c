/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Every stored chunk of an upload in index order: the hash check when the
 * last one arrives, and the staff download. */
#include "queries.h"

static const struct pg_stmt st = {
    "select_upload_chunks",
    "SELECT idx, chunk FROM upload_chunks WHERE tag = $1 ORDER BY idx",
    1,
};

enum pg_qs pg_select_upload_chunks(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, res);
}
