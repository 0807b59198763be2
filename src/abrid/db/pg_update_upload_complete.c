/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "update_upload_complete",
    "UPDATE uploads SET complete = true WHERE tag = $1",
    1,
};

enum pg_qs pg_update_upload_complete(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, NULL);
}
