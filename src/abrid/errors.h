/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The one table of abrid's error answers (docs/api.md): every reply_error
 * takes an enum ec, and the table gives its HTTP status, its code and a
 * default message. No MHD here, so request parsing stays fuzzable alone. */
#ifndef ABRID_ERRORS_H
#define ABRID_ERRORS_H

enum ec {
	EC_NONE = 0,
	/* common */
	EC_BAD_JSON,
	EC_BAD_FIELD,
	EC_BODY_TOO_LARGE,
	EC_NOT_FOUND,
	EC_METHOD_NOT_ALLOWED,
	EC_UNAVAILABLE,
	EC_OVERLOADED,
	EC_TOO_MANY_REQUESTS,
	EC_INTERNAL,
	/* reporter submissions */
	EC_NO_RECIPIENTS,
	EC_RECIPIENTS_EXPIRED,
	EC_SERVER_KEY_MISMATCH,
	EC_BAD_ENVELOPE,
	EC_BAD_KIND,
	EC_BAD_TENANT,
	EC_BAD_BUCKET,
	EC_UNKNOWN_RECIPIENT,
	EC_BAD_LOOKUP_KEY,
	EC_BAD_SUBMISSION_ID,
	EC_CASE_EXISTS,
	EC_ENVELOPE_EXISTS,
	EC_SUBMISSION_CONFLICT,
	EC_RECIPIENTS_CHANGED,
	EC_BAD_POW,
	EC_CHALLENGE_EXPIRED,
	EC_CHALLENGE_SPENT,
	EC_ENVELOPE_TOO_LARGE,
	EC_CASE_NOT_FOUND,
	EC_CASE_ERASED,
	/* staff */
	EC_AUTH_MISSING,
	EC_BAD_REQUEST_SIGNATURE,
	EC_STALE_REQUEST,
	EC_REPLAYED_REQUEST,
	EC_UNKNOWN_KEY,
	EC_WRONG_ROLE,
	EC_BAD_TRANSITION,
	EC_BAD_MONTH,
	/* survey */
	EC_BAD_SURVEY_CODE,
	EC_MONTH_OPEN,
	EC_SURVEY_CODE_QUOTA,
	/* uploads */
	EC_UPLOAD_TOO_LARGE,
	EC_BAD_CHUNK,
	EC_UNKNOWN_UPLOAD,
	EC_CHUNK_CONFLICT,
	EC_UPLOAD_ATTACHED,
	EC_UPLOAD_HASH_MISMATCH,
	EC_UPLOAD_INCOMPLETE,
	EC_CASE_UPLOADS_TOO_LARGE,
	EC_UPLOAD_QUOTA,      /* unattached uploads hold upload_quota (all instances) */
	EC_UPLOAD_QUOTA_ADDR, /* this address announced addr_upload_bytes this window */
	/* key holders */
	EC_BAD_LIST_SIGNATURE,
	EC_BAD_LIST,
	EC_VERSION_NOT_HIGHER,
	EC_BAD_NOT_AFTER,
	EC_LIST_SERVER_KEY_MISMATCH,
	EC_COUNT
};

struct ec_info {
	unsigned http_status;
	const char *code;    /* snake_case, stable */
	const char *message; /* default sentence for humans */
};

/* Never NULL: out-of-range values map to EC_INTERNAL. */
const struct ec_info *ec_info(enum ec ec);

#endif
