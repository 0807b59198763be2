/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The indices stored so far (for the missing list of a resume). */
#include "queries.h"

static const struct pg_stmt st = {
    "select_upload_indices",
    "SELECT idx FROM upload_chunks WHERE tag = $1 ORDER BY idx",
    1,
};

enum pg_qs pg_select_upload_indices(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                    PGresult **res)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, res);
}
