/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Differential: abrid's request reader (src/abrid/jsonread.c) against
 * jansson's json_loadb(JSON_REJECT_DUPLICATES), the reference it stands in
 * for. On every input both must refuse, or both must give an object and
 * the two must be equal; the diagnostic variant must agree with the plain
 * one, and when it says the only fault is an integer out of range,
 * jansson's first error must be a numeric overflow. Also checks the fast
 * base64 decoder against the constant-time one on every string the input
 * holds. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"
#include "jsonread.h"

static void b64_agree(const json_t *s)
{
	const char *v = json_string_value(s);
	size_t n = json_string_length(s);
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int ra, rb;

	/* abri_b64_decode reads a C string: no NUL inside (jansson and the
	 * reader refuse \u0000 anyway). */
	ra = (strlen(v) == n) ? abri_b64_decode(v, &a, &alen) : ABRI_ERR_INVALID;
	rb = abri_b64_decode_public(v, n, &b, &blen);
	if (ra != rb || alen != blen || (ra == ABRI_OK && alen > 0 && memcmp(a, b, alen) != 0))
		abort();
	free(a);
	free(b);
}

static void walk(const json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j))
		b64_agree(j);
	else if (json_is_object(j))
		json_object_foreach((json_t *)j, k, v) walk(v);
	else if (json_is_array(j))
		json_array_foreach(j, i, v) walk(v);
}

static json_t *without_nul(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	size_t n = 0;
	json_t *j;

	if (copy == NULL)
		abort();
	for (size_t i = 0; i < size; i++)
		if (data[i] != 0)
			copy[n++] = (char)data[i];
	j = jsonread_object(copy, n);
	free(copy);
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	struct jsonread_diag diag;
	json_t *ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	json_t *got = jsonread_object((const char *)data, size);
	json_t *got2 = jsonread_object_diag((const char *)data, size, &diag);

	if ((got == NULL) != (got2 == NULL) || (got != NULL && !json_equal(got, got2)) ||
	    (got2 != NULL && diag.int_range) ||
	    (diag.int_range && (ref != NULL || json_error_code(&err) != json_error_numeric_overflow)) ||
	    (diag.int_range && !diag.key_truncated && diag.key_len > sizeof diag.key))
		abort();
	json_decref(got2);

	if (ref != NULL && !json_is_object(ref)) {
		json_decref(ref);
		ref = NULL;
	}
	/* The one deliberate difference (jsonread.h): jansson drops a NUL
	 * byte that follows a number or a word; the reader refuses it. Then
	 * the same input without its NUL bytes must read as jansson's. */
	if (ref != NULL && got == NULL && memchr(data, 0, size) != NULL)
		got = without_nul(data, size);
	if ((ref == NULL) != (got == NULL) || (ref != NULL && !json_equal(ref, got)))
		abort();
	if (got != NULL)
		walk(got);
	json_decref(ref);
	json_decref(got);
	return 0;
}
