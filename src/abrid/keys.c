/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Key files of the daemon. Secrets live in sodium_malloc'd memory. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/survey.h"
#include "abrid.h"
#include "reqjson.h"

struct abrid_state abrid;

static uint8_t *secret32(const char *path, char *err, size_t err_len)
{
	uint8_t *k = sodium_malloc(32);
	int rc;

	if (k == NULL) {
		(void)snprintf(err, err_len, "out of memory");
		return NULL;
	}
	rc = abri_secret32_read(path, k);
	if (rc != ABRI_OK) {
		(void)snprintf(err, err_len, "%s: %s", path, abri_strerror(rc));
		sodium_free(k);
		return NULL;
	}
	return k;
}

/* The organisation's public key file (abri_pubfile_write): only its
 * Ed25519 key matters here, the one recipient lists are signed with. */
static int org_key(const char *path, char *err, size_t err_len)
{
	struct rj_field spec[] = {
	    RJ_B64("ed25519", abrid.org_pk, ABRI_ED25519_PK),
	    RJ_END,
	};
	struct rj_result res;
	json_error_t jerr;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

	if (j == NULL) {
		(void)snprintf(err, err_len, "%s: not a readable JSON file (line %d)", path,
		               jerr.line);
		return -1;
	}
	if (rj_parse(j, spec, &res) != 0) {
		(void)snprintf(err, err_len, "%s: no valid \"ed25519\" public key", path);
		json_decref(j);
		return -1;
	}
	json_decref(j);
	return 0;
}

int keys_load(char *err, size_t err_len)
{
	int rc;

	abrid.server_key = abri_keypair_new();
	if (abrid.server_key == NULL) {
		(void)snprintf(err, err_len, "out of memory");
		return -1;
	}
	rc = abri_keyfile_read(abrid.cfg.server_key, abrid.server_key, NULL);
	if (rc != ABRI_OK) {
		(void)snprintf(err, err_len, "%s: %s (must be an unencrypted key file)",
		               abrid.cfg.server_key, abri_strerror(rc));
		return -1;
	}
	abrid.pepper = secret32(abrid.cfg.pepper_key, err, err_len);
	if (abrid.pepper == NULL)
		return -1;
	abrid.challenge_key = secret32(abrid.cfg.challenge_key, err, err_len);
	if (abrid.challenge_key == NULL)
		return -1;
	return org_key(abrid.cfg.org_public_key, err, err_len);
}

void keys_free(void)
{
	if (abrid.server_key != NULL)
		abri_keypair_free(abrid.server_key);
	sodium_free(abrid.pepper);
	sodium_free(abrid.challenge_key);
	abrid.server_key = NULL;
	abrid.pepper = NULL;
	abrid.challenge_key = NULL;
}

/* BLAKE2b-256(key = pepper, prefix (3 bytes) || a || b). Fixed, valid
 * lengths: BLAKE2b cannot fail here; if libsodium ever says otherwise, a
 * wrong tag would silently break deduplication, so stop. */
static void pepper_tag(uint8_t out[ABRI_HASH_BYTES], const char prefix[3], const void *a,
                       size_t a_len, const void *b, size_t b_len)
{
	crypto_generichash_state st;

	if (crypto_generichash_init(&st, abrid.pepper, 32, ABRI_HASH_BYTES) != 0 ||
	    crypto_generichash_update(&st, (const uint8_t *)prefix, 3) != 0 ||
	    crypto_generichash_update(&st, a, a_len) != 0 ||
	    (b_len > 0 && crypto_generichash_update(&st, b, b_len) != 0) ||
	    crypto_generichash_final(&st, out, ABRI_HASH_BYTES) != 0)
		abort();
}

void submission_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t sid[ABRI_SUBMISSION_ID_BYTES])
{
	pepper_tag(out, "sub", sid, ABRI_SUBMISSION_ID_BYTES, NULL, 0);
}

void survey_code_tag(uint8_t out[ABRI_HASH_BYTES], const char *code)
{
	pepper_tag(out, "svc", code, ABRI_SURVEY_CODE_CHARS, NULL, 0);
}

void replay_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t key_id[ABRI_KEY_ID_BYTES],
                const uint8_t nonce[ABRI_NONCE_BYTES])
{
	pepper_tag(out, "rpl", key_id, ABRI_KEY_ID_BYTES, nonce, ABRI_NONCE_BYTES);
}

void lookup_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES])
{
	abri_case_lookup_hash(out, abrid.pepper, lookup_key);
}
