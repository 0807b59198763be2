/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <string.h>

#include "auth.h"
#include "dbpool.h"
#include "handlers.h"
#include "reply.h"
#include "reqjson.h"
#include "router.h"

static const struct route routes[] = {
    {"GET", "/healthz", h_healthz, AUTH_NONE, BODY_NONE, "healthz"},
    {"GET", "/v1/config", h_config, AUTH_NONE, BODY_NONE, "config"},
    {"GET", "/v1/recipients/{}", h_recipients_get, AUTH_NONE, BODY_NONE, "recipients_get"},
    {"POST", "/v1/challenge", h_challenge, AUTH_NONE, BODY_JSON_OR_EMPTY, "challenge"},
    {"POST", "/v1/cases", h_cases_create, AUTH_NONE, BODY_JSON, "cases_create"},
    {"POST", "/v1/cases/open", h_cases_open, AUTH_NONE, BODY_JSON, "cases_open"},
    {"POST", "/v1/cases/messages", h_cases_message, AUTH_NONE, BODY_JSON, "cases_message"},
    {"POST", "/v1/cases/erase", h_cases_erase, AUTH_NONE, BODY_JSON, "cases_erase"},
    {"GET", "/v1/staff/cases", h_staff_cases_list, AUTH_LISTENER, BODY_NONE, "staff_cases"},
    {"GET", "/v1/staff/cases/{}", h_staff_case_get, AUTH_LISTENER, BODY_NONE, "staff_case"},
    {"POST", "/v1/staff/cases/{}/messages", h_staff_case_message, AUTH_LISTENER, BODY_JSON,
     "staff_case_message"},
    {"POST", "/v1/staff/cases/{}/state", h_staff_case_state, AUTH_LISTENER, BODY_JSON,
     "staff_case_state"},
    {"POST", "/v1/staff/stats", h_staff_stats_post, AUTH_LISTENER, BODY_JSON, "staff_stats"},
    {"GET", "/v1/audit/stats", h_audit_stats_get, AUTH_AUDITOR, BODY_NONE, "audit_stats"},
    {"POST", "/v1/staff/survey-codes", h_staff_survey_codes, AUTH_LISTENER, BODY_JSON,
     "staff_survey_codes"},
    {"POST", "/v1/survey", h_survey_post, AUTH_NONE, BODY_JSON, "survey"},
    {"GET", "/v1/audit/surveys", h_audit_surveys_get, AUTH_AUDITOR, BODY_NONE, "audit_surveys"},
    {"GET", "/v1/audit/survey-codes", h_audit_survey_codes_get, AUTH_AUDITOR, BODY_NONE,
     "audit_survey_codes"},
    {"PUT", "/v1/admin/recipients", h_admin_recipients_put, AUTH_ORG, BODY_JSON,
     "admin_recipients"},
    {"POST", "/v1/uploads", h_uploads_create, AUTH_NONE, BODY_JSON, "uploads_create"},
    {"PUT", "/v1/uploads/{+}/{}", h_uploads_put, AUTH_NONE, BODY_RAW, "uploads_put"},
    {"GET", "/v1/uploads/{+}", h_uploads_get, AUTH_NONE, BODY_NONE, "uploads_get"},
    {"GET", "/v1/staff/cases/{}/uploads/{+}", h_staff_case_upload_get, AUTH_LISTENER, BODY_NONE,
     "staff_case_upload"},
    {"POST", "/v1/exit", h_exit, AUTH_NONE, BODY_NONE, "exit"},
};

/* Every path outside the API goes to the static files (methods checked by
 * h_static); the API's namespace keeps its JSON 404 and 405. */
static const struct route static_route = {"GET", "", h_static, AUTH_NONE, BODY_NONE, "static"};

#define N_ROUTES (sizeof routes / sizeof routes[0])

const char *route_name(const struct route *r)
{
	return (r != NULL) ? r->name : "-";
}

/* End of the argument starting at path[i]: "{}" is one segment (up to the
 * next '/'); "{+}" may hold '/' and runs to the end, or to the last '/'
 * when the pattern goes on ("{+}/{}"), so that an upload id written in
 * standard base64 (with '/') still reaches its handler. */
static size_t arg_end(const char *path, size_t i, size_t len, bool rest, bool more)
{
	size_t end = i;

	if (!rest) {
		while (end < len && path[end] != '/')
			end++;
		return end;
	}
	if (!more)
		return len;
	for (size_t j = i; j < len; j++)
		if (path[j] == '/')
			end = j;
	return end;
}

/* Matches path (up to len) against pattern; an argument ("{}" or "{+}")
 * of 1 or more bytes is copied into args[0], then args[1]. Any byte but
 * the separator is taken: each handler checks its own argument's form and
 * answers with its own code (unknown_upload, case_not_found, ...), never
 * the router's not_found. One longer than ROUTE_ARG_MAX is passed as "",
 * which no handler accepts. */
static int match(const char *pattern, const char *path, size_t len,
                 char args[2][ROUTE_ARG_MAX + 1])
{
	size_t i = 0, n = 0;

	for (const char *p = pattern; *p != '\0'; p++) {
		bool rest = p[0] == '{' && p[1] == '+' && p[2] == '}';
		if (rest || (p[0] == '{' && p[1] == '}')) {
			size_t start = i;
			p += rest ? 2 : 1;
			i = arg_end(path, i, len, rest, p[1] != '\0');
			if (n >= 2 || i == start)
				return 0;
			if (i - start > ROUTE_ARG_MAX)
				start = i;
			memcpy(args[n], path + start, i - start);
			args[n++][i - start] = '\0';
			continue;
		}
		if (i >= len || path[i] != *p)
			return 0;
		i++;
	}
	return i == len;
}

/* Same path, the request's method. NULL if the path exists only with other
 * methods (405) or not at all (404, *path_known false). */
static const struct route *match_method(struct request *rq, bool *path_known)
{
	size_t len = strcspn(rq->raw_target, "?");
	char args[2][ROUTE_ARG_MAX + 1] = {{0}};

	*path_known = false;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!match(routes[i].pattern, rq->raw_target, len, args))
			continue;
		*path_known = true;
		if (0 == strcmp(routes[i].method, rq->method)) {
			memcpy(rq->arg, args[0], sizeof rq->arg);
			memcpy(rq->arg2, args[1], sizeof rq->arg2);
			return &routes[i];
		}
	}
	return NULL;
}

static bool api_path(const char *raw_target)
{
	size_t len = strcspn(raw_target, "?");

	return (len >= 3 && 0 == strncmp(raw_target, "/v1", 3) &&
	        (len == 3 || raw_target[3] == '/')) ||
	       (len == 8 && 0 == strncmp(raw_target, "/healthz", 8));
}

/* Staff authentication (it writes the replay nonce), then the handler. */
static enum MHD_Result run_route(struct request *rq)
{
	enum ec ec;

	if (rq->route->auth == AUTH_LISTENER || rq->route->auth == AUTH_AUDITOR) {
		ec = auth_staff(rq, rq->route->auth == AUTH_LISTENER ? ABRI_ROLE_LISTENER
		                                                     : ABRI_ROLE_AUDITOR);
		if (ec != EC_NONE)
			return reply_error(rq, ec, NULL);
	}
	return rq->route->handler(rq);
}

enum MHD_Result router_dispatch(struct request *rq)
{
	struct rj_result res;
	bool known;

	rq->route = match_method(rq, &known);
	if (rq->route == NULL && !known && !api_path(rq->raw_target))
		rq->route = &static_route;
	if (rq->route == NULL)
		return reply_error(rq, known ? EC_METHOD_NOT_ALLOWED : EC_NOT_FOUND, NULL);
	if (rq->too_large)
		return reply_error(rq, EC_BODY_TOO_LARGE, NULL);
	if (rq->route->body != BODY_NONE && rq->route->body != BODY_RAW &&
	    rj_load((const char *)rq->body.data, rq->body.len,
	            rq->route->body == BODY_JSON_OR_EMPTY, &rq->json, &res) != 0)
		return reply_rj_error(rq, &res);
	/* A body refused for an integer beyond 64 bits goes on only where
	 * fields are required: their parsing names the field (reqjson.h). An
	 * optional body declares none. */
	if (rq->route->body == BODY_JSON_OR_EMPTY && rj_refused(rq->json))
		return reply_error(rq, EC_BAD_JSON, NULL);
	/* Static files and the quick exit need no database: answered here.
	 * Everything else runs on a database worker. */
	if (rq->route == &static_route || rq->route->handler == h_exit)
		return run_route(rq);
	if (dbpool_submit(rq, run_route) == MHD_YES)
		return MHD_YES;
	return reply_error(rq, EC_UNAVAILABLE, NULL); /* shutting down */
}
