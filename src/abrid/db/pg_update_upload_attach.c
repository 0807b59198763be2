/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attaches a complete, unattached upload to a case and drops its expiry:
 * an attached upload carries no date and lives as long as its case.
 * PG_NONE when it is not attachable (the caller checked why before). */
#include "queries.h"

static const struct pg_stmt st = {
    "update_upload_attach",
    "UPDATE uploads SET case_ref = $2, expires_at = NULL"
    " WHERE tag = $1 AND case_ref IS NULL AND complete",
    2,
};

enum pg_qs pg_update_upload_attach(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   const char *case_ref)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	pgp_text(&p, case_ref);
	return pg_exec(pg, &st, &p, NULL);
}
