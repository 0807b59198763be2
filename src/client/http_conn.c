/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One HTTP/1.1 request per connection over TCP or a Unix socket, with
 * non-blocking sockets and poll() so that neither the connect nor any wait
 * for the peer can hang. No TLS by design (see client.h). */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "abri/client.h"

static int parse_unix(abri_endpoint *e, const char *path)
{
	if (path[0] != '/' || strlen(path) >= sizeof e->path)
		return ABRI_ERR_INVALID;
	e->is_unix = 1;
	memcpy(e->path, path, strlen(path) + 1);
	memcpy(e->host_header, "localhost", sizeof "localhost");
	return ABRI_OK;
}

/* "host", "host:port", "[v6]", "[v6]:port" followed by nothing or "/". */
static int parse_http(abri_endpoint *e, const char *s)
{
	const char *host = s, *host_end, *port = NULL;
	size_t len = strcspn(s, "/");

	if (s[len] == '/' && s[len + 1] != '\0')
		return ABRI_ERR_INVALID; /* no path prefix: targets are signed as sent */
	if (*s == '[') {
		host = s + 1;
		host_end = memchr(host, ']', len - 1);
		if (host_end == NULL)
			return ABRI_ERR_INVALID;
		if (host_end[1] == ':')
			port = host_end + 2;
		else if (host_end + 1 != s + len)
			return ABRI_ERR_INVALID;
	} else {
		host_end = memchr(s, ':', len);
		if (host_end != NULL)
			port = host_end + 1;
		else
			host_end = s + len;
	}
	size_t hl = (size_t)(host_end - host);
	size_t pl = port ? (size_t)(s + len - port) : 0;
	if (hl == 0 || hl >= sizeof e->host || (port && (pl == 0 || pl >= sizeof e->port)))
		return ABRI_ERR_INVALID;
	for (size_t i = 0; i < pl; i++)
		if (port[i] < '0' || port[i] > '9')
			return ABRI_ERR_INVALID;
	for (size_t i = 0; i < hl; i++)
		if ((unsigned char)host[i] <= ' ' || host[i] == '@' || host[i] == 0x7f)
			return ABRI_ERR_INVALID;
	memcpy(e->host, host, hl);
	e->host[hl] = '\0';
	if (port) {
		memcpy(e->port, port, pl);
		e->port[pl] = '\0';
	} else {
		memcpy(e->port, "80", 3);
	}
	/* Host header: what was written, without the trailing slash. */
	if (len >= sizeof e->host_header)
		return ABRI_ERR_INVALID;
	memcpy(e->host_header, s, len);
	e->host_header[len] = '\0';
	return ABRI_OK;
}

int abri_endpoint_parse(abri_endpoint *e, const char *server)
{
	memset(e, 0, sizeof *e);
	if (server == NULL)
		return ABRI_ERR_INVALID;
	if (strncmp(server, "unix:", 5) == 0)
		return parse_unix(e, server + 5);
	if (strncmp(server, "http://", 7) == 0)
		return parse_http(e, server + 7);
	return ABRI_ERR_INVALID; /* https:// included: no TLS here */
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the per-wait timeout or the deadline. */
static int wait_fd(int fd, short events, int timeout_ms, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return ABRI_CLIENT_ERR_TIMEOUT;
		int t = left < timeout_ms ? (int)left : timeout_ms;
		struct pollfd pfd = {.fd = fd, .events = events};
		int n = poll(&pfd, 1, t);
		if (n > 0)
			return ABRI_OK;
		if (n == 0)
			return ABRI_CLIENT_ERR_TIMEOUT;
		if (errno != EINTR)
			return ABRI_ERR_IO;
	}
}

static int connect_addr(int family, const struct sockaddr *sa, socklen_t salen, int timeout_ms,
                        int64_t deadline, int *fd_out)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return ABRI_CLIENT_ERR_CONNECT;
	if (connect(fd, sa, salen) < 0) {
		int err = 0;
		socklen_t el = sizeof err;
		if (errno != EINPROGRESS || wait_fd(fd, POLLOUT, timeout_ms, deadline) < 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err != 0) {
			close(fd);
			return ABRI_CLIENT_ERR_CONNECT;
		}
	}
	*fd_out = fd;
	return ABRI_OK;
}

static int connect_endpoint(const abri_endpoint *e, int timeout_ms, int64_t deadline, int *fd)
{
	if (e->is_unix) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		memcpy(sun.sun_path, e->path, strlen(e->path) + 1);
		return connect_addr(AF_UNIX, (struct sockaddr *)&sun, sizeof sun, timeout_ms,
		                    deadline, fd);
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	if (getaddrinfo(e->host, e->port, &hints, &res) != 0)
		return ABRI_CLIENT_ERR_CONNECT;
	int rc = ABRI_CLIENT_ERR_CONNECT;
	for (struct addrinfo *ai = res; ai != NULL && rc < 0; ai = ai->ai_next)
		rc = connect_addr(ai->ai_family, ai->ai_addr, ai->ai_addrlen, timeout_ms, deadline,
		                  fd);
	freeaddrinfo(res);
	return rc;
}

/* Method and target go on the request line verbatim: no CTL or space. */
static int token_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static int build_request(abri_buf *req, const abri_endpoint *e, const char *method,
                         const char *target, const char *extra, const uint8_t *body,
                         size_t body_len, const char *content_type)
{
	char line[512];
	int n;

	if (!token_ok(method) || !token_ok(target) || target[0] != '/')
		return ABRI_ERR_INVALID;
	if (abri_buf_append(req, method, strlen(method)) < 0 || abri_buf_u8(req, ' ') < 0 ||
	    abri_buf_append(req, target, strlen(target)) < 0)
		return ABRI_ERR_NOMEM;
	n = snprintf(line, sizeof line,
	             " HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nAccept: application/json\r\n",
	             e->host_header);
	if (n < 0 || (size_t)n >= sizeof line || abri_buf_append(req, line, (size_t)n) < 0)
		return ABRI_ERR_NOMEM;
	if (body != NULL) {
		n = snprintf(line, sizeof line,
		             "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, body_len);
		if (n < 0 || (size_t)n >= sizeof line || abri_buf_append(req, line, (size_t)n) < 0)
			return ABRI_ERR_NOMEM;
	}
	if ((extra && abri_buf_append(req, extra, strlen(extra)) < 0) ||
	    abri_buf_append(req, "\r\n", 2) < 0 ||
	    (body_len > 0 && abri_buf_append(req, body, body_len) < 0))
		return ABRI_ERR_NOMEM;
	return ABRI_OK;
}

/* Sends everything. A peer that closes early (e.g. 413 before reading the
 * body) is not an error here: its answer is read next. */
static int send_all(int fd, const uint8_t *p, size_t n, int timeout_ms, int64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return ABRI_OK;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return ABRI_ERR_IO;
		int rc = wait_fd(fd, POLLOUT, timeout_ms, deadline);
		if (rc < 0)
			return rc;
	}
	return ABRI_OK;
}

static int recv_response(int fd, abri_http_response *resp, int timeout_ms, int64_t deadline)
{
	abri_http_parser p;
	uint8_t buf[16384];

	abri_http_parser_init(&p, resp, 0, 0);
	for (;;) {
		int rc = wait_fd(fd, POLLIN, timeout_ms, deadline);
		if (rc < 0)
			return rc;
		ssize_t r = recv(fd, buf, sizeof buf, 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			/* A reset after a complete answer was already handled. */
			return errno == ECONNRESET ? ABRI_CLIENT_ERR_TRUNCATED : ABRI_ERR_IO;
		}
		rc = r == 0 ? abri_http_parser_eof(&p) : abri_http_parser_feed(&p, buf, (size_t)r);
		if (rc != 0)
			return rc < 0 ? rc : ABRI_OK;
	}
}

int abri_http_exchange(const abri_endpoint *e, const char *method, const char *target,
                       const char *extra_headers, const uint8_t *body, size_t body_len,
                       int timeout_ms, abri_http_response *resp)
{
	return abri_http_exchange_ct(e, method, target, extra_headers, body, body_len,
	                             "application/json", timeout_ms, resp);
}

int abri_http_exchange_ct(const abri_endpoint *e, const char *method, const char *target,
                          const char *extra_headers, const uint8_t *body, size_t body_len,
                          const char *content_type, int timeout_ms, abri_http_response *resp)
{
	abri_buf req;
	int fd = -1, rc;

	if (timeout_ms <= 0)
		timeout_ms = ABRI_CLIENT_TIMEOUT_MS;
	int64_t deadline = now_ms() + 4 * (int64_t)timeout_ms;
	abri_buf_init(&req);
	rc = build_request(&req, e, method, target, extra_headers, body, body_len, content_type);
	if (rc == ABRI_OK)
		rc = connect_endpoint(e, timeout_ms, deadline, &fd);
	if (rc == ABRI_OK)
		rc = send_all(fd, req.data, req.len, timeout_ms, deadline);
	if (rc == ABRI_OK)
		rc = recv_response(fd, resp, timeout_ms, deadline);
	if (fd >= 0)
		close(fd);
	abri_buf_free(&req);
	return rc;
}
