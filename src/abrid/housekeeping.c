/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The housekeeping (housekeeping.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "housekeeping.h"
#include "log.h"
#include "purge.h"

/* Tables whose rows a week's re-stamp rewrites (abri_restamp in
 * sql/0004-seized-copy.sql), then rewritten in primary-key order. */
static const char *const restamped[] = {
    "cases",         "envelopes",          "uploads",         "upload_chunks",
    "stats_batches", "survey_answers",     "survey_inbox",    "survey_codes",
    "survey_code_counts", "recipient_lists", "housekeeping",
};
/* Tables of short-lived rows, rewritten after any activity. survey_codes
 * is among them: a spent code's dead row carries the id of the
 * transaction that put its answer in the inbox. */
static const char *const short_lived[] = {"request_replay", "spent_challenges", "survey_codes"};
/* After the survey batch. */
static const char *const surveyed[] = {"survey_inbox", "survey_answers", "survey_codes"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* State of this thread's passes (only the housekeeping thread, or the
 * main thread for --housekeeping-now, runs them). */
static int64_t wal_after_last_pass = -1; /* WAL position at the end of the last pass */
static bool short_pending;               /* a short-lived table's rewrite failed */
static bool wal_rotate_refused;          /* no privilege: said once, not tried again */

static enum pg_qs rewrite(struct pg *pg, const char *const *tables, size_t n)
{
	char sql[128];
	enum pg_qs qs;

	for (size_t i = 0; i < n; i++) {
		/* The primary keys are random (references, keyed hashes): the
		 * rewritten file is in no time order, and holds no dead tuple.
		 * CLUSTER freezes what it copies: lock-only xmax values go too. */
		(void)snprintf(sql, sizeof sql, "CLUSTER %s USING %s_pkey", tables[i], tables[i]);
		if ((qs = pg_command(pg, sql)) < 0)
			return qs;
	}
	return PG_OK;
}

static enum pg_qs sweep(struct pg *pg)
{
	int64_t now = abri_now();
	enum pg_qs qs;

	if ((qs = pg_delete_expired_replay(pg, now)) < 0 ||
	    (qs = pg_delete_expired_challenges(pg, now)) < 0 ||
	    (qs = pg_delete_expired_survey_codes(pg)) < 0)
		return qs;
	return PG_OK;
}

static enum pg_qs restamp_txn(struct pg *pg, void *cls)
{
	return pg_restamp(pg, cls);
}

static enum pg_qs survey_txn(struct pg *pg, void *cls)
{
	return pg_survey_batch(pg, cls);
}

/* Unix time of the first day of now's month + delta months (UTC). */
static int64_t month_start(int64_t now, int delta)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	tm.tm_mday = 1;
	tm.tm_mon += delta; /* timegm normalises the month into the year */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm);
}

/* Unix time of the Monday 00:00 UTC of now's week (+ weeks). */
static int64_t week_start(int64_t now, int weeks)
{
	int64_t days = now / 86400;

	/* 1970-01-01 was a Thursday: (days + 3) % 7 days since a Monday. */
	return (days - (days + 3) % 7 + 7 * weeks) * 86400;
}

/* "YYYY-MM-DD" of now's week's Monday, this and last month's first day. */
static int this_week_month(char monday[DATE_CHARS + 1], char month1[DATE_CHARS + 1],
                           char prev_month1[DATE_CHARS + 1])
{
	int64_t now = abri_now();

	return (abri_utc_date(monday, week_start(now, 0)) == 0 &&
	        abri_utc_date(month1, month_start(now, 0)) == 0 &&
	        abri_utc_date(prev_month1, month_start(now, -1)) == 0)
	           ? 0
	           : -1;
}

/* The month's survey answers, then this week's re-stamp, when due. */
static enum pg_qs batches(struct pg *pg, bool *surveyed_now, bool *restamped_now)
{
	char monday[DATE_CHARS + 1], month1[DATE_CHARS + 1], prev1[DATE_CHARS + 1];
	struct db_housekeeping h;
	enum pg_qs qs;
	int64_t rows = 0;

	*surveyed_now = *restamped_now = false;
	if (this_week_month(monday, month1, prev1) != 0)
		return PG_HARD;
	if ((qs = pg_select_housekeeping(pg, &h)) < 0)
		return qs;
	if (strcmp(h.survey_month, month1) < 0) {
		/* The inbox holds what came since the last batch: that month's
		 * answers (or, the first time, the month before this one). */
		char label[DATE_CHARS + 1];

		memcpy(label, h.survey_month[0] != '\0' ? h.survey_month : prev1, sizeof label);
		if ((qs = pg_txn(pg, PG_TXN_WRITE, survey_txn, label)) < 0)
			return qs;
		*surveyed_now = true;
		alog(ALOG_INFO, "survey answers released for %.7s", label);
	}
	if (strcmp(h.restamped_week, monday) < 0) {
		/* Cases are purged on Mondays (purge_after is a Monday): before
		 * the re-stamp, so the rewrite leaves nothing of them. */
		(void)purge_run(&rows);
		if ((qs = pg_txn(pg, PG_TXN_WRITE, restamp_txn, &rows)) < 0)
			return qs;
		*restamped_now = true;
		alog(ALOG_INFO, "week re-stamped: %lld rows", (long long)rows);
	}
	return PG_OK;
}

static enum pg_qs rewrite_restamped(struct pg *pg)
{
	struct db_housekeeping h;
	enum pg_qs qs;

	if ((qs = pg_select_housekeeping(pg, &h)) < 0 || !h.rewrite_pending)
		return qs;
	if ((qs = rewrite(pg, restamped, N(restamped))) < 0)
		return qs;
	/* Planner statistics on the rewritten tables (identifier columns have
	 * none: sql/0004-seized-copy.sql). */
	if ((qs = pg_command(pg, "ANALYZE cases, envelopes, uploads, upload_chunks, stats_batches,"
	                         " survey_answers, survey_codes")) < 0)
		return qs;
	return pg_restamp_rewritten(pg);
}

/* A new WAL segment and a checkpoint: the segments before it, with their
 * commit records, are removed (with wal_recycle = off, unlinked rather
 * than kept for reuse with their old bytes). */
static enum pg_qs rotate_wal(struct pg *pg)
{
	enum pg_qs qs;

	if (!abrid.cfg.wal_rotate || wal_rotate_refused)
		return PG_OK;
	qs = pg_wal_switch(pg);
	if (qs == PG_OK)
		qs = pg_command(pg, "CHECKPOINT");
	if (qs == PG_HARD) {
		/* Most likely no privilege (docs/operations.md): the commit
		 * records then stay until PostgreSQL recycles their segment. */
		alog(ALOG_WARN, "cannot switch the WAL and checkpoint (privileges?): old commit "
		                "records stay until PostgreSQL recycles their segments");
		wal_rotate_refused = true;
		return PG_OK;
	}
	return qs;
}

static enum pg_qs pass_locked(struct pg *pg, bool purge)
{
	bool surveyed_now, restamped_now, active;
	int64_t pos, n;
	enum pg_qs qs;

	if (purge)
		(void)purge_run(&n); /* logs its own failure; the rest goes on */
	if ((qs = sweep(pg)) < 0 || (qs = batches(pg, &surveyed_now, &restamped_now)) < 0)
		return qs;
	if (surveyed_now && (qs = rewrite(pg, surveyed, N(surveyed))) < 0)
		return qs;
	if ((qs = rewrite_restamped(pg)) < 0)
		return qs;
	if ((qs = pg_wal_position(pg, &pos)) < 0)
		return qs;
	/* Anything written since the last pass (requests, the purge, the
	 * sweep's deletions, the batches) moved the WAL: the short-lived
	 * tables have dead rows or rows to forget, and the WAL records of it
	 * all should go. */
	active = wal_after_last_pass < 0 || pos != wal_after_last_pass || short_pending;
	if (active) {
		short_pending = true;
		if ((qs = rewrite(pg, short_lived, N(short_lived))) < 0)
			return qs;
		short_pending = false;
		if ((qs = rotate_wal(pg)) < 0)
			return qs;
		if ((qs = pg_wal_position(pg, &pos)) < 0)
			return qs;
	}
	wal_after_last_pass = pos;
	return PG_OK;
}

int housekeeping_pass(bool purge)
{
	struct pg *pg = pg_get();
	enum pg_qs qs;
	bool got;

	if (pg == NULL) {
		alog(ALOG_WARN, "housekeeping: database unavailable");
		return -1;
	}
	/* A rewrite waits at most this long for a table's lock (then the next
	 * pass tries again): requests queue behind a waiting CLUSTER. */
	if ((qs = pg_command(pg, "SET lock_timeout = 2000")) < 0 ||
	    (qs = pg_housekeeping_lock(pg, &got)) < 0) {
		alog(ALOG_WARN, "housekeeping: database unavailable");
		return -1;
	}
	if (!got)
		return 0; /* another instance's pass is running */
	qs = pass_locked(pg, purge);
	if (pg_housekeeping_unlock(pg) < 0)
		qs = (qs < 0) ? qs : PG_SOFT;
	if (qs < 0) {
		alog(ALOG_WARN, "housekeeping pass incomplete (database %s); the next pass goes on",
		     qs == PG_BUSY ? "busy" : (qs == PG_SOFT ? "unavailable" : "error"));
		return -1;
	}
	return 0;
}

/* ---- the thread ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int running, stopping;

/* Seconds from now (abri_now) to the next week or month boundary. */
static int64_t to_next_boundary(void)
{
	int64_t now = abri_now(), monday = week_start(now, 1), month1 = month_start(now, 1);

	if (month1 < 0)
		return 3600;
	return (monday < month1 ? monday : month1) - now;
}

/* Sleeps for secs or until housekeeping_stop; returns 0 when stopping. */
static int sleep_for(int64_t secs)
{
	struct timespec until;
	int stop, rc = 0;

	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)secs;
	(void)pthread_mutex_lock(&lock);
	while (!stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&wake, &lock, &until);
	stop = stopping;
	(void)pthread_mutex_unlock(&lock);
	return !stop;
}

static void *housekeeping_main(void *arg)
{
	struct timespec t;
	int64_t next_purge, now;

	(void)arg;
	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	/* The purge waits one interval after a start: restarts do not purge
	 * in bursts (the week's pass purges anyway). */
	next_purge = (int64_t)t.tv_sec + (int64_t)abrid.cfg.purge_interval;
	for (;;) {
		int64_t wait, boundary;
		bool purge;

		(void)clock_gettime(CLOCK_MONOTONIC, &t);
		now = (int64_t)t.tv_sec;
		purge = abrid.cfg.purge_interval != 0 && now >= next_purge;
		if (purge)
			next_purge = now + (int64_t)abrid.cfg.purge_interval;
		(void)housekeeping_pass(purge);
		/* One second past a boundary, so abri_now() is in the new week. */
		wait = (int64_t)abrid.cfg.sweep_interval;
		boundary = to_next_boundary() + 1;
		if (boundary < wait)
			wait = boundary;
		if (abrid.cfg.purge_interval != 0 && next_purge - now < wait)
			wait = next_purge - now;
		if (!sleep_for(wait < 1 ? 1 : wait))
			return NULL;
	}
}

int housekeeping_start(void)
{
	pthread_condattr_t ca;

	/* The forensic test's positive control: the layout without it. */
	if (abri_test_getenv("ABRI_TEST_NO_HOUSEKEEPING") != NULL) {
		alog(ALOG_WARN, "test: no housekeeping (ABRI_TEST_NO_HOUSEKEEPING)");
		return 0;
	}
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&wake, &ca) != 0) {
		(void)pthread_condattr_destroy(&ca);
		return -1;
	}
	(void)pthread_condattr_destroy(&ca);
	if (pthread_create(&thread, NULL, housekeeping_main, NULL) != 0) {
		(void)pthread_cond_destroy(&wake);
		return -1;
	}
	running = 1;
	return 0;
}

void housekeeping_stop(void)
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
