/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Sockets and process privileges: abrid binds its sockets itself (so it
 * can drop root right after) and hands them to libmicrohttpd. */
#ifndef ABRID_LISTEN_H
#define ABRID_LISTEN_H

/* Listening TCP socket on an IPv4 or IPv6 literal; -1 and err on failure. */
int listen_tcp(const char *address, unsigned port, char *err, size_t err_len);
/* Listening Unix socket, mode 0660; a stale socket file is removed, a live
 * one (another daemon answers) is an error. */
int listen_unix(const char *path, char *err, size_t err_len);
/* No core dumps and not ptrace-able by other processes of the same user:
 * process memory holds the server's keys and requests in flight. */
int harden_process(char *err, size_t err_len);
/* When running as root: give the Unix socket to the user, then switch to
 * the user (groups, gid, uid) for good. user "" = no change (a warning if
 * root). */
int drop_privileges(const char *user, const char *unix_path, char *err, size_t err_len);

#endif
