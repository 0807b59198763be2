/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabri internals shared between its source files, the test programs and
 * the vector generator. Not installed, not part of the protocol contract. */
#ifndef ABRI_INTERNAL_H
#define ABRI_INTERNAL_H

#include "abri/abri.h"

/* Deterministic envelope sealing for known-answer vectors: the caller
 * supplies the envelope key K and the AEAD nonce instead of fresh random
 * ones. crypto_box_seal inside the stanzas stays randomised. Never use it
 * outside tests and tools: each K must encrypt exactly once. */
int abri_envelope_seal_det(abri_buf *out, uint8_t kind, const char *tenant, uint32_t list_version,
                           const abri_stanza_to *to, size_t n_to,
                           const uint8_t reporter_pk[ABRI_X25519_PK], const uint8_t *plaintext,
                           size_t pt_len, size_t max_padded, const uint8_t K[32],
                           const uint8_t nonce[ABRI_ENV_NONCE_BYTES]);

/* A display name: valid UTF-8, 1..ABRI_NAME_MAX bytes, no C0/C1 control
 * character and no DEL. 1 when valid. */
int abri_name_valid(const char *s, size_t len);

/* Strict UTF-8 decoding of one code point at s[*pos] (no overlongs, no
 * surrogates, nothing above U+10FFFF). Advances *pos. -1 when invalid. */
int32_t abri_utf8_next(const uint8_t *s, size_t len, size_t *pos);
/* 1 if s[0..n) holds a byte >= 0x80, looking at every byte whatever it
 * finds (for base64 of secrets: libsodium 1.0.18 takes some of those
 * bytes for letters). */
int abri_has_high_byte(const char *s, size_t n);

/* Number of bytes of the inner message that its signature covers (the
 * first eight fields); 0 if pt does not hold nine well-formed fields. */
size_t abri_inner_signed_len(const uint8_t *pt, size_t len);

/* Checked decimal parse of an int64 (digits only, no sign, no leading
 * zero except "0"). */
int abri_parse_i64(const char *s, int64_t *out);

/* Attachment encryption with a chosen secretstream header, for the
 * known-answer vectors only (tests/vectors/attach.json): init_pull sets up
 * exactly the state init_push would for that header. A header must never
 * be reused with a key. */
int abri_attach_enc_init_det(abri_attach_enc *e, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                             uint64_t size, const uint8_t header[ABRI_ATTACH_HEADER_BYTES]);

#endif
