/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Canonical signed objects — one rule for every signature in abri:
 *
 *   signed bytes = "abri/<purpose>/v1\0" || u32le(len tenant) || tenant
 *                  || fields
 *   fields       = for each field: u32le(len) || bytes
 *
 * Ed25519 (crypto_sign_detached) over the signed bytes. The purpose is one
 * of the ABRI_PURPOSE_* strings; a signature made for one purpose never
 * verifies for another. The fields blob travels verbatim (base64 in JSON)
 * and is decoded only after the signature has been checked. */
#ifndef ABRI_SIGN_H
#define ABRI_SIGN_H

#include "abri/common.h"

#define ABRI_PURPOSE_RECIPIENTS "recipients"
#define ABRI_PURPOSE_REQUEST "request"
#define ABRI_PURPOSE_RECEIPT "receipt"
#define ABRI_PURPOSE_REPORT "report"
#define ABRI_PURPOSE_MESSAGE "message"
#define ABRI_PURPOSE_REPLY "reply"
#define ABRI_PURPOSE_NOTE "note"
#define ABRI_PURPOSE_ACK "ack"
#define ABRI_PURPOSE_STATS_BATCH "stats-batch"

/* 1 if purpose is one of the above. */
int abri_purpose_valid(const char *purpose);

#define ABRI_FIELDS_MAX 16u

/* A decoded fields blob: pointers into the blob, no copies. */
typedef struct abri_fields {
	size_t n;
	const uint8_t *p[ABRI_FIELDS_MAX];
	size_t len[ABRI_FIELDS_MAX];
} abri_fields;

/* Append one length-prefixed field to a fields blob. */
int abri_fields_add(abri_buf *blob, const void *p, size_t n);
int abri_fields_add_str(abri_buf *blob, const char *s);
/* Decode: the blob must consist of exactly `expected` fields (0 = any
 * number up to ABRI_FIELDS_MAX) with nothing left over. */
int abri_fields_decode(const uint8_t *blob, size_t len, size_t expected, abri_fields *out);

/* Build the complete signed bytes for purpose/tenant/fields. */
int abri_signed_bytes(abri_buf *out, const char *purpose, const char *tenant,
                      const uint8_t *fields, size_t fields_len);

int abri_sign(uint8_t sig[ABRI_SIG_BYTES], const char *purpose, const char *tenant,
              const uint8_t *fields, size_t fields_len,
              const uint8_t sk[ABRI_ED25519_SK]);
/* ABRI_OK or ABRI_ERR_CRYPTO. */
int abri_verify(const uint8_t sig[ABRI_SIG_BYTES], const char *purpose, const char *tenant,
                const uint8_t *fields, size_t fields_len,
                const uint8_t pk[ABRI_ED25519_PK]);

/* ---- Proof of receipt (purpose "receipt", signed by the server key) ----
 * fields: case_ref (10 ASCII) | week ("YYYY-Www") | envelope hash (32) */
typedef struct abri_receipt {
	char case_ref[ABRI_CASE_REF_CHARS + 1];
	char week[9];
	uint8_t envelope_hash[ABRI_HASH_BYTES];
} abri_receipt;

/* Produces the fields blob and signature. */
int abri_receipt_sign(abri_buf *fields, uint8_t sig[ABRI_SIG_BYTES], const abri_receipt *r,
                      const char *tenant, const uint8_t server_sk[ABRI_ED25519_SK]);
/* Verifies then decodes. */
int abri_receipt_verify(abri_receipt *r, const uint8_t *fields, size_t fields_len,
                        const uint8_t sig[ABRI_SIG_BYTES], const char *tenant,
                        const uint8_t server_pk[ABRI_ED25519_PK]);

/* ---- Signed listener/auditor requests (purpose "request") ----
 * fields: origin | method | target (raw path + query) | unix seconds as
 * ASCII decimal | nonce (16) | BLAKE2b-256(body) (of "" for no body).
 * Carried in headers:
 *   Abri-Key-Id: base64(16-byte Ed25519 key id)
 *   Abri-Timestamp: unix seconds, ASCII decimal
 *   Abri-Nonce: base64(16 random bytes)
 *   Abri-Signature: base64(64) */
#define ABRI_REQUEST_MAX_SKEW 300

typedef struct abri_request_auth {
	uint8_t key_id[ABRI_KEY_ID_BYTES];
	int64_t timestamp;
	uint8_t nonce[ABRI_NONCE_BYTES];
	uint8_t sig[ABRI_SIG_BYTES];
} abri_request_auth;

/* Client: fills auth (fresh nonce, the given timestamp) and signs. */
int abri_request_sign(abri_request_auth *auth, const char *tenant, const char *origin,
                      const char *method, const char *target, const uint8_t *body,
                      size_t body_len, int64_t now, const uint8_t kid[ABRI_KEY_ID_BYTES],
                      const uint8_t sk[ABRI_ED25519_SK]);
/* Server: parse the four header values (any may be NULL = missing). */
int abri_request_auth_parse(abri_request_auth *auth, const char *key_id, const char *timestamp,
                            const char *nonce, const char *sig);
/* Server: check the signature with the key's public key, and the clock:
 * ABRI_ERR_EXPIRED when |now - timestamp| > ABRI_REQUEST_MAX_SKEW. */
int abri_request_verify(const abri_request_auth *auth, const char *tenant, const char *origin,
                        const char *method, const char *target, const uint8_t *body,
                        size_t body_len, int64_t now, const uint8_t pk[ABRI_ED25519_PK]);

#endif
