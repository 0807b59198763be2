/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Load counters (see load.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "load.h"

#define BUCKET 30

static atomic_uint pending, uploading;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t bucket_start; /* start of the current bucket */
static unsigned cur, prev;   /* submissions in the current and the previous bucket */
static int64_t fixed_clock;

void load_set_clock(int64_t now)
{
	fixed_clock = now;
}

static int64_t now_s(void)
{
	struct timespec ts;

	if (fixed_clock != 0)
		return fixed_clock;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* One more in *count unless max are there already: 0, or -1 (unchanged). */
static int take(atomic_uint *count, unsigned max)
{
	unsigned n = atomic_fetch_add(count, 1);

	if (n >= max) {
		atomic_fetch_sub(count, 1);
		return -1;
	}
	return 0;
}

int load_enter(unsigned max_pending)
{
	return take(&pending, max_pending);
}

void load_leave(void)
{
	atomic_fetch_sub(&pending, 1);
}

unsigned load_pending(void)
{
	return atomic_load(&pending);
}

int load_upload_begin(unsigned max_uploading)
{
	return take(&uploading, max_uploading);
}

void load_upload_end(void)
{
	atomic_fetch_sub(&uploading, 1);
}

/* Moves the buckets forward to now; call with the lock held. */
static int64_t advance(void)
{
	int64_t t = now_s();

	if (bucket_start == 0)
		bucket_start = t - t % BUCKET;
	if (t >= bucket_start + 2 * BUCKET) {
		prev = cur = 0;
		bucket_start = t - t % BUCKET;
	} else if (t >= bucket_start + BUCKET) {
		prev = cur;
		cur = 0;
		bucket_start += BUCKET;
	}
	return t;
}

void load_note_submission(void)
{
	(void)pthread_mutex_lock(&lock);
	(void)advance();
	if (cur < UINT32_MAX)
		cur++;
	(void)pthread_mutex_unlock(&lock);
}

unsigned load_rate(void)
{
	unsigned long long r;
	int64_t t, into;

	(void)pthread_mutex_lock(&lock);
	t = advance();
	into = t - bucket_start; /* 0..29 s into the current bucket */
	r = (unsigned long long)cur + prev;
	(void)pthread_mutex_unlock(&lock);
	/* The two buckets cover the last 30 + into seconds: per minute. */
	r = r * 60 / (unsigned long long)(BUCKET + into);
	return r > UINT32_MAX ? UINT32_MAX : (unsigned)r;
}

unsigned load_pow_difficulty(unsigned base, unsigned threshold, unsigned max)
{
	unsigned rate, d = base;

	if (threshold == 0)
		return base;
	rate = load_rate();
	while (rate > threshold && d < max) {
		d++;
		rate /= 2;
	}
	return d;
}
