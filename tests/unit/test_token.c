/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* token.c and kdf.c: generation, Damm, normalisation, Argon2id, KDF. */
#include <argon2.h>
#include <sodium.h>

#include "abri/abri.h"
#include "t.h"

static void test_damm_known(void)
{
	/* Damm's worked example: 572 -> check digit 4. */
	CHECK_EQ(abri_damm_digit("572", 3), 4);
	CHECK(abri_damm_valid("5724", 4));
	CHECK(!abri_damm_valid("5723", 4));
	CHECK_EQ(abri_damm_digit("", 0), 0);
	CHECK_EQ(abri_damm_digit("12a", 3), -1);
	CHECK(!abri_damm_valid("", 0));
	CHECK(!abri_damm_valid("0a", 2));
}

/* Every single-digit substitution and every adjacent transposition of
 * distinct digits changes a valid token into an invalid one. */
static void test_damm_detects(const char *tok)
{
	char t[25];
	size_t i;
	int d;

	CHECK(abri_damm_valid(tok, 24));
	for (i = 0; i < 24; i++) {
		for (d = 0; d < 10; d++) {
			memcpy(t, tok, 25);
			if (t[i] == '0' + d)
				continue;
			t[i] = (char)('0' + d);
			CHECK(!abri_damm_valid(t, 24));
		}
	}
	for (i = 0; i + 1 < 24; i++) {
		memcpy(t, tok, 25);
		if (t[i] == t[i + 1])
			continue;
		t[i] = tok[i + 1];
		t[i + 1] = tok[i];
		CHECK(!abri_damm_valid(t, 24));
	}
}

static void test_generate(void)
{
	char tok[25], prev[25] = "";
	unsigned counts[10] = {0};
	int i, j;

	for (i = 0; i < 2000; i++) {
		abri_token_generate(tok);
		CHECK_EQ(strlen(tok), 24);
		for (j = 0; j < 24; j++)
			CHECK(tok[j] >= '0' && tok[j] <= '9');
		for (j = 0; j < 23; j++)
			counts[tok[j] - '0']++;
		CHECK(abri_damm_valid(tok, 24));
		CHECK(strcmp(tok, prev) != 0);
		memcpy(prev, tok, 25);
		if (i < 20)
			test_damm_detects(tok);
	}
	/* 46000 digits: each about 4600; a biased generator (bytes % 10 without
	 * rejection gives 0..5 a 2.3 % excess) stays well inside this band. */
	for (j = 0; j < 10; j++)
		CHECK(counts[j] > 4200 && counts[j] < 5000);
}

static void expect_norm(const char *in, size_t len, abri_token_status st, const char *out)
{
	char o[25];

	memset(o, 'x', sizeof o);
	CHECK_EQ(abri_token_normalise(in, len, o), st);
	if (st == ABRI_TOKEN_VALID)
		CHECK_STR(o, out);
	else
		CHECK_EQ(o[0], '\0');
}

#define NORM(s, st, out) expect_norm(s, sizeof(s) - 1, st, out)

static void test_normalise(void)
{
	char tok[25], buf[256];
	const char *ok = "482109375520118630749916";

	/* Make a valid reference token with a known check digit. */
	memcpy(tok, "48210937552011863074991", 23);
	tok[23] = (char)('0' + abri_damm_digit(tok, 23));
	tok[24] = '\0';
	CHECK_STR(tok, ok);
	NORM("482109375520118630749916", ABRI_TOKEN_VALID, ok);
	NORM("4821 0937 5520 1186 3074 9916", ABRI_TOKEN_VALID, ok);
	NORM("4821-0937-5520-1186-3074-9916", ABRI_TOKEN_VALID, ok);
	NORM(" 4821\t0937\n5520\r\n1186 3074 9916 ", ABRI_TOKEN_VALID, ok);
	/* NBSP, narrow NBSP, ideographic space, en dash, em dash, minus sign,
	 * non-breaking hyphen, ZWSP, ZWNJ, ZWJ, LRM, RLM, BOM, soft hyphen. */
	NORM("4821\xc2\xa0"
	     "0937\xe2\x80\xaf"
	     "5520\xe3\x80\x80"
	     "1186\xe2\x80\x93"
	     "3074\xe2\x80\x94"
	     "9916",
	     ABRI_TOKEN_VALID, ok);
	NORM("4821\xe2\x88\x92"
	     "0937\xe2\x80\x91"
	     "5520\xe2\x80\x8b"
	     "1186\xe2\x80\x8c"
	     "3074\xe2\x80\x8d"
	     "9916\xe2\x80\x8e\xe2\x80\x8f\xef\xbb\xbf\xc2\xad",
	     ABRI_TOKEN_VALID, ok);
	/* Arabic-Indic ٤٨٢١ ... (U+0660..U+0669) */
	NORM("\xd9\xa4\xd9\xa8\xd9\xa2\xd9\xa1 \xd9\xa0\xd9\xa9\xd9\xa3\xd9\xa7 "
	     "\xd9\xa5\xd9\xa5\xd9\xa2\xd9\xa0 \xd9\xa1\xd9\xa1\xd9\xa8\xd9\xa6 "
	     "\xd9\xa3\xd9\xa0\xd9\xa7\xd9\xa4 \xd9\xa9\xd9\xa9\xd9\xa1\xd9\xa6",
	     ABRI_TOKEN_VALID, ok);
	/* Extended Arabic-Indic (Persian, U+06F0..U+06F9) mixed with ASCII. */
	NORM("\xdb\xb4\xdb\xb8\xdb\xb2\xdb\xb1"
	     "09375520118630749916",
	     ABRI_TOKEN_VALID, ok);
	/* Devanagari (U+0966..U+096F) */
	NORM("\xe0\xa5\xaa\xe0\xa5\xae\xe0\xa5\xa8\xe0\xa5\xa7"
	     "09375520118630749916",
	     ABRI_TOKEN_VALID, ok);
	/* Full-width (U+FF10..U+FF19) */
	NORM("\xef\xbc\x94\xef\xbc\x98\xef\xbc\x92\xef\xbc\x91"
	     "09375520118630749916",
	     ABRI_TOKEN_VALID, ok);
	/* Bengali, Thai, Mathematical bold (a 4-byte Nd), Adlam. */
	NORM("\xe0\xa7\xaa\xe0\xb9\x98\xf0\x9d\x9f\x90\xf0\x9e\xa5\x91"
	     "09375520118630749916",
	     ABRI_TOKEN_VALID, ok);
	/* Rejections. */
	NORM("4821 0937 5520 1186 3074 991a", ABRI_TOKEN_BAD_CHAR, "");
	NORM("4821 0937 5520 1186 3074 9916.", ABRI_TOKEN_BAD_CHAR, "");
	NORM("4821_0937_5520_1186_3074_9916", ABRI_TOKEN_BAD_CHAR, "");
	NORM("\xf0\x9f\x98\x80"
	     "482109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR, "");
	NORM("\xc2\xb2"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR, ""); /* superscript 2: No */
	NORM("\xe2\x91\xa0"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR, ""); /* circled 1 */
	NORM("\xe4\xb8\x83"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR, ""); /* CJK seven */
	NORM("48210937552011863074991", ABRI_TOKEN_BAD_LENGTH, "");
	NORM("4821093755201186307499160", ABRI_TOKEN_BAD_LENGTH, "");
	NORM("", ABRI_TOKEN_BAD_LENGTH, "");
	NORM("  --  ", ABRI_TOKEN_BAD_LENGTH, "");
	NORM("482109375520118630749917", ABRI_TOKEN_BAD_CHECK, "");
	NORM("842109375520118630749916", ABRI_TOKEN_BAD_CHECK, "");
	NORM("4821\xff"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_UTF8, "");
	NORM("4821\xc0\xb0"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_UTF8, ""); /* overlong '0' */
	NORM("4821\xed\xa0\x80"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_UTF8, "");
	NORM("482109375520118630749916\xd9", ABRI_TOKEN_BAD_UTF8, "");
	/* NUL is not ignorable, and the length is honoured (no strlen). */
	expect_norm("4821\0"
	            "09375520118630749916",
	            25, ABRI_TOKEN_BAD_CHAR, "");
	expect_norm("482109375520118630749916xyz", 24, ABRI_TOKEN_VALID, ok);
	/* Many ignorable characters are fine. */
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 100, ok, 24);
	expect_norm(buf, sizeof buf, ABRI_TOKEN_VALID, ok);
	expect_norm(NULL, 0, ABRI_TOKEN_BAD_LENGTH, "");
}

static void test_salt(void)
{
	uint8_t s1[16], s2[16], exp[16];
	crypto_generichash_state st;

	abri_token_salt(s1, "safe-place-dev");
	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const uint8_t *)"abri-token-v1safe-place-dev", 27);
	crypto_generichash_final(&st, exp, 16);
	CHECK_MEM(s1, exp, 16);
	abri_token_salt(s2, "safe-place-prod");
	CHECK(memcmp(s1, s2, 16) != 0);
}

/* libargon2 (C) and libsodium's crypto_pwhash (libsodium.js in the
 * browser) must give the same seed. */
static void test_seed_matches_sodium(void)
{
	const char *tok = "482109375520118630749916";
	uint8_t seed[32], ref[32], salt[16];

	CHECK_EQ(abri_token_seed(seed, tok, "safe-place-dev"), ABRI_OK);
	abri_token_salt(salt, "safe-place-dev");
	CHECK(crypto_pwhash_SALTBYTES == 16);
	CHECK_EQ(crypto_pwhash(ref, 32, tok, 24, salt, 2, 64u << 20, crypto_pwhash_ALG_ARGON2ID13),
	         0);
	CHECK_MEM(seed, ref, 32);
	CHECK_EQ(argon2id_hash_raw(2, 65536, 1, tok, 24, salt, 16, ref, 32), ARGON2_OK);
	CHECK_MEM(seed, ref, 32);
	CHECK_EQ(abri_token_seed(seed, "482109375520118630749917", "safe-place-dev"),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_token_seed(seed, "48210937552011863074991", "safe-place-dev"),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_token_seed(seed, "4821093755201186307499160", "safe-place-dev"),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_token_seed(seed, tok, "Bad"), ABRI_ERR_INVALID);
}

static void test_keys(void)
{
	abri_reporter_keys *k = abri_reporter_keys_new(), *k2 = abri_reporter_keys_new();
	uint8_t seed[32], sub[32], pk[32], sk[64], h[32], kid[16], pepper[32], l1[32], l2[32];

	CHECK(k && k2);
	for (size_t i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	CHECK_EQ(abri_reporter_keys_from_seed(k, seed), ABRI_OK);
	CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 1, "abricas1", seed), 0);
	CHECK_MEM(k->lookup_key, sub, 32);
	CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 2, "abricas1", seed), 0);
	crypto_box_seed_keypair(pk, sk, sub);
	CHECK_MEM(k->x25519_pk, pk, 32);
	CHECK_MEM(k->x25519_sk, sk, 32);
	CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 3, "abricas1", seed), 0);
	crypto_sign_seed_keypair(pk, sk, sub);
	CHECK_MEM(k->ed25519_pk, pk, 32);
	CHECK_MEM(k->ed25519_sk, sk, 64);
	abri_hash(h, pk, 32);
	CHECK_MEM(k->thread, h, 32);
	abri_key_id(kid, ABRI_KID_ED25519, pk);
	CHECK_MEM(k->ed_kid, kid, 16);
	/* The three derived secrets are distinct. */
	CHECK(memcmp(k->lookup_key, k->x25519_sk, 32) != 0);
	seed[0] ^= 1;
	CHECK_EQ(abri_reporter_keys_from_seed(k2, seed), ABRI_OK);
	CHECK(memcmp(k->lookup_key, k2->lookup_key, 32) != 0);
	/* Token -> keys equals token -> seed -> keys. */
	CHECK_EQ(abri_reporter_keys_from_token(k, "482109375520118630749916", "safe-place-dev"),
	         ABRI_OK);
	CHECK_EQ(abri_token_seed(seed, "482109375520118630749916", "safe-place-dev"), ABRI_OK);
	CHECK_EQ(abri_reporter_keys_from_seed(k2, seed), ABRI_OK);
	CHECK_MEM(k, k2, sizeof *k);
	CHECK_EQ(abri_reporter_keys_from_token(k, "482109375520118630749917", "safe-place-dev"),
	         ABRI_ERR_INVALID);
	/* Lookup hash is keyed BLAKE2b-256 and depends on the pepper. */
	memset(pepper, 0x42, 32);
	abri_case_lookup_hash(l1, pepper, k2->lookup_key);
	crypto_generichash(h, 32, k2->lookup_key, 32, pepper, 32);
	CHECK_MEM(l1, h, 32);
	pepper[31] ^= 1;
	abri_case_lookup_hash(l2, pepper, k2->lookup_key);
	CHECK(memcmp(l1, l2, 32) != 0);
	abri_reporter_keys_free(k);
	abri_reporter_keys_free(k2);
	abri_reporter_keys_free(NULL);
}

int main(void)
{
	CHECK_EQ(abri_init(), ABRI_OK);
	test_damm_known();
	test_damm_detects("482109375520118630749916");
	test_generate();
	test_normalise();
	test_salt();
	test_seed_matches_sodium();
	test_keys();
	return 0;
}
