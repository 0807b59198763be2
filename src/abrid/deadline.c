/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Header deadlines (see deadline.h).
 *
 * Why the sweep never shuts down somebody else's socket: in libmicrohttpd
 * 0.9.75 a connection's descriptor is closed in exactly two places after
 * MHD_CONNECTION_NOTIFY_STARTED was sent, and both send
 * MHD_CONNECTION_NOTIFY_CLOSED first, on the same thread, before calling
 * MHD_socket_close_chk_:
 *   - MHD_cleanup_connections (daemon.c), the end of every connection
 *     (also reached from MHD_stop_daemon via close_all_connections);
 *   - the failure path of new_connection_process_ (daemon.c), when a
 *     started connection cannot be added to the epoll set.
 * (new_connection_close_ closes connections that were never started, so
 * never added here; MHD_connection_close_ and MHD_connection_mark_closed_
 * in connection.c only shutdown(SHUT_WR), they never close.)
 * httpd.c's NOTIFY_CLOSED handler calls deadline_remove, which takes the
 * mutex; the sweep holds the same mutex from reading an entry's fd to its
 * shutdown. So while the sweep looks at an entry, the connection's
 * descriptor is still open and still that connection's: it cannot have
 * been closed, let alone reused by a new accept. */
#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "deadline.h"
#include "log.h"

#define SWEEP_MS 1000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct deadline_entry *head;
	unsigned count;
	int64_t timeout_ms;
	uint64_t min_rate; /* bytes per second, 0 = none */
	int64_t grace_ms;
	int64_t clock; /* tests: fixed time in ms, 0 = real */
	pthread_t thread;
	bool running, stopping;
} D = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Callers hold D.lock. A due time is this plus at least a second, so
 * never 0 ("no deadline"). */
static int64_t now_ms(void)
{
	struct timespec ts;

	if (D.clock != 0)
		return D.clock;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void deadline_init(unsigned header_timeout, unsigned min_body_rate, unsigned body_rate_grace)
{
	(void)pthread_mutex_lock(&D.lock);
	D.timeout_ms = (int64_t)header_timeout * 1000;
	D.min_rate = min_body_rate;
	D.grace_ms = (int64_t)body_rate_grace * 1000;
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_set_clock(int64_t now)
{
	(void)pthread_mutex_lock(&D.lock);
	D.clock = now;
	(void)pthread_mutex_unlock(&D.lock);
}

unsigned deadline_count(void)
{
	unsigned n;

	(void)pthread_mutex_lock(&D.lock);
	n = D.count;
	(void)pthread_mutex_unlock(&D.lock);
	return n;
}

void deadline_add(struct deadline_entry *e, int fd)
{
	(void)pthread_mutex_lock(&D.lock);
	e->fd = fd;
	e->due = now_ms() + D.timeout_ms;
	e->kept_alive = false;
	e->body_since = 0;
	atomic_store(&e->body_received, 0);
	e->prev = NULL;
	e->next = D.head;
	if (D.head != NULL)
		D.head->prev = e;
	D.head = e;
	D.count++;
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_remove(struct deadline_entry *e)
{
	(void)pthread_mutex_lock(&D.lock);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		D.head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	e->prev = e->next = NULL;
	D.count--;
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_headers_in(struct deadline_entry *e)
{
	(void)pthread_mutex_lock(&D.lock);
	e->due = 0;
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_rearm(struct deadline_entry *e)
{
	(void)pthread_mutex_lock(&D.lock);
	e->due = now_ms() + D.timeout_ms;
	e->kept_alive = true;
	e->body_since = 0;
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_body_begin(struct deadline_entry *e)
{
	(void)pthread_mutex_lock(&D.lock);
	atomic_store(&e->body_received, 0);
	e->body_since = now_ms();
	(void)pthread_mutex_unlock(&D.lock);
}

void deadline_body_bytes(struct deadline_entry *e, size_t n)
{
	atomic_fetch_add(&e->body_received, (uint_least64_t)n);
}

void deadline_body_end(struct deadline_entry *e)
{
	(void)pthread_mutex_lock(&D.lock);
	e->body_since = 0;
	(void)pthread_mutex_unlock(&D.lock);
}

/* Whether e's body has fallen behind the minimum rate; D.lock held. */
static bool body_too_slow(const struct deadline_entry *e, int64_t now)
{
	int64_t owed_ms;

	if (e->body_since == 0 || D.min_rate == 0)
		return false;
	owed_ms = now - e->body_since - D.grace_ms;
	if (owed_ms <= 0)
		return false;
	/* received < rate * owed_ms / 1000, without the division. */
	return atomic_load(&e->body_received) * 1000 < D.min_rate * (uint64_t)owed_ms;
}

unsigned deadline_sweep(void)
{
	unsigned fresh = 0, idle = 0, slow = 0;
	int64_t now;

	(void)pthread_mutex_lock(&D.lock);
	now = now_ms();
	for (struct deadline_entry *e = D.head; e != NULL; e = e->next) {
		if (body_too_slow(e, now)) {
			/* Once, like a header deadline. */
			e->body_since = 0;
			(void)shutdown(e->fd, SHUT_RDWR);
			slow++;
			continue;
		}
		if (e->due == 0 || e->due > now)
			continue;
		/* Disarmed: once is enough; libmicrohttpd closes it soon. An
		 * error (the peer is already gone) changes nothing. */
		e->due = 0;
		(void)shutdown(e->fd, SHUT_RDWR);
		if (e->kept_alive)
			idle++;
		else
			fresh++;
	}
	(void)pthread_mutex_unlock(&D.lock);
	/* A count per second at most, so a flood cannot flood the log; idle
	 * keep-alive connections ending are routine, hence debug. */
	if (fresh > 0)
		alog(ALOG_INFO, "header_timeout: connections ended without request headers: %u",
		     fresh);
	if (idle > 0)
		alog(ALOG_DEBUG, "header_timeout: idle keep-alive connections ended: %u", idle);
	if (slow > 0)
		alog(ALOG_INFO,
		     "min_body_rate: connections ended with a body behind the minimum rate: %u",
		     slow);
	return fresh + idle + slow;
}

/* Sleeps one period or until deadline_stop; returns 0 when stopping. */
static int wait_period(void)
{
	struct timespec until;
	int stop, rc = 0;

	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SWEEP_MS / 1000;
	(void)pthread_mutex_lock(&D.lock);
	while (!D.stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&D.wake, &D.lock, &until);
	stop = D.stopping;
	(void)pthread_mutex_unlock(&D.lock);
	return !stop;
}

static void *sweep_main(void *arg)
{
	while (wait_period())
		(void)deadline_sweep();
	return arg;
}

int deadline_start(void)
{
	pthread_condattr_t ca;

	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&D.wake, &ca) != 0) {
		(void)pthread_condattr_destroy(&ca);
		return -1;
	}
	(void)pthread_condattr_destroy(&ca);
	D.stopping = false;
	if (pthread_create(&D.thread, NULL, sweep_main, NULL) != 0) {
		(void)pthread_cond_destroy(&D.wake);
		return -1;
	}
	D.running = true;
	return 0;
}

void deadline_stop(void)
{
	if (!D.running)
		return;
	(void)pthread_mutex_lock(&D.lock);
	D.stopping = true;
	(void)pthread_cond_signal(&D.wake);
	(void)pthread_mutex_unlock(&D.lock);
	(void)pthread_join(D.thread, NULL);
	(void)pthread_cond_destroy(&D.wake);
	D.running = false;
}
