/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/cases/messages: a reporter's follow-up, found by lookup key.
 * Same checks as a new case, in one READ COMMITTED transaction that locks
 * the case first (messages to one case go one at a time). */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "load.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "upload.h"
#include "reqspec.h"

struct message {
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
	int64_t pos;
	bool stored; /* a new message, not the answer to a retry */
};

static enum pg_qs dedupe(struct pg *pg, struct message *m, bool *found)
{
	struct db_envelope_ref ref;
	enum pg_qs qs = pg_select_envelope_by_tag(pg, m->tag, &ref);

	*found = (qs == PG_OK);
	if (qs != PG_OK)
		return qs;
	if (0 != sodium_memcmp(ref.envelope_hash, m->info->hash, ABRI_HASH_BYTES) ||
	    0 != sodium_memcmp(ref.lookup_hash, m->lookup, ABRI_HASH_BYTES)) {
		m->err = EC_SUBMISSION_CONFLICT;
	} else {
		m->c = ref.c;
		m->pos = ref.pos;
		/* A retry names the uploads the first attempt attached. */
		if ((qs = upload_set_same(pg, &m->uploads, ref.c.case_ref, &m->err)) < 0)
			return qs;
	}
	return PG_OK;
}

/* The case, locked until commit: a twin of this submission (the client's
 * retry of a request still in flight) holds the lock until it commits, so
 * the dedupe that follows sees it. *case_err: why it takes no message. */
static enum pg_qs lock_case(struct pg *pg, struct message *m, enum ec *case_err)
{
	enum pg_qs qs = pg_select_case_by_lookup(pg, m->lookup, true, &m->c);

	*case_err = EC_NONE;
	if (qs == PG_NONE)
		*case_err = EC_CASE_NOT_FOUND;
	else if (qs == PG_OK && 0 == strcmp(m->c.state, "erased"))
		*case_err = EC_CASE_ERASED;
	return (qs < 0) ? qs : PG_OK;
}

static enum pg_qs message_txn(struct pg *pg, void *cls)
{
	struct message *m = cls;
	enum ec case_err;
	enum pg_qs qs;
	bool found;

	m->err = EC_NONE;
	m->stored = false;
	memset(&m->c, 0, sizeof m->c);
	if ((qs = lock_case(pg, m, &case_err)) < 0)
		return qs;
	/* A retry is answered as the first time, even if the case was erased
	 * since. */
	qs = dedupe(pg, m, &found);
	if (qs < 0 || found)
		return (qs < 0) ? qs : PG_NONE;
	if ((m->err = case_err) != EC_NONE)
		return PG_NONE;
	qs = submission_gate(pg, m->info, m->pow, GATE_RECEIPT | GATE_POW, &m->err);
	if (qs != PG_OK)
		return qs;
	qs = pg_insert_envelope(pg, m->c.case_ref, m->info->kind, m->env, m->env_len, m->info->hash,
	                        m->tag, &m->pos);
	/* PG_NONE: a listener's append took the position; retry. */
	if (qs != PG_OK)
		return (qs == PG_NONE) ? PG_SOFT : qs;
	qs = upload_set_attach(pg, &m->uploads, m->c.case_ref, &m->err);
	m->stored = (qs == PG_OK);
	return qs;
}

enum MHD_Result h_cases_message(struct request *rq)
{
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES], sid[ABRI_SUBMISSION_ID_BYTES];
	struct rj_bytes env;
	json_t *pow = NULL;
	struct rj_field spec[] = {
	    SPEC_REPORTER_SUBMIT(env, lookup_key, sid, pow),
	    RJ_END,
	};
	abri_envelope_info info;
	struct message m = {0};
	struct rj_result res;
	char week[9];
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0) {
		sodium_memzero(lookup_key, sizeof lookup_key);
		return reply_rj_error(rq, &res);
	}
	lookup_hash(m.lookup, lookup_key);
	sodium_memzero(lookup_key, sizeof lookup_key);
	m.err = envelope_check(env.p, env.len, KIND_BIT(ABRI_KIND_MESSAGE), STANZA_REQUIRED, &info);
	if (m.err == EC_NONE)
		m.err = upload_set_parse(rq->json, &m.uploads);
	if (m.err != EC_NONE) {
		rj_free(spec);
		return reply_error(rq, m.err, NULL);
	}
	m.env = env.p;
	m.env_len = env.len;
	m.info = &info;
	m.pow = pow;
	submission_tag(m.tag, sid);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE_RC, message_txn, &m) : PG_SOFT;
	rj_free(spec);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (m.err != EC_NONE)
		return reply_error(rq, m.err, NULL);
	if (m.stored)
		load_note_submission(); /* its proof of work verified and spent */
	/* The receipt states the week the message is acknowledged in. */
	abri_iso_week(week, abri_now());
	return reply_json(rq, MHD_HTTP_CREATED,
	                  json_pack("{s:s,s:I,s:o}", "case_ref", m.c.case_ref, "pos",
	                            (json_int_t)m.pos, "receipt",
	                            receipt_json(m.c.case_ref, week, info.hash)));
}
