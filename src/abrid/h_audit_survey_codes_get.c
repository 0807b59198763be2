/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/audit/survey-codes?month=YYYY-MM: how many survey codes each
 * listener registered in an ended month, by key id, for the auditors to
 * compare with the answers received (a listener who answers the survey
 * themselves needs many codes). Counts only: no code, no case. */
#include <stdlib.h>

#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

static json_t *counts_json(const PGresult *r)
{
	json_t *arr = json_array();
	int n = (r != NULL) ? PQntuples(r) : 0;

	for (int i = 0; arr != NULL && i < n; i++) {
		const uint8_t *kid;
		size_t len;
		int64_t codes;
		char *b64 = (pgr_bytes(r, i, 0, &kid, &len) == 0 && len == ABRI_KEY_ID_BYTES &&
		             pgr_int(r, i, 1, &codes) == 0)
		                ? abri_b64_encode(kid, len)
		                : NULL;
		json_t *o = b64 ? json_pack("{s:s,s:I}", "key_id", b64, "codes", (json_int_t)codes)
		                : NULL;
		free(b64);
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

enum MHD_Result h_audit_survey_codes_get(struct request *rq)
{
	return reply_ended_month(rq, pg_select_survey_code_counts, counts_json, "listeners");
}
