/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri survey-codes: single-use survey codes (include/abri/survey.h).
 * `new` makes random codes, registers them with abrid (which keeps only
 * their peppered hashes, no case link) and keeps them in the local state
 * (<state_dir>/survey/codes.json, {"unused": [codes]}, mode 0600);
 * `abri reply --survey-code` hands the next one to a reporter; `list`
 * shows the unused ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abri/survey.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri survey-codes new [--count N] | abri survey-codes list\n"
    "new: makes N (default 20, at most 100) single-use survey codes, registers them\n"
    "with abrid and keeps them here for `abri reply REF --survey-code`.\n"
    "list: the unused codes kept here.\n";

enum { O_COUNT = OPT_CMD };

#define CODES_FILE_MAX (1024u * 1024u)
#define COUNT_DEFAULT  20u
#define COUNT_MAX      100u

static int codes_path(const cli_config *cfg, char *out, size_t n, int dir_only)
{
	int len = snprintf(out, n, dir_only ? "%s/survey" : "%s/survey/codes.json", cfg->state_dir);
	return (len < 0 || (size_t)len >= n) ? -1 : 0;
}

static int codes_load(const cli_config *cfg, json_t **doc)
{
	char path[4096];
	uint8_t *d;
	size_t len;
	json_error_t jerr;
	int rc;

	*doc = NULL;
	if (codes_path(cfg, path, sizeof path, 0) < 0)
		return CLI_LOCAL;
	rc = abri_file_read(path, CODES_FILE_MAX, &d, &len);
	if (rc == ABRI_ERR_IO && errno == ENOENT) {
		*doc = json_pack("{s:[]}", "unused");
		return *doc ? CLI_OK : CLI_LOCAL;
	}
	if (rc == ABRI_OK) {
		*doc = json_loadb((const char *)d, len, JSON_REJECT_DUPLICATES, &jerr);
		free(d);
	}
	if (!json_is_array(json_object_get(*doc, "unused"))) {
		cli_err("the survey codes file %s is unreadable or corrupt", path);
		json_decref(*doc);
		*doc = NULL;
		return CLI_LOCAL;
	}
	return CLI_OK;
}

static int codes_save(const cli_config *cfg, const json_t *doc)
{
	char path[4096], dir[4096];
	if (codes_path(cfg, path, sizeof path, 0) < 0 || codes_path(cfg, dir, sizeof dir, 1) < 0 ||
	    abri_mkdir_p(dir, 0700) < 0) {
		cli_err("cannot create the survey codes directory");
		return CLI_LOCAL;
	}
	return cli_json_save(path, doc);
}

int cli_survey_code_take(const cli_config *cfg, char out[ABRI_SURVEY_CODE_GROUPED + 1])
{
	json_t *doc;
	int ex = codes_load(cfg, &doc);
	if (ex != CLI_OK)
		return ex;
	const char *code = json_string_value(json_array_get(json_object_get(doc, "unused"), 0));
	if (!abri_survey_code_valid(code)) {
		cli_err("no unused survey code here: run abri survey-codes new");
		json_decref(doc);
		return CLI_USAGE;
	}
	abri_survey_code_group(out, code);
	/* Removed before the reply is sent: a code is never handed out twice
	 * (one lost to a failed send costs nothing). */
	if (json_array_remove(json_object_get(doc, "unused"), 0) < 0)
		ex = CLI_LOCAL;
	if (ex == CLI_OK)
		ex = codes_save(cfg, doc);
	json_decref(doc);
	return ex;
}

static int codes_register(cli_session *s, json_t *codes)
{
	json_t *req = json_pack("{s:O}", "codes", codes), *ans = NULL;
	int status = 0, rc = req ? abri_client_call(&s->client, "POST", "/v1/staff/survey-codes",
	                                            req, 1, &status, &ans)
	                         : ABRI_ERR_NOMEM;
	json_decref(req);
	json_decref(ans);
	if (rc == ABRI_OK && status == 201)
		return CLI_OK;
	return cli_call_failed("registering the survey codes", rc, &s->client);
}

static int codes_new(cli_config *cfg, uint32_t count)
{
	json_t *doc = NULL, *codes = json_array();
	cli_session s;
	int ex = codes ? codes_load(cfg, &doc) : CLI_LOCAL;

	for (uint32_t i = 0; ex == CLI_OK && i < count; i++) {
		char c[ABRI_SURVEY_CODE_CHARS + 1];
		abri_survey_code_new(c);
		if (json_array_append_new(codes, json_string(c)) < 0)
			ex = CLI_LOCAL;
	}
	if (ex == CLI_OK) {
		if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
			ex = codes_register(&s, codes);
		cli_session_close(&s);
	}
	if (ex == CLI_OK && json_array_extend(json_object_get(doc, "unused"), codes) < 0)
		ex = CLI_LOCAL;
	if (ex == CLI_OK && (ex = codes_save(cfg, doc)) == CLI_OK)
		printf("Registered %u survey code(s); %zu unused here (abri reply REF "
		       "--survey-code hands one out).\n",
		       (unsigned)count, json_array_size(json_object_get(doc, "unused")));
	json_decref(codes);
	json_decref(doc);
	return ex;
}

static int codes_list(const cli_config *cfg)
{
	json_t *doc, *v;
	size_t i;
	int ex = codes_load(cfg, &doc);
	if (ex != CLI_OK)
		return ex;
	json_array_foreach(json_object_get(doc, "unused"), i, v)
	{
		char g[ABRI_SURVEY_CODE_GROUPED + 1];
		if (!abri_survey_code_valid(json_string_value(v)))
			continue;
		abri_survey_code_group(g, json_string_value(v));
		printf("%s\n", g);
	}
	fprintf(stderr, "abri: %zu unused survey code(s)\n",
	        json_array_size(json_object_get(doc, "unused")));
	json_decref(doc);
	return CLI_OK;
}

int cmd_survey_codes(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"count", required_argument, NULL, O_COUNT},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	uint32_t count = COUNT_DEFAULT;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_COUNT && cli_parse_u32(optarg, 1, COUNT_MAX, &count) < 0) {
			cli_err("--count: 1..%u", COUNT_MAX);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "new") != 0 && strcmp(argv[optind], "list") != 0)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	return strcmp(argv[optind], "new") == 0 ? codes_new(cfg, count) : codes_list(cfg);
}
