/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid: the abri daemon. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abrid.h"
#include "addrlimit.h"
#include "dbpool.h"
#include "deadline.h"
#include "httpd.h"
#include "listen.h"
#include "log.h"
#include "housekeeping.h"
#include "purge.h"
#include "rlist.h"
#include "sandbox.h"
#include "startup.h"

#define ERR_MAX 512

static void usage(FILE *f)
{
	(void)fprintf(f, "usage: abrid -c FILE     run with the configuration FILE\n"
	                 "       abrid -n -c FILE  check the configuration and key files, exit\n"
	                 "       abrid --purge-now -c FILE\n"
	                 "                         purge closed and erased cases past their date,\n"
	                 "                         print how many, exit\n"
	                 "       abrid --housekeeping-now -c FILE\n"
	                 "                         one housekeeping pass (purge, sweep, and the\n"
	                 "                         week's re-stamp and month's survey batch when\n"
	                 "                         due), exit\n"
	                 "       abrid -h          this help\n");
}

/* Sockets first (may need root for a low port), then drop root. */
static int open_listeners(int *tcp_fd, int *unix_fd, char *err)
{
	*tcp_fd = *unix_fd = -1;
	if (abrid.cfg.listen_port != 0) {
		*tcp_fd = listen_tcp(abrid.cfg.listen_address, abrid.cfg.listen_port, err, ERR_MAX);
		if (*tcp_fd < 0)
			return -1;
	}
	if (abrid.cfg.listen_unix[0] != '\0') {
		*unix_fd = listen_unix(abrid.cfg.listen_unix, err, ERR_MAX);
		if (*unix_fd < 0)
			return -1;
	}
	return drop_privileges(abrid.cfg.user, abrid.cfg.listen_unix, err, ERR_MAX);
}

/* Per-address limits (addrlimit.h), unless configured off (behind a proxy
 * or an onion service every client has the same address). */
static int start_addrlimit(char *err)
{
	struct addrlimit_cfg c = {
	    .max_connections = abrid.cfg.addr_max_connections,
	    .max_requests = abrid.cfg.addr_max_requests,
	    .max_uploading = abrid.cfg.addr_max_uploading,
	    .upload_bytes = abrid.cfg.addr_upload_bytes,
	    .window = abrid.cfg.addr_window,
	    .slots = abrid.cfg.addr_slots,
	};

	if (!abrid.cfg.addr_limits) {
		alog(ALOG_INFO, "per-address limits off (addr_limits = 0)");
		return 0;
	}
	if (addrlimit_init(&c) != 0) {
		(void)snprintf(err, ERR_MAX, "cannot allocate the per-address table");
		return -1;
	}
	return 0;
}

/* Last step of start-up: every thread exists, so the filter covers them
 * all. */
static int enter_sandbox(char *err)
{
	if (!sandbox_available()) {
		alog(ALOG_WARN, "no seccomp sandbox in this build (sanitizers)");
		return 0;
	}
	if (sandbox_install(err, ERR_MAX) != 0)
		return -1;
	alog(ALOG_INFO, "seccomp sandbox on");
	return 0;
}

/* Blocks until SIGINT or SIGTERM; the mask is set before MHD starts its
 * threads so that they inherit it and this thread gets the signal. */
static int wait_for_signal(const sigset_t *set)
{
	int sig;

	if (sigwait(set, &sig) != 0)
		return -1;
	alog(ALOG_INFO, "signal %d, shutting down", sig);
	return 0;
}

/* --purge-now and --housekeeping-now: one run without serving (no
 * sockets, so no privilege change: run it as the user abrid runs as). */
static int run_once(int what)
{
	char err[ERR_MAX], *dsn;
	int64_t n;
	int rc;

	dsn = config_dsn(&abrid.cfg);
	if (dsn == NULL) {
		(void)fprintf(stderr, "abrid: cannot build the database connection string\n");
		return 1;
	}
	rc = startup_database(dsn, err, sizeof err);
	free(dsn);
	if (rc != 0) {
		(void)fprintf(stderr, "abrid: %s\n", err);
		return 1;
	}
	if (what == 'H') {
		if (housekeeping_pass(true) != 0) {
			(void)fprintf(stderr, "abrid: housekeeping pass incomplete\n");
			return 1;
		}
		(void)fprintf(stdout, "housekeeping pass done\n");
		return 0;
	}
	if (purge_run(&n) != 0) {
		(void)fprintf(stderr, "abrid: purge failed\n");
		return 1;
	}
	(void)fprintf(stdout, "purged %lld cases\n", (long long)n);
	return 0;
}

static int serve(void)
{
	struct MHD_Daemon *tcp = NULL, *unx = NULL;
	int tcp_fd = -1, unix_fd = -1, rc = 1;
	char err[ERR_MAX], *dsn;
	sigset_t set;

	if (harden_process(err, sizeof err) != 0 || open_listeners(&tcp_fd, &unix_fd, err) != 0)
		goto out;
	dsn = config_dsn(&abrid.cfg);
	if (dsn == NULL) {
		(void)snprintf(err, sizeof err, "cannot build the database connection string");
		goto out;
	}
	rc = startup_database(dsn, err, sizeof err);
	free(dsn);
	if (rc != 0) {
		rc = 1;
		goto out;
	}
	rc = 1;
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		(void)snprintf(err, sizeof err, "cannot set up signals");
		goto out;
	}
	if (start_addrlimit(err) != 0)
		goto out;
	/* Before the listeners: their first connection needs the table. */
	deadline_init(abrid.cfg.header_timeout, abrid.cfg.min_body_rate, abrid.cfg.body_rate_grace);
	if (deadline_start() != 0) {
		(void)snprintf(err, sizeof err, "cannot start the header deadline thread");
		goto out;
	}
	if (dbpool_start(abrid.cfg.db_workers) != 0) {
		(void)snprintf(err, sizeof err, "cannot start the database workers");
		goto out;
	}
	if ((tcp_fd >= 0 && (tcp = httpd_start(tcp_fd)) == NULL) ||
	    (unix_fd >= 0 && (unx = httpd_start(unix_fd)) == NULL)) {
		(void)snprintf(err, sizeof err, "cannot start the HTTP server");
		goto out;
	}
	if (housekeeping_start() != 0) {
		(void)snprintf(err, sizeof err, "cannot start the housekeeping thread");
		goto out;
	}
	if (enter_sandbox(err) != 0)
		goto out;
	alog(ALOG_INFO, "serving deployment %s (schema %d) on %s", abrid.cfg.deployment_id,
	     abrid.schema,
	     tcp != NULL && unx != NULL ? "TCP and a Unix socket" : (tcp != NULL ? "TCP" : "a Unix socket"));
	rc = (wait_for_signal(&set) == 0) ? 0 : 1;
	err[0] = '\0';
out:
	if (rc != 0 && err[0] != '\0')
		alog(ALOG_ERROR, "%s", err);
	housekeeping_stop();
	/* No new connections, then let the workers answer what they hold
	 * (suspended connections must be resumed before MHD stops). */
	httpd_quiesce(tcp);
	httpd_quiesce(unx);
	dbpool_stop();
	httpd_stop(tcp);
	httpd_stop(unx);
	deadline_stop(); /* after the listeners: their connections are gone */
	addrlimit_free();
	if (tcp == NULL && tcp_fd >= 0)
		(void)close(tcp_fd);
	if (unx == NULL && unix_fd >= 0)
		(void)close(unix_fd);
	return rc;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	char err[ERR_MAX];
	static const struct option lo[] = {
	    {"purge-now", no_argument, NULL, 'P'},
	    {"housekeeping-now", no_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	int opt, check_only = 0, once = 0, rc;

	while ((opt = getopt_long(argc, argv, "c:nh", lo, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'n': check_only = 1; break;
		case 'P':
		case 'H': once = opt; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (config_path == NULL || optind != argc || (check_only && once)) {
		usage(stderr);
		return 1;
	}
	if (config_load(&abrid.cfg, config_path, err) != 0) {
		(void)fprintf(stderr, "abrid: %s: %s\n", config_path, err);
		return 1;
	}
	alog_set_level((enum alog_level)abrid.cfg.log_level);
	if (abri_clock_offset() != 0)
		alog(ALOG_WARN, "test clock: %lld s from the system clock (ABRI_TEST_CLOCK_OFFSET)",
		     (long long)abri_clock_offset());
	if (abri_init() != ABRI_OK) {
		(void)fprintf(stderr, "abrid: cannot initialise libsodium\n");
		config_free(&abrid.cfg);
		return 1;
	}
	if (keys_load(err, sizeof err) != 0) {
		(void)fprintf(stderr, "abrid: %s\n", err);
		keys_free();
		config_free(&abrid.cfg);
		return 1;
	}
	if (check_only) {
		(void)fprintf(stdout, "abrid: %s: configuration and keys OK\n", config_path);
		rc = 0;
	} else if (once) {
		rc = run_once(once);
	} else {
		rc = serve();
	}
	rlist_free_all();
	keys_free();
	config_free(&abrid.cfg);
	return rc;
}
