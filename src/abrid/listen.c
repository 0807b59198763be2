/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

#define BACKLOG 512

static int fail(int fd, char *err, size_t err_len, const char *what, const char *detail)
{
	int e = errno;

	if (fd >= 0)
		(void)close(fd);
	(void)snprintf(err, err_len, "%s %s: %s", what, detail, strerror(e));
	return -1;
}

int listen_tcp(const char *address, unsigned port, char *err, size_t err_len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		len = sizeof *in4;
	} else if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		len = sizeof *in6;
	} else {
		errno = EINVAL;
		return fail(-1, err, err_len, "listen_address", address);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(fd, err, err_len, "socket", address);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0))
		return fail(fd, err, err_len, "setsockopt", address);
	if (bind(fd, (struct sockaddr *)&ss, len) != 0)
		return fail(fd, err, err_len, "bind", address);
	if (listen(fd, BACKLOG) != 0)
		return fail(fd, err, err_len, "listen", address);
	return fd;
}

/* 1 if something accepts connections on path. */
static int socket_alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int alive;

	if (fd < 0)
		return 0;
	alive = (connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0);
	(void)close(fd);
	return alive;
}

static int remove_stale(const struct sockaddr_un *sun, char *err, size_t err_len)
{
	struct stat st;

	if (lstat(sun->sun_path, &st) != 0)
		return (errno == ENOENT) ? 0 : fail(-1, err, err_len, "stat", sun->sun_path);
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return fail(-1, err, err_len, "listen_unix: not a socket:", sun->sun_path);
	}
	if (socket_alive(sun)) {
		errno = EADDRINUSE;
		return fail(-1, err, err_len, "listen_unix: in use:", sun->sun_path);
	}
	if (unlink(sun->sun_path) != 0)
		return fail(-1, err, err_len, "unlink", sun->sun_path);
	return 0;
}

int listen_unix(const char *path, char *err, size_t err_len)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return fail(-1, err, err_len, "listen_unix", path);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (remove_stale(&sun, err, err_len) != 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(fd, err, err_len, "socket", path);
	/* Created 0660 from the start: no window where others may connect. */
	old = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	(void)umask(old);
	if (rc != 0)
		return fail(fd, err, err_len, "bind", path);
	if (chmod(path, 0660) != 0)
		return fail(fd, err, err_len, "chmod", path);
	if (listen(fd, BACKLOG) != 0)
		return fail(fd, err, err_len, "listen", path);
	return fd;
}

int harden_process(char *err, size_t err_len)
{
	struct rlimit no_core = {0, 0};

	if (setrlimit(RLIMIT_CORE, &no_core) != 0)
		return fail(-1, err, err_len, "setrlimit", "RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail(-1, err, err_len, "prctl", "PR_SET_DUMPABLE");
	return 0;
}

int drop_privileges(const char *user, const char *unix_path, char *err, size_t err_len)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (user[0] == '\0') {
		alog(ALOG_WARN, "running as root: set `user` in the configuration");
		return 0;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		if (errno == 0)
			errno = ENOENT;
		return fail(-1, err, err_len, "user", user);
	}
	if (unix_path[0] != '\0' && chown(unix_path, pw->pw_uid, pw->pw_gid) != 0)
		return fail(-1, err, err_len, "chown", unix_path);
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return fail(-1, err, err_len, "cannot switch to user", user);
	/* Paranoia: it must be impossible to get root back. */
	if (setuid(0) == 0) {
		errno = EPERM;
		return fail(-1, err, err_len, "privileges still recoverable after switching to",
		            user);
	}
	/* setuid makes the process dumpable again on some kernels' rules. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail(-1, err, err_len, "prctl", "PR_SET_DUMPABLE");
	return 0;
}
