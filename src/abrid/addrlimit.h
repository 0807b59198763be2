/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Per-address limits without keeping addresses.
 *
 * A client address is reduced at once to a 16-byte tag, keyed BLAKE2b of
 * the address (IPv4: all 32 bits; IPv6: the /64 prefix, what one customer
 * usually gets) under a random key that lives in memory only and is
 * replaced every window (10 minutes by default). Nothing else about the
 * address is kept, nothing is written anywhere, and after the window the
 * key is gone: a tag cannot be tied back to an address even by someone
 * who later reads abrid's memory. libmicrohttpd's own per-IP limit is not
 * used: it keeps raw addresses.
 *
 * Per tag: open connections (checked in the accept-policy callback),
 * requests in the current window (429 past the limit), requests still
 * sending their body (429 past the limit, before any body is read) and
 * the upload capacity announced in the current window (429 past it). The table has a
 * fixed number of slots allocated at start, so a flood from many
 * addresses cannot grow memory: when it fills, tags with no open
 * connection are dropped (their request counts forgotten) and, if it is
 * still full, new addresses are refused until connections close.
 *
 * Connections over a Unix socket (a local reverse proxy or onion service)
 * are not limited here, and the whole mechanism can be turned off
 * (`addr_limits = off`) where every client arrives with one address. */
#ifndef ABRID_ADDRLIMIT_H
#define ABRID_ADDRLIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct addrlimit_cfg {
	unsigned max_connections; /* open connections per address */
	unsigned max_requests;    /* requests per address per window */
	unsigned max_uploading;   /* requests per address still sending a body */
	uint64_t upload_bytes;    /* upload capacity announced per address per window */
	unsigned window;          /* seconds; the key is replaced this often */
	size_t slots;             /* table size (a power of two is used) */
};

/* What a connection keeps to find its entry again (socket context). */
struct addrlimit_ticket {
	uint8_t tag[16];
};

int addrlimit_init(const struct addrlimit_cfg *cfg);
void addrlimit_free(void);
int addrlimit_enabled(void);

/* Accept policy: 1 to accept a connection from sa, 0 to refuse (too many
 * open connections from that address, or no room for a new one). */
int addrlimit_admit(const struct sockaddr *sa, socklen_t len);
/* The connection started: counts it and fills t (0); or -1, not counted
 * (an unlimited client — Unix socket — or no room in the table); or 1,
 * not counted, when the address already has max_connections open: the
 * accept policy checks first, but connections accepted in one burst can
 * pass it before any of them is counted here, so the caller closes this
 * one. */
int addrlimit_open(const struct sockaddr *sa, socklen_t len, struct addrlimit_ticket *t);
void addrlimit_close(const struct addrlimit_ticket *t);
/* A request on that connection: 0 = go on, > 0 = over the limit, retry
 * after that many seconds (the window's end). */
unsigned addrlimit_request(const struct addrlimit_ticket *t);
/* A request on that connection starts sending its body: 0 (counted), or
 * -1 when the address already has max_uploading bodies on the way (not
 * counted). addrlimit_upload_end when the body is in or the request ends. */
int addrlimit_upload_begin(const struct addrlimit_ticket *t);
void addrlimit_upload_end(const struct addrlimit_ticket *t);
/* An upload of that capacity announced from that connection's address:
 * 0 (counted for this window), or > 0 when it would take the address past
 * upload_bytes this window (not counted): retry after that many seconds,
 * the window's end. addrlimit_upload_refund gives back what was counted
 * for an upload that was not stored. */
unsigned addrlimit_upload_bytes(const struct addrlimit_ticket *t, uint64_t bytes);
void addrlimit_upload_refund(const struct addrlimit_ticket *t, uint64_t bytes);

/* Test hooks: clock override (0 = real time) and table occupancy. */
void addrlimit_set_clock(int64_t now);
size_t addrlimit_used(void);

#endif
