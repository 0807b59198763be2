/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* keyfile.c: secret key files, public key files, raw secrets. Uses small
 * Argon2 parameters (t = 1, m = 8 MiB) to stay fast. */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abri/abri.h"
#include "t.h"

static char dir[] = "/tmp/abri-test-keyfile-XXXXXX";

static const char *path(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static size_t file_size(const char *p, mode_t *mode)
{
	struct stat st;

	CHECK(stat(p, &st) == 0);
	if (mode)
		*mode = st.st_mode & 07777;
	return (size_t)st.st_size;
}

static void same_keys(const abri_keypair *a, const abri_keypair *b)
{
	CHECK_EQ(a->role, b->role);
	CHECK_MEM(a->x25519_pk, b->x25519_pk, 32);
	CHECK_MEM(a->x25519_sk, b->x25519_sk, 32);
	CHECK_MEM(a->ed25519_pk, b->ed25519_pk, 32);
	CHECK_MEM(a->ed25519_sk, b->ed25519_sk, 64);
	CHECK_MEM(a->x_kid, b->x_kid, 16);
	CHECK_MEM(a->ed_kid, b->ed_kid, 16);
}

static void test_generate(abri_keypair *k)
{
	uint8_t kid[16], pk[32];

	CHECK_EQ(abri_keypair_generate(k, 0), ABRI_ERR_INVALID);
	CHECK_EQ(abri_keypair_generate(k, 5), ABRI_ERR_INVALID);
	CHECK_EQ(abri_keypair_generate(k, ABRI_ROLE_LISTENER), ABRI_OK);
	CHECK_EQ(k->role, ABRI_ROLE_LISTENER);
	crypto_scalarmult_base(pk, k->x25519_sk);
	CHECK_MEM(pk, k->x25519_pk, 32);
	CHECK_MEM(k->ed25519_sk + 32, k->ed25519_pk, 32);
	abri_key_id(kid, ABRI_KID_X25519, k->x25519_pk);
	CHECK_MEM(kid, k->x_kid, 16);
	abri_key_id(kid, ABRI_KID_ED25519, k->ed25519_pk);
	CHECK_MEM(kid, k->ed_kid, 16);
}

static void test_encrypted(const abri_keypair *k)
{
	abri_keypair *r = abri_keypair_new();
	uint8_t *buf;
	size_t n;
	mode_t mode;
	FILE *f;

	CHECK(r != NULL);
	CHECK_EQ(abri_keyfile_write(path("l.key"), k, "correct horse", 1, 8192, 1), ABRI_OK);
	CHECK_EQ(file_size(path("l.key"), &mode), 138);
	CHECK_EQ(mode, 0600);
	CHECK_EQ(abri_keyfile_is_encrypted(path("l.key")), 1);
	CHECK_EQ(abri_keyfile_read(path("l.key"), r, "correct horse"), ABRI_OK);
	same_keys(k, r);
	CHECK_EQ(abri_keyfile_read(path("l.key"), r, "correct horsf"), ABRI_ERR_PASSPHRASE);
	CHECK_EQ(abri_keyfile_read(path("l.key"), r, ""), ABRI_ERR_PASSPHRASE);
	CHECK_EQ(abri_keyfile_read(path("l.key"), r, NULL), ABRI_ERR_PASSPHRASE);
	/* Never replaces an existing file, and leaves no temporary behind. */
	errno = 0;
	CHECK_EQ(abri_keyfile_write(path("l.key"), k, "other", 1, 8192, 1), ABRI_ERR_IO);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(abri_keyfile_read(path("l.key"), r, "correct horse"), ABRI_OK);
	/* Header layout. */
	f = fopen(path("l.key"), "rb");
	CHECK(f != NULL);
	buf = malloc(200);
	n = fread(buf, 1, 200, f);
	fclose(f);
	CHECK_EQ(n, 138);
	CHECK_MEM(buf, "ABRK\x01\x01", 6);
	CHECK_EQ(abri_load_u32le(buf + 6), 1);
	CHECK_EQ(abri_load_u32le(buf + 10), 8192);
	CHECK_EQ(abri_load_u32le(buf + 14), 1);
	/* Tampering with any byte of the header or ciphertext: wrong
	 * passphrase, bad format or refused parameters — never a key. */
	for (size_t i = 0; i < 138; i++) {
		char name[32];
		int rc;
		if (i >= 6 && i < 18)
			continue; /* t/m/p changes would run Argon2 with odd costs */
		snprintf(name, sizeof name, "t%zu.key", i);
		buf[i] ^= 0x10;
		f = fopen(path(name), "wb");
		CHECK(f && fwrite(buf, 1, 138, f) == 138 && fclose(f) == 0);
		buf[i] ^= 0x10;
		rc = abri_keyfile_read(path(name), r, "correct horse");
		CHECK(rc == ABRI_ERR_PASSPHRASE || rc == ABRI_ERR_VERSION ||
		      rc == ABRI_ERR_INVALID);
		unlink(path(name));
	}
	/* Truncated and extended files. */
	f = fopen(path("short.key"), "wb");
	CHECK(f && fwrite(buf, 1, 137, f) == 137 && fclose(f) == 0);
	CHECK_EQ(abri_keyfile_read(path("short.key"), r, "correct horse"), ABRI_ERR_INVALID);
	f = fopen(path("long.key"), "wb");
	CHECK(f && fwrite(buf, 1, 138, f) == 138 && fwrite("x", 1, 1, f) == 1 && fclose(f) == 0);
	CHECK_EQ(abri_keyfile_read(path("long.key"), r, "correct horse"), ABRI_ERR_INVALID);
	f = fopen(path("huge.key"), "wb");
	CHECK(f && fwrite(buf, 1, 138, f) == 138 && fwrite(buf, 1, 138, f) == 138 &&
	      fclose(f) == 0);
	CHECK_EQ(abri_keyfile_read(path("huge.key"), r, "correct horse"), ABRI_ERR_INVALID);
	/* Absurd Argon2 memory in a file is refused without trying. */
	abri_store_u32le(buf + 10, 0xffffffffu);
	f = fopen(path("m.key"), "wb");
	CHECK(f && fwrite(buf, 1, 138, f) == 138 && fclose(f) == 0);
	CHECK_EQ(abri_keyfile_read(path("m.key"), r, "correct horse"), ABRI_ERR_INVALID);
	free(buf);
	CHECK_EQ(abri_keyfile_read(path("missing.key"), r, "x"), ABRI_ERR_IO);
	CHECK_EQ(abri_keyfile_is_encrypted(path("missing.key")), ABRI_ERR_IO);
	abri_keypair_free(r);
}

static void test_plain(void)
{
	abri_keypair *k = abri_keypair_new(), *r = abri_keypair_new();
	mode_t mode;

	CHECK(k && r);
	CHECK_EQ(abri_keypair_generate(k, ABRI_ROLE_SERVER), ABRI_OK);
	CHECK_EQ(abri_keyfile_write(path("server.key"), k, NULL, 0, 0, 0), ABRI_OK);
	CHECK_EQ(file_size(path("server.key"), &mode), 122);
	CHECK_EQ(mode, 0600);
	CHECK_EQ(abri_keyfile_is_encrypted(path("server.key")), 0);
	CHECK_EQ(abri_keyfile_read(path("server.key"), r, NULL), ABRI_OK);
	same_keys(k, r);
	CHECK_EQ(abri_keyfile_read(path("server.key"), r, "ignored"), ABRI_OK);
	/* A bogus role is refused at write time. */
	k->role = 9;
	CHECK_EQ(abri_keyfile_write(path("bad.key"), k, NULL, 0, 0, 0), ABRI_ERR_INVALID);
	CHECK(access(path("bad.key"), F_OK) != 0);
	/* Organisation key with a name in a public file. */
	CHECK_EQ(abri_keypair_generate(k, ABRI_ROLE_ORG), ABRI_OK);
	CHECK_EQ(abri_keyfile_write(path("org.key"), k, "pass", 1, 8192, 1), ABRI_OK);
	CHECK_EQ(abri_keyfile_read(path("org.key"), r, "pass"), ABRI_OK);
	CHECK_EQ(r->role, ABRI_ROLE_ORG);
	abri_keypair_free(k);
	abri_keypair_free(r);
}

static void test_pubfile(const abri_keypair *k)
{
	json_error_t err;
	json_t *o;
	mode_t mode;
	abri_keypair *org = abri_keypair_new();

	CHECK_EQ(abri_pubfile_write(path("l.pub"), k, "Amina B.", 2), ABRI_OK);
	file_size(path("l.pub"), &mode);
	CHECK_EQ(mode, 0644);
	o = json_load_file(path("l.pub"), JSON_REJECT_DUPLICATES, &err);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "role")), "listener");
	CHECK_STR(json_string_value(json_object_get(o, "name")), "Amina B.");
	CHECK_EQ(json_integer_value(json_object_get(o, "epoch")), 2);
	{
		uint8_t pk[32];
		CHECK_EQ(
		    abri_b64_decode_exact(json_string_value(json_object_get(o, "x25519")), pk, 32),
		    ABRI_OK);
		CHECK_MEM(pk, k->x25519_pk, 32);
		CHECK_EQ(
		    abri_b64_decode_exact(json_string_value(json_object_get(o, "ed25519")), pk, 32),
		    ABRI_OK);
		CHECK_MEM(pk, k->ed25519_pk, 32);
	}
	json_decref(o);
	CHECK_EQ(abri_pubfile_write(path("l.pub"), k, "Amina B.", 2), ABRI_ERR_IO);
	CHECK_EQ(abri_pubfile_write(path("x.pub"), k, "bad\nname", 2), ABRI_ERR_INVALID);
	CHECK_EQ(abri_pubfile_write(path("x.pub"), k, "", 2), ABRI_ERR_INVALID);
	CHECK(org != NULL);
	CHECK_EQ(abri_keypair_generate(org, ABRI_ROLE_ORG), ABRI_OK);
	CHECK_EQ(abri_pubfile_write(path("org.pub"), org, "Board", 1), ABRI_OK);
	o = json_load_file(path("org.pub"), 0, &err);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "role")), "organisation");
	json_decref(o);
	abri_keypair_free(org);
}

static void test_secret32(void)
{
	uint8_t key[32], back[32];
	mode_t mode;
	FILE *f;

	randombytes_buf(key, 32);
	CHECK_EQ(abri_secret32_write(path("pepper"), key), ABRI_OK);
	CHECK_EQ(file_size(path("pepper"), &mode), 32);
	CHECK_EQ(mode, 0600);
	CHECK_EQ(abri_secret32_read(path("pepper"), back), ABRI_OK);
	CHECK_MEM(key, back, 32);
	CHECK_EQ(abri_secret32_write(path("pepper"), key), ABRI_ERR_IO);
	f = fopen(path("short"), "wb");
	CHECK(f && fwrite(key, 1, 31, f) == 31 && fclose(f) == 0);
	CHECK_EQ(abri_secret32_read(path("short"), back), ABRI_ERR_INVALID);
	f = fopen(path("long"), "wb");
	CHECK(f && fwrite(key, 1, 32, f) == 32 && fwrite(key, 1, 1, f) == 1 && fclose(f) == 0);
	CHECK_EQ(abri_secret32_read(path("long"), back), ABRI_ERR_INVALID);
	CHECK_EQ(abri_secret32_read(path("nope"), back), ABRI_ERR_IO);
	CHECK_EQ(abri_secret32_write("/nonexistent-dir/x", key), ABRI_ERR_IO);
}

/* Files are created 0600 whatever the umask. */
static void test_umask(const abri_keypair *k)
{
	mode_t old = umask(0), mode;

	CHECK_EQ(abri_keyfile_write(path("umask.key"), k, NULL, 0, 0, 0), ABRI_OK);
	umask(old);
	file_size(path("umask.key"), &mode);
	CHECK_EQ(mode, 0600);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

int main(void)
{
	abri_keypair *k;

	CHECK_EQ(abri_init(), ABRI_OK);
	CHECK(mkdtemp(dir) != NULL);
	k = abri_keypair_new();
	CHECK(k != NULL);
	test_generate(k);
	test_encrypted(k);
	test_plain();
	test_pubfile(k);
	test_secret32();
	test_umask(k);
	abri_keypair_free(k);
	abri_keypair_free(NULL);
	/* Only the files we made are left: no temporaries. */
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp-", dir);
		CHECK(system(cmd) != 0);
	}
	cleanup();
	return 0;
}
