/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/staff/stats: a listener uploads one monthly statistics batch,
 * sealed to the auditors of the current list. abrid keeps the envelope and
 * the month only: no uploader, no arrival time, a random id. */
#include <string.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "reqspec.h"
#include "month.h"

struct stats_upload {
	/* in */
	const char *month;
	const uint8_t *env;
	size_t env_len;
	const abri_envelope_info *info;
	/* out */
	enum ec err;
	char stored_month[MONTH_CHARS + 1];
};

/* A valid month, not after the current one. */
static int month_ok(const char *s)
{
	char now[MONTH_CHARS + 1];

	return month_valid(s) && month_now(now) == 0 && strcmp(s, now) <= 0;
}

static enum pg_qs stats_upload_txn(struct pg *pg, void *cls)
{
	struct stats_upload *u = cls;
	enum pg_qs qs;

	u->err = EC_NONE;
	qs = pg_select_stats_batch_month(pg, u->env, u->env_len, u->stored_month);
	if (qs == PG_OK && strcmp(u->stored_month, u->month) != 0)
		u->err = EC_SUBMISSION_CONFLICT;
	if (qs != PG_NONE)
		return (qs == PG_OK) ? PG_NONE : qs; /* a retry: same answer */
	if ((qs = auditor_gate(pg, u->info, &u->err)) != PG_OK)
		return qs;
	memcpy(u->stored_month, u->month, MONTH_CHARS + 1);
	qs = pg_insert_stats_batch(pg, u->month, u->env, u->env_len);
	return (qs == PG_NONE) ? PG_SOFT : qs;
}

enum MHD_Result h_staff_stats_post(struct request *rq)
{
	const char *month;
	struct rj_bytes env;
	struct rj_field spec[] = {
	    SPEC_STAFF_STATS(env, month),
	    RJ_END,
	};
	struct stats_upload u = {0};
	abri_envelope_info info;
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	u.err = month_ok(month) ? EC_NONE : EC_BAD_MONTH;
	if (u.err == EC_NONE)
		u.err = envelope_check(env.p, env.len, KIND_BIT(ABRI_KIND_STATS), STANZA_FORBIDDEN,
		                       &info);
	if (u.err != EC_NONE) {
		rj_free(spec);
		return reply_error(rq, u.err, NULL);
	}
	u.month = month;
	u.env = env.p;
	u.env_len = env.len;
	u.info = &info;
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, stats_upload_txn, &u) : PG_SOFT;
	rj_free(spec);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (u.err != EC_NONE)
		return reply_error(rq, u.err, NULL);
	return reply_json(rq, MHD_HTTP_CREATED, json_pack("{s:s}", "month", u.stored_month));
}
