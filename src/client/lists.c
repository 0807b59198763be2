/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Recipient lists on the client: every list is verified with the pinned
 * organisation key (never one taken from the server); the highest version
 * seen is remembered in the state directory so a rolled-back list is
 * refused loudly; every change is reported as a member diff. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/client.h"

#define LIST_FILE_MAX (1024u * 1024u)

void abri_lists_init(abri_lists *L, abri_client *c, const char *state_dir,
                     const uint8_t org_pk[ABRI_ED25519_PK])
{
	memset(L, 0, sizeof *L);
	L->client = c;
	L->state_dir = state_dir;
	memcpy(L->org_pk, org_pk, ABRI_ED25519_PK);
}

void abri_lists_free(abri_lists *L)
{
	for (size_t i = 0; i < L->n; i++)
		free(L->cache[i]);
	L->n = 0;
	L->current = NULL;
}

int abri_signed_list_verify(abri_recipients *out, const json_t *signed_list, const char *tenant,
                            const uint8_t org_pk[ABRI_ED25519_PK])
{
	const char *list = json_string_value(json_object_get(signed_list, "list"));
	const char *sig64 = json_string_value(json_object_get(signed_list, "sig"));
	uint8_t sig[ABRI_SIG_BYTES], *fields = NULL;
	size_t flen;

	if (list == NULL || sig64 == NULL || abri_b64_decode_exact(sig64, sig, sizeof sig) < 0 ||
	    abri_b64_decode(list, &fields, &flen) < 0)
		return ABRI_ERR_INVALID;
	int rc = abri_recipients_verify(out, fields, flen, sig, tenant, org_pk);
	free(fields);
	return rc;
}

/* ---- state directory: recipients/highest, recipients/v<N>.json ---- */

static int state_path(const abri_lists *L, char *out, size_t n, const char *leaf)
{
	int len = snprintf(out, n, "%s/recipients/%s", L->state_dir, leaf);
	return (len < 0 || (size_t)len >= n) ? ABRI_ERR_INVALID : ABRI_OK;
}

/* 0 when nothing is remembered. */
static int read_highest(const abri_lists *L, uint32_t *v)
{
	char path[4096];
	uint8_t *d;
	size_t len;

	*v = 0;
	if (state_path(L, path, sizeof path, "highest") < 0)
		return ABRI_ERR_INVALID;
	int rc = abri_file_read(path, 64, &d, &len);
	if (rc == ABRI_ERR_IO && errno == ENOENT)
		return ABRI_OK;
	if (rc < 0)
		return rc;
	char *end;
	unsigned long x = strtoul((char *)d, &end, 10);
	rc = (end == (char *)d || (*end != '\n' && *end != '\0') || x > UINT32_MAX)
	         ? ABRI_ERR_INVALID
	         : ABRI_OK;
	*v = (uint32_t)x;
	free(d);
	return rc;
}

static int write_highest(const abri_lists *L, uint32_t v)
{
	char path[4096], text[16];
	int n = snprintf(text, sizeof text, "%" PRIu32 "\n", v);
	if (state_path(L, path, sizeof path, "highest") < 0)
		return ABRI_ERR_INVALID;
	return abri_file_write_atomic(path, text, (size_t)n, 0600);
}

static int list_file(const abri_lists *L, uint32_t v, char *path, size_t n)
{
	char leaf[32];
	snprintf(leaf, sizeof leaf, "v%" PRIu32 ".json", v);
	return state_path(L, path, n, leaf);
}

/* The signed form of version v as stored, or NULL (absent). */
static json_t *load_signed(const abri_lists *L, uint32_t v)
{
	char path[4096];
	json_error_t jerr;
	if (L->state_dir == NULL || list_file(L, v, path, sizeof path) < 0)
		return NULL;
	return json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
}

static int store_signed(const abri_lists *L, uint32_t v, const json_t *signed_list)
{
	char path[4096], dir[4096];
	int rc;

	if (L->state_dir == NULL)
		return ABRI_OK;
	if (state_path(L, dir, sizeof dir, "") < 0 || list_file(L, v, path, sizeof path) < 0)
		return ABRI_ERR_INVALID;
	if ((rc = abri_mkdir_p(dir, 0700)) < 0)
		return rc;
	json_t *copy = json_pack("{s:O, s:O}", "list", json_object_get(signed_list, "list"), "sig",
	                         json_object_get(signed_list, "sig"));
	char *text = copy ? json_dumps(copy, JSON_COMPACT) : NULL;
	json_decref(copy);
	if (text == NULL)
		return ABRI_ERR_NOMEM;
	rc = abri_file_write_atomic(path, text, strlen(text), 0600);
	free(text);
	return rc;
}

/* ---- cache ---- */

static abri_recipients *cache_find(const abri_lists *L, uint32_t v)
{
	for (size_t i = 0; i < L->n; i++)
		if (L->cache[i]->version == v)
			return L->cache[i];
	return NULL;
}

static int cache_add(abri_lists *L, abri_recipients *r)
{
	if (L->n == ABRI_LISTS_CACHE) {
		/* Drop the oldest entry that is not the current list. */
		size_t drop = L->cache[0] == L->current ? 1 : 0;
		free(L->cache[drop]);
		memmove(&L->cache[drop], &L->cache[drop + 1],
		        (L->n - drop - 1) * sizeof L->cache[0]);
		L->n--;
	}
	L->cache[L->n++] = r;
	return ABRI_OK;
}

static int verify_signed(abri_lists *L, const json_t *signed_list, abri_recipients **out)
{
	abri_recipients *r = calloc(1, sizeof *r);
	if (r == NULL)
		return ABRI_ERR_NOMEM;
	int rc = abri_signed_list_verify(r, signed_list, L->client->tenant, L->org_pk);
	if (rc < 0) {
		free(r);
		return rc;
	}
	*out = r;
	return ABRI_OK;
}

/* ---- diff ---- */

static int member_equal(const abri_member *a, const abri_member *b)
{
	return a->role == b->role && a->epoch == b->epoch && strcmp(a->name, b->name) == 0 &&
	       memcmp(a->x25519_pk, b->x25519_pk, sizeof a->x25519_pk) == 0 &&
	       memcmp(a->ed25519_pk, b->ed25519_pk, sizeof a->ed25519_pk) == 0;
}

static int member_in(const abri_member *m, const abri_recipients *r)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (member_equal(m, &r->m[i]))
			return 1;
	return 0;
}

static void diff(abri_list_change *chg, const abri_recipients *old, const abri_recipients *cur)
{
	for (size_t i = 0; i < cur->n; i++)
		if (!member_in(&cur->m[i], old))
			chg->added[chg->n_added++] = cur->m[i];
	for (size_t i = 0; old != NULL && i < old->n; i++)
		if (!member_in(&old->m[i], cur))
			chg->removed[chg->n_removed++] = old->m[i];
}

/* Same version as remembered: must be the very same signed document. */
static int same_version_check(const abri_lists *L, uint32_t v, const json_t *signed_list)
{
	json_t *old = load_signed(L, v);
	if (old == NULL)
		return ABRI_OK; /* only the number was kept: nothing to compare */
	const char *a = json_string_value(json_object_get(old, "list"));
	const char *b = json_string_value(json_object_get(signed_list, "list"));
	int same = a && b && strcmp(a, b) == 0;
	json_decref(old);
	return same ? ABRI_OK : ABRI_CLIENT_ERR_ROLLBACK;
}

/* Load and verify the remembered list v (for the diff); NULL if absent. */
static abri_recipients *load_old(abri_lists *L, uint32_t v)
{
	json_t *s = load_signed(L, v);
	abri_recipients *r = NULL;
	if (s != NULL && verify_signed(L, s, &r) == ABRI_OK && r->version != v) {
		free(r);
		r = NULL;
	}
	json_decref(s);
	return r;
}

static int remember(abri_lists *L, uint32_t highest, const abri_recipients *cur,
                    const json_t *signed_list, abri_list_change *chg)
{
	int rc;
	if (highest == cur->version)
		return same_version_check(L, highest, signed_list);
	abri_recipients *old = highest ? load_old(L, highest) : NULL;
	chg->changed = 1;
	chg->old_version = highest;
	diff(chg, old, cur);
	free(old);
	if ((rc = store_signed(L, cur->version, signed_list)) < 0)
		return rc;
	return write_highest(L, cur->version);
}

int abri_lists_accept_current(abri_lists *L, const json_t *signed_list, int64_t now,
                              abri_list_change *chg)
{
	abri_list_change local;
	abri_recipients *cur;
	uint32_t highest = 0;
	int rc;

	if (chg == NULL)
		chg = &local;
	memset(chg, 0, sizeof *chg);
	if (signed_list == NULL)
		return ABRI_CLIENT_ERR_NO_LIST;
	if ((rc = verify_signed(L, signed_list, &cur)) < 0)
		return rc;
	if (L->state_dir != NULL && (rc = read_highest(L, &highest)) < 0)
		goto fail;
	if (cur->version < highest) {
		chg->old_version = highest;
		chg->new_version = cur->version;
		rc = ABRI_CLIENT_ERR_ROLLBACK;
		goto fail;
	}
	chg->first_seen = (highest == 0);
	if (L->state_dir == NULL) {
		chg->changed = 1;
		diff(chg, NULL, cur);
	} else if ((rc = remember(L, highest, cur, signed_list, chg)) < 0) {
		goto fail;
	}
	chg->new_version = cur->version;
	chg->not_after = cur->not_after;
	chg->expired = abri_recipients_check_time(cur, now) < 0;
	chg->expires_soon = !chg->expired && cur->not_after - now < ABRI_RECIPIENTS_WARN_BEFORE;
	abri_recipients *cached = cache_find(L, cur->version);
	if (cached != NULL) {
		free(cur);
		cur = cached;
	} else {
		cache_add(L, cur);
	}
	L->current = cur;
	return ABRI_OK;
fail:
	free(cur);
	return rc;
}

static int fetch_list(abri_lists *L, uint32_t version, json_t **signed_list)
{
	char target[64];
	int status, rc;
	snprintf(target, sizeof target, "/v1/recipients/%" PRIu32, version);
	rc = abri_client_call(L->client, "GET", target, NULL, 0, &status, signed_list);
	if (rc == ABRI_OK && status != 200) {
		json_decref(*signed_list);
		*signed_list = NULL;
		rc = ABRI_CLIENT_ERR_SERVER;
	}
	return rc;
}

int abri_lists_get(abri_lists *L, uint32_t version, const abri_recipients **out)
{
	abri_recipients *r = cache_find(L, version);
	json_t *s = NULL;
	int rc, fetched = 0;

	if (r != NULL) {
		*out = r;
		return ABRI_OK;
	}
	s = load_signed(L, version);
	if (s == NULL) {
		if ((rc = fetch_list(L, version, &s)) < 0)
			return rc;
		fetched = 1;
	}
	rc = verify_signed(L, s, &r);
	if (rc == ABRI_OK && r->version != version) {
		free(r);
		rc = ABRI_ERR_CRYPTO; /* a validly signed but different list */
	}
	if (rc == ABRI_OK && fetched)
		store_signed(L, version, s); /* a cache only: failure is harmless */
	json_decref(s);
	if (rc < 0)
		return rc;
	cache_add(L, r);
	*out = r;
	return ABRI_OK;
}

/* ---- output ---- */

void abri_member_print(FILE *f, const char *prefix, const abri_member *m)
{
	char fx[40], fe[40];
	abri_fingerprint(fe, m->ed_kid);
	abri_fingerprint(fx, m->x_kid);
	fprintf(f, "%s%-8s ", prefix, abri_role_name(m->role));
	abri_fputs_safe(f, m->name);
	fprintf(f, " (epoch %" PRIu32 ")\n", m->epoch);
	fprintf(f, "%s    signing %s\n%s    sealing %s\n", prefix, fe, prefix, fx);
}

void abri_list_change_print(FILE *f, const abri_list_change *chg)
{
	if (chg->first_seen)
		fprintf(f, "Recipient list version %" PRIu32 " (first list seen here). Members:\n",
		        chg->new_version);
	else
		fprintf(f, "Recipient list CHANGED: version %" PRIu32 " -> %" PRIu32 "\n",
		        chg->old_version, chg->new_version);
	for (size_t i = 0; i < chg->n_added; i++)
		abri_member_print(f, chg->first_seen ? "  " : "  + ", &chg->added[i]);
	for (size_t i = 0; i < chg->n_removed; i++)
		abri_member_print(f, "  - ", &chg->removed[i]);
	fprintf(f, "Compare these fingerprints with the ones your organisation published.\n");
}

int abri_org_pk_load(uint8_t pk[ABRI_ED25519_PK], const char *value_or_path)
{
	uint8_t *d;
	size_t len;
	int rc;

	if (abri_b64_decode_exact(value_or_path, pk, ABRI_ED25519_PK) == ABRI_OK)
		return ABRI_OK;
	if ((rc = abri_file_read(value_or_path, 65536, &d, &len)) < 0)
		return rc;
	json_error_t jerr;
	json_t *j = json_loads((const char *)d, 0, &jerr);
	const char *b64 = json_string_value(json_object_get(j, "ed25519"));
	char *text = (char *)d;
	if (b64 == NULL) {
		text[strcspn(text, "\r\n")] = '\0';
		b64 = text;
	}
	rc = abri_b64_decode_exact(b64, pk, ABRI_ED25519_PK);
	json_decref(j);
	free(d);
	return rc;
}
