/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The JSON body of every endpoint, declared once (reqjson.h fields): each
 * handler builds its spec from these, and fuzz/fuzz_endpoints.c builds the
 * very same specs to fuzz every endpoint's request parsing. The arguments
 * are the destinations (see each RJ_* for its type); no parameter may be
 * named like a struct rj_field member (code, len, ...), which the
 * designated initialisers would pick up. */
#ifndef ABRID_REQSPEC_H
#define ABRID_REQSPEC_H

#include "abri/survey.h"
#include "abrid.h"
#include "db/queries.h"
#include "reqjson.h"
#include "submit.h"

/* POST /v1/cases, POST /v1/cases/messages (+ "uploads", upload.h). */
#define SPEC_REPORTER_SUBMIT(env, lookup_key, sid, pow)                                            \
	RJ_ENVELOPE(env), RJ_LOOKUP_KEY(lookup_key), RJ_SUBMISSION_ID(sid), RJ_POW(pow)
/* POST /v1/cases/open, POST /v1/cases/erase. */
#define SPEC_REPORTER_LOOKUP(lookup_key) RJ_LOOKUP_KEY(lookup_key)
/* POST /v1/staff/cases/{ref}/messages. */
#define SPEC_STAFF_MESSAGE(env, sid) RJ_ENVELOPE(env), RJ_SUBMISSION_ID(sid)
/* POST /v1/staff/cases/{ref}/state. */
#define SPEC_STAFF_STATE(to) RJ_STR("state", &(to), 16)
/* POST /v1/staff/stats. */
#define SPEC_STAFF_STATS(env, month)                                                               \
	RJ_ENVELOPE(env), RJ_STR("month", &(month), MONTH_CHARS, .code = EC_BAD_MONTH)
/* POST /v1/survey. */
#define SPEC_SURVEY(env, survey_code)                                                              \
	RJ_ENVELOPE(env),                                                                          \
	    RJ_STR("code", &(survey_code), ABRI_SURVEY_CODE_CHARS, .code = EC_BAD_SURVEY_CODE)
/* POST /v1/uploads. */
#define SPEC_UPLOAD_CREATE(chunks, header, hash, pow)                                              \
	RJ_INT("chunks", &(chunks), 1, INT32_MAX), RJ_B64("header", (header), sizeof(header)),      \
	    RJ_B64("hash", (hash), sizeof(hash)), RJ_POW(pow)
/* PUT /v1/admin/recipients. */
#define SPEC_ADMIN_RECIPIENTS(fields, sig)                                                         \
	RJ_VAR("list", &(fields), abrid.cfg.max_body, .code = EC_BAD_LIST),                        \
	    RJ_B64("sig", (sig), sizeof(sig), .code = EC_BAD_LIST_SIGNATURE)

#endif
