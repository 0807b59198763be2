/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* loadgen — load generator for abrid's POST /v1/cases (docs/benchmarks.md,
 * "Server").
 *
 *   loadgen --server S --deployment ID --org-pub FILE [--count N]
 *           [--concurrency C] [--duration SECS] [--rate R] [--pid PID]
 *           [--text-bytes B] [--envelope-out FILE] [--json]
 *           [--ready-file FILE --start-file FILE]
 *       Prepares N valid report submissions up front (sealed with libabri
 *       to the list served by /v1/config, plaintext padded to the 4 KiB
 *       bucket), then sends them over C keep-alive HTTP/1.1 connections:
 *       closed loop (every connection sends its next request as soon as the
 *       answer is in) or, with --rate, open loop at R requests per second
 *       (latency counted from the scheduled send time, so a stalled server
 *       is not hidden by requests that were never sent). Every answer must
 *       be 201. --server may be given up to 8 times (e.g. abrid's TCP and
 *       Unix listeners): connection i goes to server i mod n. Prints
 *       count, errors by status, duration, throughput and p50/p99/p999
 *       latency; with --pid, that process's VmHWM/VmRSS.
 *       --envelope-out writes the first sealed envelope (raw bytes) there:
 *       bench/pgbench-submission.sql stores the same bytes.
 *       --ready-file F --start-file G: once prepared and connected, write F
 *       and wait until G exists before sending.
 *
 *   loadgen --server S --idle N [--hold SECS] [--interval SECS] [--pid PID]
 *       Opens N connections and holds them as slow clients: one byte of a
 *       request header every --interval seconds, never a complete request.
 *       Prints how many were opened and still open at the end, and the
 *       highest VmRSS of --pid while they were held.
 *
 * Reporter keys come from random seeds through the KDF
 * (abri_reporter_keys_from_seed), not from Argon2id of a token: the server
 * cannot tell the difference, and Argon2id runs on the phone, not here.
 * Proof of work must be off for the run (pow_difficulty = 0,
 * pow_load_threshold = 0): a submission here carries none.
 *
 * The client is one thread with epoll; it shares the machine with abrid
 * and PostgreSQL when run on loopback (its own CPU time is printed). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "abri/client.h"

#define MAX_STATUS       600
#define CONNECT_INFLIGHT 256  /* pending connects in --idle (abrid's backlog is 512) */
#define DRAIN_SECONDS    30.0 /* wait for answers after the last send */
#define MAX_EVENTS       256

#define MAX_SERVERS 8

typedef struct opts {
	const char *server; /* the first --server: config, list, Host header */
	const char *servers[MAX_SERVERS];
	size_t n_servers;
	const char *deployment;
	const char *org_pub;
	size_t count;
	unsigned concurrency;
	double duration;
	double rate;
	long pid;
	size_t text_bytes;
	const char *envelope_out;
	const char *ready_file;
	const char *start_file;
	int json;
	size_t idle;
	double hold;
	double interval;
} opts;

typedef struct request_buf {
	uint8_t *p;
	size_t len;
} request_buf;

typedef struct conn {
	int fd;
	const abri_endpoint *ep; /* connections take the servers in turn */
	int busy;
	size_t sent;
	const request_buf *req;
	double t_sched; /* latency origin: scheduled (open loop) or send time */
	abri_http_response resp;
	abri_http_parser parser;
} conn;

typedef struct run {
	const opts *o;
	abri_endpoint ep[MAX_SERVERS];
	request_buf *reqs;
	size_t n_reqs;
	size_t next;
	conn *conns;
	int epfd;
	double *lat_ms;
	size_t n_done;
	size_t n_ok;
	size_t by_status[MAX_STATUS]; /* index 0: transport errors */
	double t_start, t_stop, t_last;
} run;

static double now_s(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "loadgen: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

/* ================= memory of another process ================= */

/* "VmRSS"/"VmHWM" of /proc/PID/status in KiB, -1 if unreadable. */
static long proc_kib(long pid, const char *field)
{
	char path[64], line[256];
	size_t fl = strlen(field);
	long v = -1;
	FILE *f;

	if (pid <= 0 || snprintf(path, sizeof path, "/proc/%ld/status", pid) >= (int)sizeof path)
		return -1;
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	(void)fclose(f);
	return v;
}

/* ================= connections ================= */

static int socket_connect(const abri_endpoint *ep, int nonblock_pending)
{
	int fd = -1, rc = -1;

	if (ep->is_unix) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		memcpy(sun.sun_path, ep->path, strlen(ep->path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0)
			rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	} else {
		struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
		struct addrinfo *res = NULL;
		if (getaddrinfo(ep->host, ep->port, &hints, &res) != 0 || res == NULL)
			return -1;
		fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0)
			rc = connect(fd, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	if (fd < 0)
		return -1;
	if (rc == 0 || (nonblock_pending && errno == EINPROGRESS))
		return fd;
	if (errno == EINPROGRESS || errno == EAGAIN) {
		/* Blocking wait: only for the few connections of a load run. */
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int err = 0;
		socklen_t el = sizeof err;
		if (poll(&pfd, 1, 10000) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
			return fd;
	}
	(void)close(fd);
	return -1;
}

static void raise_nofile(size_t want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_max < want) {
		struct rlimit hi = {want, want};
		if (setrlimit(RLIMIT_NOFILE, &hi) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		fprintf(stderr, "loadgen: cannot raise RLIMIT_NOFILE: %s\n", strerror(errno));
}

/* ================= preparing submissions ================= */

static char *report_body(size_t text_bytes)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
	char *text = malloc(text_bytes + 1), *body;
	for (size_t i = 0; text != NULL && i < text_bytes; i++)
		text[i] = words[i % (sizeof words - 1)];
	if (text == NULL)
		return NULL;
	text[text_bytes] = '\0';
	body = abri_body_json(text, "fr");
	free(text);
	return body;
}

/* The whole HTTP request: head + JSON body, ready to write. */
static int http_request(request_buf *out, const abri_endpoint *ep, const char *json)
{
	size_t jl = strlen(json);
	char *p = NULL;
	int n = asprintf(&p,
	                 "POST /v1/cases HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	                 ep->host_header, jl, json);
	if (n < 0)
		return ABRI_ERR_NOMEM;
	out->p = (uint8_t *)p;
	out->len = (size_t)n;
	return ABRI_OK;
}

static int seal_one(abri_client *c, const abri_recipients *list, const abri_server_config *cfg,
                    abri_reporter_keys *k, const char *body, request_buf *out, size_t *env_len,
                    const char *envelope_out)
{
	uint8_t seed[32];
	abri_buf env;
	json_t *sub;
	char *js;
	int rc;

	randombytes_buf(seed, sizeof seed);
	rc = abri_reporter_keys_from_seed(k, seed);
	sodium_memzero(seed, sizeof seed);
	if (rc < 0)
		return rc;
	abri_buf_init(&env);
	if ((rc = abri_reporter_seal_report(c, list, cfg, k, body, &env)) < 0)
		return rc;
	*env_len = env.len;
	if (envelope_out != NULL &&
	    (rc = abri_file_write_atomic(envelope_out, env.data, env.len, 0644)) < 0) {
		abri_buf_free(&env);
		return rc;
	}
	sub = abri_submission_json(&env, k);
	abri_buf_free(&env);
	if (sub == NULL)
		return ABRI_ERR_NOMEM;
	js = json_dumps(sub, JSON_COMPACT);
	json_decref(sub);
	if (js == NULL)
		return ABRI_ERR_NOMEM;
	rc = http_request(out, &c->ep, js);
	free(js);
	return rc;
}

static int fetch_list(abri_client *c, abri_lists *L, abri_server_config *cfg, const opts *o,
                      uint8_t org_pk[ABRI_ED25519_PK])
{
	int rc;
	if (abri_org_pk_load(org_pk, o->org_pub) < 0)
		die("cannot load --org-pub", o->org_pub);
	abri_lists_init(L, c, NULL, org_pk);
	if ((rc = abri_client_get_config(c, cfg)) < 0 ||
	    (rc = abri_lists_accept_current(L, cfg->recipients, (int64_t)time(NULL), NULL)) < 0)
		return rc;
	if (cfg->difficulty != 0)
		die("proof of work is on",
		    "run abrid with pow_difficulty = 0, pow_load_threshold = 0");
	return ABRI_OK;
}

static void prepare(run *r)
{
	const opts *o = r->o;
	abri_client c;
	abri_lists L;
	abri_server_config cfg = {0};
	uint8_t org_pk[ABRI_ED25519_PK];
	abri_reporter_keys *k = abri_reporter_keys_new();
	char *body = report_body(o->text_bytes);
	size_t env_len = 0;
	double t0 = now_s();
	int rc;

	if (k == NULL || body == NULL)
		die("out of memory", NULL);
	if (abri_client_init(&c, o->server, NULL, o->deployment) < 0)
		die("bad --server or --deployment", NULL);
	if ((rc = fetch_list(&c, &L, &cfg, o, org_pk)) < 0)
		die("config / recipient list", abri_client_strerror(rc));
	if ((r->reqs = calloc(o->count, sizeof *r->reqs)) == NULL)
		die("out of memory", NULL);
	for (size_t i = 0; i < o->count; i++)
		if ((rc = seal_one(&c, L.current, &cfg, k, body, &r->reqs[i], &env_len,
		                   i == 0 ? o->envelope_out : NULL)) < 0)
			die("sealing", abri_client_strerror(rc));
	r->n_reqs = o->count;
	fprintf(stderr,
	        "loadgen: %zu submissions prepared in %.1f s (envelope %zu B, request %zu B)\n",
	        o->count, now_s() - t0, env_len, r->reqs[0].len);
	free(body);
	abri_reporter_keys_free(k);
	abri_lists_free(&L);
	abri_server_config_free(&cfg);
}

/* ================= the load run ================= */

static void conn_open(run *r, conn *cn)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = cn};
	cn->fd = socket_connect(cn->ep, 0);
	if (cn->fd < 0)
		die("cannot connect", r->o->server);
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, cn->fd, &ev) != 0)
		die("epoll_ctl", strerror(errno));
	cn->busy = 0;
}

static void conn_reopen(run *r, conn *cn)
{
	(void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, cn->fd, NULL);
	(void)close(cn->fd);
	conn_open(r, cn);
}

static void conn_want_write(run *r, conn *cn, int on)
{
	struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = cn};
	if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, cn->fd, &ev) != 0)
		die("epoll_ctl", strerror(errno));
}

static void finish(run *r, conn *cn, int status)
{
	double t = now_s();
	r->lat_ms[r->n_done++] = (t - cn->t_sched) * 1000.0;
	r->by_status[(status > 0 && status < MAX_STATUS) ? status : 0]++;
	if (status == 201)
		r->n_ok++;
	r->t_last = t;
	cn->busy = 0;
	abri_http_response_free(&cn->resp);
}

/* Writes what the socket takes; the rest when it is writable again. */
static void conn_flush(run *r, conn *cn)
{
	while (cn->sent < cn->req->len) {
		ssize_t w =
		    send(cn->fd, cn->req->p + cn->sent, cn->req->len - cn->sent, MSG_NOSIGNAL);
		if (w > 0) {
			cn->sent += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			conn_want_write(r, cn, 1);
			return;
		}
		if (w < 0 && errno == EINTR)
			continue;
		finish(r, cn, 0); /* transport error: counted, connection renewed */
		conn_reopen(r, cn);
		return;
	}
}

static void conn_send(run *r, conn *cn, const request_buf *req, double t_sched)
{
	cn->busy = 1;
	cn->req = req;
	cn->sent = 0;
	cn->t_sched = t_sched;
	abri_http_response_init(&cn->resp);
	abri_http_parser_init(&cn->parser, &cn->resp, 0, 0);
	conn_flush(r, cn);
}

static void conn_read(run *r, conn *cn)
{
	uint8_t buf[16384];
	for (;;) {
		ssize_t n = recv(cn->fd, buf, sizeof buf, 0);
		int rc;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (!cn->busy) { /* the server closed an idle connection */
			conn_reopen(r, cn);
			return;
		}
		rc = (n <= 0) ? (n == 0 ? abri_http_parser_eof(&cn->parser) : -1)
		              : abri_http_parser_feed(&cn->parser, buf, (size_t)n);
		if (rc == 0)
			continue;
		const char *hc = rc > 0 ? abri_http_header_get(&cn->resp, "Connection") : NULL;
		int closing = rc < 0 || n <= 0 || (hc != NULL && strcasecmp(hc, "close") == 0);
		finish(r, cn, rc > 0 ? cn->resp.status : 0);
		if (closing)
			conn_reopen(r, cn);
		return;
	}
}

/* Hands due requests to idle connections. Closed loop: every request is
 * due at once. Open loop: request i is due at t_start + i / rate. */
static void dispatch(run *r, double now)
{
	const opts *o = r->o;
	for (unsigned i = 0; i < o->concurrency && r->next < r->n_reqs && now < r->t_stop; i++) {
		conn *cn = &r->conns[i];
		if (cn->busy)
			continue;
		double due = o->rate > 0 ? r->t_start + (double)r->next / o->rate : now;
		if (due > now)
			return;
		conn_send(r, cn, &r->reqs[r->next], due);
		r->next++;
	}
}

static int any_busy(const run *r)
{
	for (unsigned i = 0; i < r->o->concurrency; i++)
		if (r->conns[i].busy)
			return 1;
	return 0;
}

static int any_idle(const run *r)
{
	for (unsigned i = 0; i < r->o->concurrency; i++)
		if (!r->conns[i].busy)
			return 1;
	return 0;
}

/* Until the next scheduled send; when every connection is busy, until an
 * answer arrives (never a busy loop: the client shares the CPUs). */
static int wait_ms(const run *r, double now)
{
	if (r->o->rate <= 0 || r->next >= r->n_reqs || now >= r->t_stop || !any_idle(r))
		return 100;
	double due = r->t_start + (double)r->next / r->o->rate;
	double ms = (due - now) * 1000.0;
	return ms <= 0 ? 0 : (ms > 100 ? 100 : (int)ceil(ms));
}

static void event_loop(run *r)
{
	struct epoll_event evs[MAX_EVENTS];
	for (;;) {
		double now = now_s();
		int sending = r->next < r->n_reqs && now < r->t_stop;
		if (!sending && !any_busy(r))
			return;
		if (!sending && now > r->t_stop + DRAIN_SECONDS) {
			fprintf(stderr, "loadgen: answers still missing after %.0f s\n",
			        DRAIN_SECONDS);
			return;
		}
		dispatch(r, now);
		int n = epoll_wait(r->epfd, evs, MAX_EVENTS, wait_ms(r, now));
		if (n < 0 && errno != EINTR)
			die("epoll_wait", strerror(errno));
		for (int i = 0; i < n; i++) {
			conn *cn = evs[i].data.ptr;
			if ((evs[i].events & EPOLLOUT) && cn->busy) {
				conn_want_write(r, cn, 0);
				conn_flush(r, cn);
			}
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				conn_read(r, cn);
		}
		dispatch(r, now_s());
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest rank. */
static double pct(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t i = (size_t)ceil(p * (double)n);
	return sorted[i == 0 ? 0 : i - 1];
}

typedef struct summary {
	double dur, tput, p50, p99, p999, max, cpu;
	long hwm, rss; /* KiB, -1 without --pid */
} summary;

/* {"503": n, "transport": n, ...}: every answer but 201. */
static json_t *errors_json(const run *r)
{
	json_t *errs = json_object();
	for (int s = 0; errs != NULL && s < MAX_STATUS; s++) {
		char key[16] = "transport";
		if (s == 201 || r->by_status[s] == 0)
			continue;
		if ((s != 0 && snprintf(key, sizeof key, "%d", s) < 0) ||
		    json_object_set_new(errs, key, json_integer((json_int_t)r->by_status[s])) < 0) {
			json_decref(errs);
			return NULL;
		}
	}
	return errs;
}

static void print_json(const run *r, const summary *m, json_t *errs)
{
	const opts *o = r->o;
	json_t *out = json_pack(
	    "{s:s,s:f,s:i,s:I,s:I,s:o,s:f,s:f,s:f,s:f,s:f,s:f,s:I,s:I,s:f}", "mode",
	    o->rate > 0 ? "open" : "closed", "rate", o->rate, "concurrency", (int)o->concurrency,
	    "count", (json_int_t)r->n_done, "ok", (json_int_t)r->n_ok, "errors", errs, "duration_s",
	    m->dur, "throughput", m->tput, "p50_ms", m->p50, "p99_ms", m->p99, "p999_ms", m->p999,
	    "max_ms", m->max, "vmhwm_kib", (json_int_t)m->hwm, "vmrss_kib", (json_int_t)m->rss,
	    "client_cpu_s", m->cpu);
	if (out == NULL || json_dumpf(out, stdout, JSON_COMPACT) != 0 || putchar('\n') == EOF)
		die("cannot write the JSON summary", NULL);
	json_decref(out);
}

static void print_table(const run *r, const summary *m, const json_t *errs)
{
	char *e = json_dumps(errs, JSON_COMPACT);
	if (e == NULL)
		die("out of memory", NULL);
	printf("mode         %s loop, %u connections\n", r->o->rate > 0 ? "open" : "closed",
	       r->o->concurrency);
	if (r->o->rate > 0)
		printf("rate         %.1f/s requested\n", r->o->rate);
	printf("count        %zu (201: %zu)\nerrors       %s\nduration     %.2f s\n"
	       "throughput   %.1f/s\nlatency ms   p50 %.2f  p99 %.2f  p999 %.2f  max %.2f\n",
	       r->n_done, r->n_ok, e, m->dur, m->tput, m->p50, m->p99, m->p999, m->max);
	if (m->hwm >= 0)
		printf("server       VmHWM %.1f MiB, VmRSS %.1f MiB\n", (double)m->hwm / 1024.0,
		       (double)m->rss / 1024.0);
	printf("client CPU   %.2f s\n", m->cpu);
	free(e);
}

static void report_run(run *r, double cpu)
{
	summary m = {.cpu = cpu};
	json_t *errs;

	m.dur = r->t_last > r->t_start ? r->t_last - r->t_start : 0;
	m.tput = m.dur > 0 ? (double)r->n_done / m.dur : 0;
	qsort(r->lat_ms, r->n_done, sizeof *r->lat_ms, cmp_double);
	m.p50 = pct(r->lat_ms, r->n_done, 0.50);
	m.p99 = pct(r->lat_ms, r->n_done, 0.99);
	m.p999 = pct(r->lat_ms, r->n_done, 0.999);
	m.max = r->n_done ? r->lat_ms[r->n_done - 1] : 0;
	m.hwm = proc_kib(r->o->pid, "VmHWM");
	m.rss = proc_kib(r->o->pid, "VmRSS");
	if ((errs = errors_json(r)) == NULL)
		die("out of memory", NULL);
	if (r->o->json) {
		print_json(r, &m, errs); /* "s:o" takes errs */
	} else {
		print_table(r, &m, errs);
		json_decref(errs);
	}
	if (fflush(stdout) != 0)
		die("cannot write to stdout", NULL);
}

/* --ready-file / --start-file: prepared and connected, then wait for the
 * caller's go (bench/server.sh runs pgbench meanwhile, so that both
 * measurements are back to back). */
static void wait_start(const opts *o)
{
	struct stat st;
	if (o->ready_file != NULL &&
	    abri_file_write_atomic(o->ready_file, (const uint8_t *)"ready\n", 6, 0644) < 0)
		die("cannot write --ready-file", o->ready_file);
	while (o->start_file != NULL && stat(o->start_file, &st) != 0) {
		struct timespec ts = {0, 5000000};
		(void)nanosleep(&ts, NULL);
	}
}

static int load_main(const opts *o)
{
	run r = {.o = o, .epfd = -1};

	if (o->server == NULL || o->deployment == NULL || o->org_pub == NULL)
		die("--server, --deployment and --org-pub are required", NULL);
	for (size_t i = 0; i < o->n_servers; i++)
		if (abri_endpoint_parse(&r.ep[i], o->servers[i]) < 0)
			die("bad --server", o->servers[i]);
	raise_nofile(o->concurrency + 64);
	prepare(&r);
	if ((r.conns = calloc(o->concurrency, sizeof *r.conns)) == NULL ||
	    (r.lat_ms = calloc(o->count, sizeof *r.lat_ms)) == NULL)
		die("out of memory", NULL);
	if ((r.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1", strerror(errno));
	for (unsigned i = 0; i < o->concurrency; i++) {
		r.conns[i].ep = &r.ep[i % o->n_servers];
		conn_open(&r, &r.conns[i]);
	}
	wait_start(o);
	double cpu0 = cpu_s();
	r.t_start = now_s();
	r.t_stop = o->duration > 0 ? r.t_start + o->duration : INFINITY;
	event_loop(&r);
	if (o->rate > 0 && r.next >= r.n_reqs && r.t_last < r.t_stop)
		fprintf(stderr, "loadgen: the %zu prepared submissions ran out before --duration\n",
		        r.n_reqs);
	report_run(&r, cpu_s() - cpu0);
	for (unsigned i = 0; i < o->concurrency; i++)
		(void)close(r.conns[i].fd);
	for (size_t i = 0; i < r.n_reqs; i++)
		free(r.reqs[i].p);
	free(r.reqs);
	free(r.conns);
	free(r.lat_ms);
	(void)close(r.epfd);
	return r.n_ok == r.n_done && r.n_done > 0 ? 0 : 3;
}

/* ================= idle slow connections ================= */

/* Never completes: the header goes on byte by byte. */
static const char slow_prefix[] =
    "GET /healthz HTTP/1.1\r\nHost: abrid\r\nX-Slow: "
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

typedef struct idle {
	const opts *o;
	abri_endpoint ep;
	int epfd;
	int *fds; /* -1 once closed */
	size_t opened, pending, failed, closed;
	long max_rss;
} idle;

static void idle_drop(idle *d, size_t i)
{
	(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->fds[i], NULL);
	(void)close(d->fds[i]);
	d->fds[i] = -1;
}

/* Connect completion (EPOLLOUT) or the server closing (EPOLLIN/HUP). */
static void idle_event(idle *d, size_t i, uint32_t events)
{
	uint8_t buf[512];
	if (d->fds[i] < 0)
		return;
	if (events & EPOLLOUT) {
		int err = 0;
		socklen_t el = sizeof err;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = i};
		d->pending--;
		if (getsockopt(d->fds[i], SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0 ||
		    epoll_ctl(d->epfd, EPOLL_CTL_MOD, d->fds[i], &ev) != 0) {
			d->failed++;
			idle_drop(d, i);
			return;
		}
		d->opened++;
		return;
	}
	ssize_t n = recv(d->fds[i], buf, sizeof buf, MSG_DONTWAIT);
	if (n > 0 && !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
		return; /* an answer (e.g. 408) without a close yet */
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	d->closed++;
	idle_drop(d, i);
}

static void idle_poll(idle *d, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	int n = epoll_wait(d->epfd, evs, MAX_EVENTS, timeout_ms);
	if (n < 0 && errno != EINTR)
		die("epoll_wait", strerror(errno));
	for (int k = 0; k < n; k++)
		idle_event(d, (size_t)evs[k].data.u64, evs[k].events);
}

static void idle_connect_all(idle *d)
{
	size_t started = 0;
	double t0 = now_s();
	while ((started < d->o->idle || d->pending > 0) && now_s() - t0 < 120) {
		while (started < d->o->idle && d->pending < CONNECT_INFLIGHT) {
			struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = started};
			int fd = socket_connect(&d->ep, 1);
			d->fds[started] = fd;
			if (fd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
				if (fd >= 0)
					(void)close(fd);
				d->fds[started++] = -1;
				d->failed++;
				continue;
			}
			started++;
			d->pending++;
		}
		idle_poll(d, 50);
	}
	fprintf(stderr, "loadgen: %zu connections opened in %.1f s (%zu failed)\n", d->opened,
	        now_s() - t0, d->failed);
}

/* One more header byte on every open connection. */
static void idle_trickle(idle *d, size_t k)
{
	char c = slow_prefix[k % (sizeof slow_prefix - 1)];
	for (size_t i = 0; i < d->o->idle; i++) {
		if (d->fds[i] < 0)
			continue;
		if (send(d->fds[i], &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1 && errno != EAGAIN) {
			d->closed++;
			idle_drop(d, i);
		}
	}
}

/* Trickles header bytes for --hold seconds, sampling the server's VmRSS;
 * returns how many bytes each connection got. */
static size_t idle_hold(idle *d)
{
	double t0 = now_s(), next_byte = t0;
	size_t k = 0;

	fprintf(stderr, "loadgen: holding %zu for %.0f s\n", d->opened, d->o->hold);
	while (now_s() - t0 < d->o->hold) {
		if (now_s() >= next_byte) {
			idle_trickle(d, k++);
			next_byte += d->o->interval;
		}
		long rss = proc_kib(d->o->pid, "VmRSS");
		if (rss > d->max_rss)
			d->max_rss = rss;
		idle_poll(d, 250);
	}
	return k;
}

static void idle_report(const idle *d, size_t k)
{
	const opts *o = d->o;
	size_t open_now = d->opened - d->closed;
	long hwm = proc_kib(o->pid, "VmHWM");

	if (!o->json) {
		printf("idle: %zu requested, %zu opened, %zu still open after %.0f s (%zu header "
		       "bytes each)\nserver max VmRSS while held: %.1f MiB (VmHWM %.1f MiB)\n",
		       o->idle, d->opened, open_now, o->hold, k, (double)d->max_rss / 1024.0,
		       (double)hwm / 1024.0);
		return;
	}
	json_t *out =
	    json_pack("{s:I,s:I,s:I,s:f,s:I,s:I,s:I}", "idle_requested", (json_int_t)o->idle,
	              "opened", (json_int_t)d->opened, "open_at_end", (json_int_t)open_now,
	              "hold_s", o->hold, "bytes_each", (json_int_t)k, "max_vmrss_kib",
	              (json_int_t)d->max_rss, "vmhwm_kib", (json_int_t)hwm);
	if (out == NULL || json_dumpf(out, stdout, JSON_COMPACT) != 0 || putchar('\n') == EOF)
		die("cannot write the JSON summary", NULL);
	json_decref(out);
}

static int idle_main(const opts *o)
{
	idle d = {.o = o};

	if (o->server == NULL || abri_endpoint_parse(&d.ep, o->server) < 0)
		die("bad --server", o->server);
	raise_nofile(o->idle + 64);
	if ((d.fds = calloc(o->idle, sizeof *d.fds)) == NULL)
		die("out of memory", NULL);
	if ((d.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1", strerror(errno));
	idle_connect_all(&d);
	idle_report(&d, idle_hold(&d));
	for (size_t i = 0; i < o->idle; i++)
		if (d.fds[i] >= 0)
			(void)close(d.fds[i]);
	free(d.fds);
	(void)close(d.epfd);
	return d.opened - d.closed == o->idle ? 0 : 3;
}

/* ================= options ================= */

static void usage(void)
{
	fprintf(stderr,
	        "usage: loadgen --server S --deployment ID --org-pub FILE [--count N]\n"
	        "               [--concurrency C] [--duration SECS] [--rate R] [--pid PID]\n"
	        "               [--text-bytes B] [--envelope-out FILE] [--json]\n"
	        "               [--ready-file FILE --start-file FILE]\n"
	        "       loadgen --server S --idle N [--hold SECS] [--interval SECS] [--pid PID]\n");
	exit(1);
}

static double num(const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		usage();
	return v;
}

static void parse(opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
	    {"server", 1, 0, 's'},
	    {"deployment", 1, 0, 'd'},
	    {"org-pub", 1, 0, 'o'},
	    {"count", 1, 0, 'n'},
	    {"concurrency", 1, 0, 'c'},
	    {"duration", 1, 0, 't'},
	    {"rate", 1, 0, 'r'},
	    {"pid", 1, 0, 'p'},
	    {"text-bytes", 1, 0, 'b'},
	    {"json", 0, 0, 'j'},
	    {"idle", 1, 0, 'i'},
	    {"hold", 1, 0, 'h'},
	    {"interval", 1, 0, 'v'},
	    {"envelope-out", 1, 0, 'e'},
	    {"ready-file", 1, 0, 'R'},
	    {"start-file", 1, 0, 'S'},
	    {0, 0, 0, 0},
	};
	int ch;
	*o = (opts){.count = 1000, .concurrency = 4, .text_bytes = 2000, .hold = 30, .interval = 5};
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (o->n_servers == MAX_SERVERS)
				usage();
			o->servers[o->n_servers++] = optarg;
			o->server = o->servers[0];
			break;
		case 'd': o->deployment = optarg; break;
		case 'o': o->org_pub = optarg; break;
		case 'n': o->count = (size_t)num(optarg, 1, 1e7); break;
		case 'c': o->concurrency = (unsigned)num(optarg, 1, 10000); break;
		case 't': o->duration = num(optarg, 0, 86400); break;
		case 'r': o->rate = num(optarg, 0, 1e6); break;
		case 'p': o->pid = (long)num(optarg, 1, 1e9); break;
		case 'b': o->text_bytes = (size_t)num(optarg, 0, 3500); break;
		case 'j': o->json = 1; break;
		case 'e': o->envelope_out = optarg; break;
		case 'R': o->ready_file = optarg; break;
		case 'S': o->start_file = optarg; break;
		case 'i': o->idle = (size_t)num(optarg, 1, 1e6); break;
		case 'h': o->hold = num(optarg, 1, 86400); break;
		case 'v': o->interval = num(optarg, 0.1, 3600); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	opts o;
	parse(&o, argc, argv);
	if (abri_init() < 0)
		die("abri_init failed", NULL);
	return o.idle > 0 ? idle_main(&o) : load_main(&o);
}
