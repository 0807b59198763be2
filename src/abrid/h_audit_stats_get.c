/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/audit/stats?year=YYYY: every statistics batch of that year's
 * months, for the auditors' annual report. */
#include <stdlib.h>
#include <string.h>

#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

static int year_parse(const char *s)
{
	if (s == NULL || strlen(s) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	int y = atoi(s);
	return (y >= 2000) ? y : -1;
}

static json_t *batches_json(const PGresult *r)
{
	json_t *arr = json_array();
	int n = (r != NULL) ? PQntuples(r) : 0;

	for (int i = 0; arr != NULL && i < n; i++) {
		const uint8_t *p;
		size_t len;
		const char *month = pgr_text(r, i, 0);
		char *b64 = (pgr_bytes(r, i, 1, &p, &len) == 0 && month != NULL)
		                ? abri_b64_encode(p, len)
		                : NULL;
		json_t *item = b64 ? json_pack("{s:s,s:s}", "month", month, "envelope", b64) : NULL;
		free(b64);
		if (item == NULL || json_array_append_new(arr, item) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

enum MHD_Result h_audit_stats_get(struct request *rq)
{
	int year = year_parse(MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, "year"));
	PGresult *r = NULL;
	enum MHD_Result ret;
	struct pg *pg;
	enum pg_qs qs;
	json_t *arr;

	if (year < 0)
		return reply_error(rq, EC_BAD_FIELD, "Parameter \"year\" must be YYYY.");
	pg = pg_get();
	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = pg_select_stats_batches(pg, year, &r);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	arr = batches_json(r);
	PQclear(r);
	if (arr == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	ret = reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "batches", arr));
	return ret;
}
