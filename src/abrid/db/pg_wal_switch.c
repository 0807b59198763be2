/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* WAL position, and the switch to a new WAL segment: after it and a
 * checkpoint, PostgreSQL removes the segments that held the commit
 * records (with their times) of what the housekeeping just re-stamped,
 * batched or deleted (housekeeping.c). Needs superuser or EXECUTE on
 * pg_switch_wal (docs/operations.md). */
#include "queries.h"

static const struct pg_stmt lsn = {
    "wal_lsn",
    "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint",
    0,
};

static const struct pg_stmt sw = {
    "wal_switch",
    "SELECT pg_switch_wal() IS NOT NULL",
    0,
};

enum pg_qs pg_wal_position(struct pg *pg, int64_t *pos)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;

	pgp_init(&p);
	qs = pg_exec(pg, &lsn, &p, &r);
	if (qs != PG_OK)
		return qs == PG_NONE ? PG_HARD : qs;
	if (pgr_int(r, 0, 0, pos) != 0)
		qs = PG_HARD;
	PQclear(r);
	return qs;
}

enum pg_qs pg_wal_switch(struct pg *pg)
{
	struct pg_params p;
	PGresult *r = NULL;
	enum pg_qs qs;

	pgp_init(&p);
	qs = pg_exec(pg, &sw, &p, &r);
	PQclear(r);
	return qs;
}
