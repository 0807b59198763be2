/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Per-address limits (src/abrid/addrlimit.c): connection, request,
 * body-on-the-way and upload-capacity limits per keyed tag, IPv6 by /64, new key and counts
 * each window, a bounded table that sheds idle tags under a flood of
 * addresses. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <sodium.h>

#include "addrlimit.h"

static int failed;

static void expect(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failed++;
}

static struct sockaddr_in v4(const char *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof s);
	s.sin_family = AF_INET;
	s.sin_port = htons(40000);
	(void)inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 v6(const char *a)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof s);
	s.sin6_family = AF_INET6;
	(void)inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

#define SA(x) ((const struct sockaddr *)(const void *)&(x)), (socklen_t)sizeof(x)

static void connections(void)
{
	struct sockaddr_in a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct addrlimit_ticket t[4], tb;
	int i, ok = 1;

	for (i = 0; i < 3; i++)
		ok &= addrlimit_admit(SA(a)) && addrlimit_open(SA(a), &t[i]) == 0;
	expect(ok, "three connections from one address are admitted");
	expect(!addrlimit_admit(SA(a)), "the fourth from that address is refused (limit 3)");
	expect(addrlimit_open(SA(a), &t[3]) == 1,
	       "one that got past the accept policy in a burst is not counted (the caller ends it)");
	a.sin_port = htons(40001);
	expect(!addrlimit_admit(SA(a)), "another source port does not help");
	expect(addrlimit_admit(SA(b)) && addrlimit_open(SA(b), &tb) == 0,
	       "another address is admitted");
	addrlimit_close(&t[0]);
	expect(addrlimit_admit(SA(a)), "after one closes, the address is admitted again");
	addrlimit_close(&t[1]);
	addrlimit_close(&t[2]);
	addrlimit_close(&tb);
}

static void ipv6_prefix(void)
{
	struct sockaddr_in6 a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2:ffff::9"),
	                    c = v6("2001:db8:1:3::1");
	struct addrlimit_ticket t[3], tc;

	expect(addrlimit_open(SA(a), &t[0]) == 0 && addrlimit_open(SA(b), &t[1]) == 0 &&
	           addrlimit_open(SA(a), &t[2]) == 0,
	       "IPv6: three connections within one /64");
	expect(!addrlimit_admit(SA(b)), "IPv6: a fourth address of the same /64 is refused");
	expect(addrlimit_admit(SA(c)) && addrlimit_open(SA(c), &tc) == 0,
	       "IPv6: the next /64 is another client");
	addrlimit_close(&t[0]);
	addrlimit_close(&t[1]);
	addrlimit_close(&t[2]);
	addrlimit_close(&tc);
}

static void unix_socket(void)
{
	struct sockaddr_un u;
	struct addrlimit_ticket t;

	memset(&u, 0, sizeof u);
	u.sun_family = AF_UNIX;
	expect(addrlimit_admit(SA(u)) && addrlimit_open(SA(u), &t) == -1,
	       "Unix-socket clients are not limited (no tag made)");
}

static void requests_and_window(void)
{
	struct sockaddr_in a = v4("198.51.100.7");
	struct addrlimit_ticket t;
	unsigned i, wait = 0, ok = 1;

	ok = addrlimit_open(SA(a), &t) == 0;
	for (i = 0; i < 5; i++)
		ok &= addrlimit_request(&t) == 0;
	expect(ok, "five requests in a window pass (limit 5)");
	wait = addrlimit_request(&t);
	expect(wait > 0 && wait <= 601, "the sixth gets a Retry-After up to the window's end");
	expect(addrlimit_admit(SA(a)), "over the request limit a connection is still admitted "
	                               "(it will get 429, not a reset)");
	addrlimit_set_clock(1000 + 600);
	expect(addrlimit_request(&t) == 0, "a new window starts the count again");
	addrlimit_close(&t);
}

static void bodies_on_the_way(void)
{
	struct sockaddr_in a = v4("198.51.100.20"), b = v4("198.51.100.21");
	struct addrlimit_ticket ta[2], tb;
	int ok;

	ok = addrlimit_open(SA(a), &ta[0]) == 0 && addrlimit_open(SA(a), &ta[1]) == 0 &&
	     addrlimit_open(SA(b), &tb) == 0;
	expect(ok, "two connections from one address, one from another");
	expect(addrlimit_upload_begin(&ta[0]) == 0 && addrlimit_upload_begin(&ta[1]) == 0,
	       "two bodies on the way from one address (limit 2)");
	expect(addrlimit_upload_begin(&ta[0]) == -1,
	       "a third body from that address is refused (keep-alive or a new connection alike)");
	expect(addrlimit_upload_begin(&tb) == 0, "another address is not affected");
	addrlimit_upload_end(&ta[1]);
	expect(addrlimit_upload_begin(&ta[0]) == 0, "once a body is in, the next one may start");
	addrlimit_set_clock(1000 + 1200);
	expect(addrlimit_request(&ta[0]) == 0, "a new window (new key, counts restart)");
	expect(addrlimit_upload_begin(&ta[1]) == -1,
	       "a new window does not forget bodies still on the way");
	addrlimit_upload_end(&ta[0]);
	addrlimit_upload_end(&ta[0]);
	addrlimit_upload_end(&tb);
	expect(addrlimit_upload_begin(&ta[1]) == 0, "all in: the address may send again");
	addrlimit_upload_end(&ta[1]);
	addrlimit_close(&ta[0]);
	addrlimit_close(&ta[1]);
	addrlimit_close(&tb);
}

static void upload_bytes(void)
{
	struct sockaddr_in a = v4("198.51.100.30"), b = v4("198.51.100.31");
	struct addrlimit_ticket ta, tb;
	unsigned wait;

	addrlimit_set_clock(5000); /* a new window: 5000..5600 */
	expect(addrlimit_open(SA(a), &ta) == 0 && addrlimit_open(SA(b), &tb) == 0,
	       "two addresses");
	expect(addrlimit_upload_bytes(&ta, 600000) == 0 && addrlimit_upload_bytes(&ta, 400000) == 0,
	       "uploads up to the address's 1000000 bytes per window are counted");
	wait = addrlimit_upload_bytes(&ta, 1);
	expect(wait > 0 && wait <= 601, "one byte more: refused until the window's end");
	expect(addrlimit_upload_bytes(&tb, 1000000) == 0, "another address has its own allowance");
	expect(addrlimit_upload_bytes(&tb, 2000000) > 0, "a single upload above it is refused");
	addrlimit_upload_refund(&ta, 400000);
	expect(addrlimit_upload_bytes(&ta, 400000) == 0, "an upload that was not stored is given back");
	addrlimit_set_clock(5600);
	expect(addrlimit_upload_bytes(&ta, 1000000) == 0, "a new window starts the count again");
	addrlimit_close(&ta);
	addrlimit_close(&tb);
}

static void flood_of_addresses(void)
{
	struct addrlimit_ticket t[64];
	char name[32];
	unsigned i, opened = 0, admitted;
	size_t used_full;

	/* 64 slots: at most 56 in use. */
	for (i = 0; i < 64; i++) {
		struct sockaddr_in a;

		(void)snprintf(name, sizeof name, "203.0.113.%u", i + 1);
		a = v4(name);
		if (addrlimit_admit(SA(a)) && addrlimit_open(SA(a), &t[opened]) == 0)
			opened++;
	}
	used_full = addrlimit_used();
	expect(opened == 56 && used_full == 56,
	       "a flood of addresses fills the table to 7/8 and no further");
	for (i = 0; i < opened; i++)
		addrlimit_close(&t[i]);
	admitted = 0;
	for (i = 0; i < 10; i++) {
		struct sockaddr_in a;

		(void)snprintf(name, sizeof name, "198.18.0.%u", i + 1);
		a = v4(name);
		admitted += (unsigned)addrlimit_admit(SA(a));
	}
	expect(admitted == 10 && addrlimit_used() == 0,
	       "once they close, idle tags are shed and new addresses get in");
}

int main(void)
{
	struct addrlimit_cfg cfg = {.max_connections = 3,
	                            .max_requests = 5,
	                            .max_uploading = 2,
	                            .upload_bytes = 1000000,
	                            .window = 600,
	                            .slots = 64};

	addrlimit_set_clock(1000); /* the window runs 1000..1600 */
	if (sodium_init() < 0 || addrlimit_init(&cfg) != 0) {
		puts("not ok - init");
		return 1;
	}
	connections();
	ipv6_prefix();
	unix_socket();
	requests_and_window();
	bodies_on_the_way();
	upload_bytes();
	flood_of_addresses();
	addrlimit_free();
	return failed ? 1 : 0;
}
