/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The reporter's survey answer (what the web app does, in C). */
#include <stdlib.h>
#include <time.h>

#include "abri/client.h"
#include "abri/survey.h"

int abri_reporter_survey(abri_client *c, const abri_lists *L, const abri_server_config *cfg,
                         const char *code, const json_t *answers, int *status, json_t **body_out)
{
	char canon[ABRI_SURVEY_CODE_CHARS + 1], *e64 = NULL;
	json_t *req = NULL, *ans = NULL;
	abri_buf env;
	int rc;

	*status = 0;
	if (abri_survey_code_normalise(code, canon) < 0 || L->current == NULL)
		return ABRI_ERR_INVALID;
	if (abri_recipients_check_time(L->current, abri_now()) < 0)
		return ABRI_ERR_EXPIRED;
	rc = abri_survey_seal(&env, c->tenant, L->current, answers, cfg->max_padded);
	if (rc == ABRI_OK && (e64 = abri_b64_encode(env.data, env.len)) == NULL)
		rc = ABRI_ERR_NOMEM;
	if (rc == ABRI_OK &&
	    (req = json_pack("{s:s, s:s}", "code", canon, "envelope", e64)) == NULL)
		rc = ABRI_ERR_NOMEM;
	if (rc == ABRI_OK && body_out != NULL) {
		*body_out = json_incref(req);
	} else if (rc == ABRI_OK) {
		rc = abri_client_call(c, "POST", "/v1/survey", req, 0, status, &ans);
		/* One retry of the same bytes after a transport error: abrid
		 * answers 200 if the first attempt was stored. */
		if (rc == ABRI_CLIENT_ERR_TIMEOUT || rc == ABRI_CLIENT_ERR_TRUNCATED)
			rc = abri_client_call(c, "POST", "/v1/survey", req, 0, status, &ans);
	}
	json_decref(ans);
	json_decref(req);
	free(e64);
	abri_buf_free(&env);
	return rc;
}
