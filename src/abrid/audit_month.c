/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The auditors' monthly endpoints (GET /v1/audit/surveys, /survey-codes):
 * ?month=YYYY-MM of an ended month, one query, its rows as a JSON array. */
#include "db/queries.h"
#include "handlers.h"
#include "month.h"
#include "reply.h"

enum MHD_Result reply_ended_month(struct request *rq,
                                  enum pg_qs (*query)(struct pg *, const char *, PGresult **),
                                  json_t *(*rows_json)(const PGresult *), const char *key)
{
	const char *month = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, "month");
	int closed = month_closed(month);
	PGresult *r = NULL;
	struct pg *pg;
	enum pg_qs qs;
	json_t *arr;

	/* Only ended months (UTC): when something arrived links to nothing. */
	if (closed < 0)
		return reply_error(rq, EC_BAD_FIELD, "Parameter \"month\" must be YYYY-MM.");
	if (closed == 0)
		return reply_error(rq, EC_MONTH_OPEN, NULL);
	pg = pg_get();
	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = query(pg, month, &r);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	arr = rows_json(r);
	PQclear(r);
	if (arr == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	return reply_json(rq, MHD_HTTP_OK, json_pack("{s:s,s:o}", "month", month, key, arr));
}
