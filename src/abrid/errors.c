/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "errors.h"

static const struct ec_info table[EC_COUNT] = {
    [EC_NONE] = {500, "internal", "Internal error."},
    [EC_BAD_JSON] = {400, "bad_json", "The body is not a JSON object."},
    [EC_BAD_FIELD] = {400, "bad_field", "A field is missing or has the wrong type."},
    [EC_BODY_TOO_LARGE] = {413, "body_too_large", "The request body is too large."},
    [EC_NOT_FOUND] = {404, "not_found", "No such resource."},
    [EC_METHOD_NOT_ALLOWED] = {405, "method_not_allowed",
                               "This method is not allowed on this resource."},
    [EC_UNAVAILABLE] = {503, "unavailable",
                        "The service is temporarily unavailable; try again later."},
    [EC_OVERLOADED] = {503, "overloaded",
                       "The service is busy; try again after the time in Retry-After."},
    [EC_TOO_MANY_REQUESTS] = {429, "too_many_requests",
                              "Too many requests from this network; try again after the time "
                              "in Retry-After."},
    [EC_INTERNAL] = {500, "internal", "Internal error."},
    [EC_NO_RECIPIENTS] = {503, "no_recipients", "No recipient list has been uploaded yet."},
    [EC_RECIPIENTS_EXPIRED] = {503, "recipients_expired",
                               "The recipient list has expired; the organisation must sign a "
                               "new one."},
    [EC_SERVER_KEY_MISMATCH] = {503, "server_key_mismatch",
                                "The recipient list does not name this server's key."},
    [EC_BAD_ENVELOPE] = {400, "bad_envelope", "The envelope is malformed."},
    [EC_BAD_KIND] = {400, "bad_kind", "The envelope kind is not allowed here."},
    [EC_BAD_TENANT] = {400, "bad_tenant", "The envelope names another deployment."},
    [EC_BAD_BUCKET] = {400, "bad_bucket", "The envelope is not padded to a bucket."},
    [EC_UNKNOWN_RECIPIENT] = {400, "unknown_recipient",
                              "The envelope is sealed to a key that is not one of its readers "
                              "in the current list (listeners for cases, auditors for "
                              "statistics and survey answers)."},
    [EC_BAD_LOOKUP_KEY] = {400, "bad_lookup_key", "The lookup key is malformed."},
    [EC_BAD_SUBMISSION_ID] = {400, "bad_submission_id", "The submission id is malformed."},
    [EC_CASE_EXISTS] = {409, "case_exists", "A case with this lookup key already exists."},
    [EC_ENVELOPE_EXISTS] = {409, "envelope_exists",
                            "This envelope was already submitted under another submission id."},
    [EC_SUBMISSION_CONFLICT] = {409, "submission_conflict",
                                "This submission id was already used for another envelope."},
    [EC_RECIPIENTS_CHANGED] = {409, "recipients_changed",
                               "The recipient list has changed; fetch /v1/config and seal again."},
    [EC_BAD_POW] = {403, "bad_pow", "The proof of work is missing or wrong."},
    [EC_CHALLENGE_EXPIRED] = {403, "challenge_expired", "The challenge has expired."},
    [EC_CHALLENGE_SPENT] = {409, "challenge_spent", "The challenge was already used."},
    [EC_ENVELOPE_TOO_LARGE] = {413, "envelope_too_large", "The envelope is too large."},
    [EC_CASE_NOT_FOUND] = {404, "case_not_found", "No such case."},
    [EC_CASE_ERASED] = {409, "case_erased", "This case was erased."},
    [EC_AUTH_MISSING] = {401, "auth_missing", "The request is not signed."},
    [EC_BAD_REQUEST_SIGNATURE] = {401, "bad_signature", "The request signature is not valid."},
    [EC_STALE_REQUEST] = {401, "stale_request", "The request time is more than 300 seconds off."},
    [EC_REPLAYED_REQUEST] = {401, "replayed_request", "This request nonce was already used."},
    [EC_UNKNOWN_KEY] = {403, "unknown_key", "This key is not in the current recipient list."},
    [EC_WRONG_ROLE] = {403, "wrong_role", "This key's role may not use this endpoint."},
    [EC_BAD_TRANSITION] = {409, "bad_transition", "The case cannot change to this state."},
    [EC_BAD_MONTH] = {400, "bad_month", "The month is not YYYY-MM or lies in the future."},
    [EC_BAD_SURVEY_CODE] = {403, "bad_survey_code",
                            "The survey code is unknown, expired or already used."},
    [EC_MONTH_OPEN] = {409, "month_open", "This month has not ended yet."},
    [EC_SURVEY_CODE_QUOTA] = {429, "survey_code_quota",
                              "This key has registered its survey codes for this month "
                              "(survey_codes_per_month)."},
    [EC_UPLOAD_TOO_LARGE] = {413, "upload_too_large", "The upload is larger than allowed."},
    [EC_BAD_CHUNK] = {400, "bad_chunk", "The chunk index or length is wrong."},
    [EC_UNKNOWN_UPLOAD] = {404, "unknown_upload", "No such upload."},
    [EC_CHUNK_CONFLICT] = {409, "chunk_conflict",
                           "Other bytes were already stored for this chunk."},
    [EC_UPLOAD_ATTACHED] = {409, "upload_attached", "This upload is already attached."},
    [EC_UPLOAD_HASH_MISMATCH] = {409, "upload_hash_mismatch",
                                 "The uploaded chunks do not match the announced hash; "
                                 "upload them again."},
    [EC_UPLOAD_INCOMPLETE] = {409, "upload_incomplete", "This upload is not complete."},
    [EC_CASE_UPLOADS_TOO_LARGE] = {413, "case_uploads_too_large",
                                   "The case's attachments would exceed the allowed total."},
    [EC_UPLOAD_QUOTA] = {503, "upload_quota",
                         "The server cannot take more files now; send the report without "
                         "them or try again later."},
    [EC_UPLOAD_QUOTA_ADDR] = {429, "upload_quota",
                              "Too many files from this network for now; try again after the "
                              "time in Retry-After."},
    [EC_BAD_LIST_SIGNATURE] = {403, "bad_signature",
                               "The organisation signature on the list is not valid."},
    [EC_BAD_LIST] = {400, "bad_list", "The recipient list is malformed."},
    [EC_VERSION_NOT_HIGHER] = {409, "version_not_higher",
                               "The list version is not higher than the current one."},
    [EC_BAD_NOT_AFTER] = {422, "bad_not_after",
                          "not_after is in the past or more than 30 days ahead."},
    [EC_LIST_SERVER_KEY_MISMATCH] = {422, "server_key_mismatch",
                                     "The list's server member is not this daemon's key."},
};

const struct ec_info *ec_info(enum ec ec)
{
	if ((unsigned)ec >= EC_COUNT || table[ec].code == 0)
		return &table[EC_INTERNAL];
	return &table[ec];
}
