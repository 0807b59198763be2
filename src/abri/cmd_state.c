/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri state: set a case's state (new, open, closed). */
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri state REF new|open|closed\n"
    "Allowed transitions (abrid decides): new->open, new->closed, open->closed,\n"
    "closed->open. Erased cases cannot change.\n";

int cli_state_set(cli_session *s, const char *ref, const char *state, int *status, json_t **ans)
{
	char target[64];
	json_t *req = json_pack("{s:s}", "state", state);
	int rc;

	*ans = NULL;
	*status = 0;
	snprintf(target, sizeof target, "/v1/staff/cases/%s/state", ref);
	rc = req ? abri_client_call(&s->client, "POST", target, req, 1, status, ans)
	         : ABRI_ERR_NOMEM;
	json_decref(req);
	return rc;
}

static int set_state(cli_session *s, const char *ref, const char *state)
{
	json_t *ans = NULL;
	int status, rc = cli_state_set(s, ref, state, &status, &ans), ex = CLI_OK;

	if (rc == ABRI_OK && status == 200) {
		const char *now = json_string_value(json_object_get(ans, "state"));
		printf("Case %s is now ", ref);
		abri_fputs_safe(stdout, now ? now : state);
		fputc('\n', stdout);
	} else {
		ex = cli_call_failed("changing the state", rc, &s->client);
	}
	json_decref(ans);
	return ex;
}

int cmd_state(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {CLI_GLOBAL_LONGOPTS, {NULL, 0, NULL, 0}};
	cli_session s;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1)
		if (c == CLI_OPT_EXIT)
			return ex;
	if (optind + 2 != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	const char *ref = argv[optind], *state = argv[optind + 1];
	if (strcmp(state, "new") != 0 && strcmp(state, "open") != 0 &&
	    strcmp(state, "closed") != 0) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (!cli_ref_ok(ref))
		return CLI_USAGE;
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
		ex = set_state(&s, ref, state);
	cli_session_close(&s);
	return ex;
}
