/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid's process-wide state: the configuration and the keys, loaded once
 * at startup and read-only afterwards (so worker threads need no lock). */
#ifndef ABRID_ABRID_H
#define ABRID_ABRID_H

#include <stdint.h>

#include "abri/abri.h"
#include "config.h"

struct abrid_state {
	struct abrid_config cfg;
	abri_keypair *server_key; /* receipt signing key (role server) */
	uint8_t *pepper;          /* 32 bytes, sodium_malloc'd */
	uint8_t *challenge_key;   /* 32 bytes, sodium_malloc'd */
	uint8_t org_pk[ABRI_ED25519_PK];
	int schema; /* schema version checked at startup */
};

extern struct abrid_state abrid;

/* Reads the four key files named by abrid.cfg; on failure writes a message
 * (naming the file, never its content) to err and returns -1. */
int keys_load(char *err, size_t err_len);
void keys_free(void);

/* BLAKE2b-256(key = pepper, "sub" || submission id): what the database
 * stores instead of the client's submission id. */
void submission_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t sid[ABRI_SUBMISSION_ID_BYTES]);
/* BLAKE2b-256(key = pepper, "svc" || code): what the database stores of a
 * survey code (12 canonical characters). */
void survey_code_tag(uint8_t out[ABRI_HASH_BYTES], const char *code);
/* BLAKE2b-256(key = pepper, "rpl" || key id || nonce): all the replay
 * table keeps of a signed request, never the key id (it would name the
 * listener next to whatever the request wrote). */
void replay_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t key_id[ABRI_KEY_ID_BYTES],
                const uint8_t nonce[ABRI_NONCE_BYTES]);
/* BLAKE2b-256(key = pepper, lookup key). */
void lookup_hash(uint8_t out[ABRI_HASH_BYTES], const uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES]);

#endif
