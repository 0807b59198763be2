/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/cases/open: the reporter reads the case with the lookup key
 * (in the body, never in a URL). A read never writes. An erased case
 * answers like an absent one. */
#include <sodium.h>
#include <string.h>

#include "abrid.h"
#include "caseview.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "reqspec.h"

struct open_case {
	uint8_t lookup[ABRI_HASH_BYTES];
	struct db_case c;
	PGresult *envelopes;
};

static enum pg_qs open_txn(struct pg *pg, void *cls)
{
	struct open_case *oc = cls;
	enum pg_qs qs;

	PQclear(oc->envelopes);
	oc->envelopes = NULL;
	qs = pg_select_case_by_lookup(pg, oc->lookup, false, &oc->c);
	if (qs != PG_OK || 0 == strcmp(oc->c.state, "erased"))
		return (qs < 0) ? qs : PG_NONE;
	qs = pg_select_envelopes(pg, oc->c.case_ref, &oc->envelopes);
	return (qs < 0) ? qs : PG_OK;
}

enum MHD_Result h_cases_open(struct request *rq)
{
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES];
	struct rj_field spec[] = {
	    SPEC_REPORTER_LOOKUP(lookup_key),
	    RJ_END,
	};
	struct open_case oc = {0};
	struct rj_result res;
	enum MHD_Result ret;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0) {
		sodium_memzero(lookup_key, sizeof lookup_key);
		return reply_rj_error(rq, &res);
	}
	lookup_hash(oc.lookup, lookup_key);
	sodium_memzero(lookup_key, sizeof lookup_key);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_READ, open_txn, &oc) : PG_SOFT;
	if (qs < 0)
		ret = reply_pg_error(rq, qs);
	else if (qs == PG_NONE)
		ret = reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	else
		ret = reply_json(rq, MHD_HTTP_OK,
		                 json_pack("{s:s,s:s,s:s,s:o}", "case_ref", oc.c.case_ref, "state",
		                           oc.c.state, "week", oc.c.week, "envelopes",
		                           envelopes_json(oc.envelopes)));
	PQclear(oc.envelopes);
	return ret;
}
