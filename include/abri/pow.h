/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Proof of work on new cases and reporter messages.
 *
 * Challenge (issued by POST /v1/challenge, 57 bytes, base64 in JSON):
 *   expiry u64le | difficulty u8 | random (16)
 *   | BLAKE2b-256(key = challenge key, the 25 bytes before)
 * Solution: a counter (u64) such that
 *   BLAKE2b-256(challenge || BLAKE2b-256(envelope) || counter u64le)
 * starts with at least `difficulty` zero bits (most significant bit of the
 * first byte first). Difficulty 0 accepts any counter. */
#ifndef ABRI_POW_H
#define ABRI_POW_H

#include "abri/common.h"

#define ABRI_CHALLENGE_BYTES 57u
#define ABRI_POW_MAX_DIFFICULTY 32u

int abri_challenge_new(uint8_t out[ABRI_CHALLENGE_BYTES], const uint8_t key[32],
                       uint8_t difficulty, int64_t expiry);
/* Checks the MAC; fills expiry and difficulty. ABRI_ERR_CRYPTO on a bad
 * MAC, ABRI_ERR_EXPIRED when now >= expiry. */
int abri_challenge_check(const uint8_t ch[ABRI_CHALLENGE_BYTES], const uint8_t key[32],
                         int64_t now, int64_t *expiry, uint8_t *difficulty);
/* Number of leading zero bits of the work hash. */
unsigned abri_pow_bits(const uint8_t ch[ABRI_CHALLENGE_BYTES],
                       const uint8_t envelope_hash[ABRI_HASH_BYTES], uint64_t counter);
/* Client: smallest counter meeting difficulty. */
uint64_t abri_pow_solve(const uint8_t ch[ABRI_CHALLENGE_BYTES],
                        const uint8_t envelope_hash[ABRI_HASH_BYTES], uint8_t difficulty);

#endif
