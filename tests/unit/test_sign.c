/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sign.c: fields blobs, signed bytes, signatures, receipts, requests. */
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "t.h"

static uint8_t pk[32], sk[64], pk2[32], sk2[64];

static void test_purposes(void)
{
	static const char *const ok[] = {"recipients", "request", "receipt",
	                                 "report",     "message", "reply",
	                                 "note",       "ack",     "stats-batch"};
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		CHECK(abri_purpose_valid(ok[i]));
	CHECK(!abri_purpose_valid("stats"));
	CHECK(!abri_purpose_valid("survey"));
	CHECK(!abri_purpose_valid(""));
	CHECK(!abri_purpose_valid(NULL));
	CHECK(!abri_purpose_valid("Report"));
}

static void test_fields(void)
{
	abri_buf b;
	abri_fields f;
	size_t i;

	abri_buf_init(&b);
	CHECK_EQ(abri_fields_add_str(&b, "AB"), ABRI_OK);
	CHECK_EQ(abri_fields_add(&b, NULL, 0), ABRI_OK);
	CHECK_EQ(abri_fields_add(&b, "\x00\x01\x02", 3), ABRI_OK);
	CHECK_EQ(b.len, 4 + 2 + 4 + 4 + 3);
	CHECK_MEM(b.data,
	          "\x02\x00\x00\x00"
	          "AB"
	          "\x00\x00\x00\x00"
	          "\x03\x00\x00\x00\x00\x01\x02",
	          17);
	CHECK_EQ(abri_fields_decode(b.data, b.len, 3, &f), ABRI_OK);
	CHECK_EQ(f.n, 3);
	CHECK_EQ(f.len[0], 2);
	CHECK_MEM(f.p[0], "AB", 2);
	CHECK_EQ(f.len[1], 0);
	CHECK_EQ(f.len[2], 3);
	CHECK_EQ(abri_fields_decode(b.data, b.len, 0, &f), ABRI_OK);
	CHECK_EQ(f.n, 3);
	CHECK_EQ(abri_fields_decode(b.data, b.len, 2, &f), ABRI_ERR_INVALID);
	CHECK_EQ(abri_fields_decode(b.data, b.len, 4, &f), ABRI_ERR_INVALID);
	/* Every truncation is rejected (no partial field, no partial length). */
	for (i = 1; i < b.len; i++)
		if (i != 6 && i != 10) /* those are clean field boundaries */
			CHECK_EQ(abri_fields_decode(b.data, i, 0, &f), ABRI_ERR_INVALID);
	CHECK_EQ(abri_fields_decode(b.data, 6, 0, &f), ABRI_OK);
	CHECK_EQ(f.n, 1);
	/* A length pointing past the end. */
	b.data[0] = 3;
	CHECK_EQ(abri_fields_decode(b.data, 6, 0, &f), ABRI_ERR_INVALID);
	b.data[0] = 0xff;
	b.data[3] = 0xff;
	CHECK_EQ(abri_fields_decode(b.data, b.len, 0, &f), ABRI_ERR_INVALID);
	abri_buf_free(&b);
	/* Empty blob: zero fields. */
	CHECK_EQ(abri_fields_decode((const uint8_t *)"", 0, 0, &f), ABRI_OK);
	CHECK_EQ(f.n, 0);
	/* More than ABRI_FIELDS_MAX fields. */
	abri_buf_init(&b);
	for (i = 0; i < ABRI_FIELDS_MAX; i++)
		CHECK_EQ(abri_fields_add_str(&b, "x"), ABRI_OK);
	CHECK_EQ(abri_fields_decode(b.data, b.len, ABRI_FIELDS_MAX, &f), ABRI_OK);
	CHECK_EQ(abri_fields_add_str(&b, "x"), ABRI_OK);
	CHECK_EQ(abri_fields_decode(b.data, b.len, 0, &f), ABRI_ERR_INVALID);
	CHECK_EQ(abri_fields_decode(b.data, b.len, ABRI_FIELDS_MAX + 1, &f), ABRI_ERR_INVALID);
	abri_buf_free(&b);
}

static void test_signed_bytes(void)
{
	static const uint8_t exp[] = "abri/receipt/v1\0\x02\x00\x00\x00t1\x02\x00\x00\x00"
	                             "AB";
	abri_buf f, m;

	abri_buf_init(&f);
	CHECK_EQ(abri_fields_add_str(&f, "AB"), ABRI_OK);
	CHECK_EQ(abri_signed_bytes(&m, "receipt", "t1", f.data, f.len), ABRI_OK);
	CHECK_EQ(m.len, sizeof exp - 1);
	CHECK_MEM(m.data, exp, sizeof exp - 1);
	abri_buf_free(&m);
	CHECK_EQ(abri_signed_bytes(&m, "bogus", "t1", f.data, f.len), ABRI_ERR_INVALID);
	CHECK_EQ(abri_signed_bytes(&m, "receipt", "T1", f.data, f.len), ABRI_ERR_INVALID);
	CHECK_EQ(abri_signed_bytes(&m, "receipt", "", f.data, f.len), ABRI_ERR_INVALID);
	abri_buf_free(&f);
}

static void test_sign_verify(void)
{
	uint8_t sig[64], fields[40];
	size_t i;

	randombytes_buf(fields, sizeof fields);
	CHECK_EQ(abri_sign(sig, "note", "dep", fields, sizeof fields, sk), ABRI_OK);
	CHECK_EQ(abri_verify(sig, "note", "dep", fields, sizeof fields, pk), ABRI_OK);
	CHECK_EQ(abri_verify(sig, "reply", "dep", fields, sizeof fields, pk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_verify(sig, "note", "dep2", fields, sizeof fields, pk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_verify(sig, "note", "dep", fields, sizeof fields, pk2), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_verify(sig, "note", "dep", fields, sizeof fields - 1, pk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_verify(sig, "bogus", "dep", fields, sizeof fields, pk), ABRI_ERR_CRYPTO);
	for (i = 0; i < sizeof fields; i++) {
		fields[i] ^= 0x01;
		CHECK_EQ(abri_verify(sig, "note", "dep", fields, sizeof fields, pk),
		         ABRI_ERR_CRYPTO);
		fields[i] ^= 0x01;
	}
	for (i = 0; i < sizeof sig; i++) {
		sig[i] ^= 0x80;
		CHECK_EQ(abri_verify(sig, "note", "dep", fields, sizeof fields, pk),
		         ABRI_ERR_CRYPTO);
		sig[i] ^= 0x80;
	}
	CHECK_EQ(abri_sign(sig, "bogus", "dep", fields, sizeof fields, sk), ABRI_ERR_INVALID);
	CHECK_EQ(abri_sign(sig, "note", "Bad Tenant", fields, sizeof fields, sk), ABRI_ERR_INVALID);
	/* Empty fields blob is allowed. */
	CHECK_EQ(abri_sign(sig, "ack", "dep", NULL, 0, sk), ABRI_OK);
	CHECK_EQ(abri_verify(sig, "ack", "dep", NULL, 0, pk), ABRI_OK);
}

static void test_receipt(void)
{
	abri_receipt r, out;
	abri_buf f;
	uint8_t sig[64];
	size_t i;

	memset(&r, 0, sizeof r);
	strcpy(r.case_ref, "7K2M9QX4TB");
	strcpy(r.week, "2026-W47");
	randombytes_buf(r.envelope_hash, 32);
	CHECK_EQ(abri_receipt_sign(&f, sig, &r, "dep", sk), ABRI_OK);
	CHECK_EQ(f.len, 4 + 10 + 4 + 8 + 4 + 32);
	CHECK_EQ(abri_receipt_verify(&out, f.data, f.len, sig, "dep", pk), ABRI_OK);
	CHECK_STR(out.case_ref, r.case_ref);
	CHECK_STR(out.week, r.week);
	CHECK_MEM(out.envelope_hash, r.envelope_hash, 32);
	CHECK_EQ(abri_receipt_verify(&out, f.data, f.len, sig, "dep", pk2), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_receipt_verify(&out, f.data, f.len, sig, "dep2", pk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_verify(sig, "request", "dep", f.data, f.len, pk), ABRI_ERR_CRYPTO);
	for (i = 0; i < f.len; i++) {
		f.data[i] ^= 0x20;
		CHECK_EQ(abri_receipt_verify(&out, f.data, f.len, sig, "dep", pk), ABRI_ERR_CRYPTO);
		f.data[i] ^= 0x20;
	}
	abri_buf_free(&f);
	strcpy(r.week, "2026-W54");
	CHECK_EQ(abri_receipt_sign(&f, sig, &r, "dep", sk), ABRI_ERR_INVALID);
	strcpy(r.week, "2026-W47");
	strcpy(r.case_ref, "7K2M9QX4TI");
	CHECK_EQ(abri_receipt_sign(&f, sig, &r, "dep", sk), ABRI_ERR_INVALID);
	/* A well-signed blob with a malformed field is rejected after the check. */
	{
		abri_buf g;
		abri_buf_init(&g);
		CHECK_EQ(abri_fields_add_str(&g, "7K2M9QX4TB"), ABRI_OK);
		CHECK_EQ(abri_fields_add_str(&g, "2026W47xx"), ABRI_OK);
		CHECK_EQ(abri_fields_add(&g, r.envelope_hash, 32), ABRI_OK);
		CHECK_EQ(abri_sign(sig, "receipt", "dep", g.data, g.len, sk), ABRI_OK);
		CHECK_EQ(abri_receipt_verify(&out, g.data, g.len, sig, "dep", pk),
		         ABRI_ERR_INVALID);
		abri_buf_free(&g);
	}
}

static void header_values(const abri_request_auth *a, char **kid, char *ts, char **nonce,
                          char **sig)
{
	*kid = abri_b64_encode(a->key_id, 16);
	snprintf(ts, 24, "%lld", (long long)a->timestamp);
	*nonce = abri_b64_encode(a->nonce, 16);
	*sig = abri_b64_encode(a->sig, 64);
}

static void test_request(void)
{
	const char *origin = "https://abri.example.org", *body = "{\"state\":\"open\"}";
	const int64_t now = 1767225600;
	abri_request_auth a, b, c;
	uint8_t kid[16];
	char *hk, *hn, *hs, ts[24];

	abri_key_id(kid, ABRI_KID_ED25519, pk);
	CHECK_EQ(abri_request_sign(&a, "dep", origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state",
	                           (const uint8_t *)body, strlen(body), now, kid, sk),
	         ABRI_OK);
	CHECK_MEM(a.key_id, kid, 16);
	CHECK_EQ(a.timestamp, now);
	header_values(&a, &hk, ts, &hn, &hs);
	CHECK_EQ(abri_request_auth_parse(&b, hk, ts, hn, hs), ABRI_OK);
	CHECK_MEM(&a, &b, sizeof a);
#define V(auth, o, m, t, bd, n, k)                                                                 \
	abri_request_verify(auth, "dep", o, m, t, (const uint8_t *)(bd), strlen(bd), n, k)
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk), ABRI_OK);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now + 300, pk),
	         ABRI_OK);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now - 300, pk),
	         ABRI_OK);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now + 301, pk),
	         ABRI_ERR_EXPIRED);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now - 301, pk),
	         ABRI_ERR_EXPIRED);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, INT64_MIN, pk),
	         ABRI_ERR_EXPIRED);
	CHECK_EQ(V(&b, origin, "PUT", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk),
	         ABRI_ERR_CRYPTO);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TC/state", body, now, pk),
	         ABRI_ERR_CRYPTO);
	CHECK_EQ(V(&b, "http://evil", "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk),
	         ABRI_ERR_CRYPTO);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", "{}", now, pk),
	         ABRI_ERR_CRYPTO);
	CHECK_EQ(V(&b, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk2),
	         ABRI_ERR_CRYPTO);
	c = b;
	c.timestamp++;
	CHECK_EQ(V(&c, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk),
	         ABRI_ERR_CRYPTO);
	c = b;
	c.nonce[3] ^= 1;
	CHECK_EQ(V(&c, origin, "POST", "/v1/staff/cases/7K2M9QX4TB/state", body, now, pk),
	         ABRI_ERR_CRYPTO);
	/* GET: no body hashes as BLAKE2b-256(""). */
	CHECK_EQ(abri_request_sign(&a, "dep", origin, "GET", "/v1/staff/cases?page=2", NULL, 0, now,
	                           kid, sk),
	         ABRI_OK);
	CHECK_EQ(V(&a, origin, "GET", "/v1/staff/cases?page=2", "", now, pk), ABRI_OK);
	CHECK_EQ(V(&a, origin, "GET", "/v1/staff/cases?page=3", "", now, pk), ABRI_ERR_CRYPTO);
	/* Two signatures of the same request differ by their nonce. */
	CHECK_EQ(abri_request_sign(&c, "dep", origin, "GET", "/v1/staff/cases?page=2", NULL, 0, now,
	                           kid, sk),
	         ABRI_OK);
	CHECK(memcmp(a.nonce, c.nonce, 16) != 0);
#undef V
	/* Header parsing. */
	CHECK_EQ(abri_request_auth_parse(&b, NULL, ts, hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, NULL, hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, ts, NULL, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, ts, hn, NULL), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, "-5", hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, "17x", hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, "", hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hs, ts, hn, hs), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, hk, ts, hk, hn), ABRI_ERR_INVALID);
	CHECK_EQ(abri_request_auth_parse(&b, "AAAA", ts, hn, hs), ABRI_ERR_INVALID);
	free(hk);
	free(hn);
	free(hs);
}

int main(void)
{
	CHECK_EQ(abri_init(), ABRI_OK);
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	test_purposes();
	test_fields();
	test_signed_bytes();
	test_sign_verify();
	test_receipt();
	test_request();
	return 0;
}
