/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Per-request state, created when MHD reports the raw request target and
 * freed when the request completes. */
#ifndef ABRID_REQUEST_H
#define ABRID_REQUEST_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <time.h>

#include "abri/abri.h"

struct addrlimit_ticket;
struct route;
struct rlist;

#define ROUTE_ARG_MAX 32

struct request {
	struct MHD_Connection *conn;
	char *raw_target;   /* path and query exactly as sent (signed by staff) */
	const char *method; /* MHD's string, valid for the request */
	const struct route *route;
	char arg[ROUTE_ARG_MAX + 1];  /* the first {} segment of the route, if any */
	char arg2[ROUTE_ARG_MAX + 1]; /* the second {} segment, if any */
	abri_buf body;
	bool too_large;
	bool started;
	json_t *json;              /* parsed body for JSON routes */
	const abri_member *member; /* staff: the signing member (in list) */
	const struct rlist *list;  /* staff: the current list at auth time */
	struct timespec t0;
	unsigned status; /* HTTP status sent, for the access log */
	unsigned retry_after; /* seconds for Retry-After on 429/503; 0 = the default */
	bool counted;         /* in the in-progress count (httpd.c) */
	bool uploading;       /* holds an upload slot: its body is on the way (httpd.c) */
	bool upload_addr;     /* ... and one of its address's (addrlimit.h) */
	/* The connection's address ticket, NULL when not limited per address
	 * (Unix socket, addr_limits = 0, table full). Valid until the
	 * request completes. */
	const struct addrlimit_ticket *ticket;
	/* Database workers (dbpool.h): the job, and the answer it prepared. */
	enum MHD_Result (*job)(struct request *rq);
	struct request *next;
	bool deferred; /* running on a worker: reply_queue keeps the response */
	bool job_done; /* the worker is done; the connection was resumed */
	enum MHD_Result job_result;
	struct MHD_Response *deferred_resp;
};

#endif
