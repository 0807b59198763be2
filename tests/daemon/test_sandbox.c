/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The seccomp filter of abrid (src/abrid/sandbox.c): each forbidden call,
 * made by a child process that installed the very filter abrid installs,
 * kills that child with SIGSYS; the calls abrid needs still work. The
 * running daemon's filter is checked by tests/integration/sandbox.sh.
 * Sanitizer builds have no filter: the test is skipped there (77). */
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

typedef void (*action_fn)(void);

static void do_execve(void)
{
	char *const argv[] = {(char *)"true", NULL};
	(void)execve("/bin/true", argv, environ);
}
static void do_fork(void) { (void)fork(); }
static void do_open_write(void) { (void)open("/tmp/abri-sandbox-test", O_WRONLY | O_CREAT, 0600); }
static void do_open_rdwr(void) { (void)open("/dev/null", O_RDWR); }
static void do_mmap_exec(void) { (void)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }
static void do_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		(void)mprotect(p, 4096, PROT_READ | PROT_EXEC);
}
static void do_socket_netlink(void) { (void)socket(AF_NETLINK, SOCK_RAW, 0); }
static void do_socket_packet(void) { (void)socket(AF_PACKET, SOCK_RAW, 0); }
static void do_ptrace(void) { (void)ptrace(PTRACE_TRACEME, 0, NULL, NULL); }
static void do_setuid(void)
{
	if (setuid(0) != 0)
		_exit(3); /* not reached: the call itself kills */
}
static void do_kill_other(void) { (void)kill(1, 0); }
static void do_unlink(void) { (void)unlink("/tmp/abri-sandbox-test-none"); }
static void do_chmod(void) { (void)chmod("/tmp", 0777); }
static void do_dumpable(void) { (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); }
static void do_bind(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	(void)bind(fd, (struct sockaddr *)&sa, sizeof sa);
}
static void do_listen(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)listen(fd, 1);
}

/* What abrid does while serving: must survive. */
static void do_allowed(void)
{
	char buf[16];
	void *p;
	int fd;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof buf) != 0 || close(fd) != 0)
		_exit(10);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || close(fd) != 0)
		_exit(11);
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || close(fd) != 0)
		_exit(12);
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) != 0 || munmap(p, 65536) != 0)
		_exit(13);
	p = malloc(1u << 20); /* mmap'd by malloc */
	if (p == NULL)
		_exit(14);
	free(p);
	if (prctl(PR_SET_NAME, "abrid-test", 0, 0, 0) != 0)
		_exit(15);
	if (getpid() <= 0)
		_exit(16);
}

/* Runs fn in a child under the filter; returns its wait status. */
static int run_sandboxed(action_fn fn)
{
	char err[256];
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (sandbox_install(err, sizeof err) != 0) {
			(void)fprintf(stderr, "%s\n", err);
			_exit(2);
		}
		fn();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static const struct {
	const char *name;
	action_fn fn;
} forbidden[] = {
    {"execve", do_execve},
    {"fork", do_fork},
    {"open for writing (O_CREAT)", do_open_write},
    {"open read-write", do_open_rdwr},
    {"mmap PROT_EXEC", do_mmap_exec},
    {"mprotect PROT_EXEC", do_mprotect_exec},
    {"socket AF_NETLINK", do_socket_netlink},
    {"socket AF_PACKET", do_socket_packet},
    {"ptrace", do_ptrace},
    {"setuid", do_setuid},
    {"kill another process", do_kill_other},
    {"unlink", do_unlink},
    {"chmod", do_chmod},
    {"prctl PR_SET_DUMPABLE", do_dumpable},
    {"bind", do_bind},
    {"listen", do_listen},
};

static int failed;

static void expect(int cond, const char *what, int st)
{
	printf("%s - %s (wait status %d)\n", cond ? "ok" : "not ok", what, st);
	if (!cond)
		failed++;
}

int main(void)
{
	size_t i;
	int st;

	if (!sandbox_available()) {
		puts("SKIP: sanitizer build, abrid serves without the filter here");
		return 77;
	}
	st = run_sandboxed(do_allowed);
	expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the calls abrid needs work under the filter",
	       st);
	for (i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
		st = run_sandboxed(forbidden[i].fn);
		char what[96];

		st = run_sandboxed(forbidden[i].fn);
		(void)snprintf(what, sizeof what, "%s kills the process with SIGSYS", forbidden[i].name);
		expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, what, st);
	}
	return failed ? 1 : 0;
}
