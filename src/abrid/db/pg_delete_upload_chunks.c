/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* After a hash mismatch: the chunks go, the upload stays for a new try. */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_upload_chunks",
    "DELETE FROM upload_chunks WHERE tag = $1",
    1,
};

enum pg_qs pg_delete_upload_chunks(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	return pg_exec(pg, &st, &p, NULL);
}
