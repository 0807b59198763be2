/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Canonical signed objects (layout in include/abri/sign.h).
 *
 * Example, purpose "receipt", tenant "t1", fields "AB":
 *   61 62 72 69 2f 72 65 63 65 69 70 74 2f 76 31 00   "abri/receipt/v1\0"
 *   02 00 00 00 74 31                                  u32le(2) "t1"
 *   02 00 00 00 41 42                                  u32le(2) "AB"
 *
 * Request timestamps are ASCII decimal without sign or leading zeros. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "abri/sign.h"
#include "internal.h"

static const char *const purposes[] = {
    ABRI_PURPOSE_RECIPIENTS, ABRI_PURPOSE_REQUEST, ABRI_PURPOSE_RECEIPT,
    ABRI_PURPOSE_REPORT,     ABRI_PURPOSE_MESSAGE, ABRI_PURPOSE_REPLY,
    ABRI_PURPOSE_NOTE,       ABRI_PURPOSE_ACK,     ABRI_PURPOSE_STATS_BATCH,
};

int abri_purpose_valid(const char *purpose)
{
	size_t i;

	if (!purpose)
		return 0;
	for (i = 0; i < sizeof purposes / sizeof purposes[0]; i++)
		if (strcmp(purpose, purposes[i]) == 0)
			return 1;
	return 0;
}

int abri_fields_add(abri_buf *blob, const void *p, size_t n)
{
	int rc;

	if (n > UINT32_MAX)
		return ABRI_ERR_TOO_BIG;
	rc = abri_buf_u32le(blob, (uint32_t)n);
	if (rc)
		return rc;
	return abri_buf_append(blob, p, n);
}

int abri_fields_add_str(abri_buf *blob, const char *s)
{
	return abri_fields_add(blob, s, strlen(s));
}

int abri_fields_decode(const uint8_t *blob, size_t len, size_t expected, abri_fields *out)
{
	size_t pos = 0;

	if (expected > ABRI_FIELDS_MAX)
		return ABRI_ERR_INVALID;
	out->n = 0;
	while (pos < len) {
		uint32_t flen;
		if (out->n == ABRI_FIELDS_MAX || len - pos < 4)
			return ABRI_ERR_INVALID;
		flen = abri_load_u32le(blob + pos);
		pos += 4;
		if (flen > len - pos)
			return ABRI_ERR_INVALID;
		out->p[out->n] = blob + pos;
		out->len[out->n] = flen;
		out->n++;
		pos += flen;
	}
	if (expected && out->n != expected)
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}

int abri_signed_bytes(abri_buf *out, const char *purpose, const char *tenant, const uint8_t *fields,
                      size_t fields_len)
{
	int rc;

	if (!abri_purpose_valid(purpose) || !abri_tenant_valid(tenant))
		return ABRI_ERR_INVALID;
	abri_buf_init(out);
	if ((rc = abri_buf_append(out, "abri/", 5)) ||
	    (rc = abri_buf_append(out, purpose, strlen(purpose))) ||
	    (rc = abri_buf_append(out, "/v1", 4)) || /* includes the NUL */
	    (rc = abri_fields_add_str(out, tenant)) ||
	    (rc = abri_buf_append(out, fields, fields_len))) {
		abri_buf_free(out);
		return rc;
	}
	return ABRI_OK;
}

int abri_sign(uint8_t sig[ABRI_SIG_BYTES], const char *purpose, const char *tenant,
              const uint8_t *fields, size_t fields_len, const uint8_t sk[ABRI_ED25519_SK])
{
	abri_buf m;
	int rc;

	rc = abri_signed_bytes(&m, purpose, tenant, fields, fields_len);
	if (rc)
		return rc;
	rc = crypto_sign_detached(sig, NULL, m.data, m.len, sk) == 0 ? ABRI_OK : ABRI_ERR_CRYPTO;
	abri_buf_free(&m);
	return rc;
}

int abri_verify(const uint8_t sig[ABRI_SIG_BYTES], const char *purpose, const char *tenant,
                const uint8_t *fields, size_t fields_len, const uint8_t pk[ABRI_ED25519_PK])
{
	abri_buf m;
	int rc;

	rc = abri_signed_bytes(&m, purpose, tenant, fields, fields_len);
	if (rc)
		return rc == ABRI_ERR_INVALID ? ABRI_ERR_CRYPTO : rc;
	rc = crypto_sign_verify_detached(sig, m.data, m.len, pk) == 0 ? ABRI_OK : ABRI_ERR_CRYPTO;
	abri_buf_free(&m);
	return rc;
}

/* ---- receipts ---- */

static int week_valid(const char *w, size_t n)
{
	size_t i;
	int week;

	if (n != 8 || w[4] != '-' || w[5] != 'W')
		return 0;
	for (i = 0; i < 8; i++)
		if (i != 4 && i != 5 && (w[i] < '0' || w[i] > '9'))
			return 0;
	week = (w[6] - '0') * 10 + (w[7] - '0');
	return week >= 1 && week <= 53;
}

int abri_receipt_sign(abri_buf *fields, uint8_t sig[ABRI_SIG_BYTES], const abri_receipt *r,
                      const char *tenant, const uint8_t server_sk[ABRI_ED25519_SK])
{
	int rc;

	if (!abri_case_ref_valid(r->case_ref) || !week_valid(r->week, strnlen(r->week, 9)))
		return ABRI_ERR_INVALID;
	abri_buf_init(fields);
	if ((rc = abri_fields_add_str(fields, r->case_ref)) ||
	    (rc = abri_fields_add_str(fields, r->week)) ||
	    (rc = abri_fields_add(fields, r->envelope_hash, ABRI_HASH_BYTES)) ||
	    (rc = abri_sign(sig, ABRI_PURPOSE_RECEIPT, tenant, fields->data, fields->len,
	                    server_sk))) {
		abri_buf_free(fields);
		return rc;
	}
	return ABRI_OK;
}

int abri_receipt_verify(abri_receipt *r, const uint8_t *fields, size_t fields_len,
                        const uint8_t sig[ABRI_SIG_BYTES], const char *tenant,
                        const uint8_t server_pk[ABRI_ED25519_PK])
{
	abri_fields f;
	int rc;

	rc = abri_verify(sig, ABRI_PURPOSE_RECEIPT, tenant, fields, fields_len, server_pk);
	if (rc)
		return rc;
	if (abri_fields_decode(fields, fields_len, 3, &f) || f.len[0] != ABRI_CASE_REF_CHARS ||
	    f.len[2] != ABRI_HASH_BYTES || !week_valid((const char *)f.p[1], f.len[1]))
		return ABRI_ERR_INVALID;
	memcpy(r->case_ref, f.p[0], ABRI_CASE_REF_CHARS);
	r->case_ref[ABRI_CASE_REF_CHARS] = '\0';
	if (!abri_case_ref_valid(r->case_ref))
		return ABRI_ERR_INVALID;
	memcpy(r->week, f.p[1], 8);
	r->week[8] = '\0';
	memcpy(r->envelope_hash, f.p[2], ABRI_HASH_BYTES);
	return ABRI_OK;
}

/* ---- signed requests ---- */

static int request_fields(abri_buf *f, const char *origin, const char *method, const char *target,
                          const uint8_t *body, size_t body_len, int64_t timestamp,
                          const uint8_t nonce[ABRI_NONCE_BYTES])
{
	char ts[24];
	uint8_t bh[ABRI_HASH_BYTES];
	int rc;

	if (!origin || !method || !target || (!body && body_len) || timestamp < 0)
		return ABRI_ERR_INVALID;
	snprintf(ts, sizeof ts, "%" PRId64, timestamp);
	abri_hash(bh, body, body_len);
	abri_buf_init(f);
	if ((rc = abri_fields_add_str(f, origin)) || (rc = abri_fields_add_str(f, method)) ||
	    (rc = abri_fields_add_str(f, target)) || (rc = abri_fields_add_str(f, ts)) ||
	    (rc = abri_fields_add(f, nonce, ABRI_NONCE_BYTES)) ||
	    (rc = abri_fields_add(f, bh, sizeof bh))) {
		abri_buf_free(f);
		return rc;
	}
	return ABRI_OK;
}

int abri_request_sign(abri_request_auth *auth, const char *tenant, const char *origin,
                      const char *method, const char *target, const uint8_t *body, size_t body_len,
                      int64_t now, const uint8_t kid[ABRI_KEY_ID_BYTES],
                      const uint8_t sk[ABRI_ED25519_SK])
{
	abri_buf f;
	int rc;

	memcpy(auth->key_id, kid, ABRI_KEY_ID_BYTES);
	auth->timestamp = now;
	randombytes_buf(auth->nonce, ABRI_NONCE_BYTES);
	rc = request_fields(&f, origin, method, target, body, body_len, now, auth->nonce);
	if (rc)
		return rc;
	rc = abri_sign(auth->sig, ABRI_PURPOSE_REQUEST, tenant, f.data, f.len, sk);
	abri_buf_free(&f);
	return rc;
}

int abri_request_auth_parse(abri_request_auth *auth, const char *key_id, const char *timestamp,
                            const char *nonce, const char *sig)
{
	if (!key_id || !timestamp || !nonce || !sig)
		return ABRI_ERR_INVALID;
	if (abri_b64_decode_exact(key_id, auth->key_id, ABRI_KEY_ID_BYTES) ||
	    abri_parse_i64(timestamp, &auth->timestamp) ||
	    abri_b64_decode_exact(nonce, auth->nonce, ABRI_NONCE_BYTES) ||
	    abri_b64_decode_exact(sig, auth->sig, ABRI_SIG_BYTES))
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}

int abri_request_verify(const abri_request_auth *auth, const char *tenant, const char *origin,
                        const char *method, const char *target, const uint8_t *body,
                        size_t body_len, int64_t now, const uint8_t pk[ABRI_ED25519_PK])
{
	uint64_t skew;
	abri_buf f;
	int rc;

	rc = request_fields(&f, origin, method, target, body, body_len, auth->timestamp,
	                    auth->nonce);
	if (rc)
		return rc;
	rc = abri_verify(auth->sig, ABRI_PURPOSE_REQUEST, tenant, f.data, f.len, pk);
	abri_buf_free(&f);
	if (rc)
		return rc;
	/* Unsigned difference: no overflow for any pair of int64 values. */
	skew = auth->timestamp > now ? (uint64_t)auth->timestamp - (uint64_t)now
	                             : (uint64_t)now - (uint64_t)auth->timestamp;
	return skew > ABRI_REQUEST_MAX_SKEW ? ABRI_ERR_EXPIRED : ABRI_OK;
}
