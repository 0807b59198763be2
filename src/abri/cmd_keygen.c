/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri keygen: a listener's or auditor's key pair, encrypted with a
 * passphrase (Argon2id), and the public file the key holders sign into the
 * recipient list. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri keygen --role listener|auditor --name NAME --out PREFIX\n"
    "                   [--epoch N] [--no-passphrase] [--kdf-fast]\n"
    "Writes PREFIX.key (secret, encrypted, mode 0600) and PREFIX.pub.json (for\n"
    "the key holders). --kdf-fast uses tiny Argon2 costs: for tests only.\n";

enum { O_ROLE = OPT_CMD, O_NAME, O_OUT, O_EPOCH, O_NO_PASS, O_KDF_FAST };

int cmd_keygen(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"role", required_argument, NULL, O_ROLE},
	    {"name", required_argument, NULL, O_NAME},
	    {"out", required_argument, NULL, O_OUT},
	    {"epoch", required_argument, NULL, O_EPOCH},
	    {"no-passphrase", no_argument, NULL, O_NO_PASS},
	    {"kdf-fast", no_argument, NULL, O_KDF_FAST},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	cli_keygen req = {.epoch = 1};
	const char *prefix = NULL;
	const char *role = NULL;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: return ex;
		case O_ROLE: role = optarg; break;
		case O_NAME: req.name = optarg; break;
		case O_OUT: prefix = optarg; break;
		case O_EPOCH:
			if (cli_parse_u32(optarg, 1, UINT32_MAX, &req.epoch) < 0) {
				cli_err("--epoch: a number >= 1");
				return CLI_USAGE;
			}
			break;
		case O_NO_PASS: req.no_passphrase = 1; break;
		case O_KDF_FAST: req.kdf_fast = 1; break;
		}
	}
	if (role == NULL || req.name == NULL || prefix == NULL || optind != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (strcmp(role, "listener") == 0) {
		req.role = ABRI_ROLE_LISTENER;
	} else if (strcmp(role, "auditor") == 0) {
		req.role = ABRI_ROLE_AUDITOR;
	} else {
		cli_err("--role must be listener or auditor");
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_keygen_paths(&req, prefix, 0)) != CLI_OK)
		return ex;
	if ((ex = cli_keygen_write(cfg, &req, NULL)) != CLI_OK)
		return ex;
	printf("Keep %s on this workstation only; give %s to your organisation's key\n"
	       "holders, who compare the fingerprints above with you in person.\n",
	       req.key_path, req.pub_path);
	return CLI_OK;
}
