/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/cases/erase: the reporter erases the case with the lookup key.
 * The lookup stops working at once; listeners see the state; the purge
 * job (purge.c) deletes it after purge_after. */
#include <sodium.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "reqspec.h"

enum MHD_Result h_cases_erase(struct request *rq)
{
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES], lookup[ABRI_HASH_BYTES];
	struct rj_field spec[] = {
	    SPEC_REPORTER_LOOKUP(lookup_key),
	    RJ_END,
	};
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0) {
		sodium_memzero(lookup_key, sizeof lookup_key);
		return reply_rj_error(rq, &res);
	}
	lookup_hash(lookup, lookup_key);
	sodium_memzero(lookup_key, sizeof lookup_key);
	pg = pg_get();
	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	/* One statement: autocommit is its transaction. */
	qs = pg_update_case_erase(pg, lookup);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (qs == PG_NONE)
		return reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	return reply_json(rq, MHD_HTTP_OK, json_pack("{s:s}", "state", "erased"));
}
