/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri audit survey-codes --month YYYY-MM: how many survey codes each
 * listener registered in an ended month (GET /v1/audit/survey-codes),
 * named from the recipient list, beside the number of answers released for
 * that month. Many codes and many answers from one listener's codes is
 * what a listener answering the survey themselves would look like; abrid
 * also caps the codes per listener and month (survey_codes_per_month). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri audit survey-codes --month YYYY-MM\n"
    "Prints the survey codes each listener registered in that (ended) month, and\n"
    "the answers received for it. Counts only: no code, no case.\n";

enum { O_MONTH = OPT_CMD };

/* The listener's name in any list this session knows, else "". */
static const char *member_name(const cli_session *s, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	for (size_t i = 0; i < s->lists.n; i++) {
		const abri_member *m = abri_recipients_by_ed_kid(s->lists.cache[i], kid);
		if (m != NULL)
			return m->name;
	}
	return "";
}

static int get(cli_session *s, const char *path, const char *month, json_t **ans)
{
	char target[64];
	int status, rc;

	(void)snprintf(target, sizeof target, "%s?month=%s", path, month);
	rc = abri_client_call(&s->client, "GET", target, NULL, 1, &status, ans);
	if (rc < 0 || status != 200) {
		json_decref(*ans);
		*ans = NULL;
		return cli_call_failed("fetching the survey counts", rc, &s->client);
	}
	return CLI_OK;
}

static int print_counts(cli_session *s, const char *month)
{
	json_t *codes = NULL, *answers = NULL, *e;
	long long total = 0;
	size_t i;
	int ex;

	if ((ex = get(s, "/v1/audit/survey-codes", month, &codes)) != CLI_OK ||
	    (ex = get(s, "/v1/audit/surveys", month, &answers)) != CLI_OK) {
		json_decref(codes);
		return ex;
	}
	printf("Survey codes registered in %s:\n", month);
	json_array_foreach(json_object_get(codes, "listeners"), i, e)
	{
		uint8_t kid[ABRI_KEY_ID_BYTES];
		char fp[40];
		json_int_t n = json_integer_value(json_object_get(e, "codes"));
		const char *name;

		if (abri_b64_decode_exact(json_string_value(json_object_get(e, "key_id")), kid,
		                          sizeof kid) < 0) {
			cli_err("the server sent a malformed key id");
			json_decref(codes);
			json_decref(answers);
			return CLI_SERVER;
		}
		abri_fingerprint(fp, kid);
		name = member_name(s, kid);
		printf("  %-24.24s %s  %lld\n", name[0] ? name : "(not in a known list)", fp,
		       (long long)n);
		total += n;
	}
	printf("  %-24s %39s  %lld\n", "total", "", total);
	printf("Answers received for %s: %zu\n", month,
	       json_array_size(json_object_get(answers, "answers")));
	json_decref(codes);
	json_decref(answers);
	return CLI_OK;
}

int cmd_audit_survey_codes(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"month", required_argument, NULL, O_MONTH},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *month = NULL;
	int c, ex;
	cli_session s;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_MONTH)
			month = optarg;
	}
	if (optind != argc || month == NULL || !abri_month_valid(month)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
		ex = print_counts(&s, month);
	cli_session_close(&s);
	return ex;
}
