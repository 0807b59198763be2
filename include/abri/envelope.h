/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Envelope: the only thing abrid stores. Byte layout (docs/protocol.md):
 *
 *   header  = "ABR1" | version u8 (=1) | kind u8 | tenant_len u8 | tenant
 *             | list_version u32le | stanza_count u8 (1..ABRI_STANZAS_MAX)
 *             | stanzas | nonce (24)
 *   stanza  = 0x01 | key id (16) | crypto_box_seal(K) (80)   -- keyed
 *           | 0x02 | crypto_box_seal(K) (80)                 -- reporter,
 *             no key id (trial decryption); at most one per envelope
 *   commit  = BLAKE2b-256(key = K_mac, header)                (32)
 *   body    = XChaCha20-Poly1305-IETF(K_enc, nonce, padded plaintext,
 *                                     ad = header || commit)
 *   K_enc, K_mac = crypto_kdf_derive_from_key(K, ids 1, 2, ctx "abrienv1")
 *
 * The envelope is header || commit || body. Each K encrypts exactly once.
 * The padded plaintext length must be a bucket (abri_bucket), so
 * body length = bucket + 16.
 *
 * Plaintext (before padding) is the signed inner message, a fields blob:
 *   thread (32) | author key id (16) | counter u64le (8)
 *   | previous own hash (32, zeros for counter 1)
 *   | last seen from others hash (32, zeros for none)
 *   | list version u32le (4) | reporter keys (0 bytes, or 64 = X25519 pk
 *   || Ed25519 pk; required in a report, empty elsewhere) | body (JSON)
 *   | signature (64)
 * The signature (purpose by kind, see abri_kind_purpose) covers the signed
 * bytes of the first eight fields. A message hash is BLAKE2b-256 of the
 * whole envelope. */
#ifndef ABRI_ENVELOPE_H
#define ABRI_ENVELOPE_H

#include "abri/common.h"

#define ABRI_ENVELOPE_MAGIC "ABR1"
#define ABRI_ENVELOPE_VERSION 1
#define ABRI_STANZAS_MAX 64u
#define ABRI_STANZA_KEYED 0x01
#define ABRI_STANZA_REPORTER 0x02
#define ABRI_SEALED_KEY_BYTES 80u /* crypto_box_SEALBYTES + 32 */
#define ABRI_ENV_NONCE_BYTES 24u
#define ABRI_AEAD_TAG_BYTES 16u

typedef enum abri_kind {
	ABRI_KIND_REPORT = 1,  /* reporter: first message of a case */
	ABRI_KIND_MESSAGE = 2, /* reporter: follow-up */
	ABRI_KIND_REPLY = 3,   /* listener to reporter (and listeners) */
	ABRI_KIND_NOTE = 4,    /* listener to listeners only (internal) */
	ABRI_KIND_ACK = 5,     /* listener: written acknowledgement */
	ABRI_KIND_STATS = 6,   /* statistics batch, to auditors */
	ABRI_KIND_SURVEY = 7,  /* survey answer, to auditors, unsigned */
} abri_kind;

/* Signature purpose of a kind (ABRI_PURPOSE_*), NULL for an unknown kind
 * or for SURVEY (unsigned). */
const char *abri_kind_purpose(int kind);
const char *abri_kind_name(int kind);

/* ---- Buckets ----
 * Smallest bucket >= n: 4096 minimum, powers of two up to 65536, then
 * Padmé: E = floor(log2 n), S = floor(log2 E) + 1, mask = 2^(E-S) - 1,
 * padme(n) = (n + mask) & ~mask. */
#define ABRI_BUCKET_MIN 4096u
#define ABRI_BUCKET_POW2_MAX 65536u
size_t abri_bucket(size_t n);
int abri_is_bucket(size_t n);

/* sodium_pad to abri_bucket(len + 1); *out malloc'd. */
int abri_pad(uint8_t **out, size_t *out_len, const uint8_t *p, size_t len, size_t max_padded);
/* Strict: the padded length must be a bucket. Returns the unpadded length
 * in *len (data is not copied). */
int abri_unpad(const uint8_t *p, size_t padded_len, size_t *len);

/* ---- Envelope ---- */
typedef struct abri_stanza_to {
	uint8_t kid[ABRI_KEY_ID_BYTES]; /* key id of x25519_pk */
	uint8_t x25519_pk[ABRI_X25519_PK];
} abri_stanza_to;

typedef struct abri_envelope_info {
	uint8_t version;
	uint8_t kind;
	char tenant[ABRI_TENANT_MAX + 1];
	uint32_t list_version;
	size_t n_stanzas;
	int has_reporter_stanza;
	size_t n_keyed;
	uint8_t kids[ABRI_STANZAS_MAX][ABRI_KEY_ID_BYTES]; /* keyed stanzas, in order */
	size_t header_len;   /* bytes before commit */
	size_t body_len;     /* ciphertext incl. tag */
	size_t padded_len;   /* body_len - 16, a bucket */
	uint8_t hash[ABRI_HASH_BYTES]; /* BLAKE2b-256 of the whole envelope */
} abri_envelope_info;

/* Seal padded-to-bucket plaintext. reporter_pk may be NULL (no reporter
 * stanza, e.g. a note). n_to + (reporter_pk != NULL) must be 1..64.
 * max_padded bounds the bucket (config limit); ABRI_ERR_TOO_BIG beyond. */
int abri_envelope_seal(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                       const abri_stanza_to *to, size_t n_to,
                       const uint8_t reporter_pk[ABRI_X25519_PK], const uint8_t *plaintext,
                       size_t pt_len, size_t max_padded);

/* Structural parse without any key (what abrid checks): magic, version,
 * known kind, tenant syntax, stanza types, at most one reporter stanza,
 * no duplicate key id, body length = bucket + 16 <= max_padded + 16. */
int abri_envelope_parse(const uint8_t *env, size_t len, size_t max_padded,
                        abri_envelope_info *info);

/* Open with a recipient's X25519 key pair. kid != NULL: the keyed stanza
 * with that key id; kid == NULL: trial decryption of the reporter stanza.
 * Verifies the commitment before decrypting; returns the unpadded
 * plaintext in *pt (malloc'd, caller wipes with abri_buf_free-like care:
 * use abri_secure_free(pt, pt_len)). */
int abri_envelope_open(const uint8_t *env, size_t len, const uint8_t *kid,
                       const uint8_t x_pk[ABRI_X25519_PK], const uint8_t x_sk[ABRI_X25519_SK],
                       size_t max_padded, uint8_t **pt, size_t *pt_len,
                       abri_envelope_info *info);

void abri_secure_free(void *p, size_t n);

/* ---- Signed inner message ---- */
typedef struct abri_inner {
	uint8_t thread[ABRI_HASH_BYTES];
	uint8_t author_kid[ABRI_KEY_ID_BYTES];
	uint64_t counter;
	uint8_t prev[ABRI_HASH_BYTES];
	uint8_t seen[ABRI_HASH_BYTES];
	uint32_t list_version;
	int has_reporter_keys;
	uint8_t reporter_x25519_pk[ABRI_X25519_PK];
	uint8_t reporter_ed25519_pk[ABRI_ED25519_PK];
	const uint8_t *body; /* JSON object, UTF-8; points into caller memory */
	size_t body_len;
	uint8_t sig[ABRI_SIG_BYTES];
} abri_inner;

/* Encode and sign (sig field of m is ignored and filled). */
int abri_inner_encode(abri_buf *out, abri_inner *m, int kind, const char *tenant,
                      const uint8_t author_sk[ABRI_ED25519_SK]);
/* Decode only (body points into pt). */
int abri_inner_decode(abri_inner *m, const uint8_t *pt, size_t len);
/* Verify the signature over pt (as decoded into m) for kind. */
int abri_inner_verify(const uint8_t *pt, size_t len, int kind, const char *tenant,
                      const uint8_t author_pk[ABRI_ED25519_PK]);

/* ---- Chain check for a whole case ----
 * Input: every opened message of a case in server order. Each author's
 * counters must run 1, 2, 3, ... with prev = hash of that author's
 * previous message; every message's thread must equal the case thread;
 * seen must be zero or the hash of a message present earlier. Findings
 * are reported per message and for the case (missing tail is not
 * detectable from the chain alone: callers compare with local state). */
typedef enum abri_chain_flag {
	ABRI_CHAIN_OK = 0,
	ABRI_CHAIN_WRONG_THREAD = 1 << 0,  /* moved from another case */
	ABRI_CHAIN_DUPLICATE = 1 << 1,     /* same author counter twice / same hash (replay) */
	ABRI_CHAIN_GAP = 1 << 2,           /* counter skipped: a message is missing */
	ABRI_CHAIN_BAD_PREV = 1 << 3,      /* prev does not match: reordered or forged */
	ABRI_CHAIN_UNKNOWN_SEEN = 1 << 4,  /* refers to a message not (yet) present */
	ABRI_CHAIN_OUT_OF_ORDER = 1 << 5,  /* counter lower than one already seen */
} abri_chain_flag;

typedef struct abri_chain_item {
	uint8_t hash[ABRI_HASH_BYTES]; /* envelope hash */
	const abri_inner *m;           /* decoded, signature already verified */
	unsigned flags;                /* out: abri_chain_flag bits */
} abri_chain_item;

/* Returns the OR of all flags (0 = the chain is intact). */
unsigned abri_chain_check(abri_chain_item *items, size_t n,
                          const uint8_t thread[ABRI_HASH_BYTES]);

#endif
