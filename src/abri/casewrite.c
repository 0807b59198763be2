/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Writing in a case as a listener (abri reply, abri code): verify the case,
 * refuse a chain we cannot trust, continue our own chain, seal, send, and
 * remember what we wrote. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* POST the envelope; a transport failure is retried once with the same
 * submission id (abrid deduplicates). */
static int post(cli_session *s, const char *ref, const abri_buf *env, json_t **ans,
                cli_write_result *r)
{
	char target[64], *sid = abri_submission_id_new(),
	                 *e64 = abri_b64_encode(env->data, env->len);
	json_t *req =
	    (sid && e64) ? json_pack("{s:s, s:s}", "envelope", e64, "submission_id", sid) : NULL;
	int status = 0, rc = req ? ABRI_OK : ABRI_ERR_NOMEM;

	snprintf(target, sizeof target, "/v1/staff/cases/%s/messages", ref);
	for (int tries = 0; rc == ABRI_OK && tries < 2; tries++) {
		rc = abri_client_call(&s->client, "POST", target, req, 1, &status, ans);
		if (rc != ABRI_CLIENT_ERR_TIMEOUT && rc != ABRI_CLIENT_ERR_TRUNCATED)
			break;
		rc = ABRI_OK;
	}
	free(sid);
	free(e64);
	json_decref(req);
	if (rc == ABRI_OK && status == 201)
		return CLI_OK;
	if (rc == ABRI_OK && status == 409 && abri_client_error_code(*ans) &&
	    strcmp(abri_client_error_code(*ans), "recipients_changed") == 0) {
		r->refusal = CLI_WRITE_RECIPIENTS_CHANGED;
		return CLI_SERVER;
	}
	return cli_call_failed("sending", rc, &s->client);
}

static int seal(cli_session *s, const abri_case *cs, const cli_case_msg *o, abri_buf *env,
                abri_chain_pos *pos)
{
	abri_case_next(cs, s->key->ed_kid, pos);
	abri_compose cmp = {
	    .kind = o->kind ? o->kind : (o->note ? ABRI_KIND_NOTE : ABRI_KIND_REPLY),
	    .tenant = s->client.tenant,
	    .list = s->lists.current,
	    .thread = cs->thread,
	    .author_kid = s->key->ed_kid,
	    .author_sk = s->key->ed25519_sk,
	    .chain = *pos,
	    .reporter_x25519_pk = o->note ? NULL : cs->reporter_x25519_pk,
	    .body = o->body,
	    .body_len = strlen(o->body),
	    .max_padded = s->scfg.max_padded,
	    .inner_out = o->inner_out,
	};
	int rc = abri_compose_seal(env, &cmp);
	if (rc < 0) {
		cli_err("cannot seal the message: %s", abri_strerror(rc));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

/* Refuse to extend a chain we cannot trust. */
static int preflight(const abri_case *cs, const cli_case_msg *o, size_t local_alarms,
                     cli_write_result *r)
{
	if (local_alarms > 0)
		r->refusal = CLI_WRITE_DISAPPEARED;
	else if (!cs->have_thread)
		r->refusal = CLI_WRITE_NO_THREAD;
	else if (abri_case_alarming(cs) && !o->force)
		r->refusal = CLI_WRITE_ALARMING;
	return r->refusal == CLI_WRITE_SENT ? CLI_OK : CLI_ALARM;
}

int cli_case_write(cli_session *s, const cli_case_msg *o, cli_write_result *r)
{
	abri_case cs;
	abri_buf env;
	abri_chain_pos pos;
	json_t *doc = NULL, *ans = NULL;
	uint8_t h[ABRI_HASH_BYTES];
	int ex;

	memset(r, 0, sizeof *r);
	if ((ex = cli_case_fetch(s, o->ref, &cs, NULL)) != CLI_OK) {
		r->refusal = CLI_WRITE_FETCH;
		return ex;
	}
	abri_buf_init(&env);
	snprintf(r->state, sizeof r->state, "%s", cs.state);
	if ((ex = cli_case_state_load(s->cfg, o->ref, &doc)) == CLI_OK &&
	    (ex = preflight(&cs, o, cli_case_state_check(doc, &cs, s->key, NULL), r)) == CLI_OK &&
	    (ex = seal(s, &cs, o, &env, &pos)) == CLI_OK &&
	    (ex = post(s, o->ref, &env, &ans, r)) == CLI_OK) {
		abri_hash(h, env.data, env.len);
		r->sent = 1;
		r->pos = (long long)json_integer_value(json_object_get(ans, "pos"));
		r->counter = pos.counter;
		ex = cli_case_state_merge(doc, &cs);
		if (ex == CLI_OK)
			ex = cli_case_state_set_own(doc, s->key->ed_kid, pos.counter, h);
		if (ex == CLI_OK)
			ex = cli_case_state_save(s->cfg, o->ref, doc);
	}
	json_decref(ans);
	json_decref(doc);
	abri_buf_free(&env);
	abri_case_free(&cs);
	return ex;
}

int cli_case_send(cli_session *s, const cli_case_msg *o)
{
	cli_write_result r;
	int ex = cli_case_write(s, o, &r);

	if (r.sent)
		printf("Sent %s #%lld in case %s (your message %llu in this case).\n",
		       o->what ? o->what : (o->note ? "note" : "reply"), r.pos, o->ref,
		       (unsigned long long)r.counter);
	switch (r.refusal) {
	case CLI_WRITE_DISAPPEARED:
		cli_alarm("refusing to write in case %s: messages seen here have disappeared",
		          o->ref);
		break;
	case CLI_WRITE_NO_THREAD:
		cli_alarm("cannot read the first report of case %s with your key: cannot reply",
		          o->ref);
		break;
	case CLI_WRITE_ALARMING:
		cli_alarm("case %s does not verify (abri show %s): refusing to reply; --force to "
		          "reply anyway",
		          o->ref, o->ref);
		break;
	case CLI_WRITE_RECIPIENTS_CHANGED:
		cli_err("the recipient list changed meanwhile: run the command again to re-seal");
		break;
	default: break;
	}
	return ex;
}
