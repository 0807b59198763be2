/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments: round trips over the size boundaries, every way a stored
 * ciphertext can be damaged, the reference parser, safe names and upload
 * ids. The known-answer file tests/vectors/attach.json is checked by
 * test_vectors. */
#include <sodium.h>

#include "abri/abri.h"
#include "t.h"

typedef struct sink_buf {
	abri_buf b;
	size_t fail_after; /* 0 = never */
} sink_buf;

static int to_buf(void *cls, const uint8_t *p, size_t n)
{
	sink_buf *s = cls;
	if (s->fail_after != 0 && s->b.len + n > s->fail_after)
		return ABRI_ERR_IO;
	return abri_buf_append(&s->b, p, n);
}

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n + 1);
	CHECK(p != NULL);
	randombytes_buf(p, n);
	return p;
}

static int open_ct(const abri_buf *ct, const uint8_t *key, const uint8_t *hash, uint64_t size,
                   sink_buf *s)
{
	abri_buf_init(&s->b);
	return abri_attach_open(ct->data, ct->len, key, hash, size, abri_attach_chunks(size),
	                        to_buf, s);
}

static void round_trip(size_t size)
{
	uint8_t key[32], hash[32];
	uint8_t *pt = pattern(size);
	abri_buf ct;
	sink_buf s = {0};

	crypto_secretstream_xchacha20poly1305_keygen(key);
	CHECK_EQ(abri_attach_encrypt(key, pt, size, &ct, hash), ABRI_OK);
	CHECK_EQ(ct.len, abri_attach_ct_len(abri_attach_chunks(size)));
	CHECK_EQ(ct.len, 24 + (size / 65536 + 1) * 65553);
	CHECK_EQ(open_ct(&ct, key, hash, size, &s), ABRI_OK);
	CHECK_EQ(s.b.len, size);
	CHECK(size == 0 || memcmp(s.b.data, pt, size) == 0);
	abri_buf_free(&s.b);
	abri_buf_free(&ct);
	free(pt);
}

/* Hash recomputed after the damage, so decryption itself must catch it. */
static int open_rehashed(abri_buf *ct, const uint8_t *key, uint64_t size, uint64_t chunks)
{
	uint8_t hash[32];
	sink_buf s = {0};
	int rc;

	abri_hash(hash, ct->data, ct->len);
	abri_buf_init(&s.b);
	rc = abri_attach_open(ct->data, ct->len, key, hash, size, chunks, to_buf, &s);
	abri_buf_free(&s.b);
	return rc;
}

/* A stream built chunk by chunk with a chosen tag sequence (to forge a
 * missing FINAL or an extra chunk with a valid key). */
static void forge(abri_buf *ct, const uint8_t *key, const uint8_t *tags, size_t n, size_t last_len)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t buf[65536], out[65553];
	size_t padded;

	abri_buf_init(ct);
	CHECK(abri_buf_append(ct, NULL, 0) == 0);
	uint8_t header[24];
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	CHECK(abri_buf_append(ct, header, 24) == 0);
	for (size_t i = 0; i < n; i++) {
		memset(buf, (int)i, sizeof buf);
		if (i + 1 == n)
			CHECK(sodium_pad(&padded, buf, last_len, 65536, sizeof buf) == 0);
		crypto_secretstream_xchacha20poly1305_push(&st, out, NULL, buf, sizeof buf, NULL, 0,
		                                           tags[i]);
		CHECK(abri_buf_append(ct, out, sizeof out) == 0);
	}
}

static void damage(void)
{
	const uint8_t M = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
	const uint8_t F = crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	uint8_t key[32], hash[32];
	size_t size = 3 * 65536 + 10;
	uint8_t *pt = pattern(size);
	abri_buf ct, copy;
	sink_buf s = {0};

	crypto_secretstream_xchacha20poly1305_keygen(key);
	CHECK_EQ(abri_attach_encrypt(key, pt, size, &ct, hash), ABRI_OK);
	/* tampered chunk: the hash catches it first; rehashed, the MAC does */
	ct.data[24 + 65553 + 100] ^= 1;
	CHECK_EQ(open_ct(&ct, key, hash, size, &s), ABRI_ERR_CRYPTO);
	abri_buf_free(&s.b);
	CHECK_EQ(open_rehashed(&ct, key, size, 4), ABRI_ERR_CRYPTO);
	ct.data[24 + 65553 + 100] ^= 1;
	/* truncated: a length that is not 24 + n * 65553, or a chunk short */
	CHECK_EQ(abri_attach_open(ct.data, ct.len - 1, key, hash, size, 4, to_buf, &s),
	         ABRI_ERR_INVALID);
	CHECK_EQ(
	    open_rehashed(&(abri_buf){ct.data, ct.len - 65553, ct.cap}, key, 2 * 65536 + 10, 3),
	    ABRI_ERR_CRYPTO); /* the third chunk is MESSAGE, not FINAL */
	/* wrong size claimed: chunk count mismatch, or padding mismatch */
	CHECK_EQ(abri_attach_open(ct.data, ct.len, key, hash, size + 65536, 4, to_buf, &s),
	         ABRI_ERR_INVALID);
	CHECK_EQ(open_rehashed(&ct, key, size - 1, 4), ABRI_ERR_CRYPTO);
	/* reordered chunks */
	abri_buf_init(&copy);
	CHECK(abri_buf_append(&copy, ct.data, ct.len) == 0);
	memcpy(copy.data + 24, ct.data + 24 + 65553, 65553);
	memcpy(copy.data + 24 + 65553, ct.data + 24, 65553);
	CHECK_EQ(open_rehashed(&copy, key, size, 4), ABRI_ERR_CRYPTO);
	abri_buf_free(&copy);
	/* wrong key */
	uint8_t other[32];
	crypto_secretstream_xchacha20poly1305_keygen(other);
	CHECK_EQ(open_ct(&ct, other, hash, size, &s), ABRI_ERR_CRYPTO);
	abri_buf_free(&s.b);
	/* a sink that fails stops the decryption with its error */
	abri_buf_init(&s.b);
	s.fail_after = 65536;
	CHECK_EQ(abri_attach_open(ct.data, ct.len, key, hash, size, 4, to_buf, &s), ABRI_ERR_IO);
	abri_buf_free(&s.b);
	abri_buf_free(&ct);
	/* missing FINAL: every chunk MESSAGE */
	forge(&ct, key, (const uint8_t[]){M, M}, 2, 5);
	CHECK_EQ(open_rehashed(&ct, key, 65536 + 5, 2), ABRI_ERR_CRYPTO);
	abri_buf_free(&ct);
	/* FINAL too early, then an extra chunk */
	forge(&ct, key, (const uint8_t[]){F, M}, 2, 5);
	CHECK_EQ(open_rehashed(&ct, key, 65536 + 5, 2), ABRI_ERR_CRYPTO);
	abri_buf_free(&ct);
	/* extra chunk after FINAL: the length no longer matches the size */
	forge(&ct, key, (const uint8_t[]){F, M}, 2, 5);
	CHECK_EQ(open_rehashed(&ct, key, 5, 1), ABRI_ERR_INVALID);
	abri_buf_free(&ct);
	/* a well-forged stream opens (the forger is right) */
	forge(&ct, key, (const uint8_t[]){M, F}, 2, 5);
	CHECK_EQ(open_rehashed(&ct, key, 65536 + 5, 2), ABRI_OK);
	abri_buf_free(&ct);
	free(pt);
}

static void streaming_api(void)
{
	uint8_t key[32], header[24], out[65553], hash[32], piece[65536] = {0};
	abri_attach_enc e;

	crypto_secretstream_xchacha20poly1305_keygen(key);
	CHECK_EQ(abri_attach_enc_init(&e, key, 65536 + 3, header), ABRI_OK);
	CHECK_EQ(e.chunks, 2);
	CHECK_EQ(abri_attach_enc_chunk(&e, piece, 3, out), ABRI_ERR_INVALID); /* not last */
	CHECK_EQ(abri_attach_enc_chunk(&e, piece, 65536, out), ABRI_OK);
	CHECK_EQ(abri_attach_enc_chunk(&e, piece, 4, out), ABRI_ERR_INVALID); /* wrong rest */
	CHECK_EQ(abri_attach_enc_chunk(&e, piece, 3, out), ABRI_OK);
	CHECK_EQ(abri_attach_enc_chunk(&e, piece, 0, out), ABRI_ERR_INVALID); /* past the end */
	CHECK_EQ(abri_attach_enc_final(&e, hash), ABRI_OK);
	CHECK_EQ(abri_attach_enc_init(&e, key, 10, header), ABRI_OK);
	CHECK_EQ(abri_attach_enc_final(&e, hash), ABRI_ERR_INVALID); /* chunk missing */
	CHECK_EQ(abri_attach_enc_init(&e, key, (uint64_t)ABRI_ATTACH_MAX_CHUNKS * 65536, header),
	         ABRI_ERR_TOO_BIG);
	CHECK_EQ(abri_attach_chunks(0), 1);
	CHECK_EQ(abri_attach_chunks(65535), 1);
	CHECK_EQ(abri_attach_chunks(65536), 2);
	CHECK_EQ(abri_attach_ct_len(2), 24 + 2 * 65553);
}

static json_t *ref_json(void)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "upload",
	                 "AAECAwQFBgcICQoLDA0ODw==", "name", "photo-1.jpg", "type", "image/jpeg",
	                 "size", 70000, "chunks", 2, "key",
	                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "hash",
	                 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=", "kind", "photo");
}

static void ref_bad(const char *key, json_t *value)
{
	abri_attach_ref r;
	json_t *o = ref_json();
	if (value == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, value);
	CHECK_EQ(abri_attach_ref_parse(o, &r), ABRI_ERR_INVALID);
	json_decref(o);
}

static void reference(void)
{
	abri_attach_ref r, r2;
	json_t *o = ref_json(), *back;
	char name[600];

	CHECK_EQ(abri_attach_ref_parse(o, &r), ABRI_OK);
	CHECK_STR(r.name, "photo-1.jpg");
	CHECK_EQ(r.size, 70000);
	CHECK_EQ(r.upload[15], 15);
	back = abri_attach_ref_json(&r);
	CHECK(back != NULL && json_equal(back, o));
	CHECK_EQ(abri_attach_ref_parse(back, &r2), ABRI_OK);
	json_decref(back);
	json_decref(o);
	ref_bad("upload", NULL);
	ref_bad("upload", json_string("AAEC"));
	ref_bad("chunks", json_integer(3));
	ref_bad("size", json_integer(-1));
	ref_bad("size", json_string("70000"));
	ref_bad("kind", json_string("video"));
	ref_bad("key", json_string("AAAA"));
	ref_bad("hash", json_null());
	ref_bad("name", json_string(""));
	ref_bad("name", json_string("a\nb"));
	ref_bad("name", json_string("a\xc2\x85")); /* C1 NEL */
	ref_bad("name", json_stringn("a\0b", 3));
	ref_bad("type", json_string("image/jpeg; x"));
	memset(name, 'a', 129);
	name[129] = '\0';
	ref_bad("name", json_string(name));
	for (int i = 0; i < 128; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2); /* 128 characters, 256 bytes: fine */
	name[256] = '\0';
	o = ref_json();
	json_object_set_new(o, "name", json_string(name));
	CHECK_EQ(abri_attach_ref_parse(o, &r), ABRI_OK);
	json_decref(o);
}

static void safe_names(void)
{
	char out[65];
	static const char *const cases[][2] = {
	    {"photo-1.jpg", "photo-1.jpg"},
	    {"../../etc/passwd", "_.._etc_passwd"},
	    {"..", "file"},
	    {"", "file"},
	    {".bashrc", "bashrc"},
	    {"a/b\\c d", "a_b_c_d"},
	    {"r\xc3\xa9sum\xc3\xa9.pdf", "r_sum_.pdf"},
	    {"x\xff", "x_"},
	    {"\xe2\x80\xaegpj.exe", "_gpj.exe"}, /* RLO */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		abri_attach_safe_name(cases[i][0], out);
		CHECK_STR(out, cases[i][1]);
	}
	char longn[300];
	memset(longn, 'x', 299);
	longn[299] = '\0';
	abri_attach_safe_name(longn, out);
	CHECK_EQ(strlen(out), 64);
}

static void upload_ids(void)
{
	uint8_t id[16], back[16];
	char url[23];

	for (int i = 0; i < 200; i++) {
		randombytes_buf(id, sizeof id);
		abri_upload_id_url(url, id);
		CHECK_EQ(strlen(url), 22);
		CHECK(strchr(url, '+') == NULL && strchr(url, '/') == NULL);
		CHECK_EQ(abri_upload_id_from_url(url, back), ABRI_OK);
		CHECK_MEM(back, id, 16);
	}
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAAAB", back), ABRI_ERR_INVALID);
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAAAA", back), ABRI_OK);
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAAA", back), ABRI_ERR_INVALID);
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAAAAA", back), ABRI_ERR_INVALID);
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAA+A", back), ABRI_ERR_INVALID);
	CHECK_EQ(abri_upload_id_from_url("AAAAAAAAAAAAAAAAAAAA==", back), ABRI_ERR_INVALID);
	/* libsodium 1.0.18 alone would take a byte >= 0x80 for a letter. */
	CHECK_EQ(abri_upload_id_from_url("\x80" "AAAAAAAAAAAAAAAAAAAAA", back), ABRI_ERR_INVALID);
}

int main(void)
{
	static const size_t sizes[] = {0,     1,      100,    65535,  65536,
	                               65537, 131071, 131072, 131073, 3 * 65536 + 1};

	CHECK(abri_init() == 0);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		round_trip(sizes[i]);
	for (int i = 0; i < 20; i++)
		round_trip(randombytes_uniform(300000));
	streaming_api();
	damage();
	reference();
	safe_names();
	upload_ids();
	printf("test_attach: ok\n");
	return 0;
}
