/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri admin org-keygen: the organisation key that signs recipient lists.
 * Meant for an offline machine held by the organisation's leadership. */
#include <stdlib.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri admin org-keygen --out PREFIX [--no-passphrase] [--kdf-fast]\n"
    "Writes PREFIX.key (encrypted, 0600) and PREFIX.pub.json. Run it on an offline\n"
    "machine; every client pins the printed public key (org_public_key).\n";

enum { O_OUT = OPT_CMD, O_NO_PASS, O_KDF_FAST };

int cmd_admin_org_keygen(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, O_OUT},
	    {"no-passphrase", no_argument, NULL, O_NO_PASS},
	    {"kdf-fast", no_argument, NULL, O_KDF_FAST},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	cli_keygen g = {.role = ABRI_ROLE_ORG, .name = "organisation", .epoch = 1};
	const char *prefix = NULL;
	abri_keypair *k = NULL;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_OUT)
			prefix = optarg;
		else if (c == O_NO_PASS)
			g.no_passphrase = 1;
		else if (c == O_KDF_FAST)
			g.kdf_fast = 1;
	}
	if (prefix == NULL || optind != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK ||
	    (ex = cli_keygen_paths(&g, prefix, 0)) != CLI_OK ||
	    (ex = cli_keygen_write(cfg, &g, &k)) != CLI_OK)
		return ex;
	char *pk = abri_b64_encode(k->ed25519_pk, ABRI_ED25519_PK);
	abri_keypair_free(k);
	if (pk == NULL)
		return CLI_LOCAL;
	printf("Organisation public key (pin it in every client's configuration):\n"
	       "  org_public_key = %s\n",
	       pk);
	free(pk);
	return CLI_OK;
}
