/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/audit/surveys?month=YYYY-MM: a month's survey answers, for the
 * auditors, only once that month has ended (answers released in monthly
 * batches, so when one arrived links to nothing), sorted by envelope hash
 * (never arrival order). */
#include <stdlib.h>

#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

static json_t *answers_json(const PGresult *r)
{
	json_t *arr = json_array();
	int n = (r != NULL) ? PQntuples(r) : 0;

	for (int i = 0; arr != NULL && i < n; i++) {
		const uint8_t *p;
		size_t len;
		char *b64 = (pgr_bytes(r, i, 0, &p, &len) == 0) ? abri_b64_encode(p, len) : NULL;
		if (b64 == NULL || json_array_append_new(arr, json_string(b64)) != 0) {
			free(b64);
			json_decref(arr);
			return NULL;
		}
		free(b64);
	}
	return arr;
}

enum MHD_Result h_audit_surveys_get(struct request *rq)
{
	return reply_ended_month(rq, pg_select_survey_answers, answers_json, "answers");
}
