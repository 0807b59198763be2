/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_list",
    "SELECT fields, sig FROM recipient_lists WHERE version = $1",
    1,
};

enum pg_qs pg_select_list(struct pg *pg, uint32_t version, uint8_t **fields, size_t *fields_len,
                          uint8_t sig[ABRI_SIG_BYTES])
{
	const uint8_t *f, *s;
	size_t flen, slen;
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_int(&p, version);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (pgr_bytes(r, 0, 0, &f, &flen) != 0 || pgr_bytes(r, 0, 1, &s, &slen) != 0 ||
	    slen != ABRI_SIG_BYTES || (*fields = malloc(flen + 1)) == NULL) {
		PQclear(r);
		return PG_HARD;
	}
	memcpy(*fields, f, flen);
	*fields_len = flen;
	memcpy(sig, s, ABRI_SIG_BYTES);
	PQclear(r);
	return PG_OK;
}
