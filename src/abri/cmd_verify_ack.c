/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri verify-ack: checks an acknowledgement file (include/abri/ack.h):
 * the signed inner message's author must be a listener of the recipient
 * list of the version the file names, and the signature (purpose ack)
 * must verify. Offline with --list (signed list files, verified with the
 * pinned organisation key); otherwise the server's list of that version,
 * verified the same way. Prints the French text and the elements. */
#include <stdlib.h>
#include <string.h>

#include "abri/ack.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri verify-ack [--list LIST.json]... FILE\n"
    "FILE: an acknowledgement file (abri acknowledge --out, or saved from the web\n"
    "app). Each --list is a signed recipient list file (as uploaded), verified with\n"
    "org_public_key; the one of the version the file names is used. Without --list\n"
    "the server's list of that version is fetched. Exit 0 valid, 2 not valid.\n";


/* The verified list file of this version, among the given ones. */
static int list_from_files(const cli_config *cfg, char **paths, size_t n, uint32_t version,
                           abri_recipients *out)
{
	uint8_t org_pk[ABRI_ED25519_PK];
	if (abri_org_pk_load(org_pk, cfg->org_public_key) < 0) {
		cli_err("cannot load the organisation public key");
		return CLI_LOCAL;
	}
	for (size_t i = 0; i < n; i++) {
		int ex = cli_list_file_load(cfg, org_pk, paths[i], out);

		if (ex != CLI_OK)
			return ex;
		if (out->version == version)
			return CLI_OK;
	}
	cli_alarm("not valid: no given list has version %u, the one the acknowledgement names",
	          (unsigned)version);
	return CLI_ALARM;
}

static int list_from_server(cli_config *cfg, uint32_t version, abri_recipients *out)
{
	const abri_recipients *l = NULL;
	cli_session s;
	int ex = cli_session_open(&s, cfg, 0), rc;
	if (ex == CLI_OK) {
		if ((rc = abri_lists_get(&s.lists, version, &l)) == ABRI_OK) {
			*out = *l;
		} else {
			cli_alarm("not valid: the server's list version %u cannot be had or does "
			          "not verify (%s)",
			          (unsigned)version, abri_client_strerror(rc));
			ex = CLI_ALARM;
		}
	}
	cli_session_close(&s);
	return ex;
}

static void print_ack(const json_t *ack, const abri_member *who, uint32_t version)
{
	const json_t *e = json_object_get(ack, "elements");
	char fp[40];
	size_t i;
	json_t *r;

	abri_fingerprint(fp, who->ed_kid);
	printf("valid: written acknowledgement for case %s, issued %s, signed by listener ",
	       json_string_value(json_object_get(ack, "case_ref")),
	       json_string_value(json_object_get(ack, "issued")));
	abri_fputs_safe(stdout, who->name);
	printf(" [%s] (list v%u)\nelements: kind ", fp, (unsigned)version);
	abri_fputs_safe(stdout, json_string_value(json_object_get(e, "kind")));
	fputs(", context ", stdout);
	abri_fputs_safe(stdout, json_string_value(json_object_get(e, "context")));
	fputs(", when ", stdout);
	abri_fputs_safe(stdout, json_is_string(json_object_get(e, "when"))
	                            ? json_string_value(json_object_get(e, "when"))
	                            : "-");
	fputs(", referrals ", stdout);
	json_array_foreach(json_object_get(e, "referrals"), i, r)
	{
		fputs(i ? ", " : "", stdout);
		abri_fputs_safe(stdout, json_string_value(r));
	}
	fputs(json_array_size(json_object_get(e, "referrals")) ? "\n" : "none\n", stdout);
	fputs("----\n", stdout);
	abri_fputs_safe(stdout, json_string_value(json_object_get(ack, "fr")));
}

static int verify(cli_config *cfg, char **lists, size_t n, const char *path)
{
	abri_recipients *list = calloc(1, sizeof *list);
	abri_ack_file f;
	abri_member who;
	json_t *ack = NULL;
	uint8_t *d = NULL;
	size_t len;
	int ex, rc = abri_file_read(path, ABRI_ACK_FILE_MAX, &d, &len);

	if (list == NULL || rc < 0) {
		cli_err("cannot read %s: %s", path, abri_strerror(rc < 0 ? rc : ABRI_ERR_NOMEM));
		free(list);
		free(d);
		return CLI_LOCAL;
	}
	rc = abri_ack_file_parse(&f, (const char *)d, len);
	free(d);
	if (rc < 0) {
		cli_alarm("not valid: %s is not an acknowledgement file", path);
		free(list);
		return CLI_ALARM;
	}
	if (strcmp(f.tenant, cfg->deployment_id) != 0) {
		cli_alarm("not valid: the acknowledgement is for another deployment");
		ex = CLI_ALARM;
	} else {
		ex = n > 0 ? list_from_files(cfg, lists, n, f.list_version, list)
		           : list_from_server(cfg, f.list_version, list);
	}
	if (ex == CLI_OK && (rc = abri_ack_file_verify(&f, list, &ack, &who)) < 0) {
		cli_alarm("not valid: %s", rc == ABRI_ERR_CRYPTO
		                               ? "the signature does not verify with a listener "
		                                 "key of the list (altered or forged)"
		                               : "the signed message is not an acknowledgement");
		ex = CLI_ALARM;
	}
	if (ex == CLI_OK)
		print_ack(ack, &who, f.list_version);
	json_decref(ack);
	abri_ack_file_free(&f);
	free(list);
	return ex;
}

int cmd_verify_ack(int argc, char **argv, cli_config *cfg)
{
	char *lists[CLI_LISTS_MAX];
	const char *path = NULL;
	size_t n = 0;
	int ex;

	if ((ex = cli_verify_args(argc, argv, cfg, usage, lists, &n, &path)) != CLI_OK)
		return ex;
	return verify(cfg, lists, n, path);
}
