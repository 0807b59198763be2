/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Header deadlines (src/abrid/deadline.c): a connection past its deadline
 * is shut down by the sweep, once; one whose headers are in never is; the
 * deadline is re-armed at the end of a request; removed entries are never
 * touched. Bodies: behind the minimum rate after the grace, shut down;
 * bytes banked early cover a later stall; a complete body is never
 * touched. Sockets are socketpair(2) ends: the peer sees EOF when the
 * sweep shuts ours down. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"

#include "../check.h"

#define T0 1000000 /* ms, fixed clock */

struct pair {
	int ours, peer;
	struct deadline_entry e;
};

static void open_pair(struct pair *p)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		_exit(1);
	}
	p->ours = sv[0];
	p->peer = sv[1];
}

/* 1 when the peer sees the end of the stream (our end was shut down). */
static int ended(const struct pair *p)
{
	char c;
	ssize_t n = recv(p->peer, &c, 1, MSG_DONTWAIT);

	return n == 0;
}

static void expiry_and_headers_in(void)
{
	struct pair a, b, c;

	open_pair(&a);
	open_pair(&b);
	open_pair(&c);
	deadline_set_clock(T0);
	deadline_add(&a.e, a.ours);
	deadline_add(&b.e, b.ours);
	deadline_add(&c.e, c.ours);
	CHECK(deadline_count() == 3);
	deadline_headers_in(&b.e);

	deadline_set_clock(T0 + 1999);
	CHECK(deadline_sweep() == 0);
	CHECK(!ended(&a) && !ended(&b) && !ended(&c));

	deadline_set_clock(T0 + 2000);
	CHECK(deadline_sweep() == 2); /* a and c; b has its headers */
	CHECK(ended(&a) && ended(&c));
	CHECK(!ended(&b));
	CHECK(deadline_sweep() == 0); /* once is enough */

	/* b's request is over: its next headers are due 2 s from now. */
	deadline_rearm(&b.e);
	deadline_set_clock(T0 + 3999);
	CHECK(deadline_sweep() == 0 && !ended(&b));
	deadline_set_clock(T0 + 4000);
	CHECK(deadline_sweep() == 1 && ended(&b));

	/* Removed in any order: the list stays whole. */
	deadline_remove(&c.e);
	deadline_remove(&a.e);
	deadline_remove(&b.e);
	CHECK(deadline_count() == 0);
	(void)close(a.ours), (void)close(a.peer);
	(void)close(b.ours), (void)close(b.peer);
	(void)close(c.ours), (void)close(c.peer);
}

/* An entry removed before the sweep (MHD's NOTIFY_CLOSED, before it closes
 * the descriptor) is not shut down even if its descriptor is reused. */
static void removed_is_untouched(void)
{
	struct pair a, b;

	open_pair(&a);
	deadline_set_clock(T0);
	deadline_add(&a.e, a.ours);
	deadline_remove(&a.e);
	(void)close(a.ours);
	(void)close(a.peer);
	open_pair(&b); /* very likely the same descriptor numbers */
	deadline_set_clock(T0 + 60000);
	CHECK(deadline_sweep() == 0);
	CHECK(!ended(&b));
	(void)close(b.ours);
	(void)close(b.peer);
}

/* min_body_rate 1000 B/s after a grace of 3 s (deadline_init in main):
 * at t seconds into the body, received must be >= 1000 * (t - 3). */
static void body_rate(void)
{
	struct pair slow, steady, banked, done;

	open_pair(&slow);
	open_pair(&steady);
	open_pair(&banked);
	open_pair(&done);
	deadline_set_clock(T0);
	deadline_add(&slow.e, slow.ours);
	deadline_add(&steady.e, steady.ours);
	deadline_add(&banked.e, banked.ours);
	deadline_add(&done.e, done.ours);
	deadline_headers_in(&slow.e);
	deadline_headers_in(&steady.e);
	deadline_headers_in(&banked.e);
	deadline_headers_in(&done.e);
	deadline_body_begin(&slow.e);
	deadline_body_begin(&steady.e);
	deadline_body_begin(&banked.e);
	deadline_body_begin(&done.e);

	/* Within the grace nothing is owed, whatever arrived. */
	deadline_set_clock(T0 + 3000);
	CHECK(deadline_sweep() == 0);
	deadline_body_bytes(&slow.e, 10);      /* a trickle */
	deadline_body_bytes(&banked.e, 20000); /* fast, then a long stall */
	deadline_body_end(&done.e);            /* complete: no longer held */

	/* 5 s in: 2000 bytes owed. */
	deadline_set_clock(T0 + 5000);
	deadline_body_bytes(&steady.e, 2000);
	CHECK(deadline_sweep() == 1);
	CHECK(ended(&slow) && !ended(&steady) && !ended(&banked) && !ended(&done));
	CHECK(deadline_sweep() == 0); /* once is enough */

	/* 6 s in: 3000 owed, steady has 2000 (a stall of a second too many);
	 * banked's 20000 cover it until 23 s in. */
	deadline_set_clock(T0 + 6000);
	CHECK(deadline_sweep() == 1 && ended(&steady));
	deadline_set_clock(T0 + 23000);
	CHECK(deadline_sweep() == 0 && !ended(&banked));
	deadline_set_clock(T0 + 23001);
	CHECK(deadline_sweep() == 1 && ended(&banked));
	deadline_set_clock(T0 + 600000);
	CHECK(deadline_sweep() == 0 && !ended(&done)); /* and no header deadline either */

	/* A request that ends (rearm) leaves the body phase too. */
	deadline_body_begin(&done.e);
	deadline_rearm(&done.e);
	deadline_headers_in(&done.e);
	deadline_set_clock(T0 + 900000);
	CHECK(deadline_sweep() == 0 && !ended(&done));

	deadline_remove(&slow.e);
	deadline_remove(&steady.e);
	deadline_remove(&banked.e);
	deadline_remove(&done.e);
	CHECK(deadline_count() == 0);
	(void)close(slow.ours), (void)close(slow.peer);
	(void)close(steady.ours), (void)close(steady.peer);
	(void)close(banked.ours), (void)close(banked.peer);
	(void)close(done.ours), (void)close(done.peer);
}

/* The thread sweeps by itself on the real clock. */
static void thread_sweeps(void)
{
	struct pair a;
	int i;

	deadline_set_clock(0);
	deadline_init(1, 0, 1);
	open_pair(&a);
	deadline_add(&a.e, a.ours);
	CHECK(deadline_start() == 0);
	for (i = 0; i < 40 && !ended(&a); i++)
		(void)usleep(100000);
	CHECK(i >= 5 && i < 40); /* after ~1 s, within ~2 s */
	deadline_stop();
	deadline_remove(&a.e);
	(void)close(a.ours);
	(void)close(a.peer);
}

int main(void)
{
	deadline_init(2, 1000, 3);
	expiry_and_headers_in();
	removed_is_untouched();
	body_rate();
	thread_sweeps();
	deadline_stop(); /* again: a no-op */
	if (failures != 0)
		(void)fprintf(stderr, "%d failures\n", failures);
	return failures != 0;
}
