/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Signed inner message and the chain check of a case.
 *
 * The inner message is a fields blob (sign.h) of exactly nine fields:
 *   1 thread (32)          2 author Ed25519 key id (16)   3 counter u64le (8)
 *   4 prev (32)            5 seen (32)                    6 list version u32le (4)
 *   7 reporter keys (0 or 64: X25519 pk || Ed25519 pk)    8 body (any length)
 *   9 signature (64)
 * The signature is abri_sign(purpose = abri_kind_purpose(kind), tenant,
 * fields = bytes of fields 1..8 exactly as they appear in the plaintext,
 * i.e. the plaintext up to the length prefix of field 9).
 *
 * Rules checked by abri_inner_decode: field count and widths, counter >= 1.
 * Rules checked by abri_inner_verify in addition: the kind is signed
 * (not SURVEY); field 7 is 64 bytes for REPORT and empty for every other
 * kind; author key id == key id of author_pk; for REPORT and MESSAGE
 * (written by the reporter) thread == BLAKE2b-256(author_pk); for REPORT
 * the Ed25519 pk of field 7 == author_pk; then the signature. */
#include <string.h>

#include <sodium.h>

#include "abri/envelope.h"
#include "abri/sign.h"
#include "internal.h"

#define INNER_FIELDS 9u

static const size_t fixed_len[INNER_FIELDS] = {
    ABRI_HASH_BYTES, ABRI_KEY_ID_BYTES, 8, ABRI_HASH_BYTES, ABRI_HASH_BYTES, 4, 0, 0,
    ABRI_SIG_BYTES,
};

int abri_inner_decode(abri_inner *m, const uint8_t *pt, size_t len)
{
	abri_fields f;
	size_t i;

	memset(m, 0, sizeof *m);
	if (!pt || abri_fields_decode(pt, len, INNER_FIELDS, &f))
		return ABRI_ERR_INVALID;
	for (i = 0; i < INNER_FIELDS; i++)
		if (fixed_len[i] && f.len[i] != fixed_len[i])
			return ABRI_ERR_INVALID;
	if (f.len[6] != 0 && f.len[6] != ABRI_X25519_PK + ABRI_ED25519_PK)
		return ABRI_ERR_INVALID;
	memcpy(m->thread, f.p[0], ABRI_HASH_BYTES);
	memcpy(m->author_kid, f.p[1], ABRI_KEY_ID_BYTES);
	m->counter = abri_load_u64le(f.p[2]);
	memcpy(m->prev, f.p[3], ABRI_HASH_BYTES);
	memcpy(m->seen, f.p[4], ABRI_HASH_BYTES);
	m->list_version = abri_load_u32le(f.p[5]);
	if (f.len[6]) {
		m->has_reporter_keys = 1;
		memcpy(m->reporter_x25519_pk, f.p[6], ABRI_X25519_PK);
		memcpy(m->reporter_ed25519_pk, f.p[6] + ABRI_X25519_PK, ABRI_ED25519_PK);
	}
	m->body = f.p[7];
	m->body_len = f.len[7];
	memcpy(m->sig, f.p[8], ABRI_SIG_BYTES);
	if (m->counter == 0) {
		memset(m, 0, sizeof *m);
		return ABRI_ERR_INVALID;
	}
	return ABRI_OK;
}

size_t abri_inner_signed_len(const uint8_t *pt, size_t len)
{
	abri_fields f;

	if (!pt || abri_fields_decode(pt, len, INNER_FIELDS, &f))
		return 0;
	return (size_t)(f.p[8] - pt) - 4;
}

int abri_inner_encode(abri_buf *out, abri_inner *m, int kind, const char *tenant,
                      const uint8_t author_sk[ABRI_ED25519_SK])
{
	const char *purpose = abri_kind_purpose(kind);
	uint8_t keys[ABRI_X25519_PK + ABRI_ED25519_PK];
	int rc;

	abri_buf_init(out);
	if (!purpose || !abri_tenant_valid(tenant) || m->counter == 0 ||
	    (!m->body && m->body_len) || (kind == ABRI_KIND_REPORT) != (m->has_reporter_keys != 0))
		return ABRI_ERR_INVALID;
	memcpy(keys, m->reporter_x25519_pk, ABRI_X25519_PK);
	memcpy(keys + ABRI_X25519_PK, m->reporter_ed25519_pk, ABRI_ED25519_PK);
	if ((rc = abri_fields_add(out, m->thread, ABRI_HASH_BYTES)) ||
	    (rc = abri_fields_add(out, m->author_kid, ABRI_KEY_ID_BYTES)) ||
	    (rc = abri_buf_u32le(out, 8)) || (rc = abri_buf_u64le(out, m->counter)) ||
	    (rc = abri_fields_add(out, m->prev, ABRI_HASH_BYTES)) ||
	    (rc = abri_fields_add(out, m->seen, ABRI_HASH_BYTES)) ||
	    (rc = abri_buf_u32le(out, 4)) || (rc = abri_buf_u32le(out, m->list_version)) ||
	    (rc = abri_fields_add(out, keys, m->has_reporter_keys ? sizeof keys : 0)) ||
	    (rc = abri_fields_add(out, m->body, m->body_len)) ||
	    (rc = abri_sign(m->sig, purpose, tenant, out->data, out->len, author_sk)) ||
	    (rc = abri_fields_add(out, m->sig, ABRI_SIG_BYTES)))
		abri_buf_free(out);
	return rc;
}

int abri_inner_verify(const uint8_t *pt, size_t len, int kind, const char *tenant,
                      const uint8_t author_pk[ABRI_ED25519_PK])
{
	const char *purpose = abri_kind_purpose(kind);
	uint8_t kid[ABRI_KEY_ID_BYTES], thread[ABRI_HASH_BYTES];
	abri_inner m;
	int rc;

	if (!purpose)
		return ABRI_ERR_INVALID;
	if ((rc = abri_inner_decode(&m, pt, len)))
		return rc;
	if ((kind == ABRI_KIND_REPORT) != (m.has_reporter_keys != 0))
		return ABRI_ERR_INVALID;
	abri_key_id(kid, ABRI_KID_ED25519, author_pk);
	if (sodium_memcmp(kid, m.author_kid, sizeof kid) != 0)
		return ABRI_ERR_CRYPTO;
	if (kind == ABRI_KIND_REPORT || kind == ABRI_KIND_MESSAGE) {
		abri_hash(thread, author_pk, ABRI_ED25519_PK);
		if (sodium_memcmp(thread, m.thread, sizeof thread) != 0)
			return ABRI_ERR_CRYPTO;
	}
	if (kind == ABRI_KIND_REPORT &&
	    sodium_memcmp(m.reporter_ed25519_pk, author_pk, ABRI_ED25519_PK) != 0)
		return ABRI_ERR_CRYPTO;
	return abri_verify(m.sig, purpose, tenant, pt, abri_inner_signed_len(pt, len), author_pk);
}

/* ---- chain check ---- */

#define CHAIN_REJECTED (ABRI_CHAIN_WRONG_THREAD | ABRI_CHAIN_DUPLICATE | ABRI_CHAIN_OUT_OF_ORDER)

/* Index of the latest earlier item of the same author that entered the
 * author's chain, or -1. Accepted counters of one author only increase,
 * so this is also the one with the highest counter. */
static long last_of_author(const abri_chain_item *items, size_t i)
{
	size_t j;

	for (j = i; j-- > 0;) {
		if (items[j].m && !(items[j].flags & CHAIN_REJECTED) &&
		    memcmp(items[j].m->author_kid, items[i].m->author_kid, ABRI_KEY_ID_BYTES) == 0)
			return (long)j;
	}
	return -1;
}

/* 1 when an earlier accepted item of the same author has this counter. */
static int counter_taken(const abri_chain_item *items, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (items[j].m && !(items[j].flags & CHAIN_REJECTED) &&
		    items[j].m->counter == items[i].m->counter &&
		    memcmp(items[j].m->author_kid, items[i].m->author_kid, ABRI_KEY_ID_BYTES) == 0)
			return 1;
	return 0;
}

static unsigned check_one(abri_chain_item *items, size_t i, const uint8_t thread[32])
{
	static const uint8_t zero[ABRI_HASH_BYTES];
	const abri_inner *m = items[i].m;
	unsigned flags = 0;
	long last;
	size_t j;
	int seen_ok = sodium_is_zero(m->seen, ABRI_HASH_BYTES);

	if (memcmp(m->thread, thread, ABRI_HASH_BYTES) != 0)
		return ABRI_CHAIN_WRONG_THREAD;
	for (j = 0; j < i; j++) {
		if (memcmp(items[j].hash, items[i].hash, ABRI_HASH_BYTES) == 0)
			return ABRI_CHAIN_DUPLICATE;
		if (!seen_ok && memcmp(items[j].hash, m->seen, ABRI_HASH_BYTES) == 0)
			seen_ok = 1;
	}
	if (!seen_ok)
		flags |= ABRI_CHAIN_UNKNOWN_SEEN;
	last = last_of_author(items, i);
	if (last < 0) {
		if (m->counter > 1)
			flags |= ABRI_CHAIN_GAP;
		else if (memcmp(m->prev, zero, ABRI_HASH_BYTES) != 0)
			flags |= ABRI_CHAIN_BAD_PREV;
		return flags;
	}
	if (counter_taken(items, i))
		return flags | ABRI_CHAIN_DUPLICATE;
	if (m->counter < items[last].m->counter)
		return flags | ABRI_CHAIN_OUT_OF_ORDER;
	if (m->counter > items[last].m->counter + 1)
		return flags | ABRI_CHAIN_GAP;
	if (memcmp(m->prev, items[last].hash, ABRI_HASH_BYTES) != 0)
		flags |= ABRI_CHAIN_BAD_PREV;
	return flags;
}

unsigned abri_chain_check(abri_chain_item *items, size_t n, const uint8_t thread[ABRI_HASH_BYTES])
{
	unsigned all = 0;
	size_t i;

	for (i = 0; i < n; i++)
		items[i].flags = 0;
	for (i = 0; i < n; i++) {
		if (!items[i].m)
			items[i].flags = ABRI_CHAIN_WRONG_THREAD; /* nothing to check: not ours */
		else
			items[i].flags = check_one(items, i, thread);
		all |= items[i].flags;
	}
	return all;
}
