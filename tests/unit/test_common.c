/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* common.c: buffers, little endian, base64, key ids, fingerprints,
 * deployment ids, case references, ISO weeks, strict UTF-8. */
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "t.h"

static void test_buf(void)
{
	abri_buf b;
	size_t i;

	abri_buf_init(&b);
	CHECK(b.data == NULL && b.len == 0);
	for (i = 0; i < 1000; i++)
		CHECK_EQ(abri_buf_u8(&b, (uint8_t)i), ABRI_OK);
	CHECK_EQ(b.len, 1000);
	for (i = 0; i < 1000; i++)
		CHECK_EQ(b.data[i], (uint8_t)i);
	CHECK_EQ(abri_buf_u32le(&b, 0x01020304u), ABRI_OK);
	CHECK_EQ(abri_buf_u64le(&b, 0x0102030405060708ull), ABRI_OK);
	CHECK_MEM(b.data + 1000, "\x04\x03\x02\x01\x08\x07\x06\x05\x04\x03\x02\x01", 12);
	CHECK_EQ(abri_buf_append(&b, NULL, 0), ABRI_OK);
	CHECK_EQ(b.len, 1012);
	abri_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	abri_buf_free(&b); /* twice is harmless */
}

static void test_le(void)
{
	uint8_t p[8];

	abri_store_u32le(p, 0xdeadbeefu);
	CHECK_MEM(p, "\xef\xbe\xad\xde", 4);
	CHECK_EQ(abri_load_u32le(p), 0xdeadbeefu);
	abri_store_u64le(p, 0x8877665544332211ull);
	CHECK_MEM(p, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	CHECK(abri_load_u64le(p) == 0x8877665544332211ull);
}

static void check_b64(const char *bin, size_t n, const char *text)
{
	char *s = abri_b64_encode((const uint8_t *)bin, n);
	uint8_t *out;
	size_t len;

	CHECK_STR(s, text);
	CHECK_EQ(abri_b64_decode(s, &out, &len), ABRI_OK);
	CHECK_EQ(len, n);
	CHECK(out != NULL);
	CHECK(n == 0 || memcmp(out, bin, n) == 0);
	free(out);
	free(s);
}

static void test_b64(void)
{
	static const char *const bad[] = {
	    "Zg",   "Zg=",  "Zm9v\n", " Zm9v", "Zm9v ",    "Zm9v=",  "Zh==",    "Zm9=",
	    "Z===", "Zm-v", "Zm_v",   "====",  "Zg==Zg==", "Zm9vYg", "Zm9vYg=",
	    "\x80" "A==", "Zm9\xff", /* libsodium 1.0.18 alone takes these */
	};
	uint8_t k[16], *out;
	size_t i, len;

	check_b64("", 0, "");
	check_b64("f", 1, "Zg==");
	check_b64("fo", 2, "Zm8=");
	check_b64("foo", 3, "Zm9v");
	check_b64("foob", 4, "Zm9vYg==");
	check_b64("\xff\xfe\xfd", 3, "//79");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = (uint8_t *)1;
		CHECK_EQ(abri_b64_decode(bad[i], &out, &len), ABRI_ERR_INVALID);
		CHECK(out == NULL);
	}
	CHECK_EQ(abri_b64_decode(NULL, &out, &len), ABRI_ERR_INVALID);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = (uint8_t *)1;
		CHECK_EQ(abri_b64_decode_public(bad[i], strlen(bad[i]), &out, &len),
		         ABRI_ERR_INVALID);
		CHECK(out == NULL);
	}
	CHECK_EQ(abri_b64_decode_public("Zm9v\0Zm9", 8, &out, &len), ABRI_ERR_INVALID);
	CHECK_EQ(abri_b64_decode_exact("AAAAAAAAAAAAAAAAAAAAAA==", k, 16), ABRI_OK);
	CHECK(sodium_is_zero(k, 16));
	CHECK_EQ(abri_b64_decode_exact("AAAAAAAAAAAAAAAAAAAAAA==", k, 15), ABRI_ERR_INVALID);
	CHECK_EQ(abri_b64_decode_exact("AAAAAAAAAAAAAAAAAAAAAA==", k, 17), ABRI_ERR_INVALID);
}

/* The fast decoder agrees with libsodium's on every input: valid
 * encodings of random lengths, then each with one character replaced by
 * every byte value (padding, alphabet, NUL, high bytes). */
static void b64_agree(const char *s, size_t n)
{
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	char *z = malloc(n + 1);
	int ra, rb;

	CHECK(z != NULL);
	memcpy(z, s, n);
	z[n] = '\0';
	ra = (memchr(s, 0, n) == NULL) ? abri_b64_decode(z, &a, &alen) : ABRI_ERR_INVALID;
	rb = abri_b64_decode_public(s, n, &b, &blen);
	CHECK_EQ(ra, rb);
	CHECK_EQ(alen, blen);
	CHECK(ra != ABRI_OK || alen == 0 || memcmp(a, b, alen) == 0);
	free(a);
	free(b);
	free(z);
}

static void test_b64_public(void)
{
	uint8_t bin[70];
	char *s, *m;
	size_t n, sl;

	for (n = 0; n < sizeof bin; n++) {
		randombytes_buf(bin, n);
		s = abri_b64_encode(bin, n);
		CHECK(s != NULL);
		sl = strlen(s);
		b64_agree(s, sl);
		m = malloc(sl + 1);
		CHECK(m != NULL);
		for (size_t pos = (sl > 8 ? sl - 8 : 0); pos < sl; pos++) {
			for (int c = 0; c < 256; c++) {
				memcpy(m, s, sl + 1);
				m[pos] = (char)c;
				b64_agree(m, sl);
			}
		}
		free(m);
		free(s);
	}
}

static void test_hash_kid(void)
{
	uint8_t h[32], kid[16], kid2[16], pk[32], exp[16];
	crypto_generichash_state st;
	char fp[40];

	abri_hash(h, (const uint8_t *)"", 0);
	/* BLAKE2b-256("") */
	{
		size_t n;
		uint8_t *e =
		    t_unhex("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8", &n);
		CHECK_MEM(h, e, 32);
		free(e);
	}
	memset(pk, 7, sizeof pk);
	abri_key_id(kid, ABRI_KID_X25519, pk);
	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const uint8_t *)"abri-kid\x01", 9);
	crypto_generichash_update(&st, pk, 32);
	crypto_generichash_final(&st, exp, 16);
	CHECK_MEM(kid, exp, 16);
	abri_key_id(kid2, ABRI_KID_ED25519, pk);
	CHECK(memcmp(kid, kid2, 16) != 0);

	for (size_t i = 0; i < 16; i++)
		kid[i] = (uint8_t)(i * 17);
	abri_fingerprint(fp, kid);
	CHECK_STR(fp, "0011 2233 4455 6677 8899 aabb ccdd eeff");
	CHECK_EQ(strlen(fp), 39);
}

static void test_tenant(void)
{
	char long_ok[65], too_long[66];

	CHECK(abri_tenant_valid("safe-place-dev"));
	CHECK(abri_tenant_valid("a"));
	CHECK(abri_tenant_valid("abri.example.org-1"));
	CHECK(!abri_tenant_valid(""));
	CHECK(!abri_tenant_valid(NULL));
	CHECK(!abri_tenant_valid("Safe"));
	CHECK(!abri_tenant_valid("a b"));
	CHECK(!abri_tenant_valid("a_b"));
	CHECK(!abri_tenant_valid("caf\xc3\xa9"));
	memset(long_ok, 'a', 64);
	long_ok[64] = '\0';
	CHECK(abri_tenant_valid(long_ok));
	memset(too_long, 'a', 65);
	too_long[65] = '\0';
	CHECK(!abri_tenant_valid(too_long));
}

static void test_case_ref(void)
{
	char r[11], r2[11];
	int i;

	for (i = 0; i < 200; i++) {
		abri_case_ref_new(r);
		CHECK_EQ(strlen(r), 10);
		CHECK(abri_case_ref_valid(r));
		CHECK(strpbrk(r, "ILOU") == NULL);
	}
	abri_case_ref_new(r2);
	CHECK(strcmp(r, r2) != 0);
	CHECK(abri_case_ref_valid("7K2M9QX4TB"));
	CHECK(!abri_case_ref_valid("7K2M9QX4T"));
	CHECK(!abri_case_ref_valid("7K2M9QX4TBX"));
	CHECK(!abri_case_ref_valid("7k2m9qx4tb"));
	CHECK(!abri_case_ref_valid("7K2M9QX4TI"));
	CHECK(!abri_case_ref_valid("7K2M9QX4TU"));
	CHECK(!abri_case_ref_valid(""));
	CHECK(!abri_case_ref_valid(NULL));
}

static void check_week(int64_t t, const char *exp)
{
	char w[9];

	abri_iso_week(w, t);
	CHECK_STR(w, exp);
}

static void test_iso_week(void)
{
	check_week(0, "1970-W01");          /* Thu 1970-01-01 */
	check_week(1609372800, "2020-W53"); /* Thu 2020-12-31 */
	check_week(1609459199, "2020-W53"); /* Thu 2020-12-31 23:59:59 */
	check_week(1609459200, "2020-W53"); /* Fri 2021-01-01 */
	check_week(1609632000, "2020-W53"); /* Sun 2021-01-03 */
	check_week(1609718400, "2021-W01"); /* Mon 2021-01-04 */
	check_week(1735516800, "2025-W01"); /* Mon 2024-12-30 */
	check_week(1735430400, "2024-W52"); /* Sun 2024-12-29 */
	check_week(1704067200, "2024-W01"); /* Mon 2024-01-01 */
	check_week(1230768000, "2009-W01"); /* Thu 2009-01-01 */
	check_week(1230595200, "2009-W01"); /* Tue 2008-12-30 */
	check_week(1262217600, "2009-W53"); /* Thu 2009-12-31 */
	check_week(1262563200, "2010-W01"); /* Mon 2010-01-04 */
	check_week(1763596800, "2025-W47"); /* Thu 2025-11-20 */
	check_week(-86400, "1970-W01");     /* Wed 1969-12-31 */
	check_week(-4 * 86400, "1969-W52"); /* Sun 1969-12-28 */
	check_week(951782400, "2000-W09");  /* Tue 2000-02-29 */
	check_week(INT64_MAX, "9999-W51");  /* clamped */
	check_week(INT64_MIN, "0001-W02");  /* clamped */
}

static void test_utf8(void)
{
	static const char *const bad[] = {
	    "\x80",         "\xc0\x80",         "\xc1\xbf",         "\xe0\x80\x80",
	    "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff",
	    "\xc3",         "\xe2\x82",         "\xf0\x9f\x98",
	};
	size_t i, pos;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pos = 0;
		CHECK_EQ(abri_utf8_next((const uint8_t *)bad[i], strlen(bad[i]), &pos), -1);
	}
	pos = 0;
	CHECK_EQ(abri_utf8_next((const uint8_t *)"\xf0\x9f\x98\x80", 4, &pos), 0x1F600);
	CHECK_EQ(pos, 4);
	pos = 0;
	CHECK_EQ(abri_utf8_next((const uint8_t *)"\xef\xbf\xbf", 3, &pos), 0xFFFF);
	CHECK(abri_name_valid("Amina", 5));
	CHECK(abri_name_valid("\xd8\xa3\xd9\x85\xd9\x8a\xd9\x86\xd8\xa9", 10));
	CHECK(!abri_name_valid("", 0));
	CHECK(!abri_name_valid("a\nb", 3));
	CHECK(!abri_name_valid("a\x7f", 2));
	CHECK(!abri_name_valid("a\xc2\x85", 3)); /* NEL, a C1 control */
	CHECK(!abri_name_valid("a\xff", 2));
}

static void test_parse_i64(void)
{
	int64_t v;

	CHECK_EQ(abri_parse_i64("0", &v), ABRI_OK);
	CHECK_EQ(v, 0);
	CHECK_EQ(abri_parse_i64("1767225600", &v), ABRI_OK);
	CHECK_EQ(v, 1767225600);
	CHECK_EQ(abri_parse_i64("9223372036854775807", &v), ABRI_OK);
	CHECK(v == INT64_MAX);
	CHECK_EQ(abri_parse_i64("9223372036854775808", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("99999999999999999999", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("01", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("-1", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("+1", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64(" 1", &v), ABRI_ERR_INVALID);
	CHECK_EQ(abri_parse_i64("1 ", &v), ABRI_ERR_INVALID);
}

static void test_strerror(void)
{
	int e;

	for (e = 0; e >= ABRI_ERR_PASSPHRASE; e--)
		CHECK(strcmp(abri_strerror(e), "unknown error") != 0);
	CHECK_STR(abri_strerror(-100), "unknown error");
}

int main(void)
{
	CHECK_EQ(abri_init(), ABRI_OK);
	CHECK_EQ(abri_init(), ABRI_OK); /* idempotent */
	test_buf();
	test_le();
	test_b64();
	test_b64_public();
	test_hash_kid();
	test_tenant();
	test_case_ref();
	test_iso_week();
	test_utf8();
	test_parse_i64();
	test_strerror();
	return 0;
}
