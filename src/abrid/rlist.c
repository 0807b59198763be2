/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "log.h"
#include "rlist.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rlist **lists;
static size_t n_lists, cap_lists;

static const struct rlist *find_locked(uint32_t version)
{
	for (size_t i = 0; i < n_lists; i++)
		if (lists[i]->version == version)
			return lists[i];
	return NULL;
}

static const struct rlist *find(uint32_t version)
{
	const struct rlist *l;

	(void)pthread_mutex_lock(&lock);
	l = find_locked(version);
	(void)pthread_mutex_unlock(&lock);
	return l;
}

bool rlist_server_is_us(const abri_recipients *r)
{
	const abri_member *m = abri_recipients_server(r);

	return m != NULL &&
	       0 == sodium_memcmp(m->ed25519_pk, abrid.server_key->ed25519_pk, ABRI_ED25519_PK) &&
	       0 == sodium_memcmp(m->x25519_pk, abrid.server_key->x25519_pk, ABRI_X25519_PK);
}

static void free_one(struct rlist *l)
{
	if (l == NULL)
		return;
	free(l->fields_b64);
	free(l->sig_b64);
	free(l);
}

int rlist_add(const abri_recipients *r, const uint8_t *fields, size_t fields_len,
              const uint8_t sig[ABRI_SIG_BYTES], const struct rlist **out)
{
	struct rlist *l = calloc(1, sizeof *l);
	const struct rlist *old;

	if (l == NULL)
		return -1;
	l->version = r->version;
	l->r = *r;
	l->fields_b64 = abri_b64_encode(fields, fields_len);
	l->sig_b64 = abri_b64_encode(sig, ABRI_SIG_BYTES);
	l->server_is_us = rlist_server_is_us(r);
	if (l->fields_b64 == NULL || l->sig_b64 == NULL) {
		free_one(l);
		return -1;
	}
	(void)pthread_mutex_lock(&lock);
	old = find_locked(l->version);
	if (old == NULL && n_lists == cap_lists) {
		size_t cap = cap_lists ? 2 * cap_lists : 16;
		struct rlist **p = realloc(lists, cap * sizeof *p);
		if (p == NULL) {
			(void)pthread_mutex_unlock(&lock);
			free_one(l);
			return -1;
		}
		lists = p;
		cap_lists = cap;
	}
	if (old == NULL)
		lists[n_lists++] = l;
	(void)pthread_mutex_unlock(&lock);
	/* Another thread may have loaded the same version meanwhile. */
	if (old != NULL)
		free_one(l);
	*out = (old != NULL) ? old : l;
	return 0;
}

enum pg_qs rlist_get(struct pg *pg, uint32_t version, const struct rlist **out)
{
	uint8_t sig[ABRI_SIG_BYTES];
	abri_recipients *r;
	uint8_t *fields;
	size_t flen;
	enum pg_qs qs;
	int rc;

	*out = find(version);
	if (*out != NULL)
		return PG_OK;
	qs = pg_select_list(pg, version, &fields, &flen, sig);
	if (qs != PG_OK)
		return qs;
	r = malloc(sizeof *r);
	if (r == NULL) {
		free(fields);
		return PG_HARD;
	}
	rc = abri_recipients_verify(r, fields, flen, sig, abrid.cfg.deployment_id, abrid.org_pk);
	if (rc != ABRI_OK) {
		/* Only a valid list is ever inserted: the database was altered or
		 * the organisation key in the configuration changed. */
		alog(ALOG_ERROR, "stored recipient list %u does not verify: %s", version,
		     abri_strerror(rc));
		qs = PG_HARD;
	} else if (rlist_add(r, fields, flen, sig, out) != 0) {
		qs = PG_HARD;
	}
	free(r);
	free(fields);
	return qs;
}

enum pg_qs rlist_current(struct pg *pg, const struct rlist **out)
{
	uint32_t version;
	int64_t not_after;
	enum pg_qs qs;

	*out = NULL;
	qs = pg_select_current_list(pg, &version, &not_after);
	if (qs != PG_OK)
		return qs;
	return rlist_get(pg, version, out);
}

bool rlist_expired(int64_t not_after, int64_t now)
{
	return now >= not_after;
}

bool rlist_in_grace(int64_t not_after, int64_t now)
{
	return rlist_expired(not_after, now) && now - not_after < (int64_t)abrid.cfg.list_grace;
}

/* Why a grace period at all: the key holders are offline and may need a
 * weekend to meet and sign; /healthz and the CLI warn a week ahead. Why it
 * ends: a list the organisation has stopped vouching for (a listener who
 * left, a lost key) must not keep deciding who reads new reports. */
enum pg_qs rlist_current_in_force(struct pg *pg, const struct rlist **out, enum ec *err)
{
	enum pg_qs qs = rlist_current(pg, out);
	int64_t now = abri_now();

	*err = EC_NONE;
	if (qs == PG_NONE)
		*err = EC_NO_RECIPIENTS;
	else if (qs == PG_OK && rlist_expired((*out)->r.not_after, now) &&
	         !rlist_in_grace((*out)->r.not_after, now))
		*err = EC_RECIPIENTS_EXPIRED;
	return qs;
}

int rlist_load_all(struct pg *pg)
{
	const struct rlist *l;
	uint32_t *versions;
	enum pg_qs qs;
	size_t n;

	qs = pg_select_list_versions(pg, &versions, &n);
	if (qs < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (rlist_get(pg, versions[i], &l) != PG_OK) {
			free(versions);
			return -1;
		}
	}
	free(versions);
	return 0;
}

void rlist_free_all(void)
{
	for (size_t i = 0; i < n_lists; i++)
		free_one(lists[i]);
	free(lists);
	lists = NULL;
	n_lists = cap_lists = 0;
}
