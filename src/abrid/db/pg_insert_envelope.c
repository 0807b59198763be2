/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Appends an envelope at the case's next position. Appends hold the case's
 * row lock (pg_select_case_by_ref/lookup with lock), so two never race for
 * a position; were one to, it would collide on the primary key and the
 * caller's transaction would be retried. */
#include "queries.h"

static const struct pg_stmt st = {
    "insert_envelope",
    "INSERT INTO envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)"
    " SELECT $1::text, coalesce(max(pos), 0) + 1, $2::smallint, $3, $4, $5"
    "   FROM envelopes WHERE case_ref = $1::text"
    " ON CONFLICT DO NOTHING"
    " RETURNING pos",
    5,
};

enum pg_qs pg_insert_envelope(struct pg *pg, const char *case_ref, int kind, const uint8_t *env,
                              size_t env_len, const uint8_t hash[ABRI_HASH_BYTES],
                              const uint8_t tag[ABRI_HASH_BYTES], int64_t *pos)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	pgp_int(&p, kind);
	pgp_bytes(&p, env, env_len);
	pgp_bytes(&p, hash, ABRI_HASH_BYTES);
	pgp_bytes(&p, tag, ABRI_HASH_BYTES);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	if (pgr_int(r, 0, 0, pos) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}
