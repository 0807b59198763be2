/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri admin server-keygen: what abrid needs — its receipt-signing key
 * (role server in the recipient list), the pepper of case lookups and the
 * challenge key shared by all instances. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri admin server-keygen --dir DIR [--name NAME] [--epoch N]\n"
    "Writes DIR/server.key (unencrypted, 0600), DIR/server.pub.json (give it to the\n"
    "key holders: the server member of the recipient list), DIR/pepper.key and\n"
    "DIR/challenge.key (0600; share them between all abrid instances).\n";

enum { O_DIR = OPT_CMD, O_NAME, O_EPOCH };

static int write_secret(const char *dir, const char *leaf)
{
	char path[4096];
	uint8_t key[32];
	int n = snprintf(path, sizeof path, "%s/%s", dir, leaf);
	if (n < 0 || (size_t)n >= sizeof path)
		return CLI_USAGE;
	if (access(path, F_OK) == 0) {
		cli_err("%s exists already: refusing to overwrite it", path);
		return CLI_LOCAL;
	}
	randombytes_buf(key, sizeof key);
	int rc = abri_secret32_write(path, key);
	sodium_memzero(key, sizeof key);
	if (rc < 0) {
		cli_err("cannot write %s: %s", path, abri_strerror(rc));
		return CLI_LOCAL;
	}
	printf("Wrote %s\n", path);
	return CLI_OK;
}

int cmd_admin_server_keygen(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, O_DIR},
	    {"name", required_argument, NULL, O_NAME},
	    {"epoch", required_argument, NULL, O_EPOCH},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	cli_keygen g = {.role = ABRI_ROLE_SERVER, .name = "abrid", .epoch = 1, .no_passphrase = 1};
	const char *dir = NULL;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_DIR)
			dir = optarg;
		else if (c == O_NAME)
			g.name = optarg;
		else if (c == O_EPOCH && cli_parse_u32(optarg, 1, UINT32_MAX, &g.epoch) < 0) {
			cli_err("--epoch: a number >= 1");
			return CLI_USAGE;
		}
	}
	if (dir == NULL || optind != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (abri_mkdir_p(dir, 0700) < 0) {
		cli_err("cannot create %s: %s", dir, strerror(errno));
		return CLI_LOCAL;
	}
	if ((ex = cli_keygen_paths(&g, dir, 1)) != CLI_OK ||
	    (ex = cli_keygen_write(cfg, &g, NULL)) != CLI_OK ||
	    (ex = write_secret(dir, "pepper.key")) != CLI_OK ||
	    (ex = write_secret(dir, "challenge.key")) != CLI_OK)
		return ex;
	return CLI_OK;
}
