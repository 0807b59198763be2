/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabri common helpers: errors, buffers, little-endian, base64, hashes,
 * key ids and fingerprints, deployment ids, case references, ISO weeks,
 * strict UTF-8.
 *
 * Key id  = BLAKE2b-128("abri-kid" (8 bytes, no NUL) || type u8 || pk (32)).
 * Case ref = 10 characters of Crockford base32 "0123456789ABCDEFGHJKMNPQRSTVWXYZ",
 *            each drawn uniformly (50 bits), upper case only. */
#include <errno.h>
#include <malloc.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "abri/common.h"
#include "internal.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const char *abri_strerror(int err)
{
	switch (err) {
	case ABRI_OK: return "success";
	case ABRI_ERR_INVALID: return "malformed input";
	case ABRI_ERR_NOMEM: return "out of memory";
	case ABRI_ERR_CRYPTO: return "authentication failed";
	case ABRI_ERR_NOT_FOR_ME: return "no stanza for this key";
	case ABRI_ERR_TOO_BIG: return "too big";
	case ABRI_ERR_EXPIRED: return "expired";
	case ABRI_ERR_IO: return "input/output error";
	case ABRI_ERR_INTERNAL: return "internal error";
	case ABRI_ERR_VERSION: return "unknown format or version";
	case ABRI_ERR_BUCKET: return "length is not a padding bucket";
	case ABRI_ERR_PASSPHRASE: return "wrong or missing passphrase";
	default: return "unknown error";
	}
}

/* jansson holds request and message text (lookup keys in base64,
 * decrypted bodies) in its own allocations: wipe them when freed. */
static void *json_alloc(size_t n)
{
	return malloc(n);
}

static void json_wipe_free(void *p)
{
	if (p != NULL) {
		sodium_memzero(p, malloc_usable_size(p));
		free(p);
	}
}

int abri_init(void)
{
	/* sodium_init returns 1 when already initialised: not an error. */
	if (sodium_init() < 0)
		return ABRI_ERR_INTERNAL;
	json_set_alloc_funcs(json_alloc, json_wipe_free);
	return ABRI_OK;
}

/* ---- buffers ---- */

void abri_buf_init(abri_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Grows by allocating a fresh block and wiping the old one, because buffers
 * carry secrets (plaintexts) and realloc may leave copies behind. */
static int buf_reserve(abri_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > SIZE_MAX - b->len)
		return ABRI_ERR_NOMEM;
	need = b->len + extra;
	if (need <= b->cap)
		return ABRI_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = malloc(cap);
	if (!p)
		return ABRI_ERR_NOMEM;
	if (b->data) {
		memcpy(p, b->data, b->len);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return ABRI_OK;
}

int abri_buf_append(abri_buf *b, const void *p, size_t n)
{
	int rc;

	if (n == 0)
		return ABRI_OK;
	rc = buf_reserve(b, n);
	if (rc)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return ABRI_OK;
}

int abri_buf_u8(abri_buf *b, uint8_t v)
{
	return abri_buf_append(b, &v, 1);
}

int abri_buf_u32le(abri_buf *b, uint32_t v)
{
	uint8_t t[4];

	abri_store_u32le(t, v);
	return abri_buf_append(b, t, sizeof t);
}

int abri_buf_u64le(abri_buf *b, uint64_t v)
{
	uint8_t t[8];

	abri_store_u64le(t, v);
	return abri_buf_append(b, t, sizeof t);
}

void abri_buf_free(abri_buf *b)
{
	if (b->data) {
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	abri_buf_init(b);
}

/* ---- little endian ---- */

uint32_t abri_load_u32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t abri_load_u64le(const uint8_t *p)
{
	return (uint64_t)abri_load_u32le(p) | (uint64_t)abri_load_u32le(p + 4) << 32;
}

void abri_store_u32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void abri_store_u64le(uint8_t *p, uint64_t v)
{
	abri_store_u32le(p, (uint32_t)v);
	abri_store_u32le(p + 4, (uint32_t)(v >> 32));
}

/* ---- base64 ---- */

char *abri_b64_encode(const uint8_t *p, size_t n)
{
	size_t len;
	char *s;

	if (n > (SIZE_MAX / 4) * 3 - 3)
		return NULL;
	len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	s = malloc(len);
	if (!s)
		return NULL;
	sodium_bin2base64(s, len, n ? p : (const uint8_t *)"", n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

int abri_has_high_byte(const char *s, size_t n)
{
	unsigned high = 0;

	for (size_t i = 0; i < n; i++)
		high |= (unsigned char)s[i];
	return (high & 0x80) != 0;
}

int abri_b64_decode(const char *s, uint8_t **out, size_t *out_len)
{
	size_t slen, cap, bin_len = 0;
	const char *end = NULL;
	uint8_t *bin;

	*out = NULL;
	*out_len = 0;
	if (!s)
		return ABRI_ERR_INVALID;
	slen = strlen(s);
	/* libsodium 1.0.18 decodes some bytes >= 0x80 as if they were letters
	 * (tests/unit/test_common.c: "\x80" "A==" came out as "QQ=="). */
	if (slen % 4 != 0 || abri_has_high_byte(s, slen))
		return ABRI_ERR_INVALID;
	cap = slen / 4 * 3 + 1;
	bin = malloc(cap);
	if (!bin)
		return ABRI_ERR_NOMEM;
	/* ignore = NULL: no whitespace; padding and the unused bits of the last
	 * character are checked by libsodium; end must reach the NUL. */
	if (sodium_base642bin(bin, cap, s, slen, NULL, &bin_len, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + slen) {
		sodium_memzero(bin, cap);
		free(bin);
		return ABRI_ERR_INVALID;
	}
	*out = bin;
	*out_len = bin_len;
	return ABRI_OK;
}

/* Table decode for ciphertext and other public bytes: same strict rules
 * as abri_b64_decode (checked against it by tests/unit/test_common.c and
 * fuzz/fuzz_jsonread.c) but about ten times faster on a 6 KiB envelope.
 * Its timing depends on the input, so never for keys or lookup keys. */
static int8_t b64_value(unsigned char c)
{
	static const int8_t tab[256] = {
	    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
	    ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
	    ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
	    ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
	    ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
	    ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	    ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63,
	    ['/'] = 64,
	};

	return (int8_t)(tab[c] - 1); /* -1: not in the alphabet */
}

int abri_b64_decode_public(const char *s, size_t slen, uint8_t **out, size_t *out_len)
{
	size_t pad = 0, full, o = 0;
	uint8_t *bin;
	uint32_t v;
	int8_t c[4];

	*out = NULL;
	*out_len = 0;
	if (!s || slen % 4 != 0)
		return ABRI_ERR_INVALID;
	if (slen > 0 && s[slen - 1] == '=')
		pad = (slen > 1 && s[slen - 2] == '=') ? 2 : 1;
	bin = malloc(slen / 4 * 3 + 1);
	if (!bin)
		return ABRI_ERR_NOMEM;
	full = (slen - (pad ? 4 : 0)) / 4;
	for (size_t i = 0; i < full; i++, s += 4) {
		c[0] = b64_value((unsigned char)s[0]);
		c[1] = b64_value((unsigned char)s[1]);
		c[2] = b64_value((unsigned char)s[2]);
		c[3] = b64_value((unsigned char)s[3]);
		if ((c[0] | c[1] | c[2] | c[3]) < 0)
			goto bad;
		v = (uint32_t)c[0] << 18 | (uint32_t)c[1] << 12 | (uint32_t)c[2] << 6 | (uint32_t)c[3];
		bin[o++] = (uint8_t)(v >> 16);
		bin[o++] = (uint8_t)(v >> 8);
		bin[o++] = (uint8_t)v;
	}
	if (pad) {
		/* The last group: 2 or 3 characters, then '=', unused bits zero. */
		c[0] = b64_value((unsigned char)s[0]);
		c[1] = b64_value((unsigned char)s[1]);
		c[2] = (pad == 2) ? 0 : b64_value((unsigned char)s[2]);
		if ((c[0] | c[1] | c[2]) < 0 || (pad == 2 && (c[1] & 0x0f)) ||
		    (pad == 1 && (c[2] & 0x03)))
			goto bad;
		v = (uint32_t)c[0] << 18 | (uint32_t)c[1] << 12 | (uint32_t)c[2] << 6;
		bin[o++] = (uint8_t)(v >> 16);
		if (pad == 1)
			bin[o++] = (uint8_t)(v >> 8);
	}
	*out = bin;
	*out_len = o;
	return ABRI_OK;
bad:
	free(bin);
	return ABRI_ERR_INVALID;
}

int abri_b64_decode_exact(const char *s, uint8_t *dst, size_t n)
{
	uint8_t *bin;
	size_t len;
	int rc;

	rc = abri_b64_decode(s, &bin, &len);
	if (rc)
		return rc;
	if (len != n) {
		abri_secure_free(bin, len);
		return ABRI_ERR_INVALID;
	}
	if (n)
		memcpy(dst, bin, n);
	abri_secure_free(bin, len);
	return ABRI_OK;
}

/* ---- hashes, key ids ---- */

void abri_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t *p, size_t n)
{
	crypto_generichash(out, ABRI_HASH_BYTES, n ? p : NULL, n, NULL, 0);
}

void abri_key_id(uint8_t out[ABRI_KEY_ID_BYTES], uint8_t type, const uint8_t pk[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, ABRI_KEY_ID_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)"abri-kid", 8);
	crypto_generichash_update(&st, &type, 1);
	crypto_generichash_update(&st, pk, 32);
	crypto_generichash_final(&st, out, ABRI_KEY_ID_BYTES);
}

void abri_fingerprint(char out[40], const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < ABRI_KEY_ID_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = hex[kid[i] >> 4];
		out[o++] = hex[kid[i] & 15];
	}
	out[o] = '\0';
}

int abri_tenant_valid(const char *tenant)
{
	size_t i;

	if (!tenant)
		return 0;
	for (i = 0; tenant[i]; i++) {
		char c = tenant[i];
		if (i >= ABRI_TENANT_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return 0;
	}
	return i > 0;
}

/* ---- case references ---- */

void abri_case_ref_new(char out[ABRI_CASE_REF_CHARS + 1])
{
	size_t i;

	for (i = 0; i < ABRI_CASE_REF_CHARS; i++)
		out[i] = crockford[randombytes_uniform(32)];
	out[ABRI_CASE_REF_CHARS] = '\0';
}

int abri_case_ref_valid(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < ABRI_CASE_REF_CHARS; i++)
		if (s[i] == '\0' || !memchr(crockford, s[i], 32))
			return 0;
	return s[ABRI_CASE_REF_CHARS] == '\0';
}

/* ---- ISO week ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int64_t year_from_days(int64_t z)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return y + (mp >= 10);
}

void abri_iso_week(char out[9], int64_t unix_seconds)
{
	/* Clamp to 0001-01-08 .. 9999-12-24 so the ISO year has four digits. */
	const int64_t lo = -62135596800 + 7 * 86400, hi = 253402300799 - 7 * 86400;
	int64_t t = unix_seconds < lo ? lo : unix_seconds > hi ? hi : unix_seconds;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t wd = ((days + 3) % 7 + 7) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
	int64_t thursday = days - wd + 3;      /* the ISO year is the Thursday's year */
	int64_t y = year_from_days(thursday);
	int64_t week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;

	/* By hand: 1 <= y <= 9999 and 1 <= week <= 53 after the clamp. */
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = 'W';
	out[6] = (char)('0' + week / 10 % 10);
	out[7] = (char)('0' + week % 10);
	out[8] = '\0';
}

/* ---- strict UTF-8, names, integers ---- */

int32_t abri_utf8_next(const uint8_t *s, size_t len, size_t *pos)
{
	size_t i = *pos, n, k;
	uint32_t c, min;
	uint8_t b = s[i];

	if (b < 0x80) {
		*pos = i + 1;
		return b;
	} else if (b >= 0xC2 && b <= 0xDF) {
		n = 1, c = b & 0x1F, min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 2, c = b & 0x0F, min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 3, c = b & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (len - i - 1 < n)
		return -1;
	for (k = 1; k <= n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (s[i + k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*pos = i + n + 1;
	return (int32_t)c;
}

int abri_name_valid(const char *s, size_t len)
{
	size_t pos = 0;

	if (!s || len == 0 || len > ABRI_NAME_MAX)
		return 0;
	while (pos < len) {
		int32_t c = abri_utf8_next((const uint8_t *)s, len, &pos);
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return 0; /* also catches -1 (bad UTF-8) and NUL */
	}
	return 1;
}

int abri_parse_i64(const char *s, int64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s || s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return ABRI_ERR_INVALID;
	for (i = 0; s[i]; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			return ABRI_ERR_INVALID;
		d = (unsigned)(s[i] - '0');
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return ABRI_ERR_INVALID;
		v = v * 10 + d;
	}
	*out = (int64_t)v;
	return ABRI_OK;
}

void abri_secure_free(void *p, size_t n)
{
	if (!p)
		return;
	sodium_memzero(p, n);
	free(p);
}

int abri_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ABRI_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return ABRI_OK;
}
