/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/staff/cases?state=&limit=&after=: the listener's case list. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200

struct list_query {
	const char *state;
	int limit;
	char after_week[9]; /* "YYYYMMDD" */
	char after_ref[ABRI_CASE_REF_CHARS + 1];
	bool has_after;
};

static const char *arg(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int state_valid(const char *s)
{
	return 0 == strcmp(s, "new") || 0 == strcmp(s, "open") || 0 == strcmp(s, "closed") ||
	       0 == strcmp(s, "erased");
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYYMMDD-REF" with a real calendar date (PostgreSQL would fail on a
 * bad one, which must be the client's 400, not our 500). */
static int cursor_parse(const char *s, struct list_query *q)
{
	int year, month, day;
	struct tm tm = {0};

	if (strlen(s) != 8 + 1 + ABRI_CASE_REF_CHARS || s[8] != '-' || !abri_case_ref_valid(s + 9))
		return -1;
	year = digits(s, 4);
	month = digits(s + 4, 2);
	day = digits(s + 6, 2);
	if (year < 2000 || month < 1 || day < 1)
		return -1;
	/* timegm normalises 31 February into March: a changed date is invalid. */
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1 || tm.tm_mon != month - 1 || tm.tm_mday != day)
		return -1;
	memcpy(q->after_week, s, 8);
	q->after_week[8] = '\0';
	memcpy(q->after_ref, s + 9, ABRI_CASE_REF_CHARS + 1);
	q->has_after = true;
	return 0;
}

static const char *parse_query(struct request *rq, struct list_query *q)
{
	const char *state = arg(rq, "state"), *limit = arg(rq, "limit"), *after = arg(rq, "after");
	char *end;
	long n;

	memset(q, 0, sizeof *q);
	q->limit = LIMIT_DEFAULT;
	if (state != NULL && !state_valid(state))
		return "Parameter \"state\" must be new, open, closed or erased.";
	q->state = state;
	if (limit != NULL) {
		n = strtol(limit, &end, 10);
		if (*limit < '0' || *limit > '9' || *end != '\0' || n < 1 || n > LIMIT_MAX)
			return "Parameter \"limit\" must be from 1 to 200.";
		q->limit = (int)n;
	}
	if (after != NULL && cursor_parse(after, q) != 0)
		return "Parameter \"after\" is not a cursor from a previous page.";
	return NULL;
}

static json_t *cases_json(const struct db_case_row *rows, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < n; i++) {
		json_t *item = json_pack("{s:s,s:s,s:s,s:I}", "case_ref", rows[i].c.case_ref,
		                         "state", rows[i].c.state, "week", rows[i].c.week,
		                         "envelopes", (json_int_t)rows[i].envelopes);
		if (item == NULL || json_array_append_new(arr, item) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

enum MHD_Result h_staff_cases_list(struct request *rq)
{
	struct db_case_row *rows;
	struct list_query q;
	enum MHD_Result ret;
	const char *bad;
	struct pg *pg;
	enum pg_qs qs;
	json_t *next;
	size_t n;

	bad = parse_query(rq, &q);
	if (bad != NULL)
		return reply_error(rq, EC_BAD_FIELD, bad);
	pg = pg_get();
	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = pg_select_cases(pg, q.state, q.has_after ? q.after_week : NULL,
	                     q.has_after ? q.after_ref : NULL, q.limit, &rows, &n);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	next = (n == (size_t)q.limit) ? json_string(rows[n - 1].cursor) : json_null();
	ret = reply_json(rq, MHD_HTTP_OK,
	                 json_pack("{s:o,s:o}", "cases", cases_json(rows, n), "next", next));
	free(rows);
	return ret;
}
