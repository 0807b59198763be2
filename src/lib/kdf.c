/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Token -> seed -> reporter keys, and the server's lookup hash.
 *
 * salt   = BLAKE2b-128("abri-token-v1" (13 bytes, no NUL) || deployment id)
 * seed   = Argon2id v0x13 (24 ASCII digits, salt, t=2, m=65536 KiB, p=1, 32 B)
 * lookup key    = crypto_kdf_derive_from_key(32, 1, "abricas1", seed)
 * X25519 seed   = crypto_kdf_derive_from_key(32, 2, "abricas1", seed)
 * Ed25519 seed  = crypto_kdf_derive_from_key(32, 3, "abricas1", seed)
 * thread        = BLAKE2b-256(Ed25519 pk)
 * case_lookup   = BLAKE2b-256(key = pepper (32), lookup key) */
#include <string.h>

#include <argon2.h>
#include <sodium.h>

#include "abri/token.h"
#include "internal.h"

#define CAS_CTX "abricas1"

void abri_token_salt(uint8_t salt[16], const char *tenant)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const uint8_t *)"abri-token-v1", 13);
	crypto_generichash_update(&st, (const uint8_t *)tenant, strlen(tenant));
	crypto_generichash_final(&st, salt, 16);
}

int abri_token_seed(uint8_t seed[32], const char *token, const char *tenant)
{
	uint8_t salt[16];
	size_t i;
	int rc;

	if (!token || !abri_tenant_valid(tenant))
		return ABRI_ERR_INVALID;
	for (i = 0; i < ABRI_TOKEN_DIGITS; i++)
		if (token[i] < '0' || token[i] > '9')
			return ABRI_ERR_INVALID;
	if (token[ABRI_TOKEN_DIGITS] != '\0' || !abri_damm_valid(token, ABRI_TOKEN_DIGITS))
		return ABRI_ERR_INVALID;
	abri_token_salt(salt, tenant);
	rc = argon2id_hash_raw(ABRI_TOKEN_ARGON2_T, ABRI_TOKEN_ARGON2_M_KIB, ABRI_TOKEN_ARGON2_P,
	                       token, ABRI_TOKEN_DIGITS, salt, sizeof salt, seed, 32);
	if (rc == ARGON2_OK)
		return ABRI_OK;
	sodium_memzero(seed, 32);
	return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ABRI_ERR_NOMEM : ABRI_ERR_INTERNAL;
}

abri_reporter_keys *abri_reporter_keys_new(void)
{
	abri_reporter_keys *k = sodium_malloc(sizeof *k);

	if (k)
		sodium_memzero(k, sizeof *k);
	return k;
}

void abri_reporter_keys_free(abri_reporter_keys *k)
{
	if (k)
		sodium_free(k); /* wipes */
}

int abri_reporter_keys_from_seed(abri_reporter_keys *k, const uint8_t seed[32])
{
	uint8_t xs[32], es[32];
	int rc = ABRI_ERR_CRYPTO;

	if (crypto_kdf_derive_from_key(k->lookup_key, 32, 1, CAS_CTX, seed) != 0 ||
	    crypto_kdf_derive_from_key(xs, 32, 2, CAS_CTX, seed) != 0 ||
	    crypto_kdf_derive_from_key(es, 32, 3, CAS_CTX, seed) != 0 ||
	    crypto_box_seed_keypair(k->x25519_pk, k->x25519_sk, xs) != 0 ||
	    crypto_sign_seed_keypair(k->ed25519_pk, k->ed25519_sk, es) != 0)
		goto out;
	abri_hash(k->thread, k->ed25519_pk, ABRI_ED25519_PK);
	abri_key_id(k->ed_kid, ABRI_KID_ED25519, k->ed25519_pk);
	rc = ABRI_OK;
out:
	sodium_memzero(xs, sizeof xs);
	sodium_memzero(es, sizeof es);
	return rc;
}

int abri_reporter_keys_from_token(abri_reporter_keys *k, const char *token, const char *tenant)
{
	uint8_t seed[32];
	int rc;

	rc = abri_token_seed(seed, token, tenant);
	if (rc == ABRI_OK)
		rc = abri_reporter_keys_from_seed(k, seed);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

void abri_case_lookup_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t pepper[32],
                           const uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES])
{
	crypto_generichash(out, ABRI_HASH_BYTES, lookup_key, ABRI_LOOKUP_KEY_BYTES, pepper, 32);
}
