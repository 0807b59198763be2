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
 * The same sweep holds request bodies to a minimum rate: from the moment a
 * request's headers announce a body until the body is complete, the bytes
 * received must keep up with min_body_rate bytes per second, averaged
 * over the whole body so far, after a grace of body_rate_grace seconds
 * (received >= rate * (elapsed - grace)). A body that falls behind is
 * ended the same way; libmicrohttpd cannot answer in the middle of a
 * body. Bytes banked early pay for later stalls, so an honest phone whose
 * radio pauses keeps its upload, while a body trickled to hold a
 * connection costs its sender at least the minimum rate for as long as it
 * is held.
 *
 * Every function but deadline_body_bytes takes the table's mutex; see
 * deadline.c for why the sweep can never shut down a descriptor that was
 * closed and reused. */
#ifndef ABRID_DEADLINE_H
#define ABRID_DEADLINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct deadline_entry {
	struct deadline_entry *prev, *next;
	int fd;
	int64_t due;                         /* CLOCK_MONOTONIC ms; 0 = headers in, no deadline */
	bool kept_alive;                     /* armed at the end of a request, not at accept */
	int64_t body_since;                  /* ms; 0 = not receiving a body */
	atomic_uint_least64_t body_received; /* bytes since body_since */
};

/* Sets the header timeout (seconds), the minimum body rate (bytes per
 * second, 0 = none) and its grace (seconds) for what is armed from now
 * on; the table starts empty. */
void deadline_init(unsigned header_timeout, unsigned min_body_rate, unsigned body_rate_grace);
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
 * header_timeout (so header_timeout also bounds keep-alive idling); no
 * body is being received any more. */
void deadline_rearm(struct deadline_entry *e);

/* Its request's headers announce a body: held to the minimum rate from
 * now until deadline_body_end (or deadline_rearm). */
void deadline_body_begin(struct deadline_entry *e);
/* n more bytes of that body arrived (no lock: called for every piece). */
void deadline_body_bytes(struct deadline_entry *e, size_t n);
/* The body is complete. */
void deadline_body_end(struct deadline_entry *e);

/* One sweep (what the thread does each second): shuts down the
 * connections past their header deadline or behind the minimum body
 * rate, returns how many. */
unsigned deadline_sweep(void);
/* Tests: a fixed clock in ms (0 = real) and the number of live entries. */
void deadline_set_clock(int64_t now_ms);
unsigned deadline_count(void);

#endif
