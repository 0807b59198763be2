/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One case by its lookup hash (the reporter) or its reference (listeners).
 * Locked, it stays the writer's until the transaction ends: the appends to
 * one case (positions, the attachment total) and its state changes go one
 * at a time under READ COMMITTED. FOR NO KEY UPDATE does not block the
 * foreign-key checks of inserts into envelopes and uploads. */
#include "queries.h"

#define SELECT_CASE "SELECT " CASE_COLUMNS " FROM cases c WHERE "
#define LOCKED      " FOR NO KEY UPDATE"

static const struct pg_stmt by_lookup[2] = {
    {"select_case_by_lookup", SELECT_CASE "c.lookup_hash = $1", 1},
    {"select_case_by_lookup_locked", SELECT_CASE "c.lookup_hash = $1" LOCKED, 1},
};

static const struct pg_stmt by_ref[2] = {
    {"select_case_by_ref", SELECT_CASE "c.case_ref = $1", 1},
    {"select_case_by_ref_locked", SELECT_CASE "c.case_ref = $1" LOCKED, 1},
};

static enum pg_qs select_case(struct pg *pg, const struct pg_stmt *st, const struct pg_params *p,
                              struct db_case *c)
{
	PGresult *r;
	enum pg_qs qs = pg_exec(pg, st, p, &r);

	if (qs != PG_OK)
		return qs;
	if (db_case_from_row(r, 0, 0, c) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}

enum pg_qs pg_select_case_by_lookup(struct pg *pg, const uint8_t lookup_hash[ABRI_HASH_BYTES],
                                    bool lock, struct db_case *c)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, lookup_hash, ABRI_HASH_BYTES);
	return select_case(pg, &by_lookup[lock], &p, c);
}

enum pg_qs pg_select_case_by_ref(struct pg *pg, const char *case_ref, bool lock, struct db_case *c)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_text(&p, case_ref);
	return select_case(pg, &by_ref[lock], &p, c);
}
