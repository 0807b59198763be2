/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri admin sign-recipients: the key holders decide who may decrypt.
 * Builds the list document from members' public files, signs it with the
 * organisation key, verifies the result and shows every member. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri admin sign-recipients --org-key FILE --deployment ID --version N\n"
    "              (--days D | --not-after UNIX) --out LIST.json MEMBER.pub.json...\n"
    "Signs a recipient list valid for D days (1..30), or until a unix time at most\n"
    "30 days ahead (a past time makes an expired list: for tests). Exactly one\n"
    "member must be the server (server.pub.json). Check every fingerprint printed.\n";

enum { O_ORG_KEY = OPT_CMD, O_DEPLOYMENT, O_VERSION, O_DAYS, O_NOT_AFTER, O_OUT };

/* Copies only the member fields of a public key file. */
static json_t *member_from_file(const char *path)
{
	json_error_t jerr;
	json_t *pub = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr), *m = NULL;
	static const char *const keys[] = {"role", "name", "x25519", "ed25519", "epoch"};

	if (pub == NULL || !json_is_object(pub)) {
		cli_err("%s: not a public key file (%s)", path, jerr.text);
		json_decref(pub);
		return NULL;
	}
	m = json_object();
	for (size_t i = 0; m != NULL && i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(pub, keys[i]);
		if (v == NULL || json_object_set(m, keys[i], v) < 0) {
			cli_err("%s: missing '%s'", path, keys[i]);
			json_decref(m);
			m = NULL;
		}
	}
	json_decref(pub);
	return m;
}

static char *build_doc(const char *dep, uint32_t version, int64_t not_after, char **files, int n)
{
	json_t *members = json_array(), *doc;
	char *text = NULL;

	for (int i = 0; members != NULL && i < n; i++) {
		json_t *m = member_from_file(files[i]);
		if (m == NULL || json_array_append_new(members, m) < 0) {
			json_decref(members);
			return NULL;
		}
	}
	doc =
	    json_pack("{s:s, s:I, s:I, s:o}", "deployment_id", dep, "version", (json_int_t)version,
	              "not_after", (json_int_t)not_after, "members", members);
	if (doc != NULL)
		text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return text;
}

/* Sign, verify what was signed, write {"list","sig"}. */
static int sign_and_write(const abri_keypair *org, const char *dep, const char *doc,
                          const char *out)
{
	abri_buf fields;
	uint8_t sig[ABRI_SIG_BYTES];
	abri_recipients *r = calloc(1, sizeof *r);
	int ex = CLI_LOCAL, rc;

	abri_buf_init(&fields);
	rc = r ? abri_recipients_sign(&fields, sig, doc, strlen(doc), dep, org->ed25519_sk)
	       : ABRI_ERR_NOMEM;
	if (rc == ABRI_OK)
		rc = abri_recipients_verify(r, fields.data, fields.len, sig, dep, org->ed25519_pk);
	if (rc < 0) {
		cli_err("cannot sign the list: %s (one server member, valid member files, "
		        "no duplicate key?)",
		        abri_strerror(rc));
		goto done;
	}
	char *l64 = abri_b64_encode(fields.data, fields.len),
	     *s64 = abri_b64_encode(sig, sizeof sig);
	json_t *o = (l64 && s64) ? json_pack("{s:s, s:s}", "list", l64, "sig", s64) : NULL;
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (text != NULL && abri_file_write_atomic(out, text, strlen(text), 0644) == ABRI_OK) {
		printf("Signed recipient list version %u for '%s', valid until %lld (unix time).\n"
		       "Members:\n",
		       (unsigned)r->version, dep, (long long)r->not_after);
		for (size_t i = 0; i < r->n; i++)
			abri_member_print(stdout, "  ", &r->m[i]);
		printf("Wrote %s\n", out);
		ex = CLI_OK;
	} else {
		cli_err("cannot write %s", out);
	}
	free(text);
	json_decref(o);
	free(l64);
	free(s64);
done:
	abri_buf_free(&fields);
	free(r);
	return ex;
}

int cmd_admin_sign_recipients(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"org-key", required_argument, NULL, O_ORG_KEY},
	    {"deployment", required_argument, NULL, O_DEPLOYMENT},
	    {"version", required_argument, NULL, O_VERSION},
	    {"days", required_argument, NULL, O_DAYS},
	    {"not-after", required_argument, NULL, O_NOT_AFTER},
	    {"out", required_argument, NULL, O_OUT},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *org_key = NULL, *dep = NULL, *out = NULL;
	uint32_t version = 0, days = 0, until = 0;
	abri_keypair *org = NULL;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: return ex;
		case O_ORG_KEY: org_key = optarg; break;
		case O_DEPLOYMENT: dep = optarg; break;
		case O_VERSION:
			if (cli_parse_u32(optarg, 1, UINT32_MAX, &version) < 0)
				version = 0;
			break;
		case O_DAYS:
			if (cli_parse_u32(optarg, 1, 30, &days) < 0)
				days = 0;
			break;
		case O_NOT_AFTER:
			if (cli_parse_u32(optarg, 1, UINT32_MAX, &until) < 0)
				until = 0;
			break;
		case O_OUT: out = optarg; break;
		}
	}
	int64_t now = abri_now();
	int64_t not_after = days ? now + (int64_t)days * 86400 : (int64_t)until;
	if (!org_key || !dep || !out || version == 0 || (days == 0) == (until == 0) ||
	    optind >= argc) {
		cli_err(
		    "need --org-key, --deployment, --version, --out, members, and one of --days "
		    "(1..30) or --not-after");
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (not_after > now + ABRI_RECIPIENTS_MAX_LIFETIME) {
		cli_err("--not-after: at most 30 days ahead");
		return CLI_USAGE;
	}
	if (not_after <= now)
		cli_err("warning: this list is already expired (--not-after in the past)");
	if (!abri_tenant_valid(dep)) {
		cli_err("--deployment: 1..64 characters of a-z 0-9 . -");
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK ||
	    (ex = cli_key_load(cfg, org_key, &org)) != CLI_OK)
		return ex;
	/* Only a warning: signing with another key is how tests make a foreign
	 * list, and every verifier refuses it anyway. */
	if (org->role != ABRI_ROLE_ORG)
		cli_err("WARNING: %s is not an organisation key; nobody will accept this list",
		        org_key);
	char *doc = build_doc(dep, version, not_after, argv + optind, argc - optind);
	ex = doc ? sign_and_write(org, dep, doc, out) : CLI_LOCAL;
	free(doc);
	abri_keypair_free(org);
	return ex;
}
