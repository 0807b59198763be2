/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Every answer abrid sends goes through here: JSON, static files and the
 * rest, with the headers that keep browsers and proxies from storing or
 * leaking it (docs/web.md lists them). */
#ifndef ABRID_REPLY_H
#define ABRID_REPLY_H

#include <jansson.h>
#include <microhttpd.h>

#include "db/pg.h"
#include "errors.h"
#include "request.h"

/* The Content-Security-Policy of every answer (docs/web.md). */
#define REPLY_CSP                                                                                  \
	"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "             \
	"img-src 'self' data:; media-src blob:; font-src 'self'; connect-src 'self'; "             \
	"worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "            \
	"frame-ancestors 'none'"

/* Adds the common headers (and Content-Type unless NULL; Retry-After on
 * 503), queues resp with status and releases it (also on error). */
enum MHD_Result reply_queue(struct request *rq, unsigned status, struct MHD_Response *resp,
                            const char *content_type);

/* A short text/plain answer (static-file misses); text must outlive the
 * request (a string literal). */
enum MHD_Result reply_plain(struct request *rq, unsigned status, const char *text);

/* Sends body (reference stolen) with status; body NULL (a failed json_pack)
 * becomes 500 internal. */
enum MHD_Result reply_json(struct request *rq, unsigned status, json_t *body);

/* {"error": {"code", "message"}} with the status and default message of
 * the error table; message overrides the default (must never contain a
 * submitted value). 503 answers carry Retry-After. 5xx are logged as our
 * problem, 4xx as the peer's. */
enum MHD_Result reply_error(struct request *rq, enum ec code, const char *message);

/* A database failure: PG_SOFT -> 503 unavailable, else 500 internal. */
enum MHD_Result reply_pg_error(struct request *rq, enum pg_qs qs);

/* The answer to a bad request field (rj_parse result). */
struct rj_result;
enum MHD_Result reply_rj_error(struct request *rq, const struct rj_result *res);

#endif
