/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri watch: how many cases are new, printed when the number changes.
 * Only the count: no references and no times, so the screen (or a log of
 * it) does not say when which case arrived. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri watch [--interval SECONDS] [--once]\n"
    "Prints the number of new cases (\"3 new cases\") now and whenever it changes,\n"
    "polling every SECONDS (default 60, 5..86400). --once: print it and exit.\n";

enum { O_INTERVAL = OPT_CMD, O_ONCE };

static int add_count(const json_t *cases, void *cls)
{
	*(long long *)cls += (long long)json_array_size(cases);
	return CLI_OK;
}

/* Counts every page of GET /v1/staff/cases?state=new. */
static int count_new(cli_session *s, long long *count)
{
	*count = 0;
	return cli_cases_pages(s, "new", UINT32_MAX, "counting new cases", add_count, count);
}

static void print_count(long long n)
{
	printf("%lld new case%s\n", n, n == 1 ? "" : "s");
	(void)fflush(stdout);
}

static int watch(cli_session *s, uint32_t interval, int once)
{
	long long n, last = -1;
	int ex;

	for (;;) {
		if ((ex = count_new(s, &n)) != CLI_OK)
			return ex;
		if (n != last)
			print_count(n);
		last = n;
		if (once)
			return CLI_OK;
		(void)sleep(interval);
	}
}

int cmd_watch(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"interval", required_argument, NULL, O_INTERVAL},
	    {"once", no_argument, NULL, O_ONCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	uint32_t interval = 60;
	int c, ex, once = 0;
	cli_session s;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_ONCE)
			once = 1;
		else if (c == O_INTERVAL && cli_parse_u32(optarg, 5, 86400, &interval) < 0) {
			cli_err("--interval: seconds, 5..86400");
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
		ex = watch(&s, interval, once);
	cli_session_close(&s);
	return ex;
}
