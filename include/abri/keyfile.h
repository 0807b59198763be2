/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Key files.
 *
 * Secret key file (listener, auditor, organisation), mode 0600:
 *   "ABRK" | version u8 (=1) | role u8 (1 listener, 2 auditor, 3 server,
 *   4 organisation) | t u32le | m_kib u32le | p u32le | salt (16)
 *   | nonce (24) | XChaCha20-Poly1305(key = Argon2id(passphrase, salt, t,
 *     m_kib, p, 32), nonce, secret, ad = everything before the nonce)
 *   secret = X25519 sk (32) || Ed25519 seed (32)
 * Passphrase-less files (server key, tests) use t = m_kib = p = 0 and the
 * secret is stored after the nonce unencrypted (the nonce is then zero).
 *
 * Public key file: JSON {"role", "name", "x25519", "ed25519", "epoch"},
 * the member entry the organisation copies into a recipient list. */
#ifndef ABRI_KEYFILE_H
#define ABRI_KEYFILE_H

#include "abri/common.h"
#include "abri/recipients.h"

#define ABRI_ROLE_ORG 4

/* Long-lived secrets: allocated with sodium_malloc (guarded, locked). */
typedef struct abri_keypair {
	int role; /* abri_role or ABRI_ROLE_ORG */
	uint8_t x25519_pk[ABRI_X25519_PK];
	uint8_t x25519_sk[ABRI_X25519_SK];
	uint8_t ed25519_pk[ABRI_ED25519_PK];
	uint8_t ed25519_sk[ABRI_ED25519_SK];
	uint8_t x_kid[ABRI_KEY_ID_BYTES];
	uint8_t ed_kid[ABRI_KEY_ID_BYTES];
} abri_keypair;

abri_keypair *abri_keypair_new(void);   /* zeroed, locked */
void abri_keypair_free(abri_keypair *k); /* wipes */
int abri_keypair_generate(abri_keypair *k, int role);

/* Argon2id cost for key files (interactive on a workstation). */
#define ABRI_KEYFILE_T 3u
#define ABRI_KEYFILE_M_KIB 262144u /* 256 MiB */
#define ABRI_KEYFILE_P 2u

/* Write atomically with mode 0600; passphrase NULL = unencrypted. t/m/p 0
 * = defaults above. Fails if the file exists. */
int abri_keyfile_write(const char *path, const abri_keypair *k, const char *passphrase,
                       uint32_t t, uint32_t m_kib, uint32_t p);
/* ABRI_ERR_PASSPHRASE when the passphrase is wrong or missing. */
int abri_keyfile_read(const char *path, abri_keypair *k, const char *passphrase);
/* 1 if the file needs a passphrase, 0 if not, <0 on error. */
int abri_keyfile_is_encrypted(const char *path);

int abri_pubfile_write(const char *path, const abri_keypair *k, const char *name,
                       uint32_t epoch);

/* Raw 32-byte secret files (pepper, challenge key): mode 0600. */
int abri_secret32_write(const char *path, const uint8_t key[32]);
int abri_secret32_read(const char *path, uint8_t key[32]);

#endif
