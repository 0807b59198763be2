/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* seccomp allow list of the serving daemon (see sandbox.h). The list was
 * taken from `strace -f` over the whole integration suite (every endpoint,
 * static files, PostgreSQL restarts and reconnects, the purge thread) and
 * is kept as small as that: docs/operations.md "Sandbox" says how to redo
 * it when a dependency changes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox.h"

#ifndef ABRID_SANDBOX
#define ABRID_SANDBOX 1
#endif

int sandbox_available(void)
{
	return ABRID_SANDBOX;
}

/* Allowed without looking at arguments. Names a given architecture does not
 * have (e.g. `select` on arm64) are skipped. */
static const char *const plain[] = {
    /* I/O on descriptors abrid already holds or accepts */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "close", "lseek",
    "sendfile", "recvfrom", "recvmsg", "sendto", "sendmsg", "shutdown", "accept", "accept4",
    "getsockopt", "setsockopt", "getsockname", "getpeername", "connect", "fcntl",
    "poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait", "epoll_ctl",
    "fstat", "newfstatat", "statx", "stat", "lstat", "readlink", "readlinkat",
    /* memory (executable mappings are filtered below) */
    "munmap", "mremap", "brk", "madvise", "mlock", "munlock",
    /* threads that already exist, time, randomness */
    "futex", "set_robust_list", "get_robust_list", "rseq", "sched_yield",
    "sched_getaffinity", "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
    "gettimeofday", "time", "getrandom",
    /* identity queries (libpq asks who we are for its default user name) */
    "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "uname",
    /* signals: shutdown on SIGTERM (sigwait), abort() on a bug */
    "rt_sigprocmask", "rt_sigaction", "rt_sigtimedwait", "rt_sigreturn", "sigaltstack",
    "restart_syscall", "exit", "exit_group",
};

static int add_plain(scmp_filter_ctx ctx, char *err, size_t err_len)
{
	size_t i;

	for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		int nr = seccomp_syscall_resolve_name(plain[i]);
		int rc;

		if (nr == __NR_SCMP_ERROR)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc != 0) {
			(void)snprintf(err, err_len, "seccomp rule for %s: %s", plain[i], strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* Calls allowed only with some arguments. */
static int add_filtered(scmp_filter_ctx ctx)
{
	/* Only these address families (libpq reconnects over a Unix socket
	 * or TCP). */
	static const int families[] = {AF_UNIX, AF_INET, AF_INET6};
	/* Open for reading only: static files, and what libc reads to resolve
	 * the user name. Never create, truncate or write a file. */
	/* (O_TMPFILE needs write access, so O_ACCMODE already excludes it.) */
	const scmp_datum_t wmask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof families / sizeof families[0] && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		                      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i], 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
		                      SCMP_A2(SCMP_CMP_MASKED_EQ, wmask, O_RDONLY));
	if (rc == 0 && seccomp_syscall_resolve_name("open") != __NR_SCMP_ERROR)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
		                      SCMP_A1(SCMP_CMP_MASKED_EQ, wmask, O_RDONLY));
	/* No executable memory after start-up (what MemoryDenyWriteExecute
	 * does for the unit, here for any way abrid is started). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
		                      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
		                      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* libmicrohttpd's threads name themselves when they first run, which
	 * may be after the filter is in place. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		                      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)PR_SET_NAME, 0));
	/* abort() signals its own thread; nothing else may be signalled. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
		                      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0));
	return rc;
}

int sandbox_install(char *err, size_t err_len)
{
	scmp_filter_ctx ctx;
	int rc;

	if (!sandbox_available()) {
		(void)snprintf(err, err_len, "this build has no sandbox (sanitizer build)");
		return -1;
	}
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		(void)snprintf(err, err_len, "seccomp_init failed");
		return -1;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0 && add_plain(ctx, err, err_len) != 0) {
		seccomp_release(ctx);
		return -1;
	}
	if (rc == 0)
		rc = add_filtered(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		(void)snprintf(err, err_len, "cannot install the seccomp filter: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
