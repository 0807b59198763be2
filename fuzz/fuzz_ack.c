/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The acknowledgement file and body (include/abri/ack.h): the first byte
 * picks the parser — 0 mod 3: an acknowledgement file
 * (abri_ack_file_parse); 1: an "ack" body object (abri_ack_check);
 * 2: an ISO week or a date (abri_week_monday, abri_date_valid).
 * Invariants: a parsed file names a valid tenant, a list version >= 1
 * equal to its inner message's, and dumps back to a file that parses to
 * the same inner bytes; a week's Monday is a valid date. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "abri/ack.h"
#include "fuzz.h"

static void file_case(const uint8_t *data, size_t size)
{
	abri_ack_file f, g;
	if (abri_ack_file_parse(&f, (const char *)data, size) != ABRI_OK)
		return;
	if (!abri_tenant_valid(f.tenant) || f.list_version < 1 ||
	    f.m.list_version != f.list_version || f.m.has_reporter_keys)
		abort();
	char *text = abri_ack_file_dump(f.tenant, f.list_version, f.inner, f.inner_len);
	if (text == NULL || abri_ack_file_parse(&g, text, strlen(text)) != ABRI_OK ||
	    g.inner_len != f.inner_len || memcmp(g.inner, f.inner, f.inner_len) != 0)
		abort();
	free(text);
	abri_ack_file_free(&g);
	abri_ack_file_free(&f);
}

static void body_case(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *a = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (a != NULL && abri_ack_check(a) == ABRI_OK &&
	    !abri_case_ref_valid(json_string_value(json_object_get(a, "case_ref"))))
		abort();
	json_decref(a);
}

static void date_case(const uint8_t *data, size_t size)
{
	char s[32], monday[11];
	if (size >= sizeof s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (abri_week_monday(s, monday) == ABRI_OK && !abri_date_valid(monday))
		abort();
	(void)abri_date_valid(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (abri_init() != ABRI_OK)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: file_case(data + 1, size - 1); break;
	case 1: body_case(data + 1, size - 1); break;
	default: date_case(data + 1, size - 1); break;
	}
	return 0;
}
