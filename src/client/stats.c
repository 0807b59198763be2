/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Statistics: the coding taxonomy, statistics records and the monthly
 * batch sealed to the auditors (docs/protocol.md, Statistics batch). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/client.h"

static const char *const dims[] = {"kind", "context", "interpreter", "referral", "outcome"};

static int labels_ok(const json_t *labels)
{
	return json_is_object(labels) && json_is_string(json_object_get(labels, "en")) &&
	       json_is_string(json_object_get(labels, "fr"));
}

int abri_taxonomy_parse(abri_taxonomy *t, const char *text, size_t len)
{
	json_error_t jerr;
	const char *key, *v;
	json_t *val;

	memset(t, 0, sizeof *t);
	t->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	v = json_string_value(json_object_get(t->doc, "version"));
	if (v == NULL || v[0] == '\0' || strlen(v) >= sizeof t->version)
		goto bad;
	memcpy(t->version, v, strlen(v) + 1);
	for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
		json_t *d = json_object_get(t->doc, dims[i]);
		if (!json_is_object(d) || json_object_size(d) == 0)
			goto bad;
		json_object_foreach(d, key, val) if (key[0] == '\0' || !labels_ok(val)) goto bad;
	}
	return ABRI_OK;
bad:
	abri_taxonomy_free(t);
	return ABRI_ERR_INVALID;
}

int abri_taxonomy_load(abri_taxonomy *t, const char *path)
{
	uint8_t *d;
	size_t len;
	int rc = abri_file_read(path, ABRI_TAXONOMY_MAX, &d, &len);

	memset(t, 0, sizeof *t);
	if (rc < 0)
		return rc;
	rc = abri_taxonomy_parse(t, (const char *)d, len);
	free(d);
	return rc;
}

void abri_taxonomy_free(abri_taxonomy *t)
{
	json_decref(t->doc);
	memset(t, 0, sizeof *t);
}

static int iso639(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

int abri_taxonomy_has(const abri_taxonomy *t, const char *dim, const char *code)
{
	if (t->doc == NULL || code == NULL)
		return 0;
	if (json_object_get(json_object_get(t->doc, dim), code) != NULL)
		return 1;
	return strcmp(dim, "interpreter") == 0 && iso639(code);
}

const char *abri_taxonomy_label(const abri_taxonomy *t, const char *dim, const char *code,
                                const char *lang)
{
	json_t *l = json_object_get(json_object_get(t->doc, dim), code);
	const char *s = json_string_value(json_object_get(l, lang));
	return s != NULL ? s : json_string_value(json_object_get(l, "en"));
}

int abri_month_valid(const char *s)
{
	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return 0;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int month = (s[5] - '0') * 10 + (s[6] - '0');
	return s[0] >= '2' && month >= 1 && month <= 12;
}

/* An array of distinct referral codes; 1 if valid. */
static int referrals_ok(const abri_taxonomy *t, const json_t *a)
{
	size_t i, j;
	json_t *v;
	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v)
	{
		if (!abri_taxonomy_has(t, "referral", json_string_value(v)))
			return 0;
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(a, j), v))
				return 0;
	}
	return 1;
}

static int contains(const json_t *a, const json_t *v)
{
	size_t i;
	json_t *w;
	json_array_foreach(a, i, w) if (json_equal(w, v)) return 1;
	return 0;
}

static int journey_ok(const abri_taxonomy *t, const json_t *j)
{
	const json_t *consent = json_object_get(j, "consent"),
	             *referred = json_object_get(j, "referred");
	size_t i;
	json_t *v;

	if (!json_is_object(j) || json_object_size(j) != 6 ||
	    !json_is_boolean(json_object_get(j, "listened")) ||
	    !json_is_boolean(json_object_get(j, "informed")) ||
	    !json_is_boolean(json_object_get(j, "complaint_filed")) ||
	    !abri_taxonomy_has(t, "outcome", json_string_value(json_object_get(j, "outcome"))) ||
	    !referrals_ok(t, consent) || !referrals_ok(t, referred))
		return 0;
	/* Nothing is referred without consent. */
	json_array_foreach(referred, i, v) if (!contains(consent, v)) return 0;
	return 1;
}

int abri_stats_record_check(const abri_taxonomy *t, const json_t *rec)
{
	json_t *v = json_object_get(rec, "v");
	const char *tax = json_string_value(json_object_get(rec, "taxonomy"));

	if (!json_is_object(rec) || json_object_size(rec) != 7 || !json_is_integer(v) ||
	    json_integer_value(v) != ABRI_STATS_RECORD_V || tax == NULL ||
	    strcmp(tax, t->version) != 0 ||
	    !abri_month_valid(json_string_value(json_object_get(rec, "month"))) ||
	    !abri_taxonomy_has(t, "kind", json_string_value(json_object_get(rec, "kind"))) ||
	    !abri_taxonomy_has(t, "context", json_string_value(json_object_get(rec, "context"))) ||
	    !abri_taxonomy_has(t, "interpreter",
	                       json_string_value(json_object_get(rec, "interpreter"))) ||
	    !journey_ok(t, json_object_get(rec, "journey")))
		return ABRI_ERR_INVALID;
	return ABRI_OK;
}

int abri_json_shuffle(json_t *array)
{
	size_t n = json_array_size(array);
	if (!json_is_array(array) || n > UINT32_MAX)
		return ABRI_ERR_INVALID;
	for (size_t i = n; i > 1; i--) {
		size_t j = randombytes_uniform((uint32_t)i);
		json_t *a = json_incref(json_array_get(array, i - 1));
		json_t *b = json_incref(json_array_get(array, j));
		if (json_array_set_new(array, i - 1, b) < 0 || json_array_set_new(array, j, a) < 0)
			return ABRI_ERR_NOMEM;
	}
	return ABRI_OK;
}

int abri_stats_batch_seal(abri_buf *env, const char *tenant, const abri_recipients *list,
                          const abri_keypair *author, const char *month,
                          const char *taxonomy_version, const json_t *records, size_t max_padded)
{
	static const uint8_t zero[ABRI_HASH_BYTES];
	json_t *body = json_pack("{s:s, s:s, s:O}", "month", month, "taxonomy", taxonomy_version,
	                         "records", records);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc;

	abri_buf_init(env);
	json_decref(body);
	if (text == NULL)
		return ABRI_ERR_NOMEM;
	abri_compose c = {
	    .kind = ABRI_KIND_STATS,
	    .tenant = tenant,
	    .list = list,
	    .thread = zero,
	    .author_kid = author->ed_kid,
	    .author_sk = author->ed25519_sk,
	    .chain = {.counter = 1},
	    .body = text,
	    .body_len = strlen(text),
	    .max_padded = max_padded,
	    .to_role = ABRI_ROLE_AUDITOR,
	};
	rc = abri_compose_seal(env, &c); /* ABRI_ERR_INVALID: no auditor */
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

uint32_t abri_stats_batch_list_version(const uint8_t *env, size_t len, size_t max_padded)
{
	abri_envelope_info info;
	if (abri_envelope_parse(env, len, max_padded, &info) < 0)
		return 0;
	return info.list_version;
}

static int inner_check(const uint8_t *pt, size_t pt_len, const char *tenant,
                       const abri_recipients *list, json_t **body, abri_member *author)
{
	static const uint8_t zero[ABRI_HASH_BYTES];
	json_error_t jerr;
	abri_inner m;
	const abri_member *who;

	if (abri_inner_decode(&m, pt, pt_len) < 0 || m.list_version != list->version ||
	    m.counter != 1 || m.has_reporter_keys || sodium_memcmp(m.thread, zero, sizeof zero) ||
	    sodium_memcmp(m.prev, zero, sizeof zero) || sodium_memcmp(m.seen, zero, sizeof zero))
		return ABRI_ERR_INVALID;
	who = abri_recipients_by_ed_kid(list, m.author_kid);
	if (who == NULL || who->role != ABRI_ROLE_LISTENER ||
	    abri_inner_verify(pt, pt_len, ABRI_KIND_STATS, tenant, who->ed25519_pk) < 0)
		return ABRI_ERR_CRYPTO;
	*body = json_loadb((const char *)m.body, m.body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(*body) || !json_is_array(json_object_get(*body, "records")) ||
	    !abri_month_valid(json_string_value(json_object_get(*body, "month")))) {
		json_decref(*body);
		*body = NULL;
		return ABRI_ERR_INVALID;
	}
	if (author != NULL)
		*author = *who;
	return ABRI_OK;
}

int abri_stats_batch_open(const uint8_t *env, size_t len, const char *tenant,
                          const abri_keypair *auditor, const abri_recipients *list,
                          size_t max_padded, json_t **body, abri_member *author)
{
	abri_envelope_info info;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int rc;

	*body = NULL;
	if (abri_envelope_parse(env, len, max_padded, &info) < 0 || info.kind != ABRI_KIND_STATS ||
	    info.has_reporter_stanza || strcmp(info.tenant, tenant) != 0 ||
	    info.list_version != list->version)
		return ABRI_ERR_INVALID;
	rc = abri_envelope_open(env, len, auditor->x_kid, auditor->x25519_pk, auditor->x25519_sk,
	                        max_padded, &pt, &pt_len, &info);
	if (rc < 0)
		return rc;
	rc = inner_check(pt, pt_len, tenant, list, body, author);
	abri_secure_free(pt, pt_len);
	return rc;
}
