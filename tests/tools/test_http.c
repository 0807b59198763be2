/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of libabriclient's HTTP layer: the response parser with good,
 * truncated, garbage and oversized answers (fed whole and byte by byte),
 * server addresses, the transport against a forked Unix-socket server
 * (answer, early close, silence -> timeout), and safe terminal output. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abri/client.h"

#include "../check.h"

/* Parse `raw` fed in pieces of `step` bytes (0 = whole), then EOF if
 * still incomplete. Returns 1 (complete) or the error. */
static int parse_with(const char *raw, size_t len, size_t step, size_t hmax, size_t bmax,
                      abri_http_response *r)
{
	abri_http_parser p;
	int rc = 0;
	abri_http_response_init(r);
	abri_http_parser_init(&p, r, hmax, bmax);
	if (step == 0)
		step = len ? len : 1;
	for (size_t off = 0; off < len && rc == 0; off += step) {
		size_t n = len - off < step ? len - off : step;
		rc = abri_http_parser_feed(&p, (const uint8_t *)raw + off, n);
	}
	if (rc == 0)
		rc = abri_http_parser_eof(&p);
	return rc;
}

/* Parses whole and byte by byte: both must agree. */
static int parse_both(const char *raw, abri_http_response *r)
{
	abri_http_response r1;
	int a = parse_with(raw, strlen(raw), 1, 0, 0, &r1);
	int b = parse_with(raw, strlen(raw), 0, 0, 0, r);
	CHECK(a == b);
	if (a == 1 && b == 1) {
		CHECK(r1.status == r->status);
		CHECK(r1.body.len == r->body.len);
		CHECK(r1.body.len == 0 || memcmp(r1.body.data, r->body.data, r1.body.len) == 0);
	}
	abri_http_response_free(&r1);
	return b;
}

static int body_is(const abri_http_response *r, const char *s)
{
	return r->body.len == strlen(s) && memcmp(r->body.data, s, r->body.len) == 0;
}

static void test_good(void)
{
	abri_http_response r;

	CHECK(parse_both("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	                 "Content-Length: 2\r\n\r\n{}",
	                 &r) == 1);
	CHECK(r.status == 200 && body_is(&r, "{}"));
	CHECK(strcmp(abri_http_header_get(&r, "content-type"), "application/json") == 0);
	CHECK(abri_http_header_get(&r, "X-Missing") == NULL);
	abri_http_response_free(&r);

	/* chunked, with an extension and a trailer */
	CHECK(parse_both("HTTP/1.1 201 Created\r\nTransfer-Encoding: Chunked\r\n\r\n"
	                 "4;ext=1\r\nabcd\r\n0A\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n",
	                 &r) == 1);
	CHECK(r.status == 201 && body_is(&r, "abcd0123456789"));
	abri_http_response_free(&r);

	/* read to EOF, bare LF, optional whitespace around values, no reason */
	CHECK(parse_both("HTTP/1.0 404\nServer:   x  \n\nnot found", &r) == 1);
	CHECK(r.status == 404 && body_is(&r, "not found"));
	CHECK(strcmp(abri_http_header_get(&r, "server"), "x") == 0);
	abri_http_response_free(&r);

	/* interim answers are skipped */
	CHECK(parse_both("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	                 "Content-Length: 1\r\n\r\nz",
	                 &r) == 1);
	CHECK(r.status == 200 && body_is(&r, "z") && abri_http_header_get(&r, "Content-Length"));
	abri_http_response_free(&r);

	/* 204 has no body even without a length; trailing bytes are ignored */
	CHECK(parse_both("HTTP/1.1 204 No Content\r\n\r\ngarbage", &r) == 1);
	CHECK(r.status == 204 && r.body.len == 0);
	abri_http_response_free(&r);

	/* identical duplicate Content-Length is fine, zero length completes */
	CHECK(parse_both("HTTP/1.1 200 OK\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n", &r) ==
	      1);
	abri_http_response_free(&r);
}

static void test_truncated(void)
{
	static const char *const cases[] = {
	    "",
	    "HTTP/1.1 200 OK\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
	    "HTTP/1.1 100 Continue\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		abri_http_response r;
		int rc = parse_both(cases[i], &r);
		if (rc != ABRI_CLIENT_ERR_TRUNCATED)
			fprintf(stderr, "truncated case %zu: rc %d\n", i, rc);
		CHECK(rc == ABRI_CLIENT_ERR_TRUNCATED);
		abri_http_response_free(&r);
	}
}

static void test_garbage(void)
{
	static const char *const cases[] = {
	    "\r\n\r\n",
	    "garbage\r\n\r\n",
	    "HTTP/2 200 OK\r\n\r\n",
	    "HTTX/1.1 200 OK\r\n\r\n",
	    "HTTP/1.1 20 OK\r\n\r\n",
	    "HTTP/1.1 2000 OK\r\n\r\n",
	    "HTTP/1.1 099 Low\r\n\r\n",
	    "HTTP/1.1 600 High\r\n\r\n",
	    "HTTP/1.1  200 OK\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n",
	    "HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n",
	    "HTTP/1.1 101 Switching Protocols\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\na",
	    "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1FFFFFFFFFFFFFFFF\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\rX\n0\r\n\r\n",
	    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 "
	    "Continue\r\n\r\n"
	    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		abri_http_response r;
		int rc = parse_both(cases[i], &r);
		if (rc != ABRI_CLIENT_ERR_PROTOCOL)
			fprintf(stderr, "garbage case %zu: rc %d\n", i, rc);
		CHECK(rc == ABRI_CLIENT_ERR_PROTOCOL);
		abri_http_response_free(&r);
	}
	/* a NUL byte in the header block */
	static const char nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
	abri_http_response r;
	CHECK(parse_with(nul, sizeof nul - 1, 0, 0, 0, &r) == ABRI_CLIENT_ERR_PROTOCOL);
	abri_http_response_free(&r);
	/* a NUL in a chunk-size line */
	static const char nul2[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;\0\r\n";
	CHECK(parse_with(nul2, sizeof nul2 - 1, 1, 0, 0, &r) == ABRI_CLIENT_ERR_PROTOCOL);
	abri_http_response_free(&r);
}

static void test_oversized(void)
{
	abri_http_response r;
	size_t big = ABRI_HTTP_HEADER_MAX + 100;
	char *raw = malloc(big + 64);

	/* one enormous header */
	int n = sprintf(raw, "HTTP/1.1 200 OK\r\nX: ");
	memset(raw + n, 'a', big);
	strcpy(raw + n + big, "\r\n\r\n");
	CHECK(parse_with(raw, strlen(raw), 0, 0, 0, &r) == ABRI_ERR_TOO_BIG);
	abri_http_response_free(&r);
	CHECK(parse_with(raw, strlen(raw), 7, 0, 0, &r) == ABRI_ERR_TOO_BIG);
	abri_http_response_free(&r);

	/* too many headers */
	n = sprintf(raw, "HTTP/1.1 200 OK\r\n");
	for (unsigned i = 0; i <= ABRI_HTTP_HEADERS_MAX; i++)
		n += sprintf(raw + n, "H%u: v\r\n", i);
	strcpy(raw + n, "\r\n");
	CHECK(parse_with(raw, strlen(raw), 0, 0, 0, &r) == ABRI_ERR_TOO_BIG);
	abri_http_response_free(&r);
	free(raw);

	/* bodies beyond the cap: announced, chunked, read to EOF */
	static const char *const bodies[] = {
	    "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n",
	    "HTTP/1.1 200 OK\r\n\r\n0123456789A",
	};
	for (size_t i = 0; i < 3; i++) {
		CHECK(parse_with(bodies[i], strlen(bodies[i]), 1, 0, 10, &r) == ABRI_ERR_TOO_BIG);
		abri_http_response_free(&r);
	}
	/* exactly at the cap is fine */
	static const char at_cap[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
	CHECK(parse_with(at_cap, sizeof at_cap - 1, 3, 0, 10, &r) == 1);
	abri_http_response_free(&r);
	/* trailers count against the header cap */
	static const char trailers[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 0123456789\r\n\r\n";
	CHECK(parse_with(trailers, sizeof trailers - 1, 0, 60, 0, &r) == ABRI_ERR_TOO_BIG);
	abri_http_response_free(&r);
}

static void test_endpoints(void)
{
	abri_endpoint e;
	CHECK(abri_endpoint_parse(&e, "http://127.0.0.1:8080") == 0 && !e.is_unix &&
	      strcmp(e.host, "127.0.0.1") == 0 && strcmp(e.port, "8080") == 0 &&
	      strcmp(e.host_header, "127.0.0.1:8080") == 0);
	CHECK(abri_endpoint_parse(&e, "http://localhost/") == 0 && strcmp(e.port, "80") == 0 &&
	      strcmp(e.host_header, "localhost") == 0);
	CHECK(abri_endpoint_parse(&e, "http://[::1]:81") == 0 && strcmp(e.host, "::1") == 0 &&
	      strcmp(e.port, "81") == 0);
	CHECK(abri_endpoint_parse(&e, "http://[::1]") == 0 && strcmp(e.port, "80") == 0);
	CHECK(abri_endpoint_parse(&e, "unix:/run/abri/abrid.sock") == 0 && e.is_unix &&
	      strcmp(e.path, "/run/abri/abrid.sock") == 0);
	static const char *const bad[] = {
	    "https://example.org",
	    "http://",
	    "http://:80",
	    "http://host:",
	    "http://host:8x",
	    "http://host/prefix",
	    "http://[::1",
	    "http://[::1]x",
	    "http://us@er:1",
	    "unix:rel/path",
	    "ftp://x",
	    "http://a b",
	    NULL,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(abri_endpoint_parse(&e, bad[i]) < 0);
}

/* ---- transport against a forked server on a Unix socket ---- */

enum { SRV_ANSWER, SRV_CLOSE, SRV_SILENT };

static pid_t serve_once(const char *path, int mode)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(ls, 1) < 0)
		return -1;
	pid_t pid = fork();
	if (pid != 0) {
		close(ls);
		return pid;
	}
	int c = accept(ls, NULL, NULL);
	char buf[4096];
	size_t have = 0;
	while (c >= 0 && have < sizeof buf - 1) {
		ssize_t r = read(c, buf + have, sizeof buf - 1 - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		/* the request line, Connection: close and our body must be there */
		if (strstr(buf, "\r\n\r\n{\"a\":1}"))
			break;
	}
	if (mode == SRV_ANSWER) {
		static const char ans[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		                          "7\r\n{\"ok\":1\r\n1\r\n}\r\n0\r\n\r\n";
		int good = strncmp(buf, "POST /v1/x HTTP/1.1\r\n", 21) == 0 &&
		           strstr(buf, "\r\nConnection: close\r\n") &&
		           strstr(buf, "\r\nContent-Length: 7\r\n") &&
		           strstr(buf, "\r\nX-T: 1\r\n");
		if (good && write(c, ans, sizeof ans - 1) < 0)
			_exit(1);
	} else if (mode == SRV_SILENT) {
		sleep(5);
	}
	_exit(0);
}

static void test_transport(void)
{
	char path[108];
	abri_endpoint e;
	abri_http_response r;
	const uint8_t body[] = "{\"a\":1}";

	snprintf(path, sizeof path, "/tmp/abri-test-http-%ld.sock", (long)getpid());
	char server[128];
	snprintf(server, sizeof server, "unix:%s", path);
	CHECK(abri_endpoint_parse(&e, server) == 0);

	pid_t pid = serve_once(path, SRV_ANSWER);
	CHECK(pid > 0);
	abri_http_response_init(&r);
	CHECK(abri_http_exchange(&e, "POST", "/v1/x", "X-T: 1\r\n", body, 7, 2000, &r) == 0);
	CHECK(r.status == 200 && body_is(&r, "{\"ok\":1}"));
	abri_http_response_free(&r);
	waitpid(pid, NULL, 0);

	pid = serve_once(path, SRV_CLOSE);
	abri_http_response_init(&r);
	CHECK(abri_http_exchange(&e, "POST", "/v1/x", NULL, body, 7, 2000, &r) ==
	      ABRI_CLIENT_ERR_TRUNCATED);
	abri_http_response_free(&r);
	waitpid(pid, NULL, 0);

	pid = serve_once(path, SRV_SILENT);
	abri_http_response_init(&r);
	CHECK(abri_http_exchange(&e, "POST", "/v1/x", NULL, body, 7, 200, &r) ==
	      ABRI_CLIENT_ERR_TIMEOUT);
	abri_http_response_free(&r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	unlink(path);
	abri_http_response_init(&r);
	CHECK(abri_http_exchange(&e, "GET", "/", NULL, NULL, 0, 200, &r) ==
	      ABRI_CLIENT_ERR_CONNECT);
	/* header injection through the target is refused before connecting */
	CHECK(abri_http_exchange(&e, "GET", "/a\r\nX: y", NULL, NULL, 0, 200, &r) ==
	      ABRI_ERR_INVALID);
	CHECK(abri_http_exchange(&e, "GET", "/a b", NULL, NULL, 0, 200, &r) == ABRI_ERR_INVALID);
	abri_http_response_free(&r);
}

static void test_output(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	abri_fputs_safe(f, "ok \xc3\xa9\n\x1b[31m\xe2\x80\xae\xc2\x85\xff\xc0\xaf|");
	fclose(f);
	CHECK(strcmp(buf, "ok \xc3\xa9\n\\x1b[31m\\u{202e}\\x85\\xff\\xc0\\xaf|") == 0);
	free(buf);

	f = open_memstream(&buf, &len);
	abri_fputs_safe_line(f, "a\tb\nabri: c\x7f");
	fclose(f);
	CHECK(strcmp(buf, "a\\x09b\\x0aabri: c\\x7f") == 0);
	free(buf);

	CHECK(abri_error_code_valid("bad_pow"));
	CHECK(abri_error_code_valid("x"));
	CHECK(abri_error_code_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CHECK(!abri_error_code_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CHECK(!abri_error_code_valid(""));
	CHECK(!abri_error_code_valid(NULL));
	CHECK(!abri_error_code_valid("Bad"));
	CHECK(!abri_error_code_valid("a-b"));
	CHECK(!abri_error_code_valid("\x1b[31mx"));
	json_t *ans = json_pack("{s:{s:s}}", "error", "code", "\x1b[31mx");
	CHECK(ans != NULL && abri_client_error_code(ans) == NULL);
	json_decref(ans);

	char *esc = abri_url_escape("a b/c~d&e=+");
	CHECK(strcmp(esc, "a%20b%2Fc~d%26e%3D%2B") == 0);
	free(esc);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (abri_init() < 0)
		return 1;
	test_good();
	test_truncated();
	test_garbage();
	test_oversized();
	test_endpoints();
	test_transport();
	test_output();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
