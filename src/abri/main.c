/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri — the CLI of listeners, auditors, key holders and the operator.
 * Global options may come before or after the subcommand. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv, cli_config *cfg);
	const char *help;
} command;

static const command commands[] = {
    {"keygen", cmd_keygen, "create a listener or auditor key"},
    {"cases", cmd_cases, "list cases"},
    {"show", cmd_show, "decrypt and verify a case"},
    {"reply", cmd_reply, "answer the reporter (or write an internal note)"},
    {"state", cmd_state, "set a case's state"},
    {"code", cmd_code, "record a case's coding (taxonomy) and queue its statistics"},
    {"stats", cmd_stats, "upload the queued statistics to the auditors, or show the queue"},
    {"console", cmd_console, "the listener's web console on this computer (127.0.0.1)"},
    {"watch", cmd_watch, "show how many cases are new, when it changes"},
    {"acknowledge", cmd_acknowledge, "issue the written acknowledgement (2012/29/EU art. 5)"},
    {"survey-codes", cmd_survey_codes, "make and register single-use survey codes"},
    {"verify-receipt", cmd_verify_receipt, "check abrid's proof of receipt"},
    {"verify-ack", cmd_verify_ack, "check a written acknowledgement file"},
    {"audit", NULL, "auditors: the annual report (abri audit --help)"},
    {"admin", NULL, "key holders and operator commands (abri admin --help)"},
    {NULL, NULL, NULL},
};

static const command admin_commands[] = {
    {"org-keygen", cmd_admin_org_keygen, "create the organisation key (offline machine)"},
    {"server-keygen", cmd_admin_server_keygen, "create abrid's key files"},
    {"sign-recipients", cmd_admin_sign_recipients, "sign a recipient list (offline machine)"},
    {"upload-recipients", cmd_admin_upload_recipients, "upload a signed recipient list"},
    {"migrate", cmd_admin_migrate, "apply database migrations"},
    {NULL, NULL, NULL},
};

static const command audit_commands[] = {
    {"report", cmd_audit_report, "write the annual report (HTML + CSV)"},
    {"survey-codes", cmd_audit_survey_codes, "survey codes registered per listener in a month"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f, const char *title, const command *table)
{
	fprintf(f, "%s\n", title);
	for (const command *c = table; c->name != NULL; c++)
		fprintf(f, "  %-18s %s\n", c->name, c->help);
	fputs(CLI_GLOBAL_USAGE, f);
	fputs("Each command has --help. Exit codes: docs/cli.md.\n", f);
}

static int dispatch(int argc, char **argv, cli_config *cfg, const char *title,
                    const command *table);

static int run(const command *c, int argc, char **argv, cli_config *cfg)
{
	if (c->run == NULL && strcmp(c->name, "audit") == 0)
		return dispatch(argc - 1, argv + 1, cfg, "Usage: abri audit COMMAND [OPTIONS]",
		                audit_commands);
	if (c->run == NULL)
		return dispatch(argc - 1, argv + 1, cfg, "Usage: abri admin COMMAND [OPTIONS]",
		                admin_commands);
	/* 0, not 1: glibc then re-initialises getopt fully, so the subcommand
	 * gets argument permutation back (main parsed with "+"). */
	optind = 0;
	return c->run(argc, argv, cfg);
}

static int dispatch(int argc, char **argv, cli_config *cfg, const char *title, const command *table)
{
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		usage(argc < 1 ? stderr : stdout, title, table);
		return argc < 1 ? CLI_USAGE : CLI_OK;
	}
	for (const command *c = table; c->name != NULL; c++)
		if (strcmp(argv[0], c->name) == 0)
			return run(c, argc, argv, cfg);
	cli_err("unknown command '%s'", argv[0]);
	usage(stderr, title, table);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {CLI_GLOBAL_LONGOPTS, {NULL, 0, NULL, 0}};
	static const char title[] = "Usage: abri [GLOBAL OPTIONS] COMMAND [OPTIONS]";
	cli_config cfg = {0};
	struct rlimit no_core = {0, 0};
	int c, ex;

	/* Decrypted cases must never land in a core file. */
	setrlimit(RLIMIT_CORE, &no_core);
	if (abri_init() < 0) {
		cli_err("cannot initialise libsodium");
		return CLI_LOCAL;
	}
	/* "+": stop at the subcommand, which parses its own options. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h' || c == '?' || !cli_global_option(&cfg, c, optarg)) {
			usage(c == 'h' ? stdout : stderr, title, commands);
			cli_config_free(&cfg);
			return c == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	ex = dispatch(argc - optind, argv + optind, &cfg, title, commands);
	cli_config_free(&cfg);
	fflush(stdout);
	return ex;
}
