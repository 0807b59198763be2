/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The statistics parsers of libabriclient: the first byte picks the
 * parser — even: a taxonomy document (abri_taxonomy_parse); odd: a
 * statistics record (JSON, jansson) checked against a small fixed
 * taxonomy (abri_stats_record_check). Invariant: a record that passes
 * names only codes the taxonomy has. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "abri/client.h"
#include "fuzz.h"

static const char taxonomy_json[] =
    "{\"version\": \"2026.1\","
    " \"kind\": {\"violence.domestic\": {\"en\": \"Domestic violence\", \"fr\": \"Violence conjugale\"},"
    "            \"discrimination.housing\": {\"en\": \"Housing\", \"fr\": \"Logement\"}},"
    " \"context\": {\"family\": {\"en\": \"Family\", \"fr\": \"Famille\"},"
    "               \"housing\": {\"en\": \"Housing\", \"fr\": \"Logement\"}},"
    " \"interpreter\": {\"none\": {\"en\": \"None\", \"fr\": \"Aucun\"}},"
    " \"referral\": {\"police\": {\"en\": \"Police\", \"fr\": \"Police\"},"
    "                \"equality_body\": {\"en\": \"Equality body\", \"fr\": \"Organisme\"}},"
    " \"outcome\": {\"ongoing\": {\"en\": \"Ongoing\", \"fr\": \"En cours\"}}}";

static abri_taxonomy fixed;
static int fixed_ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (!fixed_ready) {
		if (abri_init() != ABRI_OK ||
		    abri_taxonomy_parse(&fixed, taxonomy_json, strlen(taxonomy_json)) != ABRI_OK)
			abort();
		fixed_ready = 1;
	}
	if ((data[0] & 1) == 0) {
		abri_taxonomy t;
		if (abri_taxonomy_parse(&t, (const char *)data + 1, size - 1) == ABRI_OK) {
			if (t.version[0] == '\0')
				abort();
			abri_taxonomy_free(&t);
		}
		return 0;
	}
	json_error_t jerr;
	json_t *rec = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &jerr);
	if (rec == NULL)
		return 0;
	if (abri_stats_record_check(&fixed, rec) == ABRI_OK) {
		const char *kind = json_string_value(json_object_get(rec, "kind"));
		if (kind == NULL || !abri_taxonomy_has(&fixed, "kind", kind))
			abort();
	}
	json_decref(rec);
	return 0;
}
