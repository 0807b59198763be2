/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri cases: the list of cases, paged, with "new since last look" from
 * the local state directory (seen/unseen never lives on the server). */
#include <stdlib.h>
#include <string.h>

#include "abri/ack.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri cases [--state new|open|closed|erased] [--limit N]\n"
    "Lists cases, newest week first, with the Monday of the week each arrived.\n"
    "NEW counts the person's messages that arrived since you last ran `abri show`\n"
    "on the case on this workstation (never the listeners' own).\n";

enum { O_STATE = OPT_CMD, O_LIMIT };

/* "+2 from the person", "not opened yet" or "": only the person's
 * messages count, never the listeners' own; *alarm when abrid shows fewer
 * messages than were seen here. */
static int new_column(cli_session *s, const char *ref, json_int_t n, char *out, size_t len,
                      int *alarm)
{
	long long fresh, seen;
	int fewer, ex;

	out[0] = '\0';
	if ((ex = cli_case_new_from_person(s, ref, n, &fresh, &fewer, &seen)) != CLI_OK)
		return ex;
	if (seen < 0) {
		snprintf(out, len, "not opened yet");
	} else if (fewer) {
		snprintf(out, len, "FEWER THAN SEEN (%lld)!", seen);
		*alarm = 1;
	} else if (fresh > 0) {
		snprintf(out, len, "+%lld from the person", fresh);
	}
	return CLI_OK;
}

struct listing {
	cli_session *s;
	uint32_t left;  /* cases still to print */
	uint32_t total; /* --limit */
	int alarm;
};

static int print_page(const json_t *cases, void *cls)
{
	struct listing *L = cls;
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c)
	{
		const char *ref = json_string_value(json_object_get(c, "case_ref"));
		const char *state = json_string_value(json_object_get(c, "state"));
		const char *week = json_string_value(json_object_get(c, "week"));
		json_t *n = json_object_get(c, "envelopes");
		char col[64], monday[11];
		int ex;
		if (ref == NULL || !abri_case_ref_valid(ref) || state == NULL || week == NULL ||
		    !json_is_integer(n) || abri_week_monday(week, monday) != ABRI_OK) {
			cli_err("malformed case entry in the server's answer");
			return CLI_SERVER;
		}
		if (L->left == 0)
			return CLI_OK;
		if (L->left-- == L->total)
			printf("%-10s  %-8s%-10s  %5s  %s\n", "CASE", "STATE", "WEEK OF", "MSGS",
			       "NEW");
		if ((ex = new_column(L->s, ref, json_integer_value(n), col, sizeof col,
		                     &L->alarm)) != CLI_OK)
			return ex;
		printf("%-10s  ", ref);
		abri_fputs_safe(stdout, state);
		printf("%*s", (int)(8 - (strlen(state) < 8 ? strlen(state) : 8)), "");
		printf("%s  %5lld  %s\n", monday, (long long)json_integer_value(n), col);
	}
	return CLI_OK;
}

static int list_cases(cli_session *s, const char *state, uint32_t limit)
{
	struct listing L = {.s = s, .left = limit, .total = limit};
	int ex = cli_cases_pages(s, state, limit, "listing cases", print_page, &L);

	if (ex == CLI_OK && L.left == L.total)
		printf("No cases.\n");
	if (ex == CLI_OK && L.alarm) {
		cli_alarm("a case shows fewer messages than you saw before: run `abri show` on it");
		ex = CLI_ALARM;
	}
	return ex;
}

int cmd_cases(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, O_STATE},
	    {"limit", required_argument, NULL, O_LIMIT},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *state = NULL;
	uint32_t limit = UINT32_MAX;
	cli_session s;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_STATE)
			state = optarg;
		else if (c == O_LIMIT && cli_parse_u32(optarg, 1, UINT32_MAX, &limit) < 0) {
			cli_err("--limit: a number >= 1");
			return CLI_USAGE;
		}
	}
	if (optind != argc || (state && strcmp(state, "new") != 0 && strcmp(state, "open") != 0 &&
	                       strcmp(state, "closed") != 0 && strcmp(state, "erased") != 0)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
		ex = list_cases(&s, state, limit);
	cli_session_close(&s);
	return ex;
}
