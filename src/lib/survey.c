/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Survey codes and survey answers (include/abri/survey.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/envelope.h"
#include "abri/survey.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const char *const abri_survey_questions[ABRI_SURVEY_QUESTIONS] = {
    "listened", "informed", "language", "safe", "recommend", "overall"};

static const char *const three[] = {"yes", "partly", "no", NULL};
static const char *const recommend[] = {"yes", "no", "unsure", NULL};
static const char *const overall[] = {"1", "2", "3", "4", "5", NULL};

const char *const *abri_survey_choices(const char *q)
{
	if (q == NULL)
		return NULL;
	if (strcmp(q, "recommend") == 0)
		return recommend;
	if (strcmp(q, "overall") == 0)
		return overall;
	for (size_t i = 0; i < 4; i++)
		if (strcmp(q, abri_survey_questions[i]) == 0)
			return three;
	return NULL;
}

void abri_survey_code_new(char out[ABRI_SURVEY_CODE_CHARS + 1])
{
	for (size_t i = 0; i < ABRI_SURVEY_CODE_CHARS; i++)
		out[i] = crockford[randombytes_uniform(32)];
	out[ABRI_SURVEY_CODE_CHARS] = '\0';
}

int abri_survey_code_valid(const char *s)
{
	if (s == NULL || strlen(s) != ABRI_SURVEY_CODE_CHARS)
		return 0;
	for (size_t i = 0; i < ABRI_SURVEY_CODE_CHARS; i++)
		if (s[i] == '\0' || memchr(crockford, s[i], 32) == NULL)
			return 0;
	return 1;
}

/* One typed character: its canonical form, 0 to drop it, -1 if invalid. */
static int canon(char c)
{
	if (c == ' ' || c == '-')
		return 0;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		return '0';
	if (c == 'I' || c == 'L')
		return '1';
	return (c != '\0' && memchr(crockford, c, 32) != NULL) ? c : -1;
}

int abri_survey_code_normalise(const char *in, char out[ABRI_SURVEY_CODE_CHARS + 1])
{
	size_t n = 0;
	if (in == NULL)
		return ABRI_ERR_INVALID;
	for (const char *p = in; *p != '\0'; p++) {
		int c = canon(*p);
		if (c < 0 || (c > 0 && n == ABRI_SURVEY_CODE_CHARS))
			return ABRI_ERR_INVALID;
		if (c > 0)
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == ABRI_SURVEY_CODE_CHARS ? ABRI_OK : ABRI_ERR_INVALID;
}

void abri_survey_code_group(char out[ABRI_SURVEY_CODE_GROUPED + 1],
                            const char code[ABRI_SURVEY_CODE_CHARS + 1])
{
	size_t n = 0;
	for (size_t i = 0; i < ABRI_SURVEY_CODE_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			out[n++] = '-';
		out[n++] = code[i];
	}
	out[n] = '\0';
}

static int answer_ok(const char *q, const json_t *v)
{
	const char *const *choices = abri_survey_choices(q);
	if (choices == NULL)
		return 0;
	if (strcmp(q, "overall") == 0)
		return json_is_integer(v) && json_integer_value(v) >= 1 &&
		       json_integer_value(v) <= 5;
	for (size_t i = 0; json_is_string(v) && choices[i] != NULL; i++)
		if (strcmp(json_string_value(v), choices[i]) == 0)
			return 1;
	return 0;
}

int abri_survey_doc_check(const json_t *doc)
{
	const json_t *v = json_object_get(doc, "survey"), *a = json_object_get(doc, "answers");
	const char *q;
	json_t *x;

	if (!json_is_object(doc) || json_object_size(doc) != 2 || !json_is_integer(v) ||
	    json_integer_value(v) != ABRI_SURVEY_V || !json_is_object(a))
		return ABRI_ERR_INVALID;
	json_object_foreach((json_t *)a, q, x) if (!answer_ok(q, x)) return ABRI_ERR_INVALID;
	return ABRI_OK;
}

int abri_survey_plaintext_parse(const uint8_t *pt, size_t len, json_t **out)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)pt, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = doc != NULL ? abri_survey_doc_check(doc) : ABRI_ERR_INVALID;

	if (rc == ABRI_OK && out != NULL)
		*out = doc;
	else
		json_decref(doc);
	return rc;
}

int abri_survey_seal(abri_buf *env, const char *tenant, const abri_recipients *list,
                     const json_t *answers, size_t max_padded)
{
	abri_stanza_to *to = calloc(ABRI_RECIPIENTS_MAX, sizeof *to);
	json_t *doc = json_pack("{s:i, s:O}", "survey", ABRI_SURVEY_V, "answers", answers);
	char *text = NULL;
	size_t n = 0;
	int rc = ABRI_ERR_NOMEM;

	abri_buf_init(env);
	if (to == NULL || doc == NULL)
		goto out;
	rc = ABRI_ERR_INVALID;
	if (abri_survey_doc_check(doc) != ABRI_OK)
		goto out;
	for (size_t i = 0; i < list->n; i++) {
		if (list->m[i].role != ABRI_ROLE_AUDITOR)
			continue;
		memcpy(to[n].kid, list->m[i].x_kid, ABRI_KEY_ID_BYTES);
		memcpy(to[n++].x25519_pk, list->m[i].x25519_pk, ABRI_X25519_PK);
	}
	text = json_dumps(doc, JSON_COMPACT);
	if (n > 0 && text != NULL)
		rc = abri_envelope_seal(env, ABRI_KIND_SURVEY, tenant, list->version, to, n, NULL,
		                        (const uint8_t *)text, strlen(text), max_padded);
out:
	if (text != NULL) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	json_decref(doc);
	free(to);
	return rc;
}

int abri_survey_open(const uint8_t *env, size_t len, const char *tenant,
                     const uint8_t kid[ABRI_KEY_ID_BYTES], const uint8_t x_pk[ABRI_X25519_PK],
                     const uint8_t x_sk[ABRI_X25519_SK], size_t max_padded, json_t **doc)
{
	abri_envelope_info info;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int rc;

	*doc = NULL;
	if (abri_envelope_parse(env, len, max_padded, &info) < 0 || info.kind != ABRI_KIND_SURVEY ||
	    info.has_reporter_stanza || strcmp(info.tenant, tenant) != 0)
		return ABRI_ERR_INVALID;
	rc = abri_envelope_open(env, len, kid, x_pk, x_sk, max_padded, &pt, &pt_len, &info);
	if (rc < 0)
		return rc;
	rc = abri_survey_plaintext_parse(pt, pt_len, doc);
	abri_secure_free(pt, pt_len);
	return rc;
}
