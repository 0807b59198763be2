/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Case token: 24 decimal digits (23 random + Damm check digit), its
 * normalisation from whatever a person typed, and the key derivation that
 * turns it into the lookup key and the reporter's key pairs. */
#ifndef ABRI_TOKEN_H
#define ABRI_TOKEN_H

#include "abri/common.h"

#define ABRI_TOKEN_DIGITS 24u

/* Argon2id parameters for the token (fixed by the protocol). */
#define ABRI_TOKEN_ARGON2_T 2u
#define ABRI_TOKEN_ARGON2_M_KIB 65536u /* 64 MiB */
#define ABRI_TOKEN_ARGON2_P 1u

/* New token: 23 uniformly random digits (rejection sampling) followed by
 * the Damm check digit; out gets 24 ASCII digits and a NUL. */
void abri_token_generate(char out[ABRI_TOKEN_DIGITS + 1]);

/* Damm check digit of n ASCII digits ('0'..'9'); -1 on a non-digit. */
int abri_damm_digit(const char *digits, size_t n);
/* 1 when the n ASCII digits (check digit last) pass Damm, else 0. */
int abri_damm_valid(const char *digits, size_t n);

typedef enum abri_token_status {
	ABRI_TOKEN_VALID = 0,
	ABRI_TOKEN_BAD_CHAR = 1,    /* a character that is neither a digit nor ignorable */
	ABRI_TOKEN_BAD_LENGTH = 2,  /* not 24 digits after normalisation */
	ABRI_TOKEN_BAD_CHECK = 3,   /* 24 digits, Damm check fails (a typo) */
	ABRI_TOKEN_BAD_UTF8 = 4,
} abri_token_status;

/* Normalise what a person typed (UTF-8, len bytes) into 24 ASCII digits:
 * every Unicode format (Cf) and space separator (Zs) character, ASCII
 * whitespace (TAB, LF, CR) and every dash punctuation (Pd, plus U+2212
 * MINUS SIGN) is dropped; every Unicode decimal digit (Nd) is mapped to its
 * ASCII value; anything else is ABRI_TOKEN_BAD_CHAR. The tables are
 * generated from Unicode 14.0.0 (src/tools/gen-unicode-tables.py). */
abri_token_status abri_token_normalise(const char *in, size_t len,
                                       char out[ABRI_TOKEN_DIGITS + 1]);

/* Salt = BLAKE2b-128("abri-token-v1" || deployment_id). */
void abri_token_salt(uint8_t salt[16], const char *tenant);

/* seed = Argon2id(24 ASCII digits, salt, t=2, m=64 MiB, p=1, 32 bytes).
 * token must be a normalised, valid token. */
int abri_token_seed(uint8_t seed[32], const char *token, const char *tenant);

/* Everything the reporter derives from the seed:
 * crypto_kdf_derive_from_key(ctx "abricas1"): id 1 lookup key, id 2 X25519
 * seed (crypto_box_seed_keypair), id 3 Ed25519 seed
 * (crypto_sign_seed_keypair). Allocate with abri_reporter_keys_new (locked,
 * guarded memory) and free with abri_reporter_keys_free (wipes). */
typedef struct abri_reporter_keys {
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES];
	uint8_t x25519_pk[ABRI_X25519_PK];
	uint8_t x25519_sk[ABRI_X25519_SK];
	uint8_t ed25519_pk[ABRI_ED25519_PK];
	uint8_t ed25519_sk[ABRI_ED25519_SK];
	uint8_t thread[ABRI_HASH_BYTES];   /* BLAKE2b-256(ed25519_pk) */
	uint8_t ed_kid[ABRI_KEY_ID_BYTES]; /* key id of ed25519_pk */
} abri_reporter_keys;

abri_reporter_keys *abri_reporter_keys_new(void);
void abri_reporter_keys_free(abri_reporter_keys *k);
int abri_reporter_keys_from_seed(abri_reporter_keys *k, const uint8_t seed[32]);
/* Normalised token -> seed -> keys (runs Argon2id: ~0.3 s, 64 MiB). */
int abri_reporter_keys_from_token(abri_reporter_keys *k, const char *token,
                                  const char *tenant);

/* Server side: case_lookup = BLAKE2b-256(key = pepper, lookup_key). */
void abri_case_lookup_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t pepper[32],
                           const uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES]);

#endif
