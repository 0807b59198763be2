/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments: secretstream file encryption, its size arithmetic and the
 * reference an envelope body carries (include/abri/attach.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/attach.h"
#include "internal.h"

#define TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL   crypto_secretstream_xchacha20poly1305_TAG_FINAL

_Static_assert(ABRI_ATTACH_CHUNK_CT ==
                   ABRI_ATTACH_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES,
               "chunk ciphertext size");
_Static_assert(ABRI_ATTACH_HEADER_BYTES == crypto_secretstream_xchacha20poly1305_HEADERBYTES,
               "header size");
_Static_assert(ABRI_ATTACH_KEY_BYTES == crypto_secretstream_xchacha20poly1305_KEYBYTES, "key size");

uint64_t abri_attach_chunks(uint64_t size)
{
	return size / ABRI_ATTACH_CHUNK + 1;
}

uint64_t abri_attach_ct_len(uint64_t chunks)
{
	return ABRI_ATTACH_HEADER_BYTES + chunks * (uint64_t)ABRI_ATTACH_CHUNK_CT;
}

/* ---------------- encryption ---------------- */

int abri_attach_enc_init(abri_attach_enc *e, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                         uint64_t size, uint8_t header[ABRI_ATTACH_HEADER_BYTES])
{
	memset(e, 0, sizeof *e);
	if (abri_attach_chunks(size) > ABRI_ATTACH_MAX_CHUNKS)
		return ABRI_ERR_TOO_BIG;
	e->size = size;
	e->chunks = abri_attach_chunks(size);
	if (crypto_secretstream_xchacha20poly1305_init_push(&e->st, header, key) != 0 ||
	    crypto_generichash_init(&e->hs, NULL, 0, ABRI_HASH_BYTES) != 0 ||
	    crypto_generichash_update(&e->hs, header, ABRI_ATTACH_HEADER_BYTES) != 0) {
		abri_attach_enc_wipe(e);
		return ABRI_ERR_CRYPTO;
	}
	return ABRI_OK;
}

int abri_attach_enc_init_det(abri_attach_enc *e, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                             uint64_t size, const uint8_t header[ABRI_ATTACH_HEADER_BYTES])
{
	memset(e, 0, sizeof *e);
	if (abri_attach_chunks(size) > ABRI_ATTACH_MAX_CHUNKS)
		return ABRI_ERR_TOO_BIG;
	e->size = size;
	e->chunks = abri_attach_chunks(size);
	if (crypto_secretstream_xchacha20poly1305_init_pull(&e->st, header, key) != 0 ||
	    crypto_generichash_init(&e->hs, NULL, 0, ABRI_HASH_BYTES) != 0 ||
	    crypto_generichash_update(&e->hs, header, ABRI_ATTACH_HEADER_BYTES) != 0) {
		abri_attach_enc_wipe(e);
		return ABRI_ERR_CRYPTO;
	}
	return ABRI_OK;
}

int abri_attach_enc_chunk(abri_attach_enc *e, const uint8_t *in, size_t in_len,
                          uint8_t out[ABRI_ATTACH_CHUNK_CT])
{
	uint8_t buf[ABRI_ATTACH_CHUNK];
	size_t padded;
	int last, rc = ABRI_OK;

	if (e->index >= e->chunks)
		return ABRI_ERR_INVALID;
	last = (e->index + 1 == e->chunks);
	if (in_len != (last ? (size_t)(e->size - e->fed) : ABRI_ATTACH_CHUNK) ||
	    (in_len > 0 && in == NULL))
		return ABRI_ERR_INVALID;
	if (in_len > 0)
		memcpy(buf, in, in_len);
	/* The last piece is always shorter than a block (0..65535), so the
	 * padded length is exactly one block. */
	if (last && (sodium_pad(&padded, buf, in_len, ABRI_ATTACH_CHUNK, sizeof buf) != 0 ||
	             padded != ABRI_ATTACH_CHUNK))
		rc = ABRI_ERR_INTERNAL;
	if (rc == ABRI_OK &&
	    (crypto_secretstream_xchacha20poly1305_push(&e->st, out, NULL, buf, sizeof buf, NULL, 0,
	                                                last ? TAG_FINAL : TAG_MESSAGE) != 0 ||
	     crypto_generichash_update(&e->hs, out, ABRI_ATTACH_CHUNK_CT) != 0))
		rc = ABRI_ERR_CRYPTO;
	sodium_memzero(buf, sizeof buf);
	if (rc == ABRI_OK) {
		e->fed += in_len;
		e->index++;
	}
	return rc;
}

int abri_attach_enc_final(abri_attach_enc *e, uint8_t hash[ABRI_HASH_BYTES])
{
	int rc = (e->index == e->chunks && e->chunks > 0) ? ABRI_OK : ABRI_ERR_INVALID;

	if (rc == ABRI_OK && crypto_generichash_final(&e->hs, hash, ABRI_HASH_BYTES) != 0)
		rc = ABRI_ERR_CRYPTO;
	abri_attach_enc_wipe(e);
	return rc;
}

void abri_attach_enc_wipe(abri_attach_enc *e)
{
	sodium_memzero(e, sizeof *e);
}

int abri_attach_encrypt(const uint8_t key[ABRI_ATTACH_KEY_BYTES], const uint8_t *pt, size_t size,
                        abri_buf *ct, uint8_t hash[ABRI_HASH_BYTES])
{
	abri_attach_enc e;
	uint64_t total = abri_attach_ct_len(abri_attach_chunks(size));
	int rc;

	abri_buf_init(ct);
	if (abri_attach_chunks(size) > ABRI_ATTACH_MAX_CHUNKS)
		return ABRI_ERR_TOO_BIG;
	if ((ct->data = malloc((size_t)total)) == NULL)
		return ABRI_ERR_NOMEM;
	ct->cap = (size_t)total;
	rc = abri_attach_enc_init(&e, key, size, ct->data);
	ct->len = ABRI_ATTACH_HEADER_BYTES;
	for (uint64_t i = 0; rc == ABRI_OK && i < e.chunks; i++) {
		size_t off = (size_t)i * ABRI_ATTACH_CHUNK;
		size_t n = (i + 1 == e.chunks) ? size - off : ABRI_ATTACH_CHUNK;
		rc = abri_attach_enc_chunk(&e, n > 0 ? pt + off : NULL, n, ct->data + ct->len);
		ct->len += ABRI_ATTACH_CHUNK_CT;
	}
	if (rc == ABRI_OK)
		rc = abri_attach_enc_final(&e, hash);
	abri_attach_enc_wipe(&e);
	if (rc != ABRI_OK)
		abri_buf_free(ct);
	return rc;
}

/* ---------------- decryption ---------------- */

int abri_attach_dec_init(abri_attach_dec *d, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                         const uint8_t header[ABRI_ATTACH_HEADER_BYTES], uint64_t size)
{
	memset(d, 0, sizeof *d);
	if (abri_attach_chunks(size) > ABRI_ATTACH_MAX_CHUNKS)
		return ABRI_ERR_TOO_BIG;
	d->size = size;
	d->chunks = abri_attach_chunks(size);
	if (crypto_secretstream_xchacha20poly1305_init_pull(&d->st, header, key) != 0) {
		abri_attach_dec_wipe(d);
		return ABRI_ERR_CRYPTO;
	}
	return ABRI_OK;
}

int abri_attach_dec_chunk(abri_attach_dec *d, const uint8_t in[ABRI_ATTACH_CHUNK_CT],
                          uint8_t out[ABRI_ATTACH_CHUNK], size_t *out_len)
{
	unsigned long long mlen;
	unsigned char tag;
	size_t unpadded;
	int last;

	*out_len = 0;
	if (d->index >= d->chunks)
		return ABRI_ERR_CRYPTO; /* an extra chunk */
	last = (d->index + 1 == d->chunks);
	if (crypto_secretstream_xchacha20poly1305_pull(&d->st, out, &mlen, &tag, in,
	                                               ABRI_ATTACH_CHUNK_CT, NULL, 0) != 0 ||
	    mlen != ABRI_ATTACH_CHUNK || tag != (last ? TAG_FINAL : TAG_MESSAGE))
		goto bad;
	if (last) {
		if (sodium_unpad(&unpadded, out, ABRI_ATTACH_CHUNK, ABRI_ATTACH_CHUNK) != 0 ||
		    unpadded != d->size % ABRI_ATTACH_CHUNK)
			goto bad;
		*out_len = unpadded;
	} else {
		*out_len = ABRI_ATTACH_CHUNK;
	}
	d->index++;
	return ABRI_OK;
bad:
	sodium_memzero(out, ABRI_ATTACH_CHUNK);
	return ABRI_ERR_CRYPTO;
}

void abri_attach_dec_wipe(abri_attach_dec *d)
{
	sodium_memzero(d, sizeof *d);
}

int abri_attach_open(const uint8_t *ct, size_t ct_len, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                     const uint8_t hash[ABRI_HASH_BYTES], uint64_t size, uint64_t chunks,
                     abri_attach_sink sink, void *cls)
{
	uint8_t h[ABRI_HASH_BYTES], *out;
	abri_attach_dec d;
	size_t n;
	int rc;

	if (chunks != abri_attach_chunks(size) || chunks > ABRI_ATTACH_MAX_CHUNKS ||
	    (uint64_t)ct_len != abri_attach_ct_len(chunks))
		return ABRI_ERR_INVALID;
	abri_hash(h, ct, ct_len);
	if (sodium_memcmp(h, hash, ABRI_HASH_BYTES) != 0)
		return ABRI_ERR_CRYPTO;
	if ((out = sodium_malloc(ABRI_ATTACH_CHUNK)) == NULL)
		return ABRI_ERR_NOMEM;
	rc = abri_attach_dec_init(&d, key, ct, size);
	for (uint64_t i = 0; rc == ABRI_OK && i < chunks; i++) {
		const uint8_t *c = ct + ABRI_ATTACH_HEADER_BYTES + i * ABRI_ATTACH_CHUNK_CT;
		rc = abri_attach_dec_chunk(&d, c, out, &n);
		if (rc == ABRI_OK && n > 0)
			rc = sink(cls, out, n);
	}
	abri_attach_dec_wipe(&d);
	sodium_free(out);
	return rc;
}

/* ---------------- the reference in an envelope body ---------------- */

static const char *const kinds[] = {"photo", "voice", "document"};

/* 1..128 code points of valid UTF-8, no C0, DEL or C1 control. */
static int display_name_ok(const char *s, size_t len)
{
	size_t pos = 0, n = 0;

	if (len == 0 || len > ABRI_ATTACH_NAME_MAX * 4)
		return 0;
	while (pos < len) {
		int32_t c = abri_utf8_next((const uint8_t *)s, len, &pos);
		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || ++n > ABRI_ATTACH_NAME_MAX)
			return 0;
	}
	return 1;
}

static int media_type_ok(const char *s, size_t len)
{
	if (len == 0 || len > ABRI_ATTACH_TYPE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return 0;
	return 1;
}

static int get_str(const json_t *o, const char *k, char *dst, size_t dst_size,
                   int (*ok)(const char *, size_t))
{
	const json_t *v = json_object_get(o, k);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (s == NULL || len >= dst_size || memchr(s, 0, len) != NULL || !ok(s, len))
		return -1;
	memcpy(dst, s, len + 1);
	return 0;
}

static int get_uint(const json_t *o, const char *k, uint64_t max, uint64_t *out)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_b64(const json_t *o, const char *k, uint8_t *dst, size_t n)
{
	const char *s = json_string_value(json_object_get(o, k));
	return (s == NULL || abri_b64_decode_exact(s, dst, n) < 0) ? -1 : 0;
}

static int kind_ok(const char *s, size_t len)
{
	(void)len;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i]) == 0)
			return 1;
	return 0;
}

int abri_attach_ref_parse(const json_t *o, abri_attach_ref *out)
{
	const uint64_t max_size = (uint64_t)ABRI_ATTACH_MAX_CHUNKS * ABRI_ATTACH_CHUNK - 1;

	memset(out, 0, sizeof *out);
	if (!json_is_object(o) || get_b64(o, "upload", out->upload, sizeof out->upload) < 0 ||
	    get_str(o, "name", out->name, sizeof out->name, display_name_ok) < 0 ||
	    get_str(o, "type", out->type, sizeof out->type, media_type_ok) < 0 ||
	    get_str(o, "kind", out->kind, sizeof out->kind, kind_ok) < 0 ||
	    get_uint(o, "size", max_size, &out->size) < 0 ||
	    get_uint(o, "chunks", ABRI_ATTACH_MAX_CHUNKS, &out->chunks) < 0 ||
	    out->chunks != abri_attach_chunks(out->size) ||
	    get_b64(o, "key", out->key, sizeof out->key) < 0 ||
	    get_b64(o, "hash", out->hash, sizeof out->hash) < 0) {
		abri_attach_ref_wipe(out);
		return ABRI_ERR_INVALID;
	}
	return ABRI_OK;
}

json_t *abri_attach_ref_json(const abri_attach_ref *r)
{
	char *up = abri_b64_encode(r->upload, sizeof r->upload);
	char *key = abri_b64_encode(r->key, sizeof r->key);
	char *hash = abri_b64_encode(r->hash, sizeof r->hash);
	json_t *o = NULL;

	if (up && key && hash)
		o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "upload", up, "name",
		              r->name, "type", r->type, "size", (json_int_t)r->size, "chunks",
		              (json_int_t)r->chunks, "key", key, "hash", hash, "kind", r->kind);
	free(up);
	if (key != NULL) {
		sodium_memzero(key, strlen(key));
		free(key);
	}
	free(hash);
	return o;
}

void abri_attach_ref_wipe(abri_attach_ref *r)
{
	sodium_memzero(r, sizeof *r);
}

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

void abri_attach_safe_name(const char *name, char out[65])
{
	size_t n = 0, len = strlen(name), pos = 0;

	while (pos < len && n < 64) {
		unsigned char c = (unsigned char)name[pos];
		if (c < 0x80) {
			pos++;
			if (n == 0 && c == '.')
				continue; /* no hidden file, no "..", no "." */
			out[n++] = name_char(c) ? (char)c : '_';
			continue;
		}
		/* One '_' per UTF-8 sequence (or per invalid byte). */
		size_t before = pos;
		if (abri_utf8_next((const uint8_t *)name, len, &pos) < 0)
			pos = before + 1;
		out[n++] = '_';
	}
	out[n] = '\0';
	if (n == 0)
		memcpy(out, "file", 5);
}

void abri_upload_id_url(char out[ABRI_UPLOAD_ID_URL_CHARS + 1],
                        const uint8_t id[ABRI_UPLOAD_ID_BYTES])
{
	(void)sodium_bin2base64(out, ABRI_UPLOAD_ID_URL_CHARS + 1, id, ABRI_UPLOAD_ID_BYTES,
	                        sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int abri_upload_id_from_url(const char *s, uint8_t id[ABRI_UPLOAD_ID_BYTES])
{
	size_t bin_len;
	const char *end;

	if (strlen(s) != ABRI_UPLOAD_ID_URL_CHARS || abri_has_high_byte(s, ABRI_UPLOAD_ID_URL_CHARS) ||
	    sodium_base642bin(id, ABRI_UPLOAD_ID_BYTES, s, ABRI_UPLOAD_ID_URL_CHARS, NULL, &bin_len,
	                      &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    bin_len != ABRI_UPLOAD_ID_BYTES || *end != '\0')
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}
