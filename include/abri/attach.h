/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments (docs/protocol.md, Attachments): one file encrypted with
 * crypto_secretstream_xchacha20poly1305 under a fresh 32-byte key.
 *
 *   plaintext  = the file cut into pieces of exactly 65536 bytes; the last
 *                piece (the remainder, empty when the size is a multiple of
 *                65536) is sodium_pad'ded (block size 65536) to 65536 bytes,
 *                so n = floor(size / 65536) + 1 chunks of 65536 bytes each
 *   ciphertext = header (24) || chunk_0 || ... || chunk_{n-1}, each chunk
 *                the push of 65536 bytes, no additional data, tag MESSAGE
 *                for all but the last, tag FINAL for the last: 65553 bytes
 *   length     = 24 + n * 65553
 *   hash       = BLAKE2b-256 (unkeyed) of the whole ciphertext
 *
 * Key, hash, size and chunk count travel in the referencing envelope's
 * body ("attachments": [...]); the server only ever sees the ciphertext.
 * The streaming API works chunk by chunk, so a file is never held twice. */
#ifndef ABRI_ATTACH_H
#define ABRI_ATTACH_H

#include <jansson.h>
#include <sodium.h>

#include "abri/common.h"

#define ABRI_ATTACH_KEY_BYTES    32u
#define ABRI_ATTACH_HEADER_BYTES 24u
#define ABRI_ATTACH_CHUNK        65536u /* plaintext bytes per chunk */
#define ABRI_ATTACH_CHUNK_CT     65553u /* ciphertext bytes per chunk (+ 17) */
#define ABRI_UPLOAD_ID_BYTES     16u
#define ABRI_UPLOAD_ID_URL_CHARS 22u /* base64url, no padding */
/* Largest chunk count any party accepts (2^20 chunks = 64 GiB): keeps the
 * size arithmetic far from overflow whatever a peer claims. */
#define ABRI_ATTACH_MAX_CHUNKS (1u << 20)
#define ABRI_ATTACH_NAME_MAX   128u /* characters of the display name */
#define ABRI_ATTACH_TYPE_MAX   127u /* bytes of the media type */

/* n = floor(size / 65536) + 1. */
uint64_t abri_attach_chunks(uint64_t size);
/* 24 + chunks * 65553. */
uint64_t abri_attach_ct_len(uint64_t chunks);

/* Streaming encryption of one file of `size` bytes. */
typedef struct abri_attach_enc {
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_generichash_state hs;
	uint64_t size, fed, chunks, index;
} abri_attach_enc;

/* Starts the stream: header (24 bytes) out, hashed. The key must be fresh
 * (crypto_secretstream_xchacha20poly1305_keygen). ABRI_ERR_TOO_BIG when the
 * size needs more than ABRI_ATTACH_MAX_CHUNKS chunks. */
int abri_attach_enc_init(abri_attach_enc *e, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                         uint64_t size, uint8_t header[ABRI_ATTACH_HEADER_BYTES]);
/* Encrypts the next chunk: in_len must be 65536 for every chunk but the
 * last, and the remaining size (0..65535) for the last. out gets 65553
 * bytes. ABRI_ERR_INVALID on a wrong length or a chunk past the last. */
int abri_attach_enc_chunk(abri_attach_enc *e, const uint8_t *in, size_t in_len,
                          uint8_t out[ABRI_ATTACH_CHUNK_CT]);
/* After the last chunk: the hash of the whole ciphertext. Wipes the state
 * (also on error: ABRI_ERR_INVALID when chunks are missing). */
int abri_attach_enc_final(abri_attach_enc *e, uint8_t hash[ABRI_HASH_BYTES]);
void abri_attach_enc_wipe(abri_attach_enc *e);

/* Whole file in memory (tests, small files): *ct malloc'd. */
int abri_attach_encrypt(const uint8_t key[ABRI_ATTACH_KEY_BYTES], const uint8_t *pt, size_t size,
                        abri_buf *ct, uint8_t hash[ABRI_HASH_BYTES]);

/* Streaming decryption; the caller checked the hash of the whole
 * ciphertext first (abri_attach_open does). */
typedef struct abri_attach_dec {
	crypto_secretstream_xchacha20poly1305_state st;
	uint64_t size, chunks, index;
} abri_attach_dec;

int abri_attach_dec_init(abri_attach_dec *d, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                         const uint8_t header[ABRI_ATTACH_HEADER_BYTES], uint64_t size);
/* Decrypts the next 65553-byte chunk into out (65536 bytes); *out_len is
 * 65536 for every chunk but the last, the remainder for the last.
 * ABRI_ERR_CRYPTO on a forged chunk, a wrong tag (FINAL before the last,
 * not FINAL at the last), bad padding or a size mismatch. */
int abri_attach_dec_chunk(abri_attach_dec *d, const uint8_t in[ABRI_ATTACH_CHUNK_CT],
                          uint8_t out[ABRI_ATTACH_CHUNK], size_t *out_len);
void abri_attach_dec_wipe(abri_attach_dec *d);

/* Output of abri_attach_open: gets each piece of plaintext in order;
 * returns 0 or a negative abri_err (which stops the decryption). */
typedef int (*abri_attach_sink)(void *cls, const uint8_t *p, size_t n);

/* Checks, in this order: ct_len == 24 + chunks * 65553 and chunks ==
 * abri_attach_chunks(size) (ABRI_ERR_INVALID), the hash (ABRI_ERR_CRYPTO),
 * then decrypts chunk by chunk into sink (ABRI_ERR_CRYPTO on any failure).
 * A sink may have received plaintext before a later chunk fails: the
 * caller discards it (abri show writes to a temporary file). */
int abri_attach_open(const uint8_t *ct, size_t ct_len, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                     const uint8_t hash[ABRI_HASH_BYTES], uint64_t size, uint64_t chunks,
                     abri_attach_sink sink, void *cls);

/* An entry of the envelope body's "attachments" array:
 * {"upload": b64(16), "name": "...", "type": "...", "size": N, "chunks": n,
 *  "key": b64(32), "hash": b64(32), "kind": "photo"|"voice"|"document"} */
typedef struct abri_attach_ref {
	uint8_t upload[ABRI_UPLOAD_ID_BYTES];
	char name[ABRI_ATTACH_NAME_MAX * 4 + 1]; /* as sent: sanitise before use */
	char type[ABRI_ATTACH_TYPE_MAX + 1];
	char kind[16];
	uint64_t size, chunks;
	uint8_t key[ABRI_ATTACH_KEY_BYTES];
	uint8_t hash[ABRI_HASH_BYTES];
} abri_attach_ref;

/* Parses and checks one entry: every field present with its type, base64
 * lengths, name 1..128 characters of valid UTF-8 without control
 * characters, type 1..127 printable ASCII bytes, kind one of the three,
 * chunks == abri_attach_chunks(size) <= ABRI_ATTACH_MAX_CHUNKS. Unknown
 * keys are ignored. ABRI_ERR_INVALID otherwise. */
int abri_attach_ref_parse(const json_t *o, abri_attach_ref *out);
/* The JSON object of an entry (NULL on allocation failure). */
json_t *abri_attach_ref_json(const abri_attach_ref *r);
/* Wipes the key. */
void abri_attach_ref_wipe(abri_attach_ref *r);

/* A file name safe to create from a display name: ASCII letters, digits,
 * '.', '-', '_' kept, anything else (each UTF-8 sequence) becomes '_',
 * leading dots dropped, at most 64 bytes, "file" when nothing is left.
 * out must hold 65 bytes. */
void abri_attach_safe_name(const char *name, char out[65]);

/* Upload ids in URLs: base64url without padding, exactly 22 characters
 * (canonical: the unused low bits must be zero). */
void abri_upload_id_url(char out[ABRI_UPLOAD_ID_URL_CHARS + 1],
                        const uint8_t id[ABRI_UPLOAD_ID_BYTES]);
int abri_upload_id_from_url(const char *s, uint8_t id[ABRI_UPLOAD_ID_BYTES]);

#endif
