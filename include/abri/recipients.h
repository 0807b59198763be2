/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Recipient list: who may decrypt, signed offline by the organisation key.
 *
 * Wire form (JSON): {"list": base64(fields), "sig": base64(64)} where
 * fields = one field holding the list document, UTF-8 JSON:
 *   {"deployment_id": "...", "version": 3, "not_after": 1767225600,
 *    "members": [{"role": "listener"|"auditor"|"server", "name": "...",
 *                 "x25519": base64(32), "ed25519": base64(32),
 *                 "epoch": 1}, ...]}
 * signed with purpose "recipients" and the organisation's Ed25519 key.
 * The JSON is never re-serialised for verification. */
#ifndef ABRI_RECIPIENTS_H
#define ABRI_RECIPIENTS_H

#include "abri/common.h"

#define ABRI_RECIPIENTS_MAX 64u
#define ABRI_NAME_MAX 128u
#define ABRI_RECIPIENTS_MAX_LIFETIME (30 * 86400) /* not_after <= now + 30 days */
#define ABRI_RECIPIENTS_WARN_BEFORE (7 * 86400)

typedef enum abri_role {
	ABRI_ROLE_LISTENER = 1,
	ABRI_ROLE_AUDITOR = 2,
	ABRI_ROLE_SERVER = 3,
} abri_role;

const char *abri_role_name(abri_role r);
int abri_role_parse(const char *s, abri_role *out);

typedef struct abri_member {
	abri_role role;
	char name[ABRI_NAME_MAX + 1];
	uint8_t x25519_pk[ABRI_X25519_PK];
	uint8_t ed25519_pk[ABRI_ED25519_PK];
	uint8_t x_kid[ABRI_KEY_ID_BYTES];  /* key id of x25519_pk */
	uint8_t ed_kid[ABRI_KEY_ID_BYTES]; /* key id of ed25519_pk */
	uint32_t epoch;
} abri_member;

typedef struct abri_recipients {
	char deployment_id[ABRI_TENANT_MAX + 1];
	uint32_t version;
	int64_t not_after;
	size_t n;
	abri_member m[ABRI_RECIPIENTS_MAX];
} abri_recipients;

/* Sign a list document (JSON text) with the organisation key: produces the
 * fields blob (one field = the JSON) and the signature. The document is
 * parsed and checked first (abri_recipients_parse_doc). */
int abri_recipients_sign(abri_buf *fields, uint8_t sig[ABRI_SIG_BYTES], const char *doc_json,
                         size_t doc_len, const char *tenant,
                         const uint8_t org_sk[ABRI_ED25519_SK]);

/* Verify the signature over the fields blob with the organisation public
 * key, then parse and check the document: deployment_id == tenant, version
 * >= 1, 1..ABRI_RECIPIENTS_MAX members, valid roles and keys, no duplicate
 * key id, exactly one server member. Expiry is NOT checked here (old lists
 * stay verifiable); use abri_recipients_check_time. */
int abri_recipients_verify(abri_recipients *out, const uint8_t *fields, size_t fields_len,
                           const uint8_t sig[ABRI_SIG_BYTES], const char *tenant,
                           const uint8_t org_pk[ABRI_ED25519_PK]);

/* Parse and check a document without a signature (for signing). */
int abri_recipients_parse_doc(abri_recipients *out, const char *json, size_t len,
                              const char *tenant);

/* ABRI_ERR_EXPIRED when now >= not_after. */
int abri_recipients_check_time(const abri_recipients *r, int64_t now);

/* Lookups; NULL when absent. */
const abri_member *abri_recipients_by_x_kid(const abri_recipients *r,
                                            const uint8_t kid[ABRI_KEY_ID_BYTES]);
const abri_member *abri_recipients_by_ed_kid(const abri_recipients *r,
                                             const uint8_t kid[ABRI_KEY_ID_BYTES]);
const abri_member *abri_recipients_server(const abri_recipients *r);

#endif
