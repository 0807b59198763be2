/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Envelope: buckets, padding, seal, structural parse, open (layout in
 * include/abri/envelope.h).
 *
 * Sizes: header = 4 + 1 + 1 + 1 + tenant_len + 4 + 1 + stanzas + 24, with
 * keyed stanzas of 1 + 16 + 80 = 97 bytes and the reporter stanza of
 * 1 + 80 = 81 bytes; then commit (32), then body (bucket + 16).
 * The sealed key inside a stanza is crypto_box_seal of the 32-byte K.
 * seal writes the keyed stanzas in the order given, then the reporter
 * stanza (if any); readers accept any order.
 *
 * Opening order: structural parse; find the stanza (keyed: by key id,
 * else ABRI_ERR_NOT_FOR_ME; reporter: trial decryption of the single 0x02
 * stanza, failure = ABRI_ERR_NOT_FOR_ME); crypto_box_seal_open; derive
 * K_enc/K_mac; recompute commit and compare in constant time BEFORE any
 * decryption (ABRI_ERR_CRYPTO); AEAD decrypt (ABRI_ERR_CRYPTO); strict
 * unpadding: the padded length is a bucket and the unpadded length L
 * satisfies abri_bucket(L + 1) == padded length (ABRI_ERR_INVALID). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/envelope.h"
#include "abri/sign.h"
#include "internal.h"

#define ENV_CTX               "abrienv1"
#define KEYED_STANZA_BYTES    (1 + ABRI_KEY_ID_BYTES + ABRI_SEALED_KEY_BYTES)
#define REPORTER_STANZA_BYTES (1 + ABRI_SEALED_KEY_BYTES)

const char *abri_kind_purpose(int kind)
{
	switch (kind) {
	case ABRI_KIND_REPORT: return ABRI_PURPOSE_REPORT;
	case ABRI_KIND_MESSAGE: return ABRI_PURPOSE_MESSAGE;
	case ABRI_KIND_REPLY: return ABRI_PURPOSE_REPLY;
	case ABRI_KIND_NOTE: return ABRI_PURPOSE_NOTE;
	case ABRI_KIND_ACK: return ABRI_PURPOSE_ACK;
	case ABRI_KIND_STATS: return ABRI_PURPOSE_STATS_BATCH;
	default: return NULL; /* SURVEY is unsigned */
	}
}

const char *abri_kind_name(int kind)
{
	switch (kind) {
	case ABRI_KIND_REPORT: return "report";
	case ABRI_KIND_MESSAGE: return "message";
	case ABRI_KIND_REPLY: return "reply";
	case ABRI_KIND_NOTE: return "note";
	case ABRI_KIND_ACK: return "ack";
	case ABRI_KIND_STATS: return "stats";
	case ABRI_KIND_SURVEY: return "survey";
	default: return NULL;
	}
}

/* ---- buckets and padding ---- */

/* floor(log2 n) for n >= 1 */
static unsigned ilog2(size_t n)
{
	unsigned r = 0;

	while (n >>= 1)
		r++;
	return r;
}

size_t abri_bucket(size_t n)
{
	size_t b, mask;
	unsigned e, s;

	if (n <= ABRI_BUCKET_MIN)
		return ABRI_BUCKET_MIN;
	if (n <= ABRI_BUCKET_POW2_MAX) {
		for (b = ABRI_BUCKET_MIN; b < n; b <<= 1)
			;
		return b;
	}
	e = ilog2(n);
	s = ilog2(e) + 1;
	mask = ((size_t)1 << (e - s)) - 1;
	if (n > SIZE_MAX - mask)
		return 0; /* no bucket: callers treat 0 as too big */
	return (n + mask) & ~mask;
}

int abri_is_bucket(size_t n)
{
	return n > 0 && abri_bucket(n) == n;
}

int abri_pad(uint8_t **out, size_t *out_len, const uint8_t *p, size_t len, size_t max_padded)
{
	size_t target, padded_len = 0;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	if (len == SIZE_MAX)
		return ABRI_ERR_TOO_BIG;
	target = abri_bucket(len + 1);
	if (target == 0 || target > max_padded)
		return ABRI_ERR_TOO_BIG;
	buf = malloc(target);
	if (!buf)
		return ABRI_ERR_NOMEM;
	if (len)
		memcpy(buf, p, len);
	if (sodium_pad(&padded_len, buf, len, target, target) != 0 || padded_len != target) {
		abri_secure_free(buf, target);
		return ABRI_ERR_INTERNAL;
	}
	*out = buf;
	*out_len = target;
	return ABRI_OK;
}

int abri_unpad(const uint8_t *p, size_t padded_len, size_t *len)
{
	size_t l = 0;

	if (!abri_is_bucket(padded_len))
		return ABRI_ERR_BUCKET;
	if (sodium_unpad(&l, p, padded_len, padded_len) != 0)
		return ABRI_ERR_INVALID;
	/* Strict: no more padding than the smallest bucket needs. */
	if (abri_bucket(l + 1) != padded_len)
		return ABRI_ERR_INVALID;
	*len = l;
	return ABRI_OK;
}

/* ---- seal ---- */

static int derive_keys(uint8_t k_enc[32], uint8_t k_mac[32], const uint8_t K[32])
{
	if (crypto_kdf_derive_from_key(k_enc, 32, 1, ENV_CTX, K) != 0 ||
	    crypto_kdf_derive_from_key(k_mac, 32, 2, ENV_CTX, K) != 0)
		return ABRI_ERR_CRYPTO;
	return ABRI_OK;
}

static int seal_check_args(uint8_t kind, const char *tenant, const abri_stanza_to *to, size_t n_to,
                           const uint8_t *reporter_pk)
{
	uint8_t kid[ABRI_KEY_ID_BYTES];
	size_t i, j, total = n_to + (reporter_pk != NULL);

	if (!abri_kind_name(kind) || !abri_tenant_valid(tenant) || total < 1 ||
	    total > ABRI_STANZAS_MAX || (n_to && !to))
		return ABRI_ERR_INVALID;
	for (i = 0; i < n_to; i++) {
		abri_key_id(kid, ABRI_KID_X25519, to[i].x25519_pk);
		if (sodium_memcmp(kid, to[i].kid, sizeof kid) != 0)
			return ABRI_ERR_INVALID;
		for (j = 0; j < i; j++)
			if (memcmp(to[i].kid, to[j].kid, ABRI_KEY_ID_BYTES) == 0)
				return ABRI_ERR_INVALID;
	}
	return ABRI_OK;
}

static int seal_header(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                       const abri_stanza_to *to, size_t n_to, const uint8_t *reporter_pk,
                       const uint8_t K[32], const uint8_t nonce[ABRI_ENV_NONCE_BYTES])
{
	uint8_t sealed[ABRI_SEALED_KEY_BYTES];
	size_t tlen = strlen(tenant), i;
	int rc;

	if ((rc = abri_buf_append(out, ABRI_ENVELOPE_MAGIC, 4)) ||
	    (rc = abri_buf_u8(out, ABRI_ENVELOPE_VERSION)) || (rc = abri_buf_u8(out, kind)) ||
	    (rc = abri_buf_u8(out, (uint8_t)tlen)) || (rc = abri_buf_append(out, tenant, tlen)) ||
	    (rc = abri_buf_u32le(out, list_version)) ||
	    (rc = abri_buf_u8(out, (uint8_t)(n_to + (reporter_pk != NULL)))))
		return rc;
	for (i = 0; i < n_to; i++) {
		if (crypto_box_seal(sealed, K, 32, to[i].x25519_pk) != 0)
			return ABRI_ERR_CRYPTO;
		if ((rc = abri_buf_u8(out, ABRI_STANZA_KEYED)) ||
		    (rc = abri_buf_append(out, to[i].kid, ABRI_KEY_ID_BYTES)) ||
		    (rc = abri_buf_append(out, sealed, sizeof sealed)))
			return rc;
	}
	if (reporter_pk) {
		if (crypto_box_seal(sealed, K, 32, reporter_pk) != 0)
			return ABRI_ERR_CRYPTO;
		if ((rc = abri_buf_u8(out, ABRI_STANZA_REPORTER)) ||
		    (rc = abri_buf_append(out, sealed, sizeof sealed)))
			return rc;
	}
	return abri_buf_append(out, nonce, ABRI_ENV_NONCE_BYTES);
}

/* header || commit || AEAD(padded) into out, from K and nonce. */
static int seal_with(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                     const abri_stanza_to *to, size_t n_to, const uint8_t *reporter_pk,
                     const uint8_t *pt, size_t pt_len, size_t max_padded, const uint8_t K[32],
                     const uint8_t nonce[ABRI_ENV_NONCE_BYTES])
{
	uint8_t keys[64], commit[ABRI_HASH_BYTES], *padded = NULL, *ct = NULL;
	size_t padded_len = 0, header_len;
	unsigned long long ct_len = 0;
	int rc;

	abri_buf_init(out);
	rc = seal_check_args(kind, tenant, to, n_to, reporter_pk);
	if (rc || (rc = abri_pad(&padded, &padded_len, pt, pt_len, max_padded)))
		return rc;
	if ((rc = derive_keys(keys, keys + 32, K)) ||
	    (rc = seal_header(out, kind, tenant, list_version, to, n_to, reporter_pk, K, nonce)))
		goto out;
	header_len = out->len;
	crypto_generichash(commit, sizeof commit, out->data, header_len, keys + 32, 32);
	if ((rc = abri_buf_append(out, commit, sizeof commit)))
		goto out;
	rc = ABRI_ERR_NOMEM;
	ct = malloc(padded_len + ABRI_AEAD_TAG_BYTES);
	if (!ct)
		goto out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &ct_len, padded, padded_len, out->data,
	                                           out->len, NULL, nonce, keys);
	rc = abri_buf_append(out, ct, (size_t)ct_len);
out:
	sodium_memzero(keys, sizeof keys);
	abri_secure_free(padded, padded_len);
	free(ct); /* ciphertext: nothing to wipe */
	if (rc)
		abri_buf_free(out);
	return rc;
}

int abri_envelope_seal_det(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                           const abri_stanza_to *to, size_t n_to,
                           const uint8_t reporter_pk[ABRI_X25519_PK], const uint8_t *plaintext,
                           size_t pt_len, size_t max_padded, const uint8_t K[32],
                           const uint8_t nonce[ABRI_ENV_NONCE_BYTES])
{
	return seal_with(out, kind, tenant, list_version, to, n_to, reporter_pk, plaintext, pt_len,
	                 max_padded, K, nonce);
}

int abri_envelope_seal(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                       const abri_stanza_to *to, size_t n_to,
                       const uint8_t reporter_pk[ABRI_X25519_PK], const uint8_t *plaintext,
                       size_t pt_len, size_t max_padded)
{
	uint8_t *K, nonce[ABRI_ENV_NONCE_BYTES];
	int rc;

	K = sodium_malloc(32);
	if (!K) {
		abri_buf_init(out);
		return ABRI_ERR_NOMEM;
	}
	crypto_kdf_keygen(K);
	randombytes_buf(nonce, sizeof nonce);
	rc = seal_with(out, kind, tenant, list_version, to, n_to, reporter_pk, plaintext, pt_len,
	               max_padded, K, nonce);
	sodium_free(K);
	return rc;
}

/* ---- parse ---- */

typedef struct stanza_pos {
	size_t off[ABRI_STANZAS_MAX]; /* offset of the sealed key */
	uint8_t type[ABRI_STANZAS_MAX];
	const uint8_t *kid[ABRI_STANZAS_MAX]; /* NULL for the reporter stanza */
	size_t nonce_off;
} stanza_pos;

static int parse_stanzas(const uint8_t *env, size_t len, size_t *pos, abri_envelope_info *info,
                         stanza_pos *sp)
{
	size_t i, j;

	for (i = 0; i < info->n_stanzas; i++) {
		if (*pos >= len)
			return ABRI_ERR_INVALID;
		sp->type[i] = env[*pos];
		if (sp->type[i] == ABRI_STANZA_KEYED) {
			if (len - *pos < KEYED_STANZA_BYTES)
				return ABRI_ERR_INVALID;
			sp->kid[i] = env + *pos + 1;
			for (j = 0; j < info->n_keyed; j++)
				if (memcmp(info->kids[j], sp->kid[i], ABRI_KEY_ID_BYTES) == 0)
					return ABRI_ERR_INVALID;
			memcpy(info->kids[info->n_keyed++], sp->kid[i], ABRI_KEY_ID_BYTES);
			sp->off[i] = *pos + 1 + ABRI_KEY_ID_BYTES;
			*pos += KEYED_STANZA_BYTES;
		} else if (sp->type[i] == ABRI_STANZA_REPORTER) {
			if (info->has_reporter_stanza || len - *pos < REPORTER_STANZA_BYTES)
				return ABRI_ERR_INVALID;
			info->has_reporter_stanza = 1;
			sp->kid[i] = NULL;
			sp->off[i] = *pos + 1;
			*pos += REPORTER_STANZA_BYTES;
		} else {
			return ABRI_ERR_INVALID;
		}
	}
	return ABRI_OK;
}

static int parse_full(const uint8_t *env, size_t len, size_t max_padded, abri_envelope_info *info,
                      stanza_pos *sp)
{
	size_t pos, tlen;
	int rc;

	memset(info, 0, sizeof *info);
	if (!env || len < 7)
		return ABRI_ERR_INVALID;
	if (memcmp(env, ABRI_ENVELOPE_MAGIC, 4) != 0 || env[4] != ABRI_ENVELOPE_VERSION)
		return ABRI_ERR_VERSION;
	info->version = env[4];
	info->kind = env[5];
	tlen = env[6];
	if (!abri_kind_name(info->kind) || tlen < 1 || tlen > ABRI_TENANT_MAX || len - 7 < tlen + 5)
		return ABRI_ERR_INVALID;
	memcpy(info->tenant, env + 7, tlen);
	info->tenant[tlen] = '\0';
	if (!abri_tenant_valid(info->tenant) || strlen(info->tenant) != tlen)
		return ABRI_ERR_INVALID;
	pos = 7 + tlen;
	info->list_version = abri_load_u32le(env + pos);
	info->n_stanzas = env[pos + 4];
	pos += 5;
	if (info->n_stanzas < 1 || info->n_stanzas > ABRI_STANZAS_MAX)
		return ABRI_ERR_INVALID;
	if ((rc = parse_stanzas(env, len, &pos, info, sp)))
		return rc;
	if (len - pos < ABRI_ENV_NONCE_BYTES + ABRI_HASH_BYTES + ABRI_AEAD_TAG_BYTES)
		return ABRI_ERR_INVALID;
	sp->nonce_off = pos;
	info->header_len = pos + ABRI_ENV_NONCE_BYTES;
	info->body_len = len - info->header_len - ABRI_HASH_BYTES;
	info->padded_len = info->body_len - ABRI_AEAD_TAG_BYTES;
	if (!abri_is_bucket(info->padded_len))
		return ABRI_ERR_BUCKET;
	if (info->padded_len > max_padded)
		return ABRI_ERR_TOO_BIG;
	abri_hash(info->hash, env, len);
	return ABRI_OK;
}

int abri_envelope_parse(const uint8_t *env, size_t len, size_t max_padded, abri_envelope_info *info)
{
	stanza_pos sp;

	return parse_full(env, len, max_padded, info, &sp);
}

/* ---- open ---- */

static int find_stanza(const stanza_pos *sp, const abri_envelope_info *info, const uint8_t *kid)
{
	size_t i;

	for (i = 0; i < info->n_stanzas; i++) {
		if (kid ? sp->type[i] == ABRI_STANZA_KEYED &&
		              memcmp(sp->kid[i], kid, ABRI_KEY_ID_BYTES) == 0
		        : sp->type[i] == ABRI_STANZA_REPORTER)
			return (int)i;
	}
	return -1;
}

/* Commit check then AEAD decrypt then strict unpad; *pt malloc'd. */
static int decrypt_body(const uint8_t *env, const abri_envelope_info *info, const stanza_pos *sp,
                        const uint8_t K[32], uint8_t **pt, size_t *pt_len)
{
	uint8_t keys[64], commit[ABRI_HASH_BYTES], *buf;
	const uint8_t *body = env + info->header_len + ABRI_HASH_BYTES;
	unsigned long long mlen = 0;
	int rc;

	if ((rc = derive_keys(keys, keys + 32, K)))
		return rc;
	crypto_generichash(commit, sizeof commit, env, info->header_len, keys + 32, 32);
	if (crypto_verify_32(commit, env + info->header_len) != 0) {
		sodium_memzero(keys, sizeof keys);
		return ABRI_ERR_CRYPTO;
	}
	buf = malloc(info->padded_len);
	if (!buf) {
		sodium_memzero(keys, sizeof keys);
		return ABRI_ERR_NOMEM;
	}
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &mlen, NULL, body, info->body_len, env,
	                                                info->header_len + ABRI_HASH_BYTES,
	                                                env + sp->nonce_off, keys) == 0
	         ? ABRI_OK
	         : ABRI_ERR_CRYPTO;
	sodium_memzero(keys, sizeof keys);
	if (rc == ABRI_OK)
		rc = abri_unpad(buf, info->padded_len, pt_len);
	if (rc) {
		abri_secure_free(buf, info->padded_len);
		return rc;
	}
	*pt = buf;
	return ABRI_OK;
}

int abri_envelope_open(const uint8_t *env, size_t len, const uint8_t *kid,
                       const uint8_t x_pk[ABRI_X25519_PK], const uint8_t x_sk[ABRI_X25519_SK],
                       size_t max_padded, uint8_t **pt, size_t *pt_len, abri_envelope_info *info)
{
	uint8_t K[32];
	stanza_pos sp;
	int rc, i;

	*pt = NULL;
	*pt_len = 0;
	if ((rc = parse_full(env, len, max_padded, info, &sp)))
		return rc;
	i = find_stanza(&sp, info, kid);
	if (i < 0)
		return ABRI_ERR_NOT_FOR_ME;
	if (crypto_box_seal_open(K, env + sp.off[i], ABRI_SEALED_KEY_BYTES, x_pk, x_sk) != 0)
		return kid ? ABRI_ERR_CRYPTO : ABRI_ERR_NOT_FOR_ME;
	rc = decrypt_body(env, info, &sp, K, pt, pt_len);
	sodium_memzero(K, sizeof K);
	return rc;
}
