/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/staff/cases/{ref}: one case with all its envelopes. */
#include "caseview.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

struct get_case {
	const char *ref;
	struct db_case c;
	PGresult *envelopes;
};

static enum pg_qs get_txn(struct pg *pg, void *cls)
{
	struct get_case *g = cls;
	enum pg_qs qs;

	PQclear(g->envelopes);
	g->envelopes = NULL;
	qs = pg_select_case_by_ref(pg, g->ref, false, &g->c);
	if (qs != PG_OK)
		return qs;
	qs = pg_select_envelopes(pg, g->ref, &g->envelopes);
	return (qs < 0) ? qs : PG_OK;
}

enum MHD_Result h_staff_case_get(struct request *rq)
{
	struct get_case g = {.ref = rq->arg};
	enum MHD_Result ret;
	struct pg *pg;
	enum pg_qs qs;

	if (!abri_case_ref_valid(rq->arg))
		return reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_READ, get_txn, &g) : PG_SOFT;
	if (qs < 0)
		ret = reply_pg_error(rq, qs);
	else if (qs == PG_NONE)
		ret = reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	else
		ret = reply_json(
		    rq, MHD_HTTP_OK,
		    json_pack("{s:s,s:s,s:s,s:o,s:o}", "case_ref", g.c.case_ref, "state", g.c.state,
		              "week", g.c.week, "purge_after",
		              g.c.purge_after[0] ? json_string(g.c.purge_after) : json_null(),
		              "envelopes", envelopes_json(g.envelopes)));
	PQclear(g.envelopes);
	return ret;
}
