/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Proof of work (layout in include/abri/pow.h).
 *
 * Offsets in a challenge: expiry 0..7 (u64le, unix seconds), difficulty 8,
 * random 9..24, MAC 25..56 = BLAKE2b-256(key = challenge key, bytes 0..24).
 * Work hash = BLAKE2b-256(challenge (57) || envelope hash (32) || u64le). */
#include <string.h>

#include <sodium.h>

#include "abri/pow.h"

#define CH_MAC_OFF 25u

int abri_challenge_new(uint8_t out[ABRI_CHALLENGE_BYTES], const uint8_t key[32], uint8_t difficulty,
                       int64_t expiry)
{
	if (difficulty > ABRI_POW_MAX_DIFFICULTY || expiry < 0)
		return ABRI_ERR_INVALID;
	abri_store_u64le(out, (uint64_t)expiry);
	out[8] = difficulty;
	randombytes_buf(out + 9, 16);
	crypto_generichash(out + CH_MAC_OFF, 32, out, CH_MAC_OFF, key, 32);
	return ABRI_OK;
}

int abri_challenge_check(const uint8_t ch[ABRI_CHALLENGE_BYTES], const uint8_t key[32], int64_t now,
                         int64_t *expiry, uint8_t *difficulty)
{
	uint8_t mac[32];
	uint64_t e;

	crypto_generichash(mac, sizeof mac, ch, CH_MAC_OFF, key, 32);
	if (crypto_verify_32(mac, ch + CH_MAC_OFF) != 0)
		return ABRI_ERR_CRYPTO;
	e = abri_load_u64le(ch);
	if (e > (uint64_t)INT64_MAX || ch[8] > ABRI_POW_MAX_DIFFICULTY)
		return ABRI_ERR_INVALID; /* we never issue these */
	*expiry = (int64_t)e;
	*difficulty = ch[8];
	return now >= (int64_t)e ? ABRI_ERR_EXPIRED : ABRI_OK;
}

unsigned abri_pow_bits(const uint8_t ch[ABRI_CHALLENGE_BYTES],
                       const uint8_t envelope_hash[ABRI_HASH_BYTES], uint64_t counter)
{
	crypto_generichash_state st;
	uint8_t h[32], c[8];
	unsigned bits = 0;
	size_t i;

	abri_store_u64le(c, counter);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, ch, ABRI_CHALLENGE_BYTES);
	crypto_generichash_update(&st, envelope_hash, ABRI_HASH_BYTES);
	crypto_generichash_update(&st, c, sizeof c);
	crypto_generichash_final(&st, h, sizeof h);
	for (i = 0; i < sizeof h; i++) {
		uint8_t b = h[i];
		if (b) {
			while (!(b & 0x80)) {
				b <<= 1;
				bits++;
			}
			return bits;
		}
		bits += 8;
	}
	return bits;
}

unsigned abri_pow_upload_bits(unsigned difficulty, uint64_t chunks)
{
	unsigned log2_up = 0;

	while (log2_up < 64 && ((uint64_t)1 << log2_up) < chunks)
		log2_up++;
	return difficulty + ABRI_POW_UPLOAD_BITS + log2_up;
}

uint64_t abri_pow_solve(const uint8_t ch[ABRI_CHALLENGE_BYTES],
                        const uint8_t envelope_hash[ABRI_HASH_BYTES], uint8_t difficulty)
{
	uint64_t c = 0;

	while (abri_pow_bits(ch, envelope_hash, c) < difficulty)
		c++;
	return c;
}
