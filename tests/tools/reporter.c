/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* reporter — a TEST client playing the reporter in C (the product is the
 * web app). Built on libabriclient so the end-to-end tests exercise the
 * same sealing and verification code as the CLI.
 *
 *   reporter submit  --server S --deployment ID --org-pub FILE --text T
 *                    [--token-out FILE] [--lang L] [--state-dir D]
 *                    [--receipt-out FILE]  (the proof of receipt, for
 *                                           abri verify-receipt)
 *                    [--form JSON]  (the web app's report form object)
 *       prints {"case_ref", "week", "token"}
 *   reporter open    --server S --deployment ID --org-pub FILE
 *                    --token-file FILE [--state-dir D]
 *       prints one JSON object per message; exit 2 on any alarm
 *   reporter message --server S --deployment ID --org-pub FILE
 *                    --token-file FILE --text T [--lang L] [--state-dir D]
 *   submit and message take --attach FILE (repeatable): each file is
 *   encrypted and uploaded first, named in the body's "attachments" and in
 *   the request's "uploads"; submit's output then has "uploads": [ids].
 *       prints {"case_ref", "pos"}
 *   reporter seal    --server S --deployment ID --org-pub FILE --text T
 *                    [--token-file FILE] [--also-to server|auditor]
 *       prints a valid, unsent POST /v1/cases body (for bad-input tests);
 *       --also-to seals it to that role's members as well
 *   reporter ack-file --server S --deployment ID --org-pub FILE
 *                    --token-file FILE --out FILE
 *       writes the acknowledgement file of the latest verified written
 *       acknowledgement in the case (what the web app's "Save" does)
 *   reporter survey  --server S --deployment ID --org-pub FILE --code C
 *                    --answers JSON [--seal-only]
 *       seals the answers to the auditors and POSTs /v1/survey; prints
 *       {"status": N} (--seal-only: prints the unsent request body)
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

#include "abri/ack.h"
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
	const char *form;
	const char *out;
	const char *code;
	const char *answers;
	const char *also_to; /* seal: also to this role's members (a hostile client) */
	int seal_only;
	const char *attach[16];
	size_t n_attach;
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

/* {"text", "lang"?, "form"?}: --form is the web app's form object. */
static char *body_with_form(const opts *o)
{
	json_error_t jerr;
	char *plain = abri_body_json(o->text, o->lang), *out = NULL;
	json_t *b = plain ? json_loads(plain, 0, &jerr) : NULL;
	json_t *form = o->form ? json_loads(o->form, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (b != NULL && (o->form == NULL || (json_is_object(form) &&
	                                      json_object_set(b, "form", form) == 0)))
		out = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(form);
	json_decref(b);
	free(plain);
	return out;
}

/* Uploads every --attach file and rewrites *body with "attachments";
 * *uploads gets the ids for the request (NULL without --attach). */
static int attach_files(ctx *x, const opts *o, char **body, json_t **uploads)
{
	json_t *doc, *list;
	int rc = ABRI_OK;

	*uploads = NULL;
	if (o->n_attach == 0)
		return ABRI_OK;
	doc = json_loads(*body, 0, NULL);
	list = json_array();
	*uploads = json_array();
	if (doc == NULL || list == NULL || *uploads == NULL)
		rc = ABRI_ERR_NOMEM;
	for (size_t i = 0; rc == ABRI_OK && i < o->n_attach; i++) {
		abri_attach_ref ref;
		char *id = NULL;
		rc = abri_attach_upload(&x->client, o->attach[i], NULL, NULL,
		                        x->cfg.max_upload_bytes, &ref);
		if (rc == ABRI_OK && ((id = abri_b64_encode(ref.upload, sizeof ref.upload)) == NULL ||
		                      json_array_append_new(list, abri_attach_ref_json(&ref)) < 0 ||
		                      json_array_append_new(*uploads, json_string(id)) < 0))
			rc = ABRI_ERR_NOMEM;
		free(id);
		abri_attach_ref_wipe(&ref);
	}
	if (rc == ABRI_OK && json_object_set(doc, "attachments", list) == 0) {
		free(*body);
		*body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
		rc = *body ? ABRI_OK : ABRI_ERR_NOMEM;
	}
	json_decref(doc);
	json_decref(list);
	if (rc != ABRI_OK) {
		json_decref(*uploads);
		*uploads = NULL;
	}
	return rc;
}

static int submit(ctx *x, const opts *o)
{
	char token[ABRI_TOKEN_DIGITS + 1];
	abri_submit_result res;
	abri_reporter_keys *k = abri_reporter_keys_new();
	char *body = body_with_form(o);
	json_t *uploads = NULL;
	int rc = (k && body) ? ABRI_OK : ABRI_ERR_NOMEM;

	if (rc == ABRI_OK)
		rc = attach_files(x, o, &body, &uploads);
	abri_token_generate(token);
	if (rc == ABRI_OK)
		rc = abri_reporter_keys_from_token(k, token, o->deployment);
	for (int i = 0; rc == ABRI_OK && i < 3; i++) {
		rc = abri_reporter_submit_uploads(&x->client, &x->lists, &x->cfg, k, body, uploads,
		                                  &res);
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
		if (out != NULL && uploads != NULL)
			json_object_set(out, "uploads", uploads);
		json_dumpf(out, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(out);
	}
	free(body);
	json_decref(uploads);
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
		if (json_object_get(m->body, "ack") != NULL)
			json_object_set(o, "ack", json_object_get(m->body, "ack"));
		if (json_object_get(m->body, "survey_code") != NULL)
			json_object_set(o, "survey_code", json_object_get(m->body, "survey_code"));
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
	json_t *uploads = NULL;
	int rc = k ? ABRI_OK : ABRI_ERR_INVALID;

	if (rc == ABRI_OK)
		rc = attach_files(x, o, &body, &uploads);
	for (int i = 0; rc == ABRI_OK && i < 3; i++) {
		rc = abri_reporter_message_uploads(&x->client, &x->lists, &x->cfg, k, body, uploads,
		                                   &res);
		if (rc != ABRI_CLIENT_ERR_RETRY)
			break;
		if ((rc = refresh(x)) == ABRI_OK)
			rc = ABRI_CLIENT_ERR_RETRY;
	}
	if (rc == ABRI_OK)
		printf("{\"case_ref\":\"%s\",\"pos\":%u}\n", res.case_ref, (unsigned)res.pos);
	json_decref(uploads);
	free(body);
	if (k != NULL)
		abri_reporter_keys_free(k);
	return rc == ABRI_OK ? EX_OK : fail("message", rc, &x->client);
}

/* The acknowledgement file of the latest verified ack in the case: the
 * signed inner plaintext as opened, so it verifies anywhere. */
static int ack_file(ctx *x, const opts *o)
{
	abri_case cs;
	const abri_case_msg *ack = NULL;
	abri_reporter_keys *k = keys_from_file(o->token_file, o->deployment);
	if (k == NULL)
		return EX_LOCAL;
	int rc = abri_reporter_open(&x->client, &x->lists, &x->cfg, k, &cs);
	abri_reporter_keys_free(k);
	for (size_t i = 0; rc == ABRI_OK && i < cs.n; i++)
		if (cs.msgs[i].verified && cs.msgs[i].info.kind == ABRI_KIND_ACK)
			ack = &cs.msgs[i];
	if (rc == ABRI_OK && ack == NULL) {
		fprintf(stderr, "reporter: no verified acknowledgement in the case\n");
		abri_case_free(&cs);
		return EX_ALARM;
	}
	if (rc == ABRI_OK) {
		char *text = abri_ack_file_dump(o->deployment, ack->info.list_version, ack->pt,
		                                ack->pt_len);
		rc = text ? abri_file_write_atomic(o->out, text, strlen(text), 0600)
		          : ABRI_ERR_NOMEM;
		free(text);
	}
	abri_case_free(&cs);
	return rc == ABRI_OK ? EX_OK : fail("ack-file", rc, &x->client);
}

static int survey(ctx *x, const opts *o)
{
	json_error_t jerr;
	json_t *answers = json_loads(o->answers, JSON_REJECT_DUPLICATES, &jerr), *body = NULL;
	int status = 0, rc = json_is_object(answers)
	                         ? abri_reporter_survey(&x->client, &x->lists, &x->cfg, o->code,
	                                                answers, &status,
	                                                o->seal_only ? &body : NULL)
	                         : ABRI_ERR_INVALID;
	json_decref(answers);
	if (rc == ABRI_OK && body != NULL)
		json_dumpf(body, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	else if (rc == ABRI_OK)
		printf("{\"status\":%d", status);
	if (rc == ABRI_OK && body == NULL && x->client.last_error[0] != '\0')
		printf(",\"error\":\"%s\"", x->client.last_error);
	if (rc == ABRI_OK)
		fputs(body ? "\n" : "}\n", stdout);
	json_decref(body);
	return rc == ABRI_OK ? EX_OK : fail("survey", rc, &x->client);
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
/* The current list, or (--also-to ROLE) a copy in which that role's
 * members pass for listeners, so the report is sealed to them as well:
 * what a hostile or broken client would send. */
static const abri_recipients *seal_list(ctx *x, const opts *o, abri_recipients **copy)
{
	abri_role role;

	*copy = NULL;
	if (o->also_to == NULL)
		return x->lists.current;
	if (abri_role_parse(o->also_to, &role) < 0 || (*copy = malloc(sizeof **copy)) == NULL)
		return NULL;
	**copy = *x->lists.current;
	for (size_t i = 0; i < (*copy)->n; i++)
		if ((*copy)->m[i].role == role)
			(*copy)->m[i].role = ABRI_ROLE_LISTENER;
	return *copy;
}

static int seal_only(ctx *x, const opts *o)
{
	char token[ABRI_TOKEN_DIGITS + 1];
	abri_reporter_keys *k;
	abri_recipients *copy;
	const abri_recipients *list = seal_list(x, o, &copy);
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
	rc = (k && body && list)
	         ? abri_reporter_seal_report(&x->client, list, &x->cfg, k, body, &env)
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
	free(copy);
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
	    {"form", required_argument, NULL, 'F'},
	    {"out", required_argument, NULL, 'O'},
	    {"code", required_argument, NULL, 'C'},
	    {"answers", required_argument, NULL, 'A'},
	    {"seal-only", no_argument, NULL, 'X'},
	    {"attach", required_argument, NULL, 'a'},
	    {"also-to", required_argument, NULL, 'B'},
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
		                   : c == 'F' ? &o->form
		                   : c == 'O' ? &o->out
		                   : c == 'C' ? &o->code
		                   : c == 'A' ? &o->answers
		                   : c == 'B' ? &o->also_to
		                              : NULL;
		if (c == 'X') {
			o->seal_only = 1;
			continue;
		}
		if (c == 'a') {
			if (o->n_attach == sizeof o->attach / sizeof o->attach[0])
				return -1;
			o->attach[o->n_attach++] = optarg;
			continue;
		}
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
	if (strcmp(o->cmd, "ack-file") == 0)
		return o->token_file && o->out ? 0 : -1;
	if (strcmp(o->cmd, "survey") == 0)
		return o->code && o->answers ? 0 : -1;
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
		    "usage: reporter submit|open|message|seal|keys|token|ack-file|survey --server S "
		    "--deployment ID --org-pub FILE [--text T] [--token-out F] [--receipt-out F] "
		    "[--token-file F] [--lang L] [--state-dir D] [--form JSON] [--out F] "
		    "[--code C --answers JSON [--seal-only]] [--also-to ROLE (seal)]\n");
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
		else if (strcmp(o.cmd, "ack-file") == 0)
			ex = ack_file(&x, &o);
		else if (strcmp(o.cmd, "survey") == 0)
			ex = survey(&x, &o);
		else
			ex = message(&x, &o);
	}
	teardown(&x);
	return ex;
}
