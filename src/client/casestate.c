/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What a listener's workstation remembers of each case (include/abri/caseview.h):
 * envelope hashes seen, the count, this key's own chain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/caseview.h"

#define STATE_MAX (16u * 1024u * 1024u)

static int state_path(const char *state_dir, const char *ref, char *out, size_t n, int dir_only)
{
	int len = dir_only ? snprintf(out, n, "%s/cases", state_dir)
	                   : snprintf(out, n, "%s/cases/%s.json", state_dir, ref);
	return (state_dir == NULL || len < 0 || (size_t)len >= n || !abri_case_ref_valid(ref))
	           ? ABRI_ERR_INVALID
	           : ABRI_OK;
}

int abri_casestate_load(const char *state_dir, const char *ref, json_t **doc)
{
	char path[4096];
	uint8_t *d;
	size_t len;
	json_error_t jerr;
	int rc;

	*doc = NULL;
	if ((rc = state_path(state_dir, ref, path, sizeof path, 0)) < 0)
		return rc;
	rc = abri_file_read(path, STATE_MAX, &d, &len);
	if (rc == ABRI_ERR_IO && errno == ENOENT) {
		*doc = json_object();
		return *doc ? ABRI_OK : ABRI_ERR_NOMEM;
	}
	if (rc < 0)
		return rc;
	*doc = json_loadb((const char *)d, len, JSON_REJECT_DUPLICATES, &jerr);
	free(d);
	if (*doc == NULL || !json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		return ABRI_ERR_INVALID;
	}
	return ABRI_OK;
}

int abri_casestate_save(const char *state_dir, const char *ref, const json_t *doc)
{
	char path[4096], dir[4096];
	int rc = state_path(state_dir, ref, path, sizeof path, 0);
	if (rc == ABRI_OK)
		rc = state_path(state_dir, ref, dir, sizeof dir, 1);
	if (rc == ABRI_OK)
		rc = abri_mkdir_p(dir, 0700);
	if (rc < 0)
		return rc;
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL)
		return ABRI_ERR_NOMEM;
	rc = abri_file_write_atomic(path, text, strlen(text), 0600);
	free(text);
	return rc;
}

int abri_casestate_seen(const json_t *doc, const uint8_t hash[ABRI_HASH_BYTES])
{
	size_t i;
	json_t *v;
	uint8_t h[ABRI_HASH_BYTES];
	json_array_foreach(json_object_get(doc, "seen"), i, v)
	{
		const char *s = json_string_value(v);
		if (s != NULL && abri_b64_decode_exact(s, h, sizeof h) == 0 &&
		    memcmp(h, hash, sizeof h) == 0)
			return 1;
	}
	return 0;
}

long long abri_casestate_count(const json_t *doc)
{
	const json_t *c = json_object_get(doc, "count");
	return json_is_integer(c) ? (long long)json_integer_value(c) : -1;
}

static json_t *own_entry(const json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	char *k = abri_b64_encode(kid, ABRI_KEY_ID_BYTES);
	json_t *e = k ? json_object_get(json_object_get(doc, "own"), k) : NULL;
	free(k);
	return e;
}

uint64_t abri_casestate_own(const json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	json_int_t c = json_integer_value(json_object_get(own_entry(doc, kid), "counter"));
	return c > 0 ? (uint64_t)c : 0;
}

int abri_casestate_set_own(json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES], uint64_t counter,
                           const uint8_t hash[ABRI_HASH_BYTES])
{
	json_t *own = json_object_get(doc, "own");
	char *k = abri_b64_encode(kid, ABRI_KEY_ID_BYTES);
	char *h = abri_b64_encode(hash, ABRI_HASH_BYTES);
	int rc = ABRI_ERR_NOMEM;

	if (!json_is_object(own)) {
		own = json_object();
		if (own == NULL || json_object_set_new(doc, "own", own) < 0)
			own = NULL;
	}
	if (own != NULL && k != NULL && h != NULL &&
	    json_object_set_new(own, k,
	                        json_pack("{s:I, s:s}", "counter", (json_int_t)counter, "hash", h)) == 0)
		rc = ABRI_OK;
	free(k);
	free(h);
	return rc;
}

void abri_casestate_check(const json_t *doc, const abri_case *cs,
                          const uint8_t kid[ABRI_KEY_ID_BYTES], abri_local_check *out)
{
	size_t i;
	json_t *v;
	uint8_t h[ABRI_HASH_BYTES];
	abri_chain_pos pos;

	memset(out, 0, sizeof *out);
	json_array_foreach(json_object_get(doc, "seen"), i, v)
	{
		const char *s = json_string_value(v);
		int found = 0;
		if (s == NULL || abri_b64_decode_exact(s, h, sizeof h) < 0)
			continue;
		for (size_t j = 0; j < cs->n && !found; j++)
			found = cs->msgs[j].env != NULL && memcmp(cs->msgs[j].hash, h, sizeof h) == 0;
		if (!found && out->disappeared++ == 0)
			memcpy(out->first_disappeared, h, sizeof h);
	}
	abri_case_next(cs, kid, &pos);
	out->own_present = pos.counter - 1;
	out->own_recorded = abri_casestate_own(doc, kid);
	out->own_gone = out->own_recorded > out->own_present;
}

int abri_casestate_merge(json_t *doc, const abri_case *cs, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	json_t *seen = json_object_get(doc, "seen");
	abri_chain_pos pos;

	if (!json_is_array(seen)) {
		seen = json_array();
		if (seen == NULL || json_object_set_new(doc, "seen", seen) < 0)
			return ABRI_ERR_NOMEM;
	}
	for (size_t i = 0; i < cs->n; i++) {
		/* Only what looked genuine: a flagged intruder that the server
		 * takes back must not read as a lost message later. */
		if (cs->msgs[i].env == NULL || cs->msgs[i].problems || cs->msgs[i].chain ||
		    abri_casestate_seen(doc, cs->msgs[i].hash))
			continue;
		char *h = abri_b64_encode(cs->msgs[i].hash, ABRI_HASH_BYTES);
		int bad = h == NULL || json_array_append_new(seen, json_string(h)) < 0;
		free(h);
		if (bad)
			return ABRI_ERR_NOMEM;
	}
	if (json_object_set_new(doc, "count", json_integer((json_int_t)cs->n)) < 0)
		return ABRI_ERR_NOMEM;
	if (kid == NULL)
		return ABRI_OK;
	abri_case_next(cs, kid, &pos);
	if (pos.counter - 1 > abri_casestate_own(doc, kid))
		return abri_casestate_set_own(doc, kid, pos.counter - 1, pos.prev);
	return ABRI_OK;
}

size_t abri_case_new_from_person(const abri_case *cs, const json_t *doc)
{
	size_t n = 0;
	for (size_t i = 0; i < cs->n; i++) {
		const abri_case_msg *m = &cs->msgs[i];
		if (m->verified && m->by_reporter && !m->problems && !m->chain &&
		    doc != NULL && !abri_casestate_seen(doc, m->hash))
			n++;
	}
	return n;
}
