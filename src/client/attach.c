/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments, client side: encrypt a file and upload it chunk by chunk
 * (POST /v1/uploads, PUT /v1/uploads/{id}/{index}); download one for a
 * listener. The file's plaintext is read 64 KiB at a time, so only the
 * ciphertext is ever held whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "abri/client.h"

/* Reads exactly n bytes (n may be 0). */
static int read_exact(FILE *f, uint8_t *p, size_t n)
{
	return (n == 0 || fread(p, 1, n, f) == n) ? ABRI_OK : ABRI_ERR_IO;
}

/* The whole ciphertext of the file into ct, its hash and size. */
static int encrypt_file(FILE *f, uint64_t size, const uint8_t key[ABRI_ATTACH_KEY_BYTES],
                        abri_buf *ct, uint8_t hash[ABRI_HASH_BYTES])
{
	uint8_t *piece = sodium_malloc(ABRI_ATTACH_CHUNK);
	uint64_t total = abri_attach_ct_len(abri_attach_chunks(size));
	abri_attach_enc e;
	int rc = piece ? ABRI_OK : ABRI_ERR_NOMEM;

	abri_buf_init(ct);
	if (rc == ABRI_OK && (ct->data = malloc((size_t)total)) == NULL)
		rc = ABRI_ERR_NOMEM;
	ct->cap = (rc == ABRI_OK) ? (size_t)total : 0;
	if (rc == ABRI_OK)
		rc = abri_attach_enc_init(&e, key, size, ct->data);
	ct->len = ABRI_ATTACH_HEADER_BYTES;
	for (uint64_t i = 0; rc == ABRI_OK && i < e.chunks; i++) {
		size_t n =
		    (i + 1 == e.chunks) ? (size_t)(size % ABRI_ATTACH_CHUNK) : ABRI_ATTACH_CHUNK;
		rc = read_exact(f, piece, n);
		if (rc == ABRI_OK)
			rc = abri_attach_enc_chunk(&e, piece, n, ct->data + ct->len);
		ct->len += ABRI_ATTACH_CHUNK_CT;
	}
	/* The file must not have grown while it was read. */
	if (rc == ABRI_OK && fgetc(f) != EOF)
		rc = ABRI_ERR_IO;
	if (rc == ABRI_OK)
		rc = abri_attach_enc_final(&e, hash);
	abri_attach_enc_wipe(&e);
	if (piece != NULL)
		sodium_free(piece);
	if (rc != ABRI_OK)
		abri_buf_free(ct);
	return rc;
}

/* POST /v1/uploads with the proof of work; once more with a fresh
 * challenge when abrid says the work must be done again (the difficulty
 * rose in between). The id comes back. */
static int announce(abri_client *c, const abri_buf *ct, const uint8_t hash[ABRI_HASH_BYTES],
                    uint8_t id[ABRI_UPLOAD_ID_BYTES])
{
	char *h64 = abri_b64_encode(ct->data, ABRI_ATTACH_HEADER_BYTES);
	char *x64 = abri_b64_encode(hash, ABRI_HASH_BYTES);
	uint64_t chunks = (ct->len - ABRI_ATTACH_HEADER_BYTES) / ABRI_ATTACH_CHUNK_CT;
	json_t *req = (h64 && x64) ? json_pack("{s:I, s:s, s:s}", "chunks", (json_int_t)chunks,
	                                       "header", h64, "hash", x64)
	                           : NULL;
	json_t *pow = NULL, *ans = NULL;
	int status = 0, rc = req ? ABRI_OK : ABRI_ERR_NOMEM;

	free(h64);
	free(x64);
	for (int works = 0; rc == ABRI_OK; works++) {
		if ((rc = abri_client_pow(c, hash, chunks, &pow)) < 0 ||
		    json_object_set_new(req, "pow", pow) < 0) {
			rc = rc < 0 ? rc : ABRI_ERR_NOMEM;
			break;
		}
		json_decref(ans);
		ans = NULL;
		rc = abri_client_call(c, "POST", "/v1/uploads", req, 0, &status, &ans);
		if (rc != ABRI_OK || works > 0 || !abri_client_needs_work(status, ans))
			break;
	}
	if (rc == ABRI_OK && status == 413)
		rc = ABRI_ERR_TOO_BIG;
	else if (rc == ABRI_OK &&
	         (status != 201 ||
	          abri_b64_decode_exact(json_string_value(json_object_get(ans, "upload")), id,
	                                ABRI_UPLOAD_ID_BYTES) < 0))
		rc = ABRI_CLIENT_ERR_SERVER;
	json_decref(req);
	json_decref(ans);
	return rc;
}

static int put_chunk(abri_client *c, const char *id_url, uint64_t i, const uint8_t *chunk)
{
	char target[96];
	abri_buf out;
	int status = 0, rc = ABRI_OK;

	snprintf(target, sizeof target, "/v1/uploads/%s/%llu", id_url, (unsigned long long)i);
	for (int tries = 0; tries < 2; tries++) {
		rc = abri_client_call_raw(c, "PUT", target, chunk, ABRI_ATTACH_CHUNK_CT,
		                          "application/octet-stream", 0, &status, &out);
		abri_buf_free(&out);
		if (rc != ABRI_CLIENT_ERR_TIMEOUT && rc != ABRI_CLIENT_ERR_TRUNCATED &&
		    rc != ABRI_CLIENT_ERR_CONNECT)
			break;
	}
	if (rc == ABRI_OK && status != 200)
		rc = ABRI_CLIENT_ERR_SERVER;
	return rc;
}

static int send_all_chunks(abri_client *c, const abri_buf *ct, const uint8_t hash[ABRI_HASH_BYTES],
                           uint8_t id[ABRI_UPLOAD_ID_BYTES])
{
	char id_url[ABRI_UPLOAD_ID_URL_CHARS + 1];
	uint64_t chunks = (ct->len - ABRI_ATTACH_HEADER_BYTES) / ABRI_ATTACH_CHUNK_CT;
	int rc = announce(c, ct, hash, id);

	abri_upload_id_url(id_url, id);
	for (uint64_t i = 0; rc == ABRI_OK && i < chunks; i++)
		rc = put_chunk(c, id_url, i,
		               ct->data + ABRI_ATTACH_HEADER_BYTES + i * ABRI_ATTACH_CHUNK_CT);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int abri_attach_upload(abri_client *c, const char *path, const char *type, const char *kind,
                       uint64_t max_bytes, abri_attach_ref *ref)
{
	struct stat st;
	abri_buf ct;
	FILE *f = fopen(path, "rb");
	int rc = f ? ABRI_OK : ABRI_ERR_IO;

	memset(ref, 0, sizeof *ref);
	if (rc == ABRI_OK && (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)))
		rc = ABRI_ERR_IO;
	if (rc == ABRI_OK && max_bytes > 0 &&
	    abri_attach_chunks((uint64_t)st.st_size) * ABRI_ATTACH_CHUNK > max_bytes)
		rc = ABRI_ERR_TOO_BIG;
	if (rc == ABRI_OK) {
		ref->size = (uint64_t)st.st_size;
		ref->chunks = abri_attach_chunks(ref->size);
		crypto_secretstream_xchacha20poly1305_keygen(ref->key);
		rc = encrypt_file(f, ref->size, ref->key, &ct, ref->hash);
	}
	if (f != NULL)
		fclose(f);
	if (rc == ABRI_OK) {
		rc = send_all_chunks(c, &ct, ref->hash, ref->upload);
		/* A mismatch means bytes were damaged on the way: once more. */
		if (rc == ABRI_CLIENT_ERR_SERVER && c->last_status == 409 &&
		    strcmp(c->last_error, "upload_hash_mismatch") == 0)
			rc = send_all_chunks(c, &ct, ref->hash, ref->upload);
		abri_buf_free(&ct);
	}
	if (rc == ABRI_OK) {
		abri_attach_safe_name(base_name(path), ref->name);
		snprintf(ref->type, sizeof ref->type, "%s",
		         type ? type : "application/octet-stream");
		snprintf(ref->kind, sizeof ref->kind, "%s", kind ? kind : "document");
	} else {
		abri_attach_ref_wipe(ref);
	}
	return rc;
}

int abri_attach_download(abri_client *c, const char *case_ref, const abri_attach_ref *ref,
                         abri_buf *ct)
{
	char id_url[ABRI_UPLOAD_ID_URL_CHARS + 1], target[128];
	int status = 0, rc;

	if (!abri_case_ref_valid(case_ref))
		return ABRI_ERR_INVALID;
	abri_upload_id_url(id_url, ref->upload);
	snprintf(target, sizeof target, "/v1/staff/cases/%s/uploads/%s", case_ref, id_url);
	rc = abri_client_call_raw(c, "GET", target, NULL, 0, NULL, 1, &status, ct);
	if (rc == ABRI_OK && status != 200)
		rc = ABRI_CLIENT_ERR_SERVER;
	if (rc != ABRI_OK)
		abri_buf_free(ct);
	return rc;
}
