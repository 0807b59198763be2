/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The console's session: the one-time secret of the start URL, the
 * session cookie and CSRF token it becomes, the key opened with the
 * passphrase typed in the page, and the lock (docs/console-api.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "console/console.h"

#ifndef ABRI_TAXONOMY_DEFAULT
#define ABRI_TAXONOMY_DEFAULT "/etc/abri/taxonomy.json"
#endif
#ifndef ABRI_CONSOLE_TEMPLATES_DEFAULT
#define ABRI_CONSOLE_TEMPLATES_DEFAULT "/etc/abri/console-templates.json"
#endif

#define PASSPHRASE_SLOW_AFTER 5u

int64_t console_mono(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec;
}

int console_token_new(char out[CONSOLE_TOKEN_CHARS + 1])
{
	uint8_t raw[CONSOLE_TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, CONSOLE_TOKEN_CHARS + 1, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return strlen(out) == CONSOLE_TOKEN_CHARS ? 0 : -1;
}

int console_token_eq(const char *given, const char *token)
{
	/* The length is public (43); the bytes are compared in constant time. */
	if (given == NULL || token[0] == '\0' || strlen(given) != CONSOLE_TOKEN_CHARS)
		return 0;
	return sodium_memcmp(given, token, CONSOLE_TOKEN_CHARS) == 0;
}

int console_cookie_get(const char *header, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);

	for (const char *p = header; p != NULL && *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, ";");
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = len - nl - 1;
			while (vl > 0 && (p[nl + 1 + vl - 1] == ' ' || p[nl + 1 + vl - 1] == '\t'))
				vl--;
			if (vl >= n)
				return 0;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			return 1;
		}
		p += len;
		if (*p == ';')
			p++;
	}
	return 0;
}

console *console_new(cli_config *cfg, unsigned idle_lock, const char *lang)
{
	console *c = sodium_malloc(sizeof *c);

	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	c->idle_lock = idle_lock;
	snprintf(c->lang, sizeof c->lang, "%s", lang ? lang : "fr");
	/* Tests shorten the link's life (test builds only: ABRI_TEST_*). */
	const char *life = abri_test_getenv("ABRI_TEST_CONSOLE_SECRET_LIFE");
	c->secret_until = console_mono() + (life != NULL ? atoi(life) : CONSOLE_SECRET_LIFE);
	c->inbox = console_inbox_new();
	if (c->inbox == NULL || console_token_new(c->secret) < 0) {
		console_free(c);
		return NULL;
	}
	return c;
}

void console_redirect_gone(console *c)
{
	if (c->redirect_file[0] != '\0') {
		if (unlink(c->redirect_file) != 0 && errno != ENOENT)
			cli_err("cannot delete %s", c->redirect_file);
		c->redirect_file[0] = '\0';
	}
}

void console_lock(console *c)
{
	if (c->s != NULL) {
		cli_session_close(c->s); /* wipes and frees the key */
		free(c->s);
		c->s = NULL;
		fputs("abri console: locked\n", stderr);
	}
	free(c->chg);
	c->chg = NULL;
	console_inbox_drop(c->inbox);
}

void console_free(console *c)
{
	if (c == NULL)
		return;
	console_lock(c);
	console_redirect_gone(c);
	console_inbox_free(c->inbox);
	sodium_free(c); /* wipes the secret, cookie and CSRF token */
}

void console_idle_check(console *c)
{
	if (c->s != NULL && console_mono() - c->last_api >= (int64_t)c->idle_lock)
		console_lock(c);
}

/* ---- login ---- */

void h_login(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	const char *given = json_string_value(json_object_get(body, "secret"));

	if (c->secret_used || c->login_failures >= CONSOLE_LOGIN_TRIES ||
	    console_mono() > c->secret_until || !console_token_eq(given, c->secret)) {
		if (!c->secret_used)
			c->login_failures++;
		console_error(r, 403, "bad_secret", "this link was used, has expired or is wrong");
		return;
	}
	if (console_token_new(c->cookie) < 0 || console_token_new(c->csrf) < 0) {
		console_error(r, 500, "internal", "cannot make a session");
		return;
	}
	c->secret_used = 1;
	sodium_memzero(c->secret, sizeof c->secret);
	c->logged_in = 1;
	console_redirect_gone(c);
	snprintf(r->set_cookie, sizeof r->set_cookie,
	         "abri_console=%s; Path=/; HttpOnly; SameSite=Strict", c->cookie);
	console_json(r, 200, json_pack("{s:b}", "ok", 1));
	fputs("abri console: logged in\n", stderr);
}

/* ---- session, unlock, lock ---- */

static json_t *listener_json(const console *c)
{
	char fp[40];
	const abri_member *me;

	if (c->s == NULL)
		return json_null();
	abri_fingerprint(fp, c->s->key->ed_kid);
	me = abri_recipients_by_ed_kid(c->s->lists.current, c->s->key->ed_kid);
	return json_pack("{s:s, s:s}", "name", me ? me->name : "", "fingerprint", fp);
}

static json_t *session_json(const console *c)
{
	return json_pack("{s:s, s:b, s:s, s:I, s:o, s:s?, s:s?}", "csrf", c->csrf, "locked",
	                 c->s == NULL, "lang", c->lang, "idle_lock", (json_int_t)c->idle_lock,
	                 "listener", listener_json(c), "deployment", c->cfg->deployment_id,
	                 "server", c->cfg->server);
}

void h_session(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	console_json(r, 200, session_json(c));
}

void console_call_failed(console *c, int ex, console_resp *r)
{
	const abri_client *cl = c->s ? &c->s->client : NULL;

	if (ex == CLI_ALARM) {
		console_error(r, 409, "case_alarm", "verification failed (see the terminal)");
	} else if (cl != NULL && cl->last_status != 0) {
		json_t *more =
		    cl->last_error[0] ? json_pack("{s:s}", "upstream", cl->last_error) : NULL;
		console_error_with(r, 502, "server_error", "abrid refused or failed", more);
	} else if (ex == CLI_SERVER) {
		console_error(r, 504, "server_unreachable", "abrid cannot be reached");
	} else {
		console_error(r, 500, "local_error", "a local error (see the terminal)");
	}
}

/* The key and a verified session with abrid. */
static int open_session(console *c, abri_keypair *k, console_resp *r)
{
	cli_session *s = calloc(1, sizeof *s);
	abri_list_change *chg = calloc(1, sizeof *chg);
	int ex;

	if (s == NULL || chg == NULL) {
		free(s);
		free(chg);
		abri_keypair_free(k);
		console_error(r, 500, "internal", "out of memory");
		return -1;
	}
	ex = cli_session_open_key(s, c->cfg, 0, k, chg);
	if (ex != CLI_OK) {
		if (ex == CLI_SERVER && s->client.last_status != 0)
			console_error(r, 502, "server_error", "abrid refused or failed");
		else if (ex == CLI_SERVER)
			console_error(r, 504, "server_unreachable", "abrid cannot be reached");
		else if (ex == CLI_ALARM)
			console_error(r, 409, "list_alarm",
			              "the recipient list does not verify (see the terminal)");
		else
			console_error(r, 500, "local_error", "a local error (see the terminal)");
		cli_session_close(s);
		free(s);
		free(chg);
		return -1;
	}
	c->s = s;
	c->chg = chg;
	c->last_api = console_mono();
	return 0;
}

void h_unlock(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	const char *pass = json_string_value(json_object_get(body, "passphrase"));
	abri_keypair *k;
	int rc;

	if (c->s != NULL) {
		console_json(r, 200, session_json(c));
		return;
	}
	if (pass == NULL) {
		console_error(r, 400, "bad_json", "passphrase missing");
		return;
	}
	if (c->offline || c->cfg->key == NULL) {
		console_error(r, 500, "local_error", "no key file configured");
		return;
	}
	if (c->wrong_passphrases >= PASSPHRASE_SLOW_AFTER)
		sleep(1);
	k = abri_keypair_new();
	rc = k ? abri_keyfile_read(c->cfg->key, k, pass) : ABRI_ERR_NOMEM;
	if (rc == ABRI_ERR_PASSPHRASE) {
		abri_keypair_free(k);
		c->wrong_passphrases++;
		console_error(r, 403, "wrong_passphrase", "wrong passphrase");
		return;
	}
	if (rc < 0) {
		abri_keypair_free(k);
		cli_err("cannot open the key file %s: %s", c->cfg->key, abri_strerror(rc));
		console_error(r, 500, "local_error", "cannot open the key file (see the terminal)");
		return;
	}
	c->wrong_passphrases = 0;
	if (open_session(c, k, r) == 0) {
		fputs("abri console: unlocked\n", stderr);
		console_json(r, 200, session_json(c));
	}
}

void h_lock(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	console_lock(c);
	console_json(r, 200, json_pack("{s:b}", "locked", 1));
}

int console_session_refresh(console *c)
{
	abri_list_change chg;
	int rc;

	abri_server_config_free(&c->s->scfg);
	memset(&c->s->scfg, 0, sizeof c->s->scfg);
	rc = abri_client_get_config(&c->s->client, &c->s->scfg);
	if (rc == ABRI_OK)
		rc = abri_lists_accept_current(&c->s->lists, c->s->scfg.recipients, abri_now(),
		                               &chg);
	if (rc < 0)
		return cli_exit_for(rc);
	if (chg.changed) {
		abri_list_change_print(stderr, &chg);
		*c->chg = chg;
	}
	return CLI_OK;
}

/* ---- language, reference ---- */

static int lang_ok(const char *l)
{
	return l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 || strcmp(l, "en") == 0);
}

void h_lang(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	const char *l = json_string_value(json_object_get(body, "lang"));
	char path[4096];

	if (!lang_ok(l)) {
		console_error(r, 400, "bad_lang", "lang is fr, nl or en");
		return;
	}
	snprintf(c->lang, sizeof c->lang, "%s", l);
	if (!c->offline && c->cfg->state_dir != NULL &&
	    snprintf(path, sizeof path, "%s/console.json", c->cfg->state_dir) < (int)sizeof path) {
		json_t *doc = json_pack("{s:s}", "lang", c->lang);
		if (doc == NULL || abri_mkdir_p(c->cfg->state_dir, 0700) < 0 ||
		    cli_json_save(path, doc) != CLI_OK)
			cli_err("cannot remember the language in %s", path);
		json_decref(doc);
	}
	console_json(r, 200, json_pack("{s:s}", "lang", c->lang));
}

/* The language remembered by /api/lang, if any. */
void console_lang_load(console *c)
{
	char path[4096];
	json_t *doc;

	if (c->cfg->state_dir == NULL ||
	    snprintf(path, sizeof path, "%s/console.json", c->cfg->state_dir) >= (int)sizeof path)
		return;
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	if (lang_ok(json_string_value(json_object_get(doc, "lang"))))
		snprintf(c->lang, sizeof c->lang, "%s",
		         json_string_value(json_object_get(doc, "lang")));
	json_decref(doc);
}

void h_reference(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	abri_taxonomy t;
	json_t *tpl = NULL, *tax;
	int rc;

	if (c->offline) {
		console_error(r, 500, "local_error", "offline");
		return;
	}
	if ((rc = abri_taxonomy_load(&t, ABRI_TAXONOMY_DEFAULT)) < 0) {
		cli_err("cannot load the taxonomy %s: %s", ABRI_TAXONOMY_DEFAULT,
		        abri_strerror(rc));
		console_error(r, 500, "local_error", "cannot load the taxonomy");
		return;
	}
	tax = json_deep_copy(t.doc);
	abri_taxonomy_free(&t);
	tpl = json_load_file(ABRI_CONSOLE_TEMPLATES_DEFAULT, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(tpl)) {
		json_decref(tpl);
		tpl = json_object();
	}
	/* abrid's retention period (GET /v1/config), known once unlocked. */
	unsigned days = c->s != NULL ? c->s->scfg.retention_days : 0;
	console_json(r, 200,
	             json_pack("{s:o?, s:o?, s:o}", "taxonomy", tax, "templates", tpl,
	                       "retention_days", days ? json_integer(days) : json_null()));
}
