/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The route table and the dispatcher: the common work (path match, method,
 * body parsing, staff authentication) is done once before a handler runs. */
#ifndef ABRID_ROUTER_H
#define ABRID_ROUTER_H

#include <microhttpd.h>

#include "request.h"

enum auth_kind {
	AUTH_NONE,     /* public (reporters, health) */
	AUTH_LISTENER, /* signed request, role listener */
	AUTH_AUDITOR,  /* signed request, role auditor */
	AUTH_ORG,      /* the body carries the organisation's signature */
};

enum body_kind {
	BODY_NONE,          /* no JSON expected; any body is only hashed for auth */
	BODY_JSON,          /* a JSON object */
	BODY_JSON_OR_EMPTY, /* a JSON object or nothing */
	BODY_RAW,           /* bytes left in rq->body for the handler (upload chunks) */
};

typedef enum MHD_Result (*handler_fn)(struct request *rq);

struct route {
	const char *method;
	const char *pattern; /* "{}" matches one segment, "{+}" one or more (router.c),
	                      * captured in rq->arg (rq->arg2) */
	handler_fn handler;
	enum auth_kind auth;
	enum body_kind body;
	const char *name; /* for logs: never the actual path */
};

/* Runs the request (body complete). */
enum MHD_Result router_dispatch(struct request *rq);
const char *route_name(const struct route *r);

#endif
