/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/staff/cases/{ref}/messages: a listener's reply, note or
 * acknowledgement. Replies and acks are sealed to the reporter too; notes
 * are for listeners only. One READ COMMITTED transaction that locks the
 * case first, as a reporter's message does. */
#include <sodium.h>
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "submit.h"
#include "reqspec.h"

struct staff_message {
	/* in */
	const char *ref;
	const uint8_t *env;
	size_t env_len;
	const abri_envelope_info *info;
	uint8_t tag[ABRI_HASH_BYTES];
	/* out */
	enum ec err;
	int64_t pos;
};

static enum pg_qs dedupe(struct pg *pg, struct staff_message *m, bool *found)
{
	struct db_envelope_ref ref;
	enum pg_qs qs = pg_select_envelope_by_tag(pg, m->tag, &ref);

	*found = (qs == PG_OK);
	if (qs != PG_OK)
		return qs;
	if (0 != sodium_memcmp(ref.envelope_hash, m->info->hash, ABRI_HASH_BYTES) ||
	    0 != strcmp(ref.case_ref, m->ref))
		m->err = EC_SUBMISSION_CONFLICT;
	else
		m->pos = ref.pos;
	return PG_OK;
}

/* The case, locked until commit: appends to one case go one at a time,
 * and a twin of this request still in flight is seen by the dedupe that
 * follows. *case_err: why it takes no message. */
static enum pg_qs lock_case(struct pg *pg, struct staff_message *m, enum ec *case_err)
{
	struct db_case c;
	enum pg_qs qs = pg_select_case_by_ref(pg, m->ref, true, &c);

	*case_err = EC_NONE;
	if (qs == PG_NONE)
		*case_err = EC_CASE_NOT_FOUND;
	else if (qs == PG_OK && 0 == strcmp(c.state, "erased"))
		*case_err = EC_CASE_ERASED;
	return (qs < 0) ? qs : PG_OK;
}

static enum pg_qs staff_message_txn(struct pg *pg, void *cls)
{
	struct staff_message *m = cls;
	enum ec case_err;
	enum pg_qs qs;
	bool found;

	m->err = EC_NONE;
	if ((qs = lock_case(pg, m, &case_err)) < 0)
		return qs;
	qs = dedupe(pg, m, &found);
	if (qs < 0 || found)
		return (qs < 0) ? qs : PG_NONE;
	if ((m->err = case_err) != EC_NONE)
		return PG_NONE;
	qs = submission_gate(pg, m->info, NULL, 0, &m->err);
	if (qs != PG_OK)
		return qs;
	qs = pg_insert_envelope(pg, m->ref, m->info->kind, m->env, m->env_len, m->info->hash,
	                        m->tag, &m->pos);
	return (qs == PG_NONE) ? PG_SOFT : qs;
}

static enum ec check_kind(const uint8_t *env, size_t len, abri_envelope_info *info)
{
	enum ec err = envelope_check(env, len,
	                             KIND_BIT(ABRI_KIND_REPLY) | KIND_BIT(ABRI_KIND_NOTE) |
	                                 KIND_BIT(ABRI_KIND_ACK),
	                             STANZA_ANY, info);

	if (err != EC_NONE)
		return err;
	if ((info->kind == ABRI_KIND_NOTE) == (info->has_reporter_stanza != 0))
		return EC_BAD_ENVELOPE;
	return EC_NONE;
}

enum MHD_Result h_staff_case_message(struct request *rq)
{
	uint8_t sid[ABRI_SUBMISSION_ID_BYTES];
	struct rj_bytes env;
	struct rj_field spec[] = {
	    SPEC_STAFF_MESSAGE(env, sid),
	    RJ_END,
	};
	struct staff_message m = {.ref = rq->arg};
	abri_envelope_info info;
	struct rj_result res;
	struct pg *pg;
	enum pg_qs qs;

	if (!abri_case_ref_valid(rq->arg))
		return reply_error(rq, EC_CASE_NOT_FOUND, NULL);
	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	m.err = check_kind(env.p, env.len, &info);
	if (m.err != EC_NONE) {
		rj_free(spec);
		return reply_error(rq, m.err, NULL);
	}
	m.env = env.p;
	m.env_len = env.len;
	m.info = &info;
	submission_tag(m.tag, sid);
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE_RC, staff_message_txn, &m) : PG_SOFT;
	rj_free(spec);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (m.err != EC_NONE)
		return reply_error(rq, m.err, NULL);
	return reply_json(rq, MHD_HTTP_CREATED,
	                  json_pack("{s:s,s:I}", "case_ref", rq->arg, "pos", (json_int_t)m.pos));
}
