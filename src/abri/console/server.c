/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri console's socket and loop: libmicrohttpd without threads of its
 * own, driven by MHD_run_wait from the main thread, so every handler runs
 * here and nothing needs a lock. Between requests the loop locks an idle
 * console and decrypts inbox summaries, one case per turn. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "console/console.h"
#include "console/server.h"

extern char **environ;

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A request being received: its raw target and its body, bounded. */
typedef struct pending {
	char *target;
	int started;
	abri_buf body;
	int too_big;
} pending;

#define TARGET_MAX 2048

/* libmicrohttpd gives the raw target (with its query) here, before it
 * unescapes anything; the pending request becomes the request's context. */
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *conn)
{
	pending *p = calloc(1, sizeof *p);

	(void)cls;
	(void)conn;
	if (p == NULL)
		return NULL;
	abri_buf_init(&p->body);
	if (strlen(uri) <= TARGET_MAX)
		p->target = strdup(uri);
	return p;
}

static void completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
	pending *p = *req_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (p == NULL)
		return;
	abri_buf_free(&p->body);
	if (p->target != NULL) {
		sodium_memzero(p->target, strlen(p->target)); /* a search term */
		free(p->target);
	}
	free(p);
	*req_cls = NULL;
}

typedef struct owned {
	uint8_t *p;
	size_t n;
} owned;

static void owned_free(void *cls)
{
	owned *o = cls;
	sodium_memzero(o->p, o->n);
	free(o->p);
	free(o);
}

static enum MHD_Result answer(struct MHD_Connection *conn, console_resp *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->body_static || r->body == NULL) {
		resp = MHD_create_response_from_buffer(
		    r->len, r->body_static ? r->body : (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		/* Our buffer, wiped when libmicrohttpd is done with it. */
		owned *o = malloc(sizeof *o);
		if (o == NULL) {
			console_resp_free(r);
			return MHD_NO;
		}
		o->p = r->body;
		o->n = r->len;
		resp = MHD_create_response_from_buffer_with_free_callback_cls(r->len, r->body,
		                                                              owned_free, o);
		if (resp == NULL)
			owned_free(o);
		r->body = NULL;
	}
	if (resp == NULL)
		return MHD_NO;
	if (MHD_add_response_header(resp, "Content-Security-Policy", csp) != MHD_YES ||
	    MHD_add_response_header(resp, "Cache-Control", "no-store") != MHD_YES ||
	    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") != MHD_YES ||
	    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") != MHD_YES ||
	    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin") != MHD_YES ||
	    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin") !=
	        MHD_YES ||
	    MHD_add_response_header(resp, "X-Frame-Options", "DENY") != MHD_YES ||
	    (r->content_type != NULL &&
	     MHD_add_response_header(resp, "Content-Type", r->content_type) != MHD_YES) ||
	    (r->set_cookie[0] != '\0' &&
	     MHD_add_response_header(resp, "Set-Cookie", r->set_cookie) != MHD_YES) ||
	    (r->disposition[0] != '\0' &&
	     MHD_add_response_header(resp, "Content-Disposition", r->disposition) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	sodium_memzero(r->set_cookie, sizeof r->set_cookie);
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **req_cls)
{
	console *c = cls;
	pending *p = *req_cls;
	console_resp r;
	enum MHD_Result ret;

	if (p == NULL)
		return MHD_NO;
	if (!p->started) {
		p->started = 1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (p->too_big || p->body.len + *upload_size > CONSOLE_BODY_MAX) {
			p->too_big = 1;
			abri_buf_free(&p->body);
		} else if (abri_buf_append(&p->body, upload_data, *upload_size) < 0) {
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	console_req rq = {
	    .method = method,
	    .target = p->target ? p->target : "",
	    .host = header(conn, "Host"),
	    .origin = header(conn, "Origin"),
	    .cookie = header(conn, "Cookie"),
	    .csrf = header(conn, "X-Abri-CSRF"),
	    .content_type = header(conn, "Content-Type"),
	    .body = p->body.data ? p->body.data : (const uint8_t *)"",
	    .body_len = p->body.len,
	    .body_too_big = p->too_big,
	};
	console_handle(c, &rq, &r);
	abri_buf_free(&p->body); /* wiped: it may hold a passphrase or a reply */
	ret = answer(conn, &r);
	console_resp_free(&r);
	return ret;
}

static void harden(void)
{
	/* No core file (main.c), no ptrace by the same user, no swap. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		cli_err("cannot mark the process undumpable: %s", strerror(errno));
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		fprintf(stderr,
		        "abri console: memory not locked (mlockall: %s): decrypted text "
		        "could reach swap\n",
		        strerror(errno));
}

/* The redirect page the browser opens: written 0600, so the secret is in
 * no command line. */
static int redirect_write(console *c, const char *url)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	char html[512];
	int fd, n;

	if (dir == NULL || dir[0] != '/')
		dir = c->cfg->state_dir;
	if (dir == NULL ||
	    snprintf(c->redirect_file, sizeof c->redirect_file, "%s/abri-console-XXXXXX.html",
	             dir) >= (int)sizeof c->redirect_file ||
	    (fd = mkstemps(c->redirect_file, 5)) < 0) {
		c->redirect_file[0] = '\0';
		return -1;
	}
	n = snprintf(html, sizeof html,
	             "<!doctype html><meta charset=\"utf-8\"><title>abri console</title>"
	             "<meta http-equiv=\"refresh\" content=\"0;url=%s\">\n",
	             url);
	int rc = (fchmod(fd, 0600) == 0 && n > 0 && (size_t)n < sizeof html &&
	          abri_write_all(fd, html, (size_t)n) == 0)
	             ? 0
	             : -1;
	sodium_memzero(html, sizeof html);
	if (close(fd) != 0 || rc < 0) {
		console_redirect_gone(c);
		return -1;
	}
	c->redirect_until = console_mono() + 60;
	return 0;
}

static pid_t browser_open(console *c, const char *url)
{
	pid_t pid;
	char *argv[] = {"xdg-open", c->redirect_file, NULL};

	if (redirect_write(c, url) < 0) {
		fputs("abri console: cannot write the page that opens the browser: open the "
		      "address above\n",
		      stderr);
		return -1;
	}
	if (posix_spawnp(&pid, "xdg-open", NULL, NULL, argv, environ) != 0) {
		fputs("abri console: cannot start xdg-open: open the address above\n", stderr);
		console_redirect_gone(c);
		return -1;
	}
	return pid;
}

static struct MHD_Daemon *daemon_start(console *c, unsigned port)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never 0.0.0.0 nor :: */
	d = MHD_start_daemon(MHD_USE_AUTO, 0, NULL, NULL, on_request, c, MHD_OPTION_SOCK_ADDR,
	                     (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK, uri_logged, NULL,
	                     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_END);
	if (d == NULL)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		MHD_stop_daemon(d);
		return NULL;
	}
	c->port = info->port;
	snprintf(c->host, sizeof c->host, "127.0.0.1:%u", c->port);
	snprintf(c->origin, sizeof c->origin, "http://127.0.0.1:%u", c->port);
	return d;
}

int console_serve(console *c, unsigned port, int browser)
{
	struct sigaction sa;
	struct MHD_Daemon *d;
	char url[128];
	pid_t child = -1;
	int work = 0;

	harden();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGHUP, &sa, NULL) != 0 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		cli_err("cannot set the signal handlers");
		return CLI_LOCAL;
	}
	if ((d = daemon_start(c, port)) == NULL) {
		cli_err("cannot listen on 127.0.0.1:%u", port);
		return CLI_LOCAL;
	}
	snprintf(url, sizeof url, "%s/login#k=%s", c->origin, c->secret);
	printf("abri console: %s\n", url);
	fflush(stdout);
	fputs("abri console: listening on 127.0.0.1 only; Ctrl-C to stop\n", stderr);
	if (browser)
		child = browser_open(c, url);
	sodium_memzero(url, sizeof url);
	while (!stop) {
		if (MHD_run_wait(d, work ? 0 : 1000) == MHD_NO && !stop)
			break;
		console_idle_check(c);
		if (c->redirect_file[0] != '\0' && console_mono() > c->redirect_until)
			console_redirect_gone(c);
		int st;
		if (child > 0 && waitpid(child, &st, WNOHANG) == child) {
			child = -1;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				fputs("abri console: no browser could be opened here: open the address "
				      "printed above in your browser\n",
				      stderr);
		}
		work = console_inbox_step(c);
	}
	MHD_stop_daemon(d);
	fputs("abri console: stopped\n", stderr);
	return CLI_OK;
}
