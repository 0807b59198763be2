/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Header deadline (slow-loris): a connection must complete its request
 * headers within header_timeout seconds of being accepted, or of the end
 * of its previous request on a keep-alive connection. libmicrohttpd's
 * connection_timeout is an idle timeout, reset by every byte, and the
 * access handler is not called before the headers are in, so a thread
 * sweeps the live connections once a second and ends those past their
 * deadline with shutdown(2); libmicrohttpd then sees the socket end and
 * closes it as usual.
 *
 * The entries live in the connections' socket contexts (httpd.c): a fixed
 * size per connection, nothing allocated per request, no address kept.
 * Every function takes the table's mutex; see deadline.c for why the
 * sweep can never shut down a descriptor that was closed and reused. */
#ifndef ABRID_DEADLINE_H
#define ABRID_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct deadline_entry {
	struct deadline_entry *prev, *next;
	int fd;
	int64_t due;     /* CLOCK_MONOTONIC ms; 0 = headers in, no deadline */
	bool kept_alive; /* armed at the end of a request, not at accept */
};

/* Sets the timeout (seconds) for the entries added or re-armed from now
 * on; the table starts empty. */
void deadline_init(unsigned header_timeout);
/* Starts the sweep thread (before the sandbox: it is one more thread the
 * filter must cover); -1 on failure. */
int deadline_start(void);
/* Stops and joins it (no-op if not started). */
void deadline_stop(void);

/* A connection was accepted (fd is its socket): armed at now +
 * header_timeout. */
void deadline_add(struct deadline_entry *e, int fd);
/* The connection is about to be closed: must be called before its
 * descriptor is (libmicrohttpd's MHD_CONNECTION_NOTIFY_CLOSED). */
void deadline_remove(struct deadline_entry *e);
/* Its request headers are complete: no deadline until deadline_rearm.
 * A suspended connection (dbpool.h) is always past this point. */
void deadline_headers_in(struct deadline_entry *e);
/* Its request is over: the next request's headers are due by now +
 * header_timeout (so header_timeout also bounds keep-alive idling). */
void deadline_rearm(struct deadline_entry *e);

/* One sweep (what the thread does each second): shuts down the
 * connections past their deadline, returns how many. */
unsigned deadline_sweep(void);
/* Tests: a fixed clock in ms (0 = real) and the number of live entries. */
void deadline_set_clock(int64_t now_ms);
unsigned deadline_count(void);

#endif
