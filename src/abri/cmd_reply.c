/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri reply: answer the reporter (kind reply: sealed to the reporter and
 * every listener of the current list) or write an internal note (kind
 * note: listeners only). The message continues this listener's own chain
 * in the case, after the case verified. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri reply REF (--file FILE | -m TEXT) [--note] [--lang CODE] [--force]\n"
    "Seals a reply to the reporter and every listener (--note: listeners only).\n"
    "--file - reads standard input. Refuses a case with security alarms unless\n"
    "--force; never sends when your own earlier messages have disappeared.\n";

enum { O_FILE = OPT_CMD, O_NOTE, O_LANG, O_FORCE };

#define TEXT_MAX (256u * 1024u)

typedef struct reply_opts {
	const char *ref;
	const char *file;
	const char *text;
	const char *lang;
	int note;
	int force;
	int done; /* --help was answered */
} reply_opts;

static char *read_text(const reply_opts *o)
{
	uint8_t *d;
	size_t len;
	if (o->text != NULL)
		return strdup(o->text);
	int rc =
	    abri_file_read(strcmp(o->file, "-") == 0 ? "/dev/stdin" : o->file, TEXT_MAX, &d, &len);
	if (rc < 0) {
		cli_err("cannot read %s: %s", o->file, abri_strerror(rc));
		return NULL;
	}
	return (char *)d;
}

/* POST the envelope; a transport failure is retried once with the same
 * submission id (abrid deduplicates). */
static int post(cli_session *s, const char *ref, const abri_buf *env, json_t **ans)
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
		cli_err("the recipient list changed meanwhile: run the command again to re-seal");
		return CLI_SERVER;
	}
	return cli_call_failed("sending", rc, &s->client);
}

static int seal(cli_session *s, const abri_case *cs, const reply_opts *o, const char *body,
                abri_buf *env, abri_chain_pos *pos)
{
	abri_case_next(cs, s->key->ed_kid, pos);
	abri_compose cmp = {
	    .kind = o->note ? ABRI_KIND_NOTE : ABRI_KIND_REPLY,
	    .tenant = s->client.tenant,
	    .list = s->lists.current,
	    .thread = cs->thread,
	    .author_kid = s->key->ed_kid,
	    .author_sk = s->key->ed25519_sk,
	    .chain = *pos,
	    .reporter_x25519_pk = o->note ? NULL : cs->reporter_x25519_pk,
	    .body = body,
	    .body_len = strlen(body),
	    .max_padded = s->scfg.max_padded,
	};
	int rc = abri_compose_seal(env, &cmp);
	if (rc < 0) {
		cli_err("cannot seal the message: %s", abri_strerror(rc));
		return CLI_LOCAL;
	}
	return CLI_OK;
}

/* Refuse to extend a chain we cannot trust. */
static int preflight(const abri_case *cs, const reply_opts *o, size_t local_alarms)
{
	if (local_alarms > 0) {
		cli_alarm("refusing to write in case %s: messages seen here have disappeared",
		          o->ref);
		return CLI_ALARM;
	}
	if (!cs->have_thread) {
		cli_alarm("cannot read the first report of case %s with your key: cannot reply",
		          o->ref);
		return CLI_ALARM;
	}
	if (abri_case_alarming(cs) && !o->force) {
		cli_alarm("case %s does not verify (abri show %s): refusing to reply; --force to "
		          "reply anyway",
		          o->ref, o->ref);
		return CLI_ALARM;
	}
	return CLI_OK;
}

static int reply(cli_session *s, const reply_opts *o, const char *body)
{
	abri_case cs;
	abri_buf env;
	abri_chain_pos pos;
	json_t *doc = NULL, *ans = NULL;
	uint8_t h[ABRI_HASH_BYTES];
	int ex = cli_case_fetch(s, o->ref, &cs, NULL);

	if (ex != CLI_OK)
		return ex;
	abri_buf_init(&env);
	if ((ex = cli_case_state_load(s->cfg, o->ref, &doc)) == CLI_OK &&
	    (ex = preflight(&cs, o, cli_case_state_check(doc, &cs, s->key))) == CLI_OK &&
	    (ex = seal(s, &cs, o, body, &env, &pos)) == CLI_OK &&
	    (ex = post(s, o->ref, &env, &ans)) == CLI_OK) {
		abri_hash(h, env.data, env.len);
		printf("Sent %s #%lld in case %s (your message %llu in this case).\n",
		       o->note ? "note" : "reply",
		       (long long)json_integer_value(json_object_get(ans, "pos")), o->ref,
		       (unsigned long long)pos.counter);
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

static int parse(int argc, char **argv, cli_config *cfg, reply_opts *o)
{
	static const struct option opts[] = {
	    {"file", required_argument, NULL, O_FILE},
	    {"message", required_argument, NULL, 'm'},
	    {"note", no_argument, NULL, O_NOTE},
	    {"lang", required_argument, NULL, O_LANG},
	    {"force", no_argument, NULL, O_FORCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex;
	while ((c = cli_next_opt(argc, argv, "hm:", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: o->done = 1; return ex;
		case O_FILE: o->file = optarg; break;
		case 'm': o->text = optarg; break;
		case O_NOTE: o->note = 1; break;
		case O_LANG: o->lang = optarg; break;
		case O_FORCE: o->force = 1; break;
		}
	}
	if (optind + 1 != argc || (o->file == NULL) == (o->text == NULL)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->ref = argv[optind];
	return cli_ref_ok(o->ref) ? CLI_OK : CLI_USAGE;
}

int cmd_reply(int argc, char **argv, cli_config *cfg)
{
	reply_opts o = {0};
	cli_session s;
	int ex;

	if ((ex = parse(argc, argv, cfg, &o)) != CLI_OK || o.done ||
	    (ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	char *text = read_text(&o);
	if (text == NULL)
		return CLI_LOCAL;
	char *body = text[0] != '\0' ? abri_body_json(text, o.lang) : NULL;
	free(text);
	if (body == NULL) {
		cli_err("the text is empty or not valid UTF-8");
		return CLI_USAGE;
	}
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK)
		ex = reply(&s, &o, body);
	cli_session_close(&s);
	free(body);
	return ex;
}
