/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Every answer abrid sends goes through here: JSON, with the headers that
 * keep browsers and proxies from storing or leaking it. */
#ifndef ABRID_REPLY_H
#define ABRID_REPLY_H

#include <jansson.h>
#include <microhttpd.h>

#include "db/pg.h"
#include "errors.h"
#include "request.h"

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
