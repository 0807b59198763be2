/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "log.h"
#include "purge.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int running, stopping;

struct purge_counts {
	int64_t cases;   /* with their envelopes and attached uploads (cascade) */
	int64_t uploads; /* never attached, past their expiry */
};

static enum pg_qs purge_txn(struct pg *pg, void *cls)
{
	struct purge_counts *c = cls;
	enum pg_qs qs = pg_delete_purgeable_cases(pg, &c->cases);

	if (qs < 0)
		return qs;
	qs = pg_delete_expired_uploads(pg, (int64_t)time(NULL), &c->uploads);
	return qs < 0 ? qs : PG_OK;
}

int purge_run(int64_t *n)
{
	struct pg *pg = pg_get();
	struct purge_counts c = {0};
	enum pg_qs qs;

	*n = 0;
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, purge_txn, &c) : PG_SOFT;
	if (qs < 0) {
		alog(ALOG_WARN, "purge failed (database %s)",
		     qs == PG_SOFT ? "unavailable" : "error");
		return -1;
	}
	*n = c.cases;
	alog(ALOG_INFO, "purged %lld cases, %lld unattached uploads", (long long)c.cases,
	     (long long)c.uploads);
	return 0;
}

/* Sleeps until the next run or purge_stop; returns 0 when stopping. */
static int wait_interval(void)
{
	struct timespec until;
	int stop, rc = 0;

	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)abrid.cfg.purge_interval;
	(void)pthread_mutex_lock(&lock);
	while (!stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&wake, &lock, &until);
	stop = stopping;
	(void)pthread_mutex_unlock(&lock);
	return !stop;
}

static void *purge_main(void *arg)
{
	int64_t n;

	(void)arg;
	/* The first run waits one interval too: restarts do not purge in bursts. */
	while (wait_interval())
		(void)purge_run(&n);
	return NULL;
}

int purge_start(void)
{
	pthread_condattr_t ca;

	if (abrid.cfg.purge_interval == 0)
		return 0;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&wake, &ca) != 0) {
		(void)pthread_condattr_destroy(&ca);
		return -1;
	}
	(void)pthread_condattr_destroy(&ca);
	if (pthread_create(&thread, NULL, purge_main, NULL) != 0) {
		(void)pthread_cond_destroy(&wake);
		return -1;
	}
	running = 1;
	return 0;
}

void purge_stop(void)
{
	if (!running)
		return;
	(void)pthread_mutex_lock(&lock);
	stopping = 1;
	(void)pthread_cond_signal(&wake);
	(void)pthread_mutex_unlock(&lock);
	(void)pthread_join(thread, NULL);
	(void)pthread_cond_destroy(&wake);
	running = 0;
}
