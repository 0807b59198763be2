/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abrid.h"
#include "addrlimit.h"
#include "dbpool.h"
#include "deadline.h"
#include "httpd.h"
#include "load.h"
#include "log.h"
#include "reply.h"
#include "router.h"

/* MHD's own per-connection pool (headers, not our body buffer). */
#define CONNECTION_MEMORY 65536
/* Longer targets are refused: no route is anywhere near this long. */
#define TARGET_MAX 2048

/* A connection's socket context, from NOTIFY_CONNECTION STARTED to
 * CLOSED: its header deadline and, when limited, its address ticket. */
struct conn_ctx {
	struct deadline_entry deadline;
	struct addrlimit_ticket ticket;
	bool limited; /* ticket counted in addrlimit.h */
};

/* MHD tells us the raw request target (path and query exactly as sent)
 * before it unescapes anything: that is what staff clients sign. The
 * returned pointer becomes the request's context. */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *rq = calloc(1, sizeof *rq);

	if (rq == NULL)
		return NULL;
	rq->conn = conn;
	abri_buf_init(&rq->body);
	(void)clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	if (strlen(uri) <= TARGET_MAX)
		rq->raw_target = strdup(uri);
	return rq;
}

/* Coarse on purpose: exact durations could help tie a log line to a case. */
static const char *duration_bucket(const struct timespec *t0)
{
	struct timespec t1;
	double ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
	if (ms < 10)
		return "<10ms";
	if (ms < 100)
		return "<100ms";
	if (ms < 1000)
		return "<1s";
	return ">=1s";
}

static struct conn_ctx *ctx_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/* The request's body is in, or the request ends before it is: its upload
 * slots go back, and the rate no longer applies. */
static void body_done(struct request *rq, struct conn_ctx *c)
{
	if (rq->upload_addr)
		addrlimit_upload_end(rq->ticket);
	if (rq->uploading)
		load_upload_end();
	if (rq->uploading && c != NULL)
		deadline_body_end(&c->deadline);
	rq->upload_addr = rq->uploading = false;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	struct conn_ctx *c = ctx_of(conn);

	/* Keep-alive: the next request's headers are due from now. (When
	 * the connection is closing instead, CLOSED follows soon.) */
	if (c != NULL)
		deadline_rearm(&c->deadline);
	if (rq == NULL)
		return;
	alog(ALOG_INFO, "%s %s %u %s%s", rq->method != NULL ? rq->method : "-",
	     route_name(rq->route), rq->status, duration_bucket(&rq->t0),
	     toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	body_done(rq, c); /* ended in the middle of its body */
	if (rq->counted)
		load_leave();
	json_decref(rq->json);
	abri_buf_free(&rq->body);
	free(rq->raw_target);
	free(rq);
	*con_cls = NULL;
}

/* Whether the headers announce a body (Content-Length above 0, or a
 * transfer coding: chunked). */
static bool announces_body(struct request *rq)
{
	const char *cl =
	    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
	                                   MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
	       (cl != NULL && strtoull(cl, NULL, 10) > 0);
}

/* A body is announced: it needs an upload slot of its address (if limited)
 * and a global one, and is held to the minimum rate until it is in. Both
 * refusals come before any of the body is read, so they can be answered. */
static enum MHD_Result body_begin(struct request *rq, struct conn_ctx *c)
{
	if (rq->ticket != NULL) {
		if (addrlimit_upload_begin(rq->ticket) != 0) {
			rq->retry_after = 2;
			return reply_error(rq, EC_TOO_MANY_REQUESTS, NULL);
		}
		rq->upload_addr = true;
	}
	if (load_upload_begin(abrid.cfg.max_uploading) != 0) {
		rq->retry_after = 2;
		return reply_error(rq, EC_OVERLOADED, NULL); /* completed() gives back the other */
	}
	rq->uploading = true;
	if (c != NULL)
		deadline_body_begin(&c->deadline);
	return MHD_YES;
}

/* First call: headers are in. Refuse early what cannot succeed, and
 * refuse fast when overloaded: a 429/503 now costs almost nothing, a
 * request queued behind thousands costs memory and everyone's time. A
 * request does not count as in progress (max_pending) while its body is
 * on the way: a client trickling bodies would otherwise deny everyone;
 * bodies have their own caps (body_begin) and minimum rate (deadline.h). */
static enum MHD_Result first_call(struct request *rq)
{
	const char *cl =
	    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct conn_ctx *c = ctx_of(rq->conn);
	unsigned wait;

	rq->started = true;
	if (c != NULL)
		deadline_headers_in(&c->deadline); /* covers a later suspension too */
	if (c != NULL && c->limited) {
		rq->ticket = &c->ticket;
		if ((wait = addrlimit_request(&c->ticket)) > 0) {
			rq->retry_after = wait;
			return reply_error(rq, EC_TOO_MANY_REQUESTS, NULL);
		}
	}
	if (rq->raw_target == NULL)
		return reply_error(rq, EC_NOT_FOUND, NULL);
	if (cl != NULL && strtoull(cl, NULL, 10) > abrid.cfg.max_body)
		return reply_error(rq, EC_BODY_TOO_LARGE, NULL);
	return announces_body(rq) ? body_begin(rq, c) : MHD_YES;
}

/* Last call: the body (if any) is complete. Only now is the request in
 * progress, within max_pending. */
static enum MHD_Result body_complete(struct request *rq)
{
	body_done(rq, ctx_of(rq->conn));
	if (load_enter(abrid.cfg.max_pending) != 0) {
		rq->retry_after = 2;
		return reply_error(rq, EC_OVERLOADED, NULL);
	}
	rq->counted = true;
	return router_dispatch(rq);
}

/* request_timeout, from the request line (rq->t0) to the whole body: a
 * body trickled in a byte at a time resets connection_timeout forever.
 * Only the upload is timed; a request waiting for the database is
 * suspended and never gets here. MHD cannot answer mid-upload, so the
 * caller ends the connection. */
static bool upload_too_slow(const struct request *rq)
{
	struct timespec now;
	int64_t ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - rq->t0.tv_sec) * 1000;
	ms += (now.tv_nsec - rq->t0.tv_nsec) / 1000000;
	return ms > (int64_t)abrid.cfg.request_timeout * 1000;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
	struct request *rq = *con_cls;

	if (rq == NULL)
		return MHD_NO; /* out of memory in uri_logged: drop the connection */
	rq->method = method;
	if (rq->job_done)
		return dbpool_finish(rq); /* resumed by a database worker */
	if (!rq->started)
		return first_call(rq);
	if (*upload_data_size > 0) {
		struct conn_ctx *c = ctx_of(conn);

		if (c != NULL)
			deadline_body_bytes(&c->deadline, *upload_data_size);
		if (upload_too_slow(rq)) {
			alog(ALOG_INFO, "request timed out");
			return MHD_NO;
		}
		/* Past the limit we keep reading (MHD cannot answer mid-upload)
		 * but keep nothing; the answer is 413 once the body is in. */
		if (!rq->too_large && rq->body.len + *upload_data_size > abrid.cfg.max_body)
			rq->too_large = true;
		if (!rq->too_large &&
		    abri_buf_append(&rq->body, upload_data, *upload_data_size) != ABRI_OK)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return body_complete(rq);
}

/* MHD's messages can quote a URL (case reference), so they are debug only. */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	if (!alog_enabled(ALOG_DEBUG))
		return;
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	alog(ALOG_DEBUG, "microhttpd: %s", msg);
}

/* Accept policy: per-address connection limit on the keyed tag. */
static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	return addrlimit_admit(addr, addrlen) ? MHD_YES : MHD_NO;
}

/* Counts the connection under its address's tag (addrlimit.h): 0, 1 when
 * the address is over its limit, -1 when not counted (Unix socket, table
 * full, limits off). */
static int open_ticket(struct MHD_Connection *conn, struct addrlimit_ticket *t)
{
	const union MHD_ConnectionInfo *ci;

	if (!addrlimit_enabled())
		return -1;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL)
		return -1;
	return addrlimit_open(ci->client_addr,
	                      ci->client_addr->sa_family == AF_INET6
	                          ? (socklen_t)sizeof(struct sockaddr_in6)
	                          : (socklen_t)sizeof(struct sockaddr_in),
	                      t);
}

static void connection_closed(void **socket_context)
{
	struct conn_ctx *c = *socket_context;

	if (c == NULL)
		return;
	/* MHD closes the descriptor only after this returns (deadline.c). */
	deadline_remove(&c->deadline);
	if (c->limited)
		addrlimit_close(&c->ticket);
	free(c);
	*socket_context = NULL;
}

/* Connection start/end, on every listener whether or not addresses are
 * limited: its header deadline, and its count under its address's tag.
 * The context is one fixed-size allocation per connection. */
static void connection_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_ctx *c;
	int rc;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		connection_closed(socket_context);
		return;
	}
	*socket_context = NULL;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return; /* cannot happen for a started connection */
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		/* Without a deadline it could be held forever: end it now;
		 * libmicrohttpd sees the shutdown and closes it. */
		(void)shutdown(ci->connect_fd, SHUT_RDWR);
		return;
	}
	rc = open_ticket(conn, &c->ticket);
	c->limited = (rc == 0);
	deadline_add(&c->deadline, ci->connect_fd);
	*socket_context = c;
	/* Over the address's limit (a burst got past the accept policy): end
	 * it now. */
	if (rc == 1)
		(void)shutdown(ci->connect_fd, SHUT_RDWR);
}

struct MHD_Daemon *httpd_start(int listen_fd)
{
	return MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0,
	    accept_cb, NULL, access_cb, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_cb, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)abrid.cfg.threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)abrid.cfg.max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)abrid.cfg.connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_logged, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed,
	    NULL, MHD_OPTION_END);
}

void httpd_quiesce(struct MHD_Daemon *d)
{
	MHD_socket fd;

	if (d == NULL)
		return;
	fd = MHD_quiesce_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		(void)close(fd);
}

void httpd_stop(struct MHD_Daemon *d)
{
	if (d != NULL)
		MHD_stop_daemon(d);
}
