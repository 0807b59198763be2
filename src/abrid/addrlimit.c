/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Per-address limits on keyed tags (see addrlimit.h). One mutex guards the
 * table: every operation is a few probes, far cheaper than the request it
 * protects. Open addressing with linear probing; deletion by backward
 * shift, so no tombstones accumulate under churn. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "addrlimit.h"

#define TAG_BYTES 16u

struct slot {
	uint8_t tag[TAG_BYTES];
	uint64_t upload_bytes; /* upload capacity announced this window */
	uint32_t conns;
	uint32_t reqs;
	uint32_t uploading; /* bodies on the way; a connection has at most one */
	uint8_t used;
};
/* docs/operations.md states the table's size from this. */
_Static_assert(sizeof(struct slot) == 40, "a slot is 40 bytes");

static struct {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t mask; /* slots - 1 */
	size_t used;
	uint8_t *key; /* sodium_malloc'd, replaced every window */
	int64_t window_end;
	int64_t clock; /* tests: fixed time, 0 = real */
	struct addrlimit_cfg cfg;
	int on;
} L = {.lock = PTHREAD_MUTEX_INITIALIZER};

void addrlimit_set_clock(int64_t now)
{
	L.clock = now;
}

static int64_t now_s(void)
{
	struct timespec ts;

	if (L.clock != 0)
		return L.clock;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int addrlimit_enabled(void)
{
	return L.on;
}

int addrlimit_init(const struct addrlimit_cfg *cfg)
{
	size_t n = 64;

	while (n < cfg->slots && n < ((size_t)1 << 24))
		n <<= 1;
	L.slots = calloc(n, sizeof *L.slots);
	L.key = sodium_malloc(crypto_generichash_KEYBYTES);
	if (L.slots == NULL || L.key == NULL) {
		addrlimit_free();
		return -1;
	}
	randombytes_buf(L.key, crypto_generichash_KEYBYTES);
	L.mask = n - 1;
	L.used = 0;
	L.cfg = *cfg;
	L.window_end = now_s() + cfg->window;
	L.on = 1;
	return 0;
}

void addrlimit_free(void)
{
	free(L.slots);
	sodium_free(L.key);
	L.slots = NULL;
	L.key = NULL;
	L.on = 0;
}

/* At most 7/8 of the slots are used, so probe runs stay short. */
static int full(void)
{
	return L.used * 8 >= (L.mask + 1) * 7;
}

static size_t home(const uint8_t tag[TAG_BYTES])
{
	uint64_t h;

	memcpy(&h, tag, sizeof h); /* the tag is already a keyed hash */
	return (size_t)h & L.mask;
}

/* Index of tag, or of the empty slot where it would go. */
static size_t probe(const uint8_t tag[TAG_BYTES])
{
	size_t i = home(tag);

	while (L.slots[i].used && memcmp(L.slots[i].tag, tag, TAG_BYTES) != 0)
		i = (i + 1) & L.mask;
	return i;
}

/* Backward-shift deletion: later members of the probe run move up so that
 * every remaining tag stays reachable from its home slot. */
static void remove_at(size_t i)
{
	size_t j = i;

	for (;;) {
		size_t k;

		j = (j + 1) & L.mask;
		if (!L.slots[j].used)
			break;
		k = home(L.slots[j].tag);
		/* Leave j in place when its home lies cyclically in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		L.slots[i] = L.slots[j];
		i = j;
	}
	memset(&L.slots[i], 0, sizeof L.slots[i]);
	L.used--;
}

/* Forget every tag without an open connection. After remove_at(i) another
 * entry may have moved into slot i: look at i again. */
static void drop_idle(void)
{
	size_t i = 0, n = L.mask + 1;

	while (i < n) {
		if (L.slots[i].used && L.slots[i].conns == 0)
			remove_at(i); /* a later entry may have moved into i */
		else
			i++;
	}
}

/* New window: new key, request counts start again, idle tags go. Tags of
 * open connections stay until they close (made under the old key, they
 * identify those connections, not an address). */
static void maybe_rotate(void)
{
	size_t i;
	int64_t t = now_s();

	if (t < L.window_end)
		return;
	randombytes_buf(L.key, crypto_generichash_KEYBYTES);
	drop_idle();
	for (i = 0; i <= L.mask; i++) {
		L.slots[i].reqs = 0;
		L.slots[i].upload_bytes = 0;
	}
	L.window_end = t + L.cfg.window;
}

/* 0 and the tag, or -1 for an address that is not limited. */
static int make_tag(const struct sockaddr *sa, socklen_t len, uint8_t tag[TAG_BYTES])
{
	uint8_t in[1 + 8];
	size_t n;

	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		in[0] = 4;
		memcpy(in + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		n = 5;
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		in[0] = 6;
		memcpy(in + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 8);
		n = 9;
	} else {
		return -1;
	}
	(void)crypto_generichash(tag, TAG_BYTES, in, n, L.key, crypto_generichash_KEYBYTES);
	sodium_memzero(in, sizeof in);
	return 0;
}

int addrlimit_admit(const struct sockaddr *sa, socklen_t len)
{
	uint8_t tag[TAG_BYTES];
	int ok = 1;
	size_t i;

	if (!L.on)
		return 1;
	(void)pthread_mutex_lock(&L.lock);
	maybe_rotate();
	if (make_tag(sa, len, tag) == 0) {
		i = probe(tag);
		if (L.slots[i].used) {
			/* Over the request limit it is still admitted: it gets a
			 * 429 with Retry-After rather than a reset. */
			ok = L.slots[i].conns < L.cfg.max_connections;
		} else if (full()) {
			drop_idle();
			ok = !full();
		}
	}
	(void)pthread_mutex_unlock(&L.lock);
	return ok;
}

int addrlimit_open(const struct sockaddr *sa, socklen_t len, struct addrlimit_ticket *t)
{
	int rc = 0;
	size_t i;

	(void)pthread_mutex_lock(&L.lock);
	maybe_rotate();
	if (make_tag(sa, len, t->tag) != 0) {
		rc = -1;
	} else {
		i = probe(t->tag);
		if (L.slots[i].used && L.slots[i].conns >= L.cfg.max_connections) {
			rc = 1;
			goto out;
		}
		if (!L.slots[i].used) {
			if (full()) {
				rc = -1;
				goto out;
			}
			memcpy(L.slots[i].tag, t->tag, TAG_BYTES);
			L.slots[i].used = 1;
			L.used++;
		}
		L.slots[i].conns++;
	}
out:
	(void)pthread_mutex_unlock(&L.lock);
	return rc;
}

/* The entry of a connection's ticket, or NULL; L.lock held. The tag of
 * an open connection is never dropped, so for one it is there. */
static struct slot *slot_of(const struct addrlimit_ticket *t)
{
	size_t i = probe(t->tag);

	return L.slots[i].used ? &L.slots[i] : NULL;
}

/* Seconds to the window's end and one: a Retry-After; L.lock held. */
static unsigned window_wait(void)
{
	return (unsigned)(L.window_end - now_s()) + 1;
}

void addrlimit_close(const struct addrlimit_ticket *t)
{
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	if ((s = slot_of(t)) != NULL && s->conns > 0)
		s->conns--;
	(void)pthread_mutex_unlock(&L.lock);
}

unsigned addrlimit_request(const struct addrlimit_ticket *t)
{
	unsigned wait = 0;
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	maybe_rotate();
	if ((s = slot_of(t)) != NULL) {
		if (s->reqs >= L.cfg.max_requests)
			wait = window_wait();
		else
			s->reqs++;
	}
	(void)pthread_mutex_unlock(&L.lock);
	return wait;
}

int addrlimit_upload_begin(const struct addrlimit_ticket *t)
{
	int rc = -1;
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	if ((s = slot_of(t)) != NULL && s->uploading < L.cfg.max_uploading) {
		s->uploading++;
		rc = 0;
	}
	(void)pthread_mutex_unlock(&L.lock);
	return rc;
}

void addrlimit_upload_end(const struct addrlimit_ticket *t)
{
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	if ((s = slot_of(t)) != NULL && s->uploading > 0)
		s->uploading--;
	(void)pthread_mutex_unlock(&L.lock);
}

unsigned addrlimit_upload_bytes(const struct addrlimit_ticket *t, uint64_t bytes)
{
	unsigned wait = 0;
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	maybe_rotate();
	if ((s = slot_of(t)) != NULL) {
		if (bytes > L.cfg.upload_bytes || s->upload_bytes > L.cfg.upload_bytes - bytes)
			wait = window_wait();
		else
			s->upload_bytes += bytes;
	}
	(void)pthread_mutex_unlock(&L.lock);
	return wait;
}

void addrlimit_upload_refund(const struct addrlimit_ticket *t, uint64_t bytes)
{
	struct slot *s;

	(void)pthread_mutex_lock(&L.lock);
	if ((s = slot_of(t)) != NULL)
		s->upload_bytes -= bytes < s->upload_bytes ? bytes : s->upload_bytes;
	(void)pthread_mutex_unlock(&L.lock);
}

size_t addrlimit_used(void)
{
	size_t n;

	(void)pthread_mutex_lock(&L.lock);
	n = L.used;
	(void)pthread_mutex_unlock(&L.lock);
	return n;
}
