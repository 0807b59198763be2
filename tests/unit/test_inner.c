/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* inner.c: signed inner messages and the chain check of a case. */
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "t.h"

static abri_reporter_keys *rep;
static uint8_t lpk[32], lsk[64], lkid[16];

static void base_msg(abri_inner *m, const uint8_t kid[16], uint64_t counter, const char *body)
{
	memset(m, 0, sizeof *m);
	memcpy(m->thread, rep->thread, 32);
	memcpy(m->author_kid, kid, 16);
	m->counter = counter;
	m->list_version = 3;
	m->body = (const uint8_t *)body;
	m->body_len = strlen(body);
}

static void test_roundtrip(void)
{
	abri_inner m, d;
	abri_buf pt;
	size_t i;

	base_msg(&m, rep->ed_kid, 1, "{\"text\":\"help\"}");
	m.has_reporter_keys = 1;
	memcpy(m.reporter_x25519_pk, rep->x25519_pk, 32);
	memcpy(m.reporter_ed25519_pk, rep->ed25519_pk, 32);
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_REPORT, "dep", rep->ed25519_sk), ABRI_OK);
	CHECK_EQ(pt.len, 9 * 4 + 32 + 16 + 8 + 32 + 32 + 4 + 64 + 15 + 64);
	CHECK_EQ(abri_inner_signed_len(pt.data, pt.len), pt.len - 68);
	CHECK_EQ(abri_verify(m.sig, "report", "dep", pt.data, pt.len - 68, rep->ed25519_pk),
	         ABRI_OK);
	CHECK_EQ(abri_inner_decode(&d, pt.data, pt.len), ABRI_OK);
	CHECK_MEM(d.thread, rep->thread, 32);
	CHECK_MEM(d.author_kid, rep->ed_kid, 16);
	CHECK(d.counter == 1);
	CHECK(sodium_is_zero(d.prev, 32) && sodium_is_zero(d.seen, 32));
	CHECK_EQ(d.list_version, 3);
	CHECK(d.has_reporter_keys);
	CHECK_MEM(d.reporter_x25519_pk, rep->x25519_pk, 32);
	CHECK_MEM(d.reporter_ed25519_pk, rep->ed25519_pk, 32);
	CHECK_EQ(d.body_len, 15);
	CHECK_MEM(d.body, "{\"text\":\"help\"}", 15);
	CHECK(d.body >= pt.data && d.body < pt.data + pt.len);
	CHECK_MEM(d.sig, m.sig, 64);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPORT, "dep", rep->ed25519_pk),
	         ABRI_OK);
	/* Wrong kind (purpose), wrong tenant, wrong key. */
	CHECK(abri_inner_verify(pt.data, pt.len, ABRI_KIND_MESSAGE, "dep", rep->ed25519_pk) != 0);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPORT, "dep2", rep->ed25519_pk),
	         ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPORT, "dep", lpk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_SURVEY, "dep", rep->ed25519_pk),
	         ABRI_ERR_INVALID);
	/* Every byte is covered (the structure or the signature breaks). */
	for (i = 0; i < pt.len; i++) {
		pt.data[i] ^= 0x04;
		CHECK(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPORT, "dep",
		                        rep->ed25519_pk) != 0);
		pt.data[i] ^= 0x04;
	}
	for (i = 0; i < pt.len; i++)
		CHECK(abri_inner_decode(&d, pt.data, i) != ABRI_OK);
	abri_buf_free(&pt);
}

static void test_rules(void)
{
	abri_inner m;
	abri_buf pt;

	/* A report must carry the reporter keys; other kinds must not. */
	base_msg(&m, rep->ed_kid, 1, "{}");
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_REPORT, "dep", rep->ed25519_sk),
	         ABRI_ERR_INVALID);
	m.has_reporter_keys = 1;
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_MESSAGE, "dep", rep->ed25519_sk),
	         ABRI_ERR_INVALID);
	m.has_reporter_keys = 0;
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_SURVEY, "dep", rep->ed25519_sk),
	         ABRI_ERR_INVALID);
	m.counter = 0;
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_MESSAGE, "dep", rep->ed25519_sk),
	         ABRI_ERR_INVALID);
	/* A listener reply verifies with the listener key, not as a message. */
	base_msg(&m, lkid, 1, "{\"text\":\"we read you\"}");
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_REPLY, "dep", lsk), ABRI_OK);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPLY, "dep", lpk), ABRI_OK);
	CHECK(abri_inner_verify(pt.data, pt.len, ABRI_KIND_NOTE, "dep", lpk) != ABRI_OK);
	CHECK(abri_inner_verify(pt.data, pt.len, ABRI_KIND_MESSAGE, "dep", lpk) != ABRI_OK);
	CHECK(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPORT, "dep", lpk) != ABRI_OK);
	abri_buf_free(&pt);
	/* Author key id must be the key id of the verifying key. */
	base_msg(&m, rep->ed_kid, 2, "{}");
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_REPLY, "dep", lsk), ABRI_OK);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_REPLY, "dep", lpk), ABRI_ERR_CRYPTO);
	abri_buf_free(&pt);
	/* A reporter message on another thread is refused. */
	base_msg(&m, rep->ed_kid, 2, "{}");
	m.thread[0] ^= 1;
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_MESSAGE, "dep", rep->ed25519_sk), ABRI_OK);
	CHECK_EQ(abri_inner_verify(pt.data, pt.len, ABRI_KIND_MESSAGE, "dep", rep->ed25519_pk),
	         ABRI_ERR_CRYPTO);
	abri_buf_free(&pt);
	/* Decode: field 7 of 32 bytes, counter 0, ten fields. */
	{
		abri_buf b;
		uint8_t z[64] = {0};
		abri_inner d;
		int variant;
		for (variant = 0; variant < 3; variant++) {
			abri_buf_init(&b);
			CHECK_EQ(abri_fields_add(&b, z, 32), 0);
			CHECK_EQ(abri_fields_add(&b, z, 16), 0);
			z[0] = variant == 1 ? 0 : 1;
			CHECK_EQ(abri_fields_add(&b, z, 8), 0);
			z[0] = 0;
			CHECK_EQ(abri_fields_add(&b, z, 32), 0);
			CHECK_EQ(abri_fields_add(&b, z, 32), 0);
			CHECK_EQ(abri_fields_add(&b, z, 4), 0);
			CHECK_EQ(abri_fields_add(&b, z, variant == 0 ? 32 : 0), 0);
			CHECK_EQ(abri_fields_add(&b, "{}", 2), 0);
			CHECK_EQ(abri_fields_add(&b, z, 64), 0);
			if (variant == 2)
				CHECK_EQ(abri_fields_add(&b, z, 0), 0);
			CHECK_EQ(abri_inner_decode(&d, b.data, b.len), ABRI_ERR_INVALID);
			abri_buf_free(&b);
		}
	}
}

/* Build a message and its (fake) envelope hash for chain tests. */
typedef struct msg {
	abri_inner m;
	uint8_t hash[32];
} msg;

static void mk(msg *x, const uint8_t kid[16], uint64_t counter, const msg *prev, const msg *seen)
{
	base_msg(&x->m, kid, counter, "{}");
	if (prev)
		memcpy(x->m.prev, prev->hash, 32);
	if (seen)
		memcpy(x->m.seen, seen->hash, 32);
	randombytes_buf(x->hash, 32);
}

static unsigned run(msg **list, size_t n, unsigned *flags)
{
	abri_chain_item it[16];
	unsigned all;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(it[i].hash, list[i]->hash, 32);
		it[i].m = &list[i]->m;
		it[i].flags = 0xdead;
	}
	all = abri_chain_check(it, n, rep->thread);
	for (i = 0; i < n; i++)
		flags[i] = it[i].flags;
	return all;
}

static void test_chain(void)
{
	msg r1, r2, r3, l1, l2, x;
	unsigned f[16];

	mk(&r1, rep->ed_kid, 1, NULL, NULL);
	mk(&l1, lkid, 1, NULL, &r1);
	mk(&r2, rep->ed_kid, 2, &r1, &l1);
	mk(&l2, lkid, 2, &l1, &r2);
	mk(&r3, rep->ed_kid, 3, &r2, &l2);
	{
		msg *ok[] = {&r1, &l1, &r2, &l2, &r3};
		CHECK_EQ(run(ok, 5, f), 0);
		CHECK_EQ(f[0] | f[1] | f[2] | f[3] | f[4], 0);
		/* Concurrent posts: l2 and r3 both saw r2 only; order does not matter. */
	}
	{ /* r2 dropped by the server: r3 shows a gap. */
		msg *l[] = {&r1, &l1, &l2, &r3};
		CHECK_EQ(run(l, 4, f), ABRI_CHAIN_GAP | ABRI_CHAIN_UNKNOWN_SEEN);
		CHECK_EQ(f[2], ABRI_CHAIN_UNKNOWN_SEEN); /* l2 saw r2 */
		CHECK_EQ(f[3], ABRI_CHAIN_GAP);
	}
	{ /* replay of r2 */
		msg *l[] = {&r1, &l1, &r2, &r2, &l2};
		CHECK_EQ(run(l, 5, f), ABRI_CHAIN_DUPLICATE);
		CHECK_EQ(f[3], ABRI_CHAIN_DUPLICATE);
		CHECK_EQ(f[4], 0);
	}
	{ /* reordered: r3 before r2 */
		msg *l[] = {&r1, &l1, &r3, &r2};
		run(l, 4, f);
		CHECK(f[2] & ABRI_CHAIN_GAP);
		CHECK(f[3] & ABRI_CHAIN_OUT_OF_ORDER);
	}
	{ /* a message from another case */
		mk(&x, rep->ed_kid, 2, &r1, NULL);
		x.m.thread[5] ^= 1;
		msg *l[] = {&r1, &x, &r2};
		CHECK_EQ(run(l, 3, f), ABRI_CHAIN_WRONG_THREAD | ABRI_CHAIN_UNKNOWN_SEEN);
		CHECK_EQ(f[1], ABRI_CHAIN_WRONG_THREAD);
		CHECK_EQ(f[2], ABRI_CHAIN_UNKNOWN_SEEN); /* r2 saw l1, absent here */
	}
	{ /* forged: counter 2 whose prev is not r1 */
		mk(&x, rep->ed_kid, 2, &l1, NULL);
		msg *l[] = {&r1, &l1, &x};
		CHECK_EQ(run(l, 3, f), ABRI_CHAIN_BAD_PREV);
		CHECK_EQ(f[2], ABRI_CHAIN_BAD_PREV);
	}
	{ /* same author counter twice with different content */
		mk(&x, rep->ed_kid, 1, NULL, NULL);
		msg *l[] = {&r1, &x};
		CHECK_EQ(run(l, 2, f), ABRI_CHAIN_DUPLICATE);
	}
	{ /* first message of an author with counter 1 but non-zero prev */
		mk(&x, lkid, 1, &r1, NULL);
		msg *l[] = {&r1, &x};
		CHECK_EQ(run(l, 2, f), ABRI_CHAIN_BAD_PREV);
	}
	{ /* first message seen starts at counter 2: earlier ones are missing */
		msg *l[] = {&r2};
		CHECK_EQ(run(l, 1, f), ABRI_CHAIN_GAP | ABRI_CHAIN_UNKNOWN_SEEN);
	}
	CHECK_EQ(abri_chain_check(NULL, 0, rep->thread), 0);
}

int main(void)
{
	uint8_t seed[32] = {1};

	CHECK_EQ(abri_init(), ABRI_OK);
	rep = abri_reporter_keys_new();
	CHECK(rep != NULL);
	CHECK_EQ(abri_reporter_keys_from_seed(rep, seed), ABRI_OK);
	crypto_sign_keypair(lpk, lsk);
	abri_key_id(lkid, ABRI_KID_ED25519, lpk);
	test_roundtrip();
	test_rules();
	test_chain();
	abri_reporter_keys_free(rep);
	return 0;
}
