/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The reporter erases a case: the lookup stops working at once (open
 * answers case_not_found) and the purge job (purge.c) deletes the
 * case after purge_after. The date is rounded to a Monday two weeks on so
 * it does not tell the day of the erasure. */
#include "queries.h"

static const struct pg_stmt st = {
    "update_case_erase",
    "UPDATE cases SET state = 'erased',"
    " purge_after = date_trunc('week', $2::date)::date + 14"
    " WHERE lookup_hash = $1 AND state <> 'erased'",
    2,
};

enum pg_qs pg_update_case_erase(struct pg *pg, const uint8_t lookup_hash[ABRI_HASH_BYTES])
{
	struct pg_params p;

	pgp_init(&p);
	pgp_bytes(&p, lookup_hash, ABRI_HASH_BYTES);
	pgp_today(&p);
	return pg_exec(pg, &st, &p, NULL);
}
