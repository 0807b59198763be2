/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/cases: a new case. Everything happens in one READ COMMITTED
 * transaction: deduplication of a retry, the list check, spending the
 * challenge, the case and its first envelope; the unique keys (lookup
 * hash, submission tag, envelope hash, spent challenge) decide every race.
 * The 201 is queued only after COMMIT, so an acknowledged report is never
 * lost. */
#include <sodium.h>
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "load.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "upload.h"
#include "reqspec.h"

/* 50 random bits: a collision is rare; several in a row mean a bug. */
#define CASE_REF_ATTEMPTS 5

struct create {
	/* in */
	const uint8_t *env;
	size_t env_len;
	const abri_envelope_info *info;
	uint8_t lookup[ABRI_HASH_BYTES];
	uint8_t tag[ABRI_HASH_BYTES];
	json_t *pow;
	struct upload_set uploads; /* attached in the same transaction */
	/* out */
	enum ec err;
	struct db_case c;
	bool stored; /* a new case, not the answer to a retry */
};

/* Same submission id: the same envelope and lookup key get the same
 * answer again; anything else is a conflict. */
static enum pg_qs dedupe(struct pg *pg, struct create *cr, bool *found)
{
	struct db_envelope_ref ref;
	enum pg_qs qs = pg_select_envelope_by_tag(pg, cr->tag, &ref);

	*found = (qs == PG_OK);
	if (qs != PG_OK)
		return qs;
	if (ref.pos != 1 ||
	    0 != sodium_memcmp(ref.envelope_hash, cr->info->hash, ABRI_HASH_BYTES) ||
	    0 != sodium_memcmp(ref.lookup_hash, cr->lookup, ABRI_HASH_BYTES))
		cr->err = EC_SUBMISSION_CONFLICT;
	else
		cr->c = ref.c;
	/* A retry names the uploads the first attempt attached. */
	if (cr->err == EC_NONE && (qs = upload_set_same(pg, &cr->uploads, ref.c.case_ref,
	                                                &cr->err)) < 0)
		return qs;
	return PG_OK;
}

/* Checks that need the database; sets cr->err and returns PG_NONE on a
 * client error. */
static enum pg_qs checks(struct pg *pg, struct create *cr)
{
	struct db_case existing;
	enum pg_qs qs;

	qs = submission_gate(pg, cr->info, cr->pow, GATE_RECEIPT | GATE_POW, &cr->err);
	if (qs != PG_OK)
		return qs;
	qs = pg_select_case_by_lookup(pg, cr->lookup, false, &existing);
	if (qs == PG_OK)
		cr->err = EC_CASE_EXISTS;
	return (qs == PG_NONE) ? PG_OK : ((qs < 0) ? qs : PG_NONE);
}

static enum pg_qs create_txn(struct pg *pg, void *cls)
{
	struct create *cr = cls;
	enum pg_qs qs;
	bool found;
	int64_t pos;

	cr->err = EC_NONE;
	cr->stored = false;
	memset(&cr->c, 0, sizeof cr->c);
	qs = dedupe(pg, cr, &found);
	if (qs < 0 || found)
		return (qs < 0) ? qs : PG_NONE;
	qs = checks(pg, cr);
	/* Under READ COMMITTED a twin of this submission (the client's retry
	 * of a request still in flight) can commit after our dedupe: its
	 * spent challenge or its envelope then shows up in the checks. Look
	 * again before calling it a conflict. */
	if (qs == PG_NONE && (cr->err == EC_CHALLENGE_SPENT || cr->err == EC_ENVELOPE_EXISTS)) {
		enum ec err = cr->err;

		cr->err = EC_NONE;
		qs = dedupe(pg, cr, &found);
		if (qs < 0)
			return qs;
		if (!found)
			cr->err = err;
		return PG_NONE;
	}
	if (qs != PG_OK)
		return qs;
	for (int i = 0; i < CASE_REF_ATTEMPTS; i++) {
		abri_case_ref_new(cr->c.case_ref);
		qs = pg_insert_case(pg, cr->c.case_ref, cr->lookup, cr->c.week);
		if (qs != PG_NONE)
			break;
	}
	/* PG_NONE here: a concurrent insert of the same lookup key; retry
	 * the transaction, which then sees it. */
	if (qs <= 0)
		return (qs == PG_NONE) ? PG_SOFT : qs;
	qs = pg_insert_envelope(pg, cr->c.case_ref, cr->info->kind, cr->env, cr->env_len,
	                        cr->info->hash, cr->tag, &pos);
	if (qs <= 0)
		return (qs == PG_NONE) ? PG_SOFT : qs;
	qs = upload_set_attach(pg, &cr->uploads, cr->c.case_ref, &cr->err);
	if (qs != PG_OK)
		return qs;
	memcpy(cr->c.state, "new", 4);
	cr->stored = true;
	return PG_OK;
}

enum MHD_Result h_cases_create(struct request *rq)
{
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES], sid[ABRI_SUBMISSION_ID_BYTES];
	struct rj_bytes env;
	json_t *pow = NULL;
	struct rj_field spec[] = {
	    SPEC_REPORTER_SUBMIT(env, lookup_key, sid, pow),
	    RJ_END,
	};
	abri_envelope_info info;
	struct create cr = {0};
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0) {
		sodium_memzero(lookup_key, sizeof lookup_key);
		return reply_rj_error(rq, &res);
	}
	cr.err = envelope_check(env.p, env.len, KIND_BIT(ABRI_KIND_REPORT), STANZA_REQUIRED, &info);
	if (cr.err == EC_NONE)
		cr.err = upload_set_parse(rq->json, &cr.uploads);
	if (cr.err != EC_NONE) {
		rj_free(spec);
		sodium_memzero(lookup_key, sizeof lookup_key);
		return reply_error(rq, cr.err, NULL);
	}
	cr.env = env.p;
	cr.env_len = env.len;
	cr.info = &info;
	cr.pow = pow;
	lookup_hash(cr.lookup, lookup_key);
	sodium_memzero(lookup_key, sizeof lookup_key);
	submission_tag(cr.tag, sid);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE_RC, create_txn, &cr) : PG_SOFT;
	rj_free(spec);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (cr.err != EC_NONE)
		return reply_error(rq, cr.err, NULL);
	if (cr.stored)
		load_note_submission(); /* its proof of work verified and spent */
	return reply_json(rq, MHD_HTTP_CREATED,
	                  json_pack("{s:s,s:s,s:s,s:o}", "case_ref", cr.c.case_ref, "week",
	                            cr.c.week, "state", cr.c.state, "receipt",
	                            receipt_json(cr.c.case_ref, cr.c.week, info.hash)));
}
