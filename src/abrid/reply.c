/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reply.h"
#include "reqjson.h"
#include "router.h"

#define RETRY_AFTER_SECONDS "5"

/* The same set on every answer, JSON and static files alike: nothing may
 * be stored (a shared phone must keep no trace of the app), leak a referrer,
 * be sniffed, framed, or run script from anywhere but this origin. */
static const char *const security_headers[][2] = {
    {MHD_HTTP_HEADER_CACHE_CONTROL, "no-store"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy", REPLY_CSP},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(self), geolocation=(), interest-cohort=()"},
};

static int add_headers(struct MHD_Response *resp, const char *content_type)
{
	if (content_type != NULL &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES)
		return 0;
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		if (MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]) !=
		    MHD_YES)
			return 0;
	return 1;
}

enum MHD_Result reply_queue(struct request *rq, unsigned status, struct MHD_Response *resp,
                            const char *content_type)
{
	enum MHD_Result ret;

	char retry[16];

	if (rq->retry_after > 0)
		(void)snprintf(retry, sizeof retry, "%u", rq->retry_after);
	else
		(void)snprintf(retry, sizeof retry, "%s", RETRY_AFTER_SECONDS);
	if (!add_headers(resp, content_type) ||
	    ((status == MHD_HTTP_SERVICE_UNAVAILABLE || status == MHD_HTTP_TOO_MANY_REQUESTS) &&
	     MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry) != MHD_YES)) {
		MHD_destroy_response(resp);
		alog(ALOG_ERROR, "cannot add response headers");
		return MHD_NO;
	}
	rq->status = status;
	if (rq->deferred) { /* on a database worker: dbpool_finish queues it */
		rq->deferred_resp = resp;
		return MHD_YES;
	}
	ret = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result queue_text(struct request *rq, unsigned status, char *text)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		alog(ALOG_ERROR, "cannot create a response");
		return MHD_NO;
	}
	return reply_queue(rq, status, resp, "application/json");
}

enum MHD_Result reply_plain(struct request *rq, unsigned status, const char *text)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		alog(ALOG_ERROR, "cannot create a response");
		return MHD_NO;
	}
	return reply_queue(rq, status, resp, "text/plain; charset=utf-8");
}

enum MHD_Result reply_json(struct request *rq, unsigned status, json_t *body)
{
	char *text;

	if (body == NULL) {
		alog(ALOG_ERROR, "%s: could not build the answer", route_name(rq->route));
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	return queue_text(rq, status, text);
}

enum MHD_Result reply_error(struct request *rq, enum ec code, const char *message)
{
	const struct ec_info *e = ec_info(code);
	json_t *j;
	char *text;

	if (e->http_status >= 500)
		alog(e->http_status == 503 ? ALOG_WARN : ALOG_ERROR, "%s: answered %u %s",
		     route_name(rq->route), e->http_status, e->code);
	else
		alog(ALOG_DEBUG, "%s: peer error %u %s", route_name(rq->route), e->http_status,
		     e->code);
	j = json_pack("{s:{s:s,s:s}}", "error", "code", e->code, "message",
	              message != NULL ? message : e->message);
	text = (j != NULL) ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text == NULL) {
		/* Out of memory: a fixed text still tells the client the truth. */
		text =
		    strdup("{\"error\":{\"code\":\"internal\",\"message\":\"Internal error.\"}}");
		if (text == NULL)
			return MHD_NO;
		return queue_text(rq, 500, text);
	}
	return queue_text(rq, e->http_status, text);
}

enum MHD_Result reply_pg_error(struct request *rq, enum pg_qs qs)
{
	return reply_error(rq, (qs == PG_SOFT || qs == PG_BUSY) ? EC_UNAVAILABLE : EC_INTERNAL,
	                   NULL);
}

enum MHD_Result reply_rj_error(struct request *rq, const struct rj_result *res)
{
	char msg[160];

	if (res->code == EC_BAD_FIELD && res->field != NULL) {
		/* Field names come from our own specs, never from the request. */
		(void)snprintf(msg, sizeof msg, "Field \"%s\" is missing or invalid.", res->field);
		return reply_error(rq, res->code, msg);
	}
	return reply_error(rq, res->code, NULL);
}
