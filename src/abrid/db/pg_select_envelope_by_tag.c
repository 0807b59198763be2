/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Deduplication of retried submissions by their submission tag. */
#include <string.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_envelope_by_tag",
    "SELECT " CASE_COLUMNS ", e.pos, e.envelope_hash, c.lookup_hash"
    " FROM envelopes e JOIN cases c ON c.case_ref = e.case_ref"
    " WHERE e.submission_tag = $1",
    1,
};

enum pg_qs pg_select_envelope_by_tag(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                     struct db_envelope_ref *out)
{
	const uint8_t *h, *l;
	size_t hlen, llen;
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (db_case_from_row(r, 0, 0, &out->c) != 0 || pgr_int(r, 0, 4, &out->pos) != 0 ||
	    pgr_bytes(r, 0, 5, &h, &hlen) != 0 || hlen != ABRI_HASH_BYTES ||
	    pgr_bytes(r, 0, 6, &l, &llen) != 0 || llen != ABRI_HASH_BYTES) {
		PQclear(r);
		return PG_HARD;
	}
	memcpy(out->case_ref, out->c.case_ref, sizeof out->case_ref);
	memcpy(out->envelope_hash, h, ABRI_HASH_BYTES);
	memcpy(out->lookup_hash, l, ABRI_HASH_BYTES);
	PQclear(r);
	return PG_OK;
}
