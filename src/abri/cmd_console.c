/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri console: the listener's local web console (docs/console-api.md,
 * src/abri/console/). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "console/console.h"
#include "console/server.h"

static const char usage[] =
    "Usage: abri console [--port N] [--no-browser] [--idle-lock SECONDS] [--lang fr|nl|en]\n"
    "Serves the listener's console on http://127.0.0.1:PORT (this computer only) and\n"
    "opens it in the browser. The key is opened with the passphrase typed in the page\n"
    "and wiped after SECONDS without activity (default 600, console_idle_lock in the\n"
    "configuration). Ctrl-C stops it.\n";

enum { O_PORT = OPT_CMD, O_NO_BROWSER, O_IDLE, O_LANG };

int cmd_console(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"port", required_argument, NULL, O_PORT},
	    {"no-browser", no_argument, NULL, O_NO_BROWSER},
	    {"idle-lock", required_argument, NULL, O_IDLE},
	    {"lang", required_argument, NULL, O_LANG},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	uint32_t port = 0, idle = 0;
	const char *idle_s = NULL, *lang = NULL;
	int c, ex, browser = 1;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: return ex;
		case O_PORT:
			if (cli_parse_u32(optarg, 0, 65535, &port) < 0) {
				fputs(usage, stderr);
				return CLI_USAGE;
			}
			break;
		case O_NO_BROWSER: browser = 0; break;
		case O_IDLE: idle_s = optarg; break;
		case O_LANG: lang = optarg; break;
		}
	}
	if (optind != argc || (lang != NULL && strcmp(lang, "fr") != 0 && strcmp(lang, "nl") != 0 &&
	                       strcmp(lang, "en") != 0)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if (idle_s == NULL)
		idle_s = cfg->console_idle_lock;
	if (idle_s == NULL)
		idle = CONSOLE_IDLE_LOCK;
	else if (cli_parse_u32(idle_s, 1, 86400, &idle) < 0) {
		cli_err("the idle lock is 1 to 86400 seconds");
		return CLI_USAGE;
	}
	if (cfg->key == NULL || cfg->server == NULL || cfg->state_dir == NULL) {
		cli_err("the console needs key, server and state_dir (configuration or options)");
		return CLI_USAGE;
	}
	int enc = abri_keyfile_is_encrypted(cfg->key);
	if (enc < 0) {
		cli_err("cannot read the key file %s: %s", cfg->key, abri_strerror(enc));
		return CLI_LOCAL;
	}
	if (enc == 0)
		cli_err("warning: the key file %s has no passphrase: any word unlocks the console "
		        "(development keys only)",
		        cfg->key);
	console *con = console_new(cfg, idle, lang);
	if (con == NULL) {
		cli_err("cannot start the console");
		return CLI_LOCAL;
	}
	if (lang == NULL)
		console_lang_load(con);
	ex = console_serve(con, port, browser);
	console_free(con);
	return ex;
}
