/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* reporter — a TEST client playing the reporter in C (the product is the
 * web app). Built on libabriclient so the end-to-end tests exercise the
 * same sealing and verification code as the CLI.
 *
 *   reporter submit  --server S --deployment ID --org-pub FILE --text T
 *                    [--token-out FILE] [--lang L] [--state-dir D]
 *                    [--receipt-out FILE]  (the proof of receipt, for
 *                                           abri verify-receipt)
 *       prints {"case_ref", "week", "token"}
 *   reporter open    --server S --deployment ID --org-pub FILE
 *                    --token-file FILE [--state-dir D]
 *       prints one JSON object per message; exit 2 on any alarm
 *   reporter message --server S --deployment ID --org-pub FILE
 *                    --token-file FILE --text T [--lang L] [--state-dir D]
 *       prints {"case_ref", "pos"}
 *   reporter seal    --server S --deployment ID --org-pub FILE --text T
 *                    [--token-file FILE]
 *       prints a valid, unsent POST /v1/cases body (for bad-input tests)
 *   reporter keys    --deployment ID --token-file FILE
 *       prints {"lookup_key", "x25519", "ed25519", "thread"} (base64)
 *   reporter token
 *       prints a fresh token, grouped as a person would see it
 *
 * Exit codes as the CLI: 0 ok, 1 usage, 2 verification failure, 3 server
 * or network, 4 local. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abri/client.h"

enum { EX_OK = 0, EX_USAGE = 1, EX_ALARM = 2, EX_SERVER = 3, EX_LOCAL = 4 };

typedef struct opts {
	const char *cmd;
	const char *server;
	const char *deployment;
	const char *org_pub;
	const char *text;
	const char *lang;
	const char *token_out;
	const char *receipt_out;
	const char *token_file;
	const char *state_dir;
} opts;

typedef struct ctx {
	abri_client client;
	abri_lists lists;
	abri_server_config cfg;
	uint8_t org_pk[ABRI_ED25519_PK];
} ctx;

static int ex_for(int rc)
{
	switch (rc) {
	case ABRI_OK: return EX_OK;
	case ABRI_ERR_CRYPTO:
	case ABRI_CLIENT_ERR_ROLLBACK:
	case ABRI_CLIENT_ERR_TENANT:
	case ABRI_ERR_EXPIRED: return EX_ALARM;
	case ABRI_ERR_INVALID:
	case ABRI_ERR_NOMEM:
	case ABRI_ERR_IO: return EX_LOCAL;
	default: return EX_SERVER;
	}
}

static int fail(const char *what, int rc, const abri_client *c)
{
	fprintf(stderr, "reporter: %s: %s", what, abri_client_strerror(rc));
	if (c != NULL && c->last_error[0] != '\0')
		fprintf(stderr, " (HTTP %d %s)", c->last_status, c->last_error);
	fputc('\n', stderr);
	return ex_for(rc);
}

/* Config + verified current list (change printed on stderr). */
static int refresh(ctx *x)
{
	abri_list_change *chg = calloc(1, sizeof *chg);
	int rc;
	if (chg == NULL)
		return ABRI_ERR_NOMEM;
	abri_server_config_free(&x->cfg);
	rc = abri_client_get_config(&x->client, &x->cfg);
	if (rc == ABRI_OK)
		rc = abri_lists_accept_current(&x->lists, x->cfg.recipients, (int64_t)time(NULL),
		                               chg);
	if (rc == ABRI_OK && chg->changed && x->lists.state_dir != NULL)
		abri_list_change_print(stderr, chg);
	free(chg);
	return rc;
}

static int setup(ctx *x, const opts *o)
{
	int rc;
	memset(x, 0, sizeof *x);
	if (abri_client_init(&x->client, o->server, NULL, o->deployment) < 0) {
		fprintf(stderr, "reporter: bad --server or --deployment\n");
		return EX_USAGE;
	}
	if (abri_org_pk_load(x->org_pk, o->org_pub) < 0) {
		fprintf(stderr, "reporter: cannot load --org-pub\n");
		return EX_LOCAL;
	}
	if (o->state_dir != NULL && abri_mkdir_p(o->state_dir, 0700) < 0) {
		fprintf(stderr, "reporter: cannot create --state-dir\n");
		return EX_LOCAL;
	}
	abri_lists_init(&x->lists, &x->client, o->state_dir, x->org_pk);
	if ((rc = refresh(x)) < 0)
		return fail("recipient list", rc, &x->client);
	return EX_OK;
}

static void teardown(ctx *x)
{
	abri_lists_free(&x->lists);
	abri_server_config_free(&x->cfg);
}

/* Token from a file (as a person would type it: normalised). */
static abri_reporter_keys *keys_from_file(const char *path, const char *tenant)
{
	char token[ABRI_TOKEN_DIGITS + 1];
	uint8_t *d;
	size_t len;
	abri_reporter_keys *k = NULL;

	if (abri_file_read(path, 4096, &d, &len) < 0) {
		fprintf(stderr, "reporter: cannot read --token-file\n");
		return NULL;
	}
	if (abri_token_normalise((const char *)d, len, token) != ABRI_TOKEN_VALID)
		fprintf(stderr, "reporter: not a valid code in --token-file\n");
	else if ((k = abri_reporter_keys_new()) != NULL &&
	         abri_reporter_keys_from_token(k, token, tenant) < 0) {
		abri_reporter_keys_free(k);
		k = NULL;
	}
	abri_secure_free(d, len + 1);
	return k;
}

/* "4821 0937 5520 1186 3074 9916": what a person writes down. */
static void grouped(char out[30], const char token[ABRI_TOKEN_DIGITS + 1])
{
	size_t n = 0;
	for (size_t i = 0; i < ABRI_TOKEN_DIGITS; i++) {
		if (i > 0 && i % 4 == 0)
			out[n++] = ' ';
		out[n++] = token[i];
	}
	out[n] = '\0';
}

/* The proof of receipt as abrid sent it (its 201 answer less "pos" and
 * "state"): the fields blob is rebuilt from what the client verified, so
 * it is byte for byte the one abrid signed. */
static int write_receipt(const char *path, const abri_submit_result *res)
{
	abri_buf f;
	char *f64 = NULL, *s64 = NULL, *k64 = NULL, *h64 = NULL, *text = NULL;
	json_t *o = NULL;
	int rc = ABRI_ERR_NOMEM;

	abri_buf_init(&f);
	if (abri_fields_add_str(&f, res->case_ref) < 0 || abri_fields_add_str(&f, res->week) < 0 ||
	    abri_fields_add(&f, res->envelope_hash, ABRI_HASH_BYTES) < 0)
		goto out;
	f64 = abri_b64_encode(f.data, f.len);
	s64 = abri_b64_encode(res->receipt_sig, ABRI_SIG_BYTES);
	k64 = abri_b64_encode(res->receipt_key_id, ABRI_KEY_ID_BYTES);
	h64 = abri_b64_encode(res->envelope_hash, ABRI_HASH_BYTES);
	if (f64 && s64 && k64 && h64)
		o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "case_ref", res->case_ref,
		              "week", res->week, "envelope_hash", h64, "receipt", "fields", f64,
		              "sig", s64, "key_id", k64);
	if (o != NULL && (text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) != NULL)
		rc = abri_file_write_atomic(path, text, strlen(text), 0644);
out:
	abri_buf_free(&f);
	free(f64);
	free(s64);
	free(k64);
	free(h64);
	free(text);
	json_decref(o);
	return rc;
}

static int submit(ctx *x, const opts *o)
{
	char token[ABRI_TOKEN_DIGITS + 1];
	abri_submit_result res;
	abri_reporter_keys *k = abri_reporter_keys_new();
	char *body = abri_body_json(o->text, o->lang);
	int rc = (k && body) ? ABRI_OK : ABRI_ERR_NOMEM;

	abri_token_generate(token);
	if (rc == ABRI_OK)
		rc = abri_reporter_keys_from_token(k, token, o->deployment);
	for (int i = 0; rc == ABRI_OK && i < 3; i++) {
		rc = abri_reporter_submit(&x->client, &x->lists, &x->cfg, k, body, &res);
		if (rc != ABRI_CLIENT_ERR_RETRY)
			break;
		rc = refresh(x); /* the list changed: re-seal to the new one */
		if (rc == ABRI_OK)
			rc = ABRI_CLIENT_ERR_RETRY;
	}
	if (rc == ABRI_OK && o->token_out != NULL) {
		char line[32];
		grouped(line, token);
		strcat(line, "\n");
		rc = abri_file_write_atomic(o->token_out, line, strlen(line), 0600);
	}
	if (rc == ABRI_OK && o->receipt_out != NULL)
		rc = write_receipt(o->receipt_out, &res);
	if (rc == ABRI_OK) {
		json_t *out = json_pack("{s:s, s:s, s:s}", "case_ref", res.case_ref, "week",
		                        res.week, "token", token);
		json_dumpf(out, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(out);
	}
	free(body);
	abri_reporter_keys_free(k);
	return rc == ABRI_OK ? EX_OK : fail("submit", rc, &x->client);
}

static json_t *msg_json(const abri_case_msg *m)
{
	char fp[40], why[1024];
	const char *kind = m->info.kind ? abri_kind_name(m->info.kind) : NULL;
	json_t *o = json_pack("{s:I, s:s?, s:b, s:b, s:b}", "pos", (json_int_t)m->pos, "kind", kind,
	                      "readable", m->opened, "verified", m->verified, "alarm",
	                      m->problems != 0 || m->chain != 0);
	if (o == NULL)
		return NULL;
	if (m->problems || m->chain) {
		abri_case_msg_explain(m, why, sizeof why);
		json_object_set_new(o, "problems", json_string(why));
		json_object_set_new(o, "problem_bits", json_integer(m->problems));
		json_object_set_new(o, "chain_bits", json_integer(m->chain));
	}
	if (m->verified && m->by_reporter) {
		json_object_set_new(o, "author", json_string("reporter"));
	} else if (m->verified) {
		abri_fingerprint(fp, m->author.ed_kid);
		json_object_set_new(o, "author", json_string("listener"));
		json_object_set_new(o, "author_name", json_string(m->author.name));
		json_object_set_new(o, "fingerprint", json_string(fp));
	}
	if (m->verified) {
		json_object_set_new(o, "counter", json_integer((json_int_t)m->inner.counter));
		json_object_set(o, "text", json_object_get(m->body, "text"));
	}
	return o;
}

static int open_case(ctx *x, const opts *o)
{
	abri_case cs;
	abri_reporter_keys *k = keys_from_file(o->token_file, o->deployment);
	if (k == NULL)
		return EX_LOCAL;
	int rc = abri_reporter_open(&x->client, &x->lists, &x->cfg, k, &cs);
	abri_reporter_keys_free(k);
	if (rc < 0) {
		abri_case_free(&cs);
		return fail("open", rc, &x->client);
	}
	for (size_t i = 0; i < cs.n; i++) {
		json_t *j = msg_json(&cs.msgs[i]);
		if (j != NULL)
			json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	}
	int alarm = abri_case_alarming(&cs);
	if (alarm)
		fprintf(stderr, "reporter: case %s did NOT verify\n", cs.case_ref);
	abri_case_free(&cs);
	return alarm ? EX_ALARM : EX_OK;
}

static int message(ctx *x, const opts *o)
{
	abri_submit_result res;
	char *body = abri_body_json(o->text, o->lang);
	abri_reporter_keys *k = body ? keys_from_file(o->token_file, o->deployment) : NULL;
	int rc = k ? ABRI_OK : ABRI_ERR_INVALID;

	for (int i = 0; rc == ABRI_OK && i < 3; i++) {
		rc = abri_reporter_message(&x->client, &x->lists, &x->cfg, k, body, &res);
		if (rc != ABRI_CLIENT_ERR_RETRY)
			break;
		if ((rc = refresh(x)) == ABRI_OK)
			rc = ABRI_CLIENT_ERR_RETRY;
	}
	if (rc == ABRI_OK)
		printf("{\"case_ref\":\"%s\",\"pos\":%u}\n", res.case_ref, (unsigned)res.pos);
	free(body);
	if (k != NULL)
		abri_reporter_keys_free(k);
	return rc == ABRI_OK ? EX_OK : fail("message", rc, &x->client);
}

static int print_token(void)
{
	char token[ABRI_TOKEN_DIGITS + 1], g[30];
	abri_token_generate(token);
	grouped(g, token);
	printf("%s\n", g);
	return EX_OK;
}

static int print_keys(const opts *o)
{
	abri_reporter_keys *k = keys_from_file(o->token_file, o->deployment);
	if (k == NULL)
		return EX_LOCAL;
	char *lk = abri_b64_encode(k->lookup_key, sizeof k->lookup_key);
	char *x = abri_b64_encode(k->x25519_pk, sizeof k->x25519_pk);
	char *ed = abri_b64_encode(k->ed25519_pk, sizeof k->ed25519_pk);
	char *th = abri_b64_encode(k->thread, sizeof k->thread);
	int ok = lk && x && ed && th;
	if (ok)
		printf("{\"lookup_key\":\"%s\",\"x25519\":\"%s\",\"ed25519\":\"%s\",\"thread\":\"%"
		       "s\"}\n",
		       lk, x, ed, th);
	free(lk);
	free(x);
	free(ed);
	free(th);
	abri_reporter_keys_free(k);
	return ok ? EX_OK : EX_LOCAL;
}

/* A complete new-case body that is never sent. */
static int seal_only(ctx *x, const opts *o)
{
	char token[ABRI_TOKEN_DIGITS + 1];
	abri_reporter_keys *k;
	abri_buf env;
	char *body = abri_body_json(o->text, o->lang);
	int rc;

	if (o->token_file != NULL) {
		k = keys_from_file(o->token_file, o->deployment);
	} else {
		abri_token_generate(token);
		k = abri_reporter_keys_new();
		if (k != NULL && abri_reporter_keys_from_token(k, token, o->deployment) < 0) {
			abri_reporter_keys_free(k);
			k = NULL;
		}
	}
	abri_buf_init(&env);
	rc = (k && body)
	         ? abri_reporter_seal_report(&x->client, x->lists.current, &x->cfg, k, body, &env)
	         : ABRI_ERR_INVALID;
	if (rc == ABRI_OK) {
		json_t *req = abri_submission_json(&env, k);
		rc = req ? ABRI_OK : ABRI_ERR_NOMEM;
		if (req != NULL)
			json_dumpf(req, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(req);
	}
	abri_buf_free(&env);
	free(body);
	if (k != NULL)
		abri_reporter_keys_free(k);
	return rc == ABRI_OK ? EX_OK : fail("seal", rc, NULL);
}

static int parse(int argc, char **argv, opts *o)
{
	static const struct option lo[] = {
	    {"server", required_argument, NULL, 's'},
	    {"deployment", required_argument, NULL, 'd'},
	    {"org-pub", required_argument, NULL, 'o'},
	    {"text", required_argument, NULL, 't'},
	    {"lang", required_argument, NULL, 'l'},
	    {"token-out", required_argument, NULL, 'T'},
	    {"receipt-out", required_argument, NULL, 'R'},
	    {"token-file", required_argument, NULL, 'f'},
	    {"state-dir", required_argument, NULL, 'S'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	if (argc < 2)
		return -1;
	o->cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char **dst = c == 's'   ? &o->server
		                   : c == 'd' ? &o->deployment
		                   : c == 'o' ? &o->org_pub
		                   : c == 't' ? &o->text
		                   : c == 'l' ? &o->lang
		                   : c == 'T' ? &o->token_out
		                   : c == 'R' ? &o->receipt_out
		                   : c == 'f' ? &o->token_file
		                   : c == 'S' ? &o->state_dir
		                              : NULL;
		if (dst == NULL)
			return -1;
		*dst = optarg;
	}
	if (optind != argc)
		return -1;
	if (strcmp(o->cmd, "token") == 0)
		return 0;
	if (strcmp(o->cmd, "keys") == 0)
		return o->deployment && o->token_file ? 0 : -1;
	if (!o->server || !o->deployment || !o->org_pub)
		return -1;
	if (strcmp(o->cmd, "submit") == 0 || strcmp(o->cmd, "seal") == 0)
		return o->text ? 0 : -1;
	if (strcmp(o->cmd, "open") == 0)
		return o->token_file ? 0 : -1;
	if (strcmp(o->cmd, "message") == 0)
		return o->token_file && o->text ? 0 : -1;
	return -1;
}

int main(int argc, char **argv)
{
	opts o = {0};
	ctx x;
	int ex;

	if (parse(argc, argv, &o) < 0) {
		fprintf(
		    stderr,
		    "usage: reporter submit|open|message|seal|keys|token --server S "
		    "--deployment ID --org-pub FILE [--text T] [--token-out F] [--receipt-out F] "
		    "[--token-file F] [--lang L] [--state-dir D]\n");
		return EX_USAGE;
	}
	if (abri_init() < 0)
		return EX_LOCAL;
	if (strcmp(o.cmd, "token") == 0)
		return print_token();
	if (strcmp(o.cmd, "keys") == 0)
		return print_keys(&o);
	if ((ex = setup(&x, &o)) == EX_OK) {
		if (strcmp(o.cmd, "submit") == 0)
			ex = submit(&x, &o);
		else if (strcmp(o.cmd, "seal") == 0)
			ex = seal_only(&x, &o);
		else if (strcmp(o.cmd, "open") == 0)
			ex = open_case(&x, &o);
		else
			ex = message(&x, &o);
	}
	teardown(&x);
	return ex;
}
