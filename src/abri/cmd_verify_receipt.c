/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri verify-receipt: checks abrid's proof of receipt (the 201 answer of
 * POST /v1/cases saved to a file) against the server key of a recipient
 * list verified with the pinned organisation key. Offline with --list;
 * otherwise the server's current list, verified the same way. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri verify-receipt [--list LIST.json]... FILE\n"
    "FILE: {\"case_ref\", \"week\", \"receipt\": {\"fields\", \"sig\", \"key_id\"},\n"
    "\"envelope_hash\"?} (the answer to a new case). Each --list is a signed recipient\n"
    "list file (as uploaded), verified with org_public_key; without --list the\n"
    "server's current list is used. Exit 0 valid, 2 not valid.\n";


static const abri_member *server_by_kid(const abri_recipients *r, const uint8_t kid[16])
{
	const abri_member *m = abri_recipients_by_ed_kid(r, kid);
	return (m != NULL && m->role == ABRI_ROLE_SERVER) ? m : NULL;
}

struct receipt_file {
	const char *ref, *week, *hash64;
	uint8_t kid[ABRI_KEY_ID_BYTES], sig[ABRI_SIG_BYTES];
	uint8_t *fields;
	size_t fields_len;
};

static int parse_file(const char *path, json_t **doc, struct receipt_file *f)
{
	json_error_t jerr;
	json_t *rc;

	memset(f, 0, sizeof *f);
	if ((*doc = json_load_file(path, 0, &jerr)) == NULL) {
		cli_err("%s: not a JSON file (line %d)", path, jerr.line);
		return CLI_LOCAL;
	}
	rc = json_object_get(*doc, "receipt");
	f->ref = json_string_value(json_object_get(*doc, "case_ref"));
	f->week = json_string_value(json_object_get(*doc, "week"));
	f->hash64 = json_string_value(json_object_get(*doc, "envelope_hash"));
	const char *fields = json_string_value(json_object_get(rc, "fields"));
	const char *sig = json_string_value(json_object_get(rc, "sig"));
	const char *kid = json_string_value(json_object_get(rc, "key_id"));
	if (f->ref == NULL || f->week == NULL || fields == NULL || sig == NULL || kid == NULL ||
	    abri_b64_decode_exact(sig, f->sig, sizeof f->sig) < 0 ||
	    abri_b64_decode_exact(kid, f->kid, sizeof f->kid) < 0 ||
	    abri_b64_decode(fields, &f->fields, &f->fields_len) < 0) {
		cli_alarm(
		    "not valid: %s is not a receipt (case_ref, week, receipt.fields/sig/key_id)",
		    path);
		return CLI_ALARM;
	}
	return CLI_OK;
}

/* Signature, then what the file claims against what was signed. */
static int check(const cli_config *cfg, const struct receipt_file *f, const abri_member *server)
{
	uint8_t h[ABRI_HASH_BYTES];
	abri_receipt r;
	char fp[40];

	if (abri_receipt_verify(&r, f->fields, f->fields_len, f->sig, cfg->deployment_id,
	                        server->ed25519_pk) < 0) {
		cli_alarm("not valid: the signature does not verify with the server key");
		return CLI_ALARM;
	}
	if (strcmp(r.case_ref, f->ref) != 0 || strcmp(r.week, f->week) != 0) {
		cli_alarm(
		    "not valid: the signed receipt is for case %s, week %s, not what the file says",
		    r.case_ref, r.week);
		return CLI_ALARM;
	}
	if (f->hash64 != NULL && (abri_b64_decode_exact(f->hash64, h, sizeof h) < 0 ||
	                          memcmp(h, r.envelope_hash, sizeof h) != 0)) {
		cli_alarm("not valid: the signed envelope hash is not the file's envelope_hash");
		return CLI_ALARM;
	}
	abri_fingerprint(fp, server->ed_kid);
	printf("valid: case %s, week %s, signed by server %s\n", r.case_ref, r.week, fp);
	return CLI_OK;
}

/* The lists to try: every --list file, or the server's current one. */
static int find_server(cli_config *cfg, char **paths, size_t n, const uint8_t kid[16],
                       abri_member *out)
{
	uint8_t org_pk[ABRI_ED25519_PK];
	abri_recipients *r = calloc(1, sizeof *r);
	const abri_member *m = NULL;
	cli_session s;
	int ex = CLI_OK;

	if (r == NULL)
		return CLI_LOCAL;
	if (n > 0 && abri_org_pk_load(org_pk, cfg->org_public_key) < 0) {
		cli_err("cannot load the organisation public key");
		ex = CLI_LOCAL;
	}
	for (size_t i = 0; ex == CLI_OK && m == NULL && i < n; i++)
		if ((ex = cli_list_file_load(cfg, org_pk, paths[i], r)) == CLI_OK &&
		    (m = server_by_kid(r, kid)))
			*out = *m;
	if (ex == CLI_OK && n == 0) {
		if ((ex = cli_session_open(&s, cfg, 0)) == CLI_OK &&
		    (m = server_by_kid(s.lists.current, kid)) != NULL)
			*out = *m;
		cli_session_close(&s);
	}
	free(r);
	if (ex == CLI_OK && m == NULL) {
		cli_alarm("not valid: the receipt's key is not the server key of %s",
		          n > 0 ? "any given list" : "the current list");
		ex = CLI_ALARM;
	}
	return ex;
}

int cmd_verify_receipt(int argc, char **argv, cli_config *cfg)
{
	char *lists[CLI_LISTS_MAX];
	struct receipt_file f = {0};
	const char *path = NULL;
	abri_member server;
	json_t *doc = NULL;
	size_t n = 0;
	int ex;

	if ((ex = cli_verify_args(argc, argv, cfg, usage, lists, &n, &path)) != CLI_OK)
		return ex;
	if ((ex = parse_file(path, &doc, &f)) == CLI_OK &&
	    (ex = find_server(cfg, lists, n, f.kid, &server)) == CLI_OK)
		ex = check(cfg, &f, &server);
	free(f.fields);
	json_decref(doc);
	return ex;
}
