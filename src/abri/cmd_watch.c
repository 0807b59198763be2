/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri watch: how many cases are new and how many messages people wrote
 * into other cases since this workstation last looked, printed when a
 * number changes.
 * Only the count: no references and no times, so the screen (or a log of
 * it) does not say when which case arrived. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri watch [--interval SECONDS] [--once]\n"
    "Prints the number of new cases and of the people's new messages in other cases\n"
    "(\"3 new cases, 1 new message from people in other cases\") now and whenever it changes,\n"
    "polling every SECONDS (default 60, 5..86400). --once: print it and exit.\n";

enum { O_INTERVAL = OPT_CMD, O_ONCE };

typedef struct counts {
	cli_session *s;
	long long cases;    /* new cases */
	long long messages; /* the person's unseen messages in other cases */
	int fewer;
} counts;

static int add_page(const json_t *cases, void *cls)
{
	counts *c = cls;
	size_t i;
	json_t *e;
	json_array_foreach(cases, i, e)
	{
		const char *ref = json_string_value(json_object_get(e, "case_ref"));
		const char *state = json_string_value(json_object_get(e, "state"));
		json_t *n = json_object_get(e, "envelopes");
		long long fresh;
		int fewer, ex;
		if (ref == NULL || !abri_case_ref_valid(ref) || state == NULL || !json_is_integer(n)) {
			cli_err("malformed case entry in the server's answer");
			return CLI_SERVER;
		}
		if (strcmp(state, "new") == 0) {
			c->cases++;
			continue;
		}
		if (strcmp(state, "erased") == 0)
			continue;
		if ((ex = cli_case_new_from_person(c->s, ref, (long long)json_integer_value(n),
		                                   &fresh, &fewer, NULL)) != CLI_OK)
			return ex;
		c->messages += fresh;
		c->fewer |= fewer;
	}
	return CLI_OK;
}

/* Every page of GET /v1/staff/cases: new cases, and the person's messages
 * this workstation has not seen in open and closed cases (decrypted only
 * for cases whose count grew). */
static int count_new(cli_session *s, counts *c)
{
	memset(c, 0, sizeof *c);
	c->s = s;
	return cli_cases_pages(s, NULL, UINT32_MAX, "counting new cases", add_page, c);
}

static void print_count(const counts *c)
{
	printf("%lld new case%s, %lld new message%s from people in other cases\n", c->cases,
	       c->cases == 1 ? "" : "s", c->messages, c->messages == 1 ? "" : "s");
	(void)fflush(stdout);
}

static int watch(cli_session *s, uint32_t interval, int once)
{
	counts c, last = {.cases = -1};
	int ex;

	for (;;) {
		if ((ex = count_new(s, &c)) != CLI_OK)
			return ex;
		if (c.fewer)
			cli_alarm("a case shows fewer messages than you saw before: run `abri cases`");
		if (c.cases != last.cases || c.messages != last.messages)
			print_count(&c);
		last = c;
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
