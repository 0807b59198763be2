/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments on arbitrary bytes. The first byte picks the part:
 *   0: abrid's upload URL arguments ("ID/INDEX") and chunk framing;
 *   1: an envelope body (JSON): its "attachments" references (parse,
 *      re-serialise, parse again: the same) with their safe file names,
 *      and a submission's "uploads" field;
 *   2: attachment decryption: key (32) | size (u64le) | ciphertext, the
 *      hash taken from the ciphertext so the chunks are really opened.
 * Anything else is folded onto these. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"
#include "upload.h"

static void target(const uint8_t *d, size_t n)
{
	char buf[128], *slash;
	uint8_t id[ABRI_UPLOAD_ID_BYTES];
	int64_t idx = -1;

	if (n >= sizeof buf)
		return;
	memcpy(buf, d, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (upload_target_parse(buf, slash, id, slash ? &idx : NULL) == EC_NONE && slash != NULL) {
		if (idx < 0 || idx >= (int64_t)ABRI_ATTACH_MAX_CHUNKS)
			abort();
		(void)upload_chunk_check(idx, n, idx + 1);
	}
}

static void same_ref(const abri_attach_ref *a, const abri_attach_ref *b)
{
	if (memcmp(a->upload, b->upload, sizeof a->upload) != 0 || strcmp(a->name, b->name) != 0 ||
	    strcmp(a->type, b->type) != 0 || strcmp(a->kind, b->kind) != 0 || a->size != b->size ||
	    a->chunks != b->chunks || memcmp(a->key, b->key, sizeof a->key) != 0 ||
	    memcmp(a->hash, b->hash, sizeof a->hash) != 0)
		abort();
}

static void body(const uint8_t *d, size_t n)
{
	uint8_t ids[10][ABRI_UPLOAD_ID_BYTES];
	json_t *doc = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES, NULL), *v;
	abri_attach_ref r, r2;
	char safe[65];
	size_t i, k;

	if (doc == NULL)
		return;
	json_array_foreach(json_object_get(doc, "attachments"), i, v)
	{
		if (abri_attach_ref_parse(v, &r) != ABRI_OK)
			continue;
		json_t *back = abri_attach_ref_json(&r);
		if (back == NULL || abri_attach_ref_parse(back, &r2) != ABRI_OK)
			abort();
		same_ref(&r, &r2);
		json_decref(back);
		abri_attach_safe_name(r.name, safe);
		if (safe[0] == '\0' || safe[0] == '.' || strchr(safe, '/') != NULL ||
		    strlen(safe) > 64)
			abort();
	}
	if (upload_ids_parse(json_object_get(doc, "uploads"), 10, ids, &k) == EC_NONE && k > 10)
		abort();
	json_decref(doc);
}

static int sink(void *cls, const uint8_t *p, size_t n)
{
	(void)p;
	*(size_t *)cls += n;
	return 0;
}

static void decrypt(const uint8_t *d, size_t n)
{
	uint8_t hash[ABRI_HASH_BYTES];
	size_t got = 0;
	uint64_t size;

	if (n < 40)
		return;
	size = abri_load_u64le(d + 32) % (4u * ABRI_ATTACH_CHUNK);
	abri_hash(hash, d + 40, n - 40);
	if (abri_attach_open(d + 40, n - 40, d, hash, size, abri_attach_chunks(size), sink, &got) ==
	        ABRI_OK &&
	    got != size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;

	if (!initialised) {
		if (abri_init() != 0)
			abort();
		initialised = 1;
	}
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0: target(data + 1, size - 1); break;
	case 1: body(data + 1, size - 1); break;
	default: decrypt(data + 1, size - 1); break;
	}
	return 0;
}
