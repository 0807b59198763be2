/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* pow.c: challenges and proof of work. */
#include <sodium.h>

#include "abri/abri.h"
#include "t.h"

int main(void)
{
	uint8_t key[32], key2[32], ch[ABRI_CHALLENGE_BYTES], eh[32], mac[32];
	int64_t exp = 0;
	uint8_t diff = 0;
	uint64_t c;
	size_t i;
	unsigned d;

	CHECK_EQ(abri_init(), ABRI_OK);
	randombytes_buf(key, 32);
	randombytes_buf(key2, 32);
	randombytes_buf(eh, 32);
	CHECK_EQ(abri_challenge_new(ch, key, 8, 1000), ABRI_OK);
	CHECK(abri_load_u64le(ch) == 1000);
	CHECK_EQ(ch[8], 8);
	crypto_generichash(mac, 32, ch, 25, key, 32);
	CHECK_MEM(ch + 25, mac, 32);
	CHECK_EQ(abri_challenge_check(ch, key, 999, &exp, &diff), ABRI_OK);
	CHECK_EQ(exp, 1000);
	CHECK_EQ(diff, 8);
	CHECK_EQ(abri_challenge_check(ch, key, 1000, &exp, &diff), ABRI_ERR_EXPIRED);
	CHECK_EQ(abri_challenge_check(ch, key2, 999, &exp, &diff), ABRI_ERR_CRYPTO);
	for (i = 0; i < ABRI_CHALLENGE_BYTES; i++) {
		ch[i] ^= 1;
		CHECK_EQ(abri_challenge_check(ch, key, 999, &exp, &diff), ABRI_ERR_CRYPTO);
		ch[i] ^= 1;
	}
	CHECK_EQ(abri_challenge_new(ch, key, 33, 1000), ABRI_ERR_INVALID);
	CHECK_EQ(abri_challenge_new(ch, key, 1, -1), ABRI_ERR_INVALID);
	/* Fresh randomness in each challenge. */
	{
		uint8_t ch2[ABRI_CHALLENGE_BYTES];
		CHECK_EQ(abri_challenge_new(ch, key, 8, 1000), ABRI_OK);
		CHECK_EQ(abri_challenge_new(ch2, key, 8, 1000), ABRI_OK);
		CHECK(memcmp(ch + 9, ch2 + 9, 16) != 0);
	}
	/* Solving. */
	CHECK(abri_pow_solve(ch, eh, 0) == 0);
	for (d = 1; d <= 12; d++) {
		c = abri_pow_solve(ch, eh, (uint8_t)d);
		CHECK(abri_pow_bits(ch, eh, c) >= d);
		for (uint64_t j = 0; j < c; j++)
			CHECK(abri_pow_bits(ch, eh, j) < d); /* smallest */
	}
	/* pow_bits matches a direct computation. */
	{
		uint8_t in[57 + 32 + 8], h[32];
		unsigned bits = 0;
		memcpy(in, ch, 57);
		memcpy(in + 57, eh, 32);
		abri_store_u64le(in + 89, 12345);
		crypto_generichash(h, 32, in, sizeof in, NULL, 0);
		for (i = 0; i < 256 && !(h[i / 8] & (0x80 >> (i % 8))); i++)
			bits++;
		CHECK_EQ(abri_pow_bits(ch, eh, 12345), bits);
	}
	/* A different envelope needs its own work. */
	c = abri_pow_solve(ch, eh, 10);
	eh[0] ^= 1;
	CHECK(abri_pow_bits(ch, eh, c) < 10 || abri_pow_solve(ch, eh, 10) == c);
	return 0;
}
