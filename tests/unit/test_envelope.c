/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* envelope.c: buckets, padding, seal, parse, open, tampering. */
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "t.h"

#define MAXP (1u << 20)

typedef struct party {
	uint8_t pk[32], sk[32], kid[16];
} party;

static party L1, L2, A1, R, other;

static void party_new(party *p)
{
	crypto_box_keypair(p->pk, p->sk);
	abri_key_id(p->kid, ABRI_KID_X25519, p->pk);
}

static abri_stanza_to to_of(const party *p)
{
	abri_stanza_to t;

	memcpy(t.kid, p->kid, 16);
	memcpy(t.x25519_pk, p->pk, 32);
	return t;
}

static void test_kinds(void)
{
	CHECK_STR(abri_kind_purpose(ABRI_KIND_REPORT), "report");
	CHECK_STR(abri_kind_purpose(ABRI_KIND_MESSAGE), "message");
	CHECK_STR(abri_kind_purpose(ABRI_KIND_REPLY), "reply");
	CHECK_STR(abri_kind_purpose(ABRI_KIND_NOTE), "note");
	CHECK_STR(abri_kind_purpose(ABRI_KIND_ACK), "ack");
	CHECK_STR(abri_kind_purpose(ABRI_KIND_STATS), "stats-batch");
	CHECK(abri_kind_purpose(ABRI_KIND_SURVEY) == NULL);
	CHECK(abri_kind_purpose(0) == NULL);
	CHECK(abri_kind_purpose(8) == NULL);
	CHECK_STR(abri_kind_name(ABRI_KIND_SURVEY), "survey");
	CHECK_STR(abri_kind_name(ABRI_KIND_STATS), "stats");
	CHECK(abri_kind_name(0) == NULL);
	CHECK(abri_kind_name(8) == NULL);
}

static void test_buckets(void)
{
	static const size_t cases[][2] = {
	    {0, 4096},          {1, 4096},        {4095, 4096},       {4096, 4096},
	    {4097, 8192},       {8192, 8192},     {8193, 16384},      {32768, 32768},
	    {32769, 65536},     {65535, 65536},   {65536, 65536},     {65537, 67584},
	    {67584, 67584},     {67585, 69632},   {100000, 100352},   {131071, 131072},
	    {131072, 131072},   {131073, 135168}, {1000000, 1015808}, {1048576, 1048576},
	    {1048577, 1081344},
	};
	size_t i, n, prev = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_EQ(abri_bucket(cases[i][0]), cases[i][1]);
		CHECK(abri_is_bucket(cases[i][1]));
	}
	CHECK(!abri_is_bucket(0));
	CHECK(!abri_is_bucket(4095));
	CHECK(!abri_is_bucket(4097));
	CHECK(!abri_is_bucket(12288));
	CHECK(!abri_is_bucket(65537));
	CHECK(!abri_is_bucket(67583));
	/* Monotone, >= n, idempotent, and at most ~12 % overhead above 64 KiB. */
	for (n = 0; n < (4u << 20); n += 1 + n / 50) {
		size_t b = abri_bucket(n);
		CHECK(b >= n && b >= prev);
		CHECK(abri_bucket(b) == b);
		CHECK(n <= 65536 || (b - n) * 100 <= n * 12);
		prev = b;
	}
	CHECK_EQ(abri_bucket(SIZE_MAX), 0);
}

static void test_padding(void)
{
	static const size_t lens[] = {0, 1, 100, 4094, 4095, 4096, 8191, 8192, 65535, 65536, 70000};
	uint8_t *in = malloc(80000), *out;
	size_t i, len, out_len;

	CHECK(in != NULL);
	randombytes_buf(in, 80000);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		CHECK_EQ(abri_pad(&out, &out_len, in, lens[i], MAXP), ABRI_OK);
		CHECK_EQ(out_len, abri_bucket(lens[i] + 1));
		CHECK_MEM(out, in, lens[i]);
		CHECK_EQ(out[lens[i]], 0x80);
		CHECK_EQ(abri_unpad(out, out_len, &len), ABRI_OK);
		CHECK_EQ(len, lens[i]);
		abri_secure_free(out, out_len);
	}
	CHECK_EQ(abri_pad(&out, &out_len, in, 4096, 4096), ABRI_ERR_TOO_BIG);
	CHECK(out == NULL);
	CHECK_EQ(abri_pad(&out, &out_len, in, 4095, 4096), ABRI_OK);
	free(out);
	CHECK_EQ(abri_pad(&out, &out_len, in, SIZE_MAX, SIZE_MAX), ABRI_ERR_TOO_BIG);
	/* Strict unpadding. */
	memset(in, 0, 8192);
	in[8191] = 0x80;
	CHECK_EQ(abri_unpad(in, 8191, &len), ABRI_ERR_BUCKET);
	CHECK_EQ(abri_unpad(in, 8192, &len), ABRI_OK);
	CHECK_EQ(len, 8191);
	in[8191] = 0;
	in[10] = 0x80; /* 10 bytes padded to 8192: more padding than needed */
	CHECK_EQ(abri_unpad(in, 8192, &len), ABRI_ERR_INVALID);
	in[4100] = 0x80; /* 4100 bytes padded to 8192: fine... */
	memset(in + 4101, 0, 8192 - 4101);
	CHECK_EQ(abri_unpad(in, 8192, &len), ABRI_OK);
	CHECK_EQ(len, 4100);
	in[5000] = 1; /* ...but not with a non-zero byte after the marker */
	CHECK_EQ(abri_unpad(in, 8192, &len), ABRI_ERR_INVALID);
	memset(in, 0, 4096);
	CHECK_EQ(abri_unpad(in, 4096, &len), ABRI_ERR_INVALID); /* no marker */
	free(in);
}

static void seal_ok(abri_buf *env, uint8_t kind, int reporter, size_t n_to, const party **to,
                    const uint8_t *pt, size_t pt_len)
{
	abri_stanza_to st[4];
	size_t i;

	for (i = 0; i < n_to; i++)
		st[i] = to_of(to[i]);
	CHECK_EQ(abri_envelope_seal(env, kind, "safe-place-dev", 3, st, n_to,
	                            reporter ? R.pk : NULL, pt, pt_len, MAXP),
	         ABRI_OK);
}

static void open_ok(const abri_buf *env, const party *p, int as_reporter, const uint8_t *pt,
                    size_t pt_len)
{
	abri_envelope_info info;
	uint8_t *out;
	size_t out_len;

	CHECK_EQ(abri_envelope_open(env->data, env->len, as_reporter ? NULL : p->kid, p->pk, p->sk,
	                            MAXP, &out, &out_len, &info),
	         ABRI_OK);
	CHECK_EQ(out_len, pt_len);
	CHECK_MEM(out, pt, pt_len);
	abri_secure_free(out, out_len);
}

static void test_roundtrip(void)
{
	const char *pt = "{\"text\":\"bonjour\"}";
	const party *tl[] = {&L1, &L2, &A1};
	abri_envelope_info info;
	abri_buf env;
	uint8_t *out = (uint8_t *)1, h[32];
	size_t out_len = 1;

	seal_ok(&env, ABRI_KIND_REPORT, 1, 2, tl, (const uint8_t *)pt, strlen(pt));
	CHECK_EQ(env.len, 4 + 3 + 14 + 4 + 1 + 2 * 97 + 81 + 24 + 32 + 4096 + 16);
	CHECK_EQ(abri_envelope_parse(env.data, env.len, MAXP, &info), ABRI_OK);
	CHECK_EQ(info.version, 1);
	CHECK_EQ(info.kind, ABRI_KIND_REPORT);
	CHECK_STR(info.tenant, "safe-place-dev");
	CHECK_EQ(info.list_version, 3);
	CHECK_EQ(info.n_stanzas, 3);
	CHECK_EQ(info.n_keyed, 2);
	CHECK(info.has_reporter_stanza);
	CHECK_MEM(info.kids[0], L1.kid, 16);
	CHECK_MEM(info.kids[1], L2.kid, 16);
	CHECK_EQ(info.header_len, env.len - 32 - 4096 - 16);
	CHECK_EQ(info.body_len, 4096 + 16);
	CHECK_EQ(info.padded_len, 4096);
	abri_hash(h, env.data, env.len);
	CHECK_MEM(info.hash, h, 32);
	open_ok(&env, &L1, 0, (const uint8_t *)pt, strlen(pt));
	open_ok(&env, &L2, 0, (const uint8_t *)pt, strlen(pt));
	open_ok(&env, &R, 1, (const uint8_t *)pt, strlen(pt));
	/* Not addressed to A1 / other. */
	CHECK_EQ(abri_envelope_open(env.data, env.len, A1.kid, A1.pk, A1.sk, MAXP, &out, &out_len,
	                            &info),
	         ABRI_ERR_NOT_FOR_ME);
	CHECK(out == NULL && out_len == 0);
	CHECK_EQ(abri_envelope_open(env.data, env.len, NULL, other.pk, other.sk, MAXP, &out,
	                            &out_len, &info),
	         ABRI_ERR_NOT_FOR_ME);
	/* The right key id with the wrong secret key. */
	CHECK_EQ(abri_envelope_open(env.data, env.len, L1.kid, other.pk, other.sk, MAXP, &out,
	                            &out_len, &info),
	         ABRI_ERR_CRYPTO);
	/* A smaller limit than the envelope's bucket. */
	CHECK_EQ(abri_envelope_parse(env.data, env.len, 4095, &info), ABRI_ERR_TOO_BIG);
	abri_buf_free(&env);

	/* Note: listeners only, no reporter stanza. */
	seal_ok(&env, ABRI_KIND_NOTE, 0, 2, tl, (const uint8_t *)pt, strlen(pt));
	CHECK_EQ(abri_envelope_parse(env.data, env.len, MAXP, &info), ABRI_OK);
	CHECK(!info.has_reporter_stanza);
	CHECK_EQ(
	    abri_envelope_open(env.data, env.len, NULL, R.pk, R.sk, MAXP, &out, &out_len, &info),
	    ABRI_ERR_NOT_FOR_ME);
	open_ok(&env, &L2, 0, (const uint8_t *)pt, strlen(pt));
	abri_buf_free(&env);

	/* Reporter only, empty plaintext; and a big one in a Padmé bucket. */
	seal_ok(&env, ABRI_KIND_MESSAGE, 1, 0, tl, NULL, 0);
	open_ok(&env, &R, 1, (const uint8_t *)"", 0);
	abri_buf_free(&env);
	{
		size_t n = 100000;
		uint8_t *big = malloc(n);
		CHECK(big != NULL);
		randombytes_buf(big, n);
		seal_ok(&env, ABRI_KIND_STATS, 0, 1, tl + 2, big, n);
		CHECK_EQ(abri_envelope_parse(env.data, env.len, MAXP, &info), ABRI_OK);
		CHECK_EQ(info.padded_len, 100352);
		open_ok(&env, &A1, 0, big, n);
		abri_buf_free(&env);
		free(big);
	}
}

static void test_seal_args(void)
{
	abri_stanza_to st[65];
	party many[64];
	abri_buf env;
	uint8_t pt[10] = {0};
	size_t i;

	st[0] = to_of(&L1);
	st[1] = to_of(&L1);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 0, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	CHECK(env.data == NULL && env.len == 0);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID); /* duplicate recipient */
	CHECK_EQ(abri_envelope_seal(&env, 0, "dep", 1, st, 1, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_seal(&env, 8, "dep", 1, st, 1, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_seal(&env, 1, "Dep", 1, st, 1, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_seal(&env, 1, "dep", 1, st, 1, NULL, pt, 10, 4095),
	         ABRI_ERR_TOO_BIG);
	st[1] = to_of(&L2);
	st[1].kid[0] ^= 1; /* key id not matching the key */
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	/* 64 stanzas is the maximum; 63 keyed + reporter too; 65 is refused. */
	for (i = 0; i < 64; i++) {
		party_new(&many[i]);
		st[i] = to_of(&many[i]);
	}
	st[64] = to_of(&L1);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 64, NULL, pt, 10, MAXP),
	         ABRI_OK);
	{
		abri_envelope_info info;
		uint8_t *out;
		size_t out_len;
		CHECK_EQ(abri_envelope_open(env.data, env.len, many[63].kid, many[63].pk,
		                            many[63].sk, MAXP, &out, &out_len, &info),
		         ABRI_OK);
		CHECK_EQ(info.n_keyed, 64);
		CHECK_EQ(out_len, 10);
		abri_secure_free(out, out_len);
	}
	abri_buf_free(&env);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 63, R.pk, pt, 10, MAXP),
	         ABRI_OK);
	abri_buf_free(&env);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 64, R.pk, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_seal(&env, ABRI_KIND_REPLY, "dep", 1, st, 65, NULL, pt, 10, MAXP),
	         ABRI_ERR_INVALID);
}

/* Flipping any bit-pattern of any header or commit byte makes opening fail
 * for every recipient; so does any body byte. */
static void test_tamper(void)
{
	const char *pt = "{\"text\":\"confidential\"}";
	const party *tl[] = {&L1};
	abri_envelope_info info;
	abri_buf env;
	uint8_t *out;
	size_t i, out_len, hdr;
	int rc;

	seal_ok(&env, ABRI_KIND_REPLY, 1, 1, tl, (const uint8_t *)pt, strlen(pt));
	CHECK_EQ(abri_envelope_parse(env.data, env.len, MAXP, &info), ABRI_OK);
	hdr = info.header_len + 32;
	for (i = 0; i < env.len; i += (i < hdr ? 1 : 61)) {
		env.data[i] ^= 0x01;
		rc = abri_envelope_open(env.data, env.len, L1.kid, L1.pk, L1.sk, MAXP, &out,
		                        &out_len, &info);
		CHECK(rc != ABRI_OK);
		CHECK(out == NULL);
		rc = abri_envelope_open(env.data, env.len, NULL, R.pk, R.sk, MAXP, &out, &out_len,
		                        &info);
		CHECK(rc != ABRI_OK);
		env.data[i] ^= 0x01;
	}
	/* The last byte (tag) too. */
	env.data[env.len - 1] ^= 0x80;
	CHECK_EQ(abri_envelope_open(env.data, env.len, L1.kid, L1.pk, L1.sk, MAXP, &out, &out_len,
	                            &info),
	         ABRI_ERR_CRYPTO);
	env.data[env.len - 1] ^= 0x80;
	open_ok(&env, &L1, 0, (const uint8_t *)pt, strlen(pt));
	/* Every truncation fails to parse. */
	for (i = 0; i < env.len; i += (i < hdr ? 1 : 997))
		CHECK(abri_envelope_parse(env.data, i, MAXP, &info) != ABRI_OK);
	abri_buf_free(&env);
}

/* A committing envelope: a header whose stanza seals another key K' (a
 * recipient-specific plaintext attack) fails the commit check. */
static void test_commit(void)
{
	abri_stanza_to st[2] = {to_of(&L1), to_of(&L2)};
	uint8_t K1[32], K2[32], nonce[24], *out;
	abri_buf e1, e2;
	abri_envelope_info info;
	size_t out_len, off;

	memset(K1, 1, 32);
	memset(K2, 2, 32);
	memset(nonce, 9, 24);
	CHECK_EQ(abri_envelope_seal_det(&e1, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL,
	                                (const uint8_t *)"A", 1, MAXP, K1, nonce),
	         ABRI_OK);
	CHECK_EQ(abri_envelope_seal_det(&e2, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL,
	                                (const uint8_t *)"B", 1, MAXP, K2, nonce),
	         ABRI_OK);
	CHECK_EQ(e1.len, e2.len);
	/* Graft L2's stanza (sealing K2) into e1: L2 must not read "B" nor "A". */
	off = 4 + 3 + 3 + 4 + 1 + 97;
	memcpy(e1.data + off, e2.data + off, 97);
	CHECK_EQ(
	    abri_envelope_open(e1.data, e1.len, L1.kid, L1.pk, L1.sk, MAXP, &out, &out_len, &info),
	    ABRI_ERR_CRYPTO);
	CHECK_EQ(
	    abri_envelope_open(e1.data, e1.len, L2.kid, L2.pk, L2.sk, MAXP, &out, &out_len, &info),
	    ABRI_ERR_CRYPTO);
	abri_buf_free(&e1);
	abri_buf_free(&e2);
	/* Deterministic sealing: same K/nonce/plaintext, same body. */
	CHECK_EQ(abri_envelope_seal_det(&e1, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL,
	                                (const uint8_t *)"A", 1, MAXP, K1, nonce),
	         ABRI_OK);
	CHECK_EQ(abri_envelope_seal_det(&e2, ABRI_KIND_REPLY, "dep", 1, st, 2, NULL,
	                                (const uint8_t *)"A", 1, MAXP, K1, nonce),
	         ABRI_OK);
	CHECK_EQ(abri_envelope_parse(e1.data, e1.len, MAXP, &info), ABRI_OK);
	CHECK(memcmp(e1.data, e2.data, e1.len) != 0); /* stanzas are randomised */
	/* Same keystream, so the same ciphertext; the tag differs (it covers the
	 * header with its randomised stanzas). */
	CHECK_MEM(e1.data + info.header_len + 32, e2.data + info.header_len + 32, info.padded_len);
	CHECK(memcmp(e1.data + e1.len - 16, e2.data + e2.len - 16, 16) != 0);
	abri_buf_free(&e1);
	abri_buf_free(&e2);
}

/* Structural parsing of hand-made envelopes (no valid crypto needed). */
static size_t build(uint8_t *b, const char *magic, uint8_t ver, uint8_t kind, const char *tenant,
                    size_t n_st, const uint8_t *types, const uint8_t (*kids)[16], size_t padded)
{
	size_t p = 0, i, tl = strlen(tenant);

	memcpy(b, magic, 4);
	p = 4;
	b[p++] = ver;
	b[p++] = kind;
	b[p++] = (uint8_t)tl;
	memcpy(b + p, tenant, tl);
	p += tl;
	abri_store_u32le(b + p, 7);
	p += 4;
	b[p++] = (uint8_t)n_st;
	for (i = 0; i < n_st; i++) {
		b[p++] = types[i];
		if (types[i] == ABRI_STANZA_KEYED) {
			memcpy(b + p, kids[i], 16);
			p += 16;
		}
		memset(b + p, 0xAA, 80);
		p += 80;
	}
	memset(b + p, 0x55, 24 + 32 + padded + 16);
	return p + 24 + 32 + padded + 16;
}

static void test_parse(void)
{
	static uint8_t b[80000];
	uint8_t kids[3][16], types[3] = {1, 1, 2};
	abri_envelope_info info;
	size_t n;

	memset(kids, 0, sizeof kids);
	kids[1][0] = 1;
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_OK);
	CHECK_EQ(info.n_keyed, 2);
	n = build(b, "ABR2", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_VERSION);
	n = build(b, "ABR1", 2, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_VERSION);
	n = build(b, "ABR1", 1, 0, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	n = build(b, "ABR1", 1, 8, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	n = build(b, "ABR1", 1, 7, "Dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	n = build(b, "ABR1", 1, 7, "", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	n = build(b, "ABR1", 1, 7, "dep", 0, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4097);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_BUCKET);
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4000);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_BUCKET);
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 67584);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_OK);
	CHECK_EQ(abri_envelope_parse(b, n, 65536, &info), ABRI_ERR_TOO_BIG);
	kids[1][0] = 0; /* duplicate key id */
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	kids[1][0] = 1;
	types[0] = 2; /* two reporter stanzas */
	types[1] = 1;
	types[2] = 2;
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	types[0] = 3; /* unknown stanza type */
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	types[0] = 2;
	types[2] = 1;
	n = build(b, "ABR1", 1, 1, "dep", 3, types, kids, 4096);
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_OK);
	/* Stanza count larger than what follows / 65. */
	b[4 + 3 + 3 + 4] = 65;
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	b[4 + 3 + 3 + 4] = 60;
	CHECK_EQ(abri_envelope_parse(b, n, MAXP, &info), ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_parse(NULL, 0, MAXP, &info), ABRI_ERR_INVALID);
	CHECK_EQ(abri_envelope_parse(b, 3, MAXP, &info), ABRI_ERR_INVALID);
}

int main(void)
{
	CHECK_EQ(abri_init(), ABRI_OK);
	party_new(&L1);
	party_new(&L2);
	party_new(&A1);
	party_new(&R);
	party_new(&other);
	test_kinds();
	test_buckets();
	test_padding();
	test_roundtrip();
	test_seal_args();
	test_tamper();
	test_commit();
	test_parse();
	return 0;
}
