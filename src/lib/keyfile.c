/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Key files (layout in include/abri/keyfile.h).
 *
 * Offsets: magic 0..3, version 4, role 5, t 6..9, m_kib 10..13, p 14..17,
 * salt 18..33, nonce 34..57, then the secret: 80 bytes encrypted (138
 * bytes in all) or 64 bytes in clear (122 in all; t = m_kib = p = 0, salt
 * and nonce zero). The AEAD's additional data is bytes 0..33.
 * Argon2id is version 0x13 from libargon2 (lanes p, one thread per lane).
 * Reading accepts 1 <= t <= 64, 8 <= m_kib <= 4 GiB/1024, 1 <= p <= 64.
 *
 * Files are created without ever replacing an existing one: write a
 * temporary file (O_EXCL, mode set with fchmod), fsync, link(2) it to the
 * final name (fails with EEXIST if it exists), unlink the temporary name,
 * fsync the directory. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argon2.h>
#include <jansson.h>
#include <sodium.h>

#include "abri/keyfile.h"
#include "internal.h"

#define KF_MAGIC      "ABRK"
#define KF_VERSION    1
#define KF_AD_LEN     34
#define KF_NONCE_OFF  34
#define KF_SECRET_OFF 58
#define KF_SECRET_LEN 64
#define KF_LEN_PLAIN  (KF_SECRET_OFF + KF_SECRET_LEN)
#define KF_LEN_ENC    (KF_LEN_PLAIN + ABRI_AEAD_TAG_BYTES)

abri_keypair *abri_keypair_new(void)
{
	abri_keypair *k = sodium_malloc(sizeof *k);

	if (k)
		sodium_memzero(k, sizeof *k);
	return k;
}

void abri_keypair_free(abri_keypair *k)
{
	if (k)
		sodium_free(k);
}

static int role_valid(int role)
{
	return role >= ABRI_ROLE_LISTENER && role <= ABRI_ROLE_ORG;
}

static void keypair_ids(abri_keypair *k)
{
	abri_key_id(k->x_kid, ABRI_KID_X25519, k->x25519_pk);
	abri_key_id(k->ed_kid, ABRI_KID_ED25519, k->ed25519_pk);
}

int abri_keypair_generate(abri_keypair *k, int role)
{
	if (!role_valid(role))
		return ABRI_ERR_INVALID;
	k->role = role;
	if (crypto_box_keypair(k->x25519_pk, k->x25519_sk) != 0 ||
	    crypto_sign_keypair(k->ed25519_pk, k->ed25519_sk) != 0)
		return ABRI_ERR_CRYPTO;
	keypair_ids(k);
	return ABRI_OK;
}

/* From the 64-byte stored secret (X25519 sk || Ed25519 seed). */
static int keypair_from_secret(abri_keypair *k, int role, const uint8_t secret[64])
{
	k->role = role;
	memcpy(k->x25519_sk, secret, 32);
	if (crypto_scalarmult_base(k->x25519_pk, k->x25519_sk) != 0 ||
	    crypto_sign_seed_keypair(k->ed25519_pk, k->ed25519_sk, secret + 32) != 0)
		return ABRI_ERR_CRYPTO;
	keypair_ids(k);
	return ABRI_OK;
}

/* ---- atomic, never-replacing file creation ---- */


static void fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd); /* best effort: the file itself is already synced */
		close(fd);
	}
	free(copy);
}

static int write_new_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	uint8_t rnd[8];
	char tmp[PATH_MAX];
	int fd, rc, saved;

	randombytes_buf(rnd, sizeof rnd);
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", path, rnd[0],
	             rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]) >= (int)sizeof tmp)
		return ABRI_ERR_INVALID;
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return ABRI_ERR_IO;
	rc = ABRI_ERR_IO;
	if (fchmod(fd, mode) == 0 && abri_write_all(fd, data, len) == ABRI_OK && fsync(fd) == 0)
		rc = ABRI_OK;
	if (close(fd) != 0)
		rc = ABRI_ERR_IO;
	if (rc == ABRI_OK && link(tmp, path) != 0)
		rc = ABRI_ERR_IO;
	saved = errno;
	unlink(tmp);
	if (rc == ABRI_OK)
		fsync_dir_of(path);
	errno = saved; /* EEXIST tells the caller why */
	return rc;
}

/* Reads a whole small file; ABRI_ERR_INVALID if longer than cap. */
static int read_small(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ABRI_ERR_IO;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return ABRI_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			uint8_t extra;
			ssize_t more = read(fd, &extra, 1);
			close(fd);
			if (more != 0)
				return ABRI_ERR_INVALID;
			*len = n;
			return ABRI_OK;
		}
	}
	close(fd);
	*len = n;
	return ABRI_OK;
}

/* ---- secret key files ---- */

static int kdf_passphrase(uint8_t key[32], const char *pass, const uint8_t *salt, uint32_t t,
                          uint32_t m_kib, uint32_t p)
{
	int rc = argon2id_hash_raw(t, m_kib, p, pass, strlen(pass), salt, 16, key, 32);

	if (rc == ARGON2_OK)
		return ABRI_OK;
	return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ABRI_ERR_NOMEM : ABRI_ERR_INVALID;
}

/* Fills f (KF_LEN_ENC or KF_LEN_PLAIN bytes, sodium_malloc'd by caller). */
static int keyfile_build(uint8_t *f, size_t *flen, const abri_keypair *k, const char *pass,
                         uint32_t t, uint32_t m_kib, uint32_t p)
{
	uint8_t *secret = f + KF_SECRET_OFF, key[32];
	int rc;

	memset(f, 0, KF_LEN_ENC);
	memcpy(f, KF_MAGIC, 4);
	f[4] = KF_VERSION;
	f[5] = (uint8_t)k->role;
	memcpy(secret, k->x25519_sk, 32);
	crypto_sign_ed25519_sk_to_seed(secret + 32, k->ed25519_sk);
	*flen = KF_LEN_PLAIN;
	if (!pass)
		return ABRI_OK;
	abri_store_u32le(f + 6, t ? t : ABRI_KEYFILE_T);
	abri_store_u32le(f + 10, m_kib ? m_kib : ABRI_KEYFILE_M_KIB);
	abri_store_u32le(f + 14, p ? p : ABRI_KEYFILE_P);
	randombytes_buf(f + 18, 16);
	randombytes_buf(f + KF_NONCE_OFF, ABRI_ENV_NONCE_BYTES);
	rc = kdf_passphrase(key, pass, f + 18, abri_load_u32le(f + 6), abri_load_u32le(f + 10),
	                    abri_load_u32le(f + 14));
	if (rc == ABRI_OK) {
		/* In place: the AEAD allows the message and ciphertext to overlap exactly. */
		crypto_aead_xchacha20poly1305_ietf_encrypt(secret, NULL, secret, KF_SECRET_LEN, f,
		                                           KF_AD_LEN, NULL, f + KF_NONCE_OFF, key);
		*flen = KF_LEN_ENC;
	}
	sodium_memzero(key, sizeof key);
	return rc;
}

int abri_keyfile_write(const char *path, const abri_keypair *k, const char *passphrase, uint32_t t,
                       uint32_t m_kib, uint32_t p)
{
	uint8_t *f;
	size_t flen = 0;
	int rc;

	if (!path || !role_valid(k->role))
		return ABRI_ERR_INVALID;
	f = sodium_malloc(KF_LEN_ENC);
	if (!f)
		return ABRI_ERR_NOMEM;
	rc = keyfile_build(f, &flen, k, passphrase, t, m_kib, p);
	if (rc == ABRI_OK)
		rc = write_new_file(path, f, flen, 0600);
	sodium_free(f);
	return rc;
}

/* Header checks; *encrypted set from t/m/p. */
static int keyfile_header(const uint8_t *f, size_t len, int *encrypted)
{
	uint32_t t, m, p;

	if (len < KF_SECRET_OFF || memcmp(f, KF_MAGIC, 4) != 0 || f[4] != KF_VERSION)
		return ABRI_ERR_VERSION;
	if (!role_valid(f[5]))
		return ABRI_ERR_INVALID;
	t = abri_load_u32le(f + 6);
	m = abri_load_u32le(f + 10);
	p = abri_load_u32le(f + 14);
	if (t == 0 && m == 0 && p == 0) {
		*encrypted = 0;
		return len == KF_LEN_PLAIN && sodium_is_zero(f + 18, 16 + ABRI_ENV_NONCE_BYTES)
		           ? ABRI_OK
		           : ABRI_ERR_INVALID;
	}
	*encrypted = 1;
	if (t < 1 || t > 64 || m < 8 || m > 4194304u || p < 1 || p > 64 || len != KF_LEN_ENC)
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}

int abri_keyfile_read(const char *path, abri_keypair *k, const char *passphrase)
{
	uint8_t *f, *secret, key[32];
	size_t len = 0;
	int rc, enc = 0;

	f = sodium_malloc(KF_LEN_ENC + 1);
	if (!f)
		return ABRI_ERR_NOMEM;
	secret = f + KF_SECRET_OFF;
	if ((rc = read_small(path, f, KF_LEN_ENC + 1, &len)) || (rc = keyfile_header(f, len, &enc)))
		goto out;
	if (enc) {
		rc = ABRI_ERR_PASSPHRASE;
		if (!passphrase)
			goto out;
		rc = kdf_passphrase(key, passphrase, f + 18, abri_load_u32le(f + 6),
		                    abri_load_u32le(f + 10), abri_load_u32le(f + 14));
		if (rc == ABRI_OK &&
		    crypto_aead_xchacha20poly1305_ietf_decrypt(
		        secret, NULL, NULL, secret, KF_SECRET_LEN + ABRI_AEAD_TAG_BYTES, f,
		        KF_AD_LEN, f + KF_NONCE_OFF, key) != 0)
			rc = ABRI_ERR_PASSPHRASE;
		sodium_memzero(key, sizeof key);
		if (rc)
			goto out;
	}
	rc = keypair_from_secret(k, f[5], secret);
out:
	sodium_free(f);
	return rc;
}

int abri_keyfile_is_encrypted(const char *path)
{
	uint8_t f[KF_LEN_ENC + 1];
	size_t len = 0;
	int rc, enc = 0;

	if ((rc = read_small(path, f, sizeof f, &len)) || (rc = keyfile_header(f, len, &enc))) {
		sodium_memzero(f, sizeof f);
		return rc;
	}
	sodium_memzero(f, sizeof f);
	return enc;
}

/* ---- public key file ---- */

int abri_pubfile_write(const char *path, const abri_keypair *k, const char *name, uint32_t epoch)
{
	const char *role;
	char *x, *ed, *text = NULL;
	json_t *o = NULL;
	int rc = ABRI_ERR_NOMEM;

	if (!path || !name || !role_valid(k->role) || !abri_name_valid(name, strlen(name)))
		return ABRI_ERR_INVALID;
	role = k->role == ABRI_ROLE_ORG ? "organisation" : abri_role_name((abri_role)k->role);
	x = abri_b64_encode(k->x25519_pk, ABRI_X25519_PK);
	ed = abri_b64_encode(k->ed25519_pk, ABRI_ED25519_PK);
	if (x && ed)
		o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "role", role, "name", name, "x25519", x,
		              "ed25519", ed, "epoch", (json_int_t)epoch);
	if (o)
		text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text) {
		size_t n = strlen(text);
		char *withnl = malloc(n + 2);
		if (withnl) {
			memcpy(withnl, text, n);
			withnl[n] = '\n';
			rc = write_new_file(path, (const uint8_t *)withnl, n + 1, 0644);
			free(withnl);
		}
	}
	free(text);
	json_decref(o);
	free(x);
	free(ed);
	return rc;
}

/* ---- raw 32-byte secrets ---- */

int abri_secret32_write(const char *path, const uint8_t key[32])
{
	if (!path)
		return ABRI_ERR_INVALID;
	return write_new_file(path, key, 32, 0600);
}

int abri_secret32_read(const char *path, uint8_t key[32])
{
	uint8_t buf[33];
	size_t len = 0;
	int rc;

	rc = read_small(path, buf, sizeof buf, &len);
	if (rc == ABRI_OK && len != 32)
		rc = ABRI_ERR_INVALID;
	if (rc == ABRI_OK)
		memcpy(key, buf, 32);
	sodium_memzero(buf, sizeof buf);
	return rc;
}
