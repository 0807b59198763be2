/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabri: common definitions, sizes, error codes, buffers, encodings.
 *
 * Library functions return ABRI_OK (0) or a negative abri_err; they never
 * print. Sizes below are fixed by docs/protocol.md. */
#ifndef ABRI_COMMON_H
#define ABRI_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define ABRI_KEY_ID_BYTES 16u     /* BLAKE2b-128("abri-kid" || type || pk) */
#define ABRI_HASH_BYTES 32u       /* BLAKE2b-256 */
#define ABRI_LOOKUP_KEY_BYTES 32u
#define ABRI_SUBMISSION_ID_BYTES 16u
#define ABRI_NONCE_BYTES 16u      /* request nonce */
#define ABRI_CASE_REF_CHARS 10u   /* Crockford base32, 50 random bits */
#define ABRI_TENANT_MAX 64u       /* deployment id: 1..64 bytes [a-z0-9.-] */
#define ABRI_X25519_PK 32u
#define ABRI_X25519_SK 32u
#define ABRI_ED25519_PK 32u
#define ABRI_ED25519_SK 64u
#define ABRI_ED25519_SEED 32u
#define ABRI_SIG_BYTES 64u

typedef enum abri_err {
	ABRI_OK = 0,
	ABRI_ERR_INVALID = -1,   /* malformed input */
	ABRI_ERR_NOMEM = -2,
	ABRI_ERR_CRYPTO = -3,    /* authentication / signature / commitment failed */
	ABRI_ERR_NOT_FOR_ME = -4,/* no stanza this key can open */
	ABRI_ERR_TOO_BIG = -5,
	ABRI_ERR_EXPIRED = -6,
	ABRI_ERR_IO = -7,
	ABRI_ERR_INTERNAL = -8,
	ABRI_ERR_VERSION = -9,   /* wrong magic or version */
	ABRI_ERR_BUCKET = -10,   /* length is not a padding bucket */
	ABRI_ERR_PASSPHRASE = -11,
} abri_err;

const char *abri_strerror(int err);

/* Must be called once before anything else, and before any jansson use:
 * sodium_init, and jansson allocations that are wiped when freed. */
int abri_init(void);

/* Growable byte buffer (heap, plain malloc). Library functions that take
 * an `abri_buf *out` (fields, signed bytes, envelope, inner message)
 * initialise it themselves and leave it empty on error; the caller frees
 * it with abri_buf_free. */
typedef struct abri_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
} abri_buf;

void abri_buf_init(abri_buf *b);
int abri_buf_append(abri_buf *b, const void *p, size_t n);
int abri_buf_u8(abri_buf *b, uint8_t v);
int abri_buf_u32le(abri_buf *b, uint32_t v);
int abri_buf_u64le(abri_buf *b, uint64_t v);
/* Wipes (sodium_memzero) then frees. */
void abri_buf_free(abri_buf *b);

uint32_t abri_load_u32le(const uint8_t *p);
uint64_t abri_load_u64le(const uint8_t *p);
void abri_store_u32le(uint8_t *p, uint32_t v);
void abri_store_u64le(uint8_t *p, uint64_t v);

/* Standard base64 with padding (sodium_base64_VARIANT_ORIGINAL), the only
 * encoding of binary in JSON. Returns a malloc'd NUL-terminated string. */
char *abri_b64_encode(const uint8_t *p, size_t n);
/* Strict decode; *out is malloc'd (also for n == 0). Rejects whitespace and
 * trailing garbage. */
int abri_b64_decode(const char *s, uint8_t **out, size_t *out_len);
/* The same strict decode of s[0..slen) for public bytes (ciphertext,
 * signed lists): fast, but its timing depends on the input, so never for
 * secrets. A NUL inside s is rejected like any other stray byte. */
int abri_b64_decode_public(const char *s, size_t slen, uint8_t **out, size_t *out_len);
/* Decode into a fixed-size destination: the decoded length must equal n. */
int abri_b64_decode_exact(const char *s, uint8_t *dst, size_t n);

/* BLAKE2b-256 of data (unkeyed). */
void abri_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t *p, size_t n);

/* Key id: BLAKE2b-128("abri-kid" || type || pk), type ABRI_KID_X25519 or
 * ABRI_KID_ED25519. */
#define ABRI_KID_X25519 0x01
#define ABRI_KID_ED25519 0x02
void abri_key_id(uint8_t out[ABRI_KEY_ID_BYTES], uint8_t type, const uint8_t pk[32]);

/* Fingerprint for humans: first 16 bytes of the key id as 8 groups of four
 * lowercase hex digits separated by spaces; out must hold 40 bytes. */
void abri_fingerprint(char out[40], const uint8_t kid[ABRI_KEY_ID_BYTES]);

/* Deployment id check: 1..64 bytes of [a-z0-9.-]. */
int abri_tenant_valid(const char *tenant);

/* Random case reference: 10 Crockford base32 characters (0-9, A-Z minus
 * I L O U), NUL-terminated. */
void abri_case_ref_new(char out[ABRI_CASE_REF_CHARS + 1]);
int abri_case_ref_valid(const char *s);

/* write(2) all n bytes, retrying on EINTR and short writes. */
int abri_write_all(int fd, const void *p, size_t n);

/* ISO-8601 week of a unix time (UTC), "YYYY-Www", out must hold 9 bytes. */
void abri_iso_week(char out[9], int64_t unix_seconds);

/* Unix seconds now: every abri program takes the time from here, never
 * from time(2) (src/lib/clock.c; tests can shift it). */
int64_t abri_now(void);
/* The shift in seconds (0 unless a test build was given one). */
int64_t abri_clock_offset(void);
/* getenv(name) in test builds (-Dtest_clock=true), NULL in every other:
 * the knobs only tests may turn (the forensic test's positive control). */
const char *abri_test_getenv(const char *name);
/* "YYYY-MM-DD" in UTC; -1 if the time cannot be represented. */
int abri_utc_date(char out[11], int64_t unix_seconds);

#endif
