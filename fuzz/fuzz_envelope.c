/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Structural parse and opening of arbitrary envelopes, with the keys of
 * listener-1 and of the reporter from tests/vectors (so the seed corpus,
 * taken from envelope_open.json, opens and reaches unpadding). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"

static uint8_t l_pk[32], l_sk[32], l_kid[16];
static abri_reporter_keys *rep;

static void init(void)
{
	/* seed of the reporter's reference token (tests/vectors/argon2.json) */
	static const char rep_seed_hex[] =
	    "f8ed63b6b9a9e389ddd5ec3d241c20f6e7b6c00598ed3d809a24c95d08faea91";
	uint8_t seed[32];

	if (abri_init() != 0)
		abort();
	crypto_generichash(seed, 32, (const uint8_t *)"abri-vectors/listener-1/x25519", 30, NULL,
	                   0);
	crypto_box_seed_keypair(l_pk, l_sk, seed);
	abri_key_id(l_kid, ABRI_KID_X25519, l_pk);
	rep = abri_reporter_keys_new();
	if (!rep || sodium_hex2bin(seed, 32, rep_seed_hex, 64, NULL, NULL, NULL) != 0 ||
	    abri_reporter_keys_from_seed(rep, seed) != 0)
		abort();
}

static void try_open(const uint8_t *data, size_t size, const uint8_t *kid, const uint8_t *pk,
                     const uint8_t *sk)
{
	abri_envelope_info info;
	abri_inner m;
	uint8_t *pt = NULL;
	size_t pt_len = 0;

	if (abri_envelope_open(data, size, kid, pk, sk, 1u << 20, &pt, &pt_len, &info) != ABRI_OK) {
		if (pt)
			abort(); /* nothing is returned on failure */
		return;
	}
	if (pt_len >= info.padded_len || abri_bucket(pt_len + 1) != info.padded_len)
		abort();
	if (abri_inner_decode(&m, pt, pt_len) == ABRI_OK && info.kind != ABRI_KIND_SURVEY)
		(void)abri_inner_verify(pt, pt_len, info.kind, info.tenant, rep->ed25519_pk);
	abri_secure_free(pt, pt_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	abri_envelope_info info;

	if (!rep)
		init();
	if (abri_envelope_parse(data, size, 1u << 20, &info) == ABRI_OK) {
		if (info.header_len + 32 + info.body_len != size || info.n_keyed > info.n_stanzas ||
		    !abri_is_bucket(info.padded_len))
			abort();
	}
	try_open(data, size, l_kid, l_pk, l_sk);
	try_open(data, size, NULL, rep->x25519_pk, rep->x25519_sk);
	return 0;
}
