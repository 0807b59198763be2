/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Proof of work on new cases, reporter messages and uploads.
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
/* Uploads (POST /v1/uploads, bound to the hash of the whole ciphertext):
 * the work must reach difficulty + ABRI_POW_UPLOAD_BITS + ceil(log2
 * chunks) zero bits, where difficulty is the challenge's. So the work
 * doubles with each doubling of the announced size, and even at
 * difficulty 0 an upload costs 2^12 hashes per 64 KiB chunk or so: the
 * client computes the target from the challenge; abrid checks it against
 * the announced chunk count. chunks 0 counts as 1. At most 32 + 12 + 32. */
#define ABRI_POW_UPLOAD_BITS 12u
unsigned abri_pow_upload_bits(unsigned difficulty, uint64_t chunks);
/* Client: smallest counter meeting difficulty. */
uint64_t abri_pow_solve(const uint8_t ch[ABRI_CHALLENGE_BYTES],
                        const uint8_t envelope_hash[ABRI_HASH_BYTES], uint8_t difficulty);

#endif
