/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/survey: a reporter's anonymous survey answer. A single-use
 * survey code (handed out in a reply) authorises it; the envelope is
 * sealed to the auditors only. Spending the code and putting the answer in
 * the inbox happen in one transaction; when the month ends, the
 * housekeeping moves the month's answers to the auditors' table in one
 * shuffled batch and rewrites the codes' table, so on disk nothing links
 * an answer to its code, its case or the time it arrived
 * (sql/0004-seized-copy.sql). */
#include <string.h>
#include <time.h>

#include "abri/survey.h"
#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "reqspec.h"

struct survey_post {
	/* in */
	const uint8_t *env;
	size_t env_len;
	const abri_envelope_info *info;
	uint8_t tag[ABRI_HASH_BYTES];
	/* out */
	enum ec err;
	bool retry; /* this very envelope was stored before */
};

static enum pg_qs survey_txn(struct pg *pg, void *cls)
{
	struct survey_post *s = cls;
	enum pg_qs qs;

	s->err = EC_NONE;
	s->retry = false;
	/* A retry of an answer that was stored: the same answer, whatever the
	 * code (it was spent by this very envelope). */
	qs = pg_select_survey_answer(pg, s->info->hash);
	if (qs == PG_OK)
		s->retry = true;
	if (qs != PG_NONE)
		return (qs == PG_OK) ? PG_NONE : qs;
	if ((qs = auditor_gate(pg, s->info, &s->err)) != PG_OK)
		return qs;
	qs = pg_delete_survey_code(pg, s->tag);
	if (qs == PG_NONE)
		s->err = EC_BAD_SURVEY_CODE;
	if (qs != PG_OK)
		return qs;
	qs = pg_insert_survey_answer(pg, s->info->hash, s->env, s->env_len);
	return (qs == PG_NONE) ? PG_SOFT : qs; /* a concurrent retry: run again */
}


enum MHD_Result h_survey_post(struct request *rq)
{
	const char *code;
	struct rj_bytes env;
	struct rj_field spec[] = {
	    SPEC_SURVEY(env, code),
	    RJ_END,
	};
	struct survey_post s = {0};
	abri_envelope_info info;
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	s.err = abri_survey_code_valid(code) ? EC_NONE : EC_BAD_SURVEY_CODE;
	if (s.err == EC_NONE)
		s.err = envelope_check(env.p, env.len, KIND_BIT(ABRI_KIND_SURVEY), STANZA_FORBIDDEN,
		                       &info);
	if (s.err != EC_NONE) {
		rj_free(spec);
		return reply_error(rq, s.err, NULL);
	}
	survey_code_tag(s.tag, code);
	s.env = env.p;
	s.env_len = env.len;
	s.info = &info;
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, survey_txn, &s) : PG_SOFT;
	rj_free(spec);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (s.err != EC_NONE)
		return reply_error(rq, s.err, NULL);
	return reply_json(rq, s.retry ? MHD_HTTP_OK : MHD_HTTP_CREATED,
	                  json_pack("{s:b}", "stored", 1));
}
