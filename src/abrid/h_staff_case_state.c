/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/staff/cases/{ref}/state: new -> open -> closed, closed -> open,
 * new -> closed. Setting the current state again is accepted (a retried
 * request); nothing goes back to new; only the reporter erases, and an
 * erased case never changes. No date is recorded but a coarse purge_after
 * when closing (retention_days on, rounded to a Monday), cleared when the
 * case is reopened. READ COMMITTED, the case locked from the check of the
 * transition to the update. */
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "reqspec.h"

struct set_state {
	const char *ref;
	const char *to;
	enum ec err;
};

static int allowed(const char *from, const char *to)
{
	/* Only the reporter erases (with the token); erased is final. */
	if (0 == strcmp(from, "erased") || 0 == strcmp(to, "erased"))
		return 0;
	/* Every other pair among new/open/closed is allowed except back to new. */
	return 0 != strcmp(to, "new") || 0 == strcmp(from, "new");
}

static enum pg_qs state_txn(struct pg *pg, void *cls)
{
	struct set_state *s = cls;
	struct db_case c;
	enum pg_qs qs;

	s->err = EC_NONE;
	qs = pg_select_case_by_ref(pg, s->ref, true, &c);
	if (qs == PG_NONE)
		s->err = EC_CASE_NOT_FOUND;
	else if (qs == PG_OK && !allowed(c.state, s->to))
		s->err = EC_BAD_TRANSITION;
	if (qs < 0 || s->err != EC_NONE)
		return (qs < 0) ? qs : PG_NONE;
	if (0 == strcmp(c.state, s->to))
		return PG_NONE; /* nothing to change */
	qs = pg_update_case_state(pg, s->ref, s->to, abrid.cfg.retention_days);
	return (qs == PG_NONE) ? PG_SOFT : qs;
}

enum MHD_Result h_staff_case_state(struct request *rq)
{
	const char *to;
	struct rj_field spec[] = {
	    SPEC_STAFF_STATE(to),
	    RJ_END,
	};
	struct set_state s = {.ref = rq->arg};
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (!abri_case_ref_valid(rq->arg))
		return reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	if (0 != strcmp(to, "new") && 0 != strcmp(to, "open") && 0 != strcmp(to, "closed") &&
	    0 != strcmp(to, "erased"))
		return reply_error(rq, EC_BAD_FIELD, "Field \"state\" is not a case state.");
	s.to = to;
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE_RC, state_txn, &s) : PG_SOFT;
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (s.err != EC_NONE)
		return reply_error(rq, s.err, NULL);
	return reply_json(rq, MHD_HTTP_OK,
	                  json_pack("{s:s,s:s}", "case_ref", rq->arg, "state", s.to));
}
