/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The seccomp filter abrid installs once it serves: after the sockets are
 * bound, privileges dropped, keys loaded, the database checked and every
 * thread started, nothing it still has to do needs to create a process or
 * thread, execute a file, write a file, map executable memory, trace, mount
 * or change identity. A system call outside the allow list kills the whole
 * process (SIGSYS), it is never answered with an error that code could
 * retry around. */
#ifndef ABRID_SANDBOX_H
#define ABRID_SANDBOX_H

#include <stddef.h>

/* 1 when this build can install the filter; sanitizer builds cannot (the
 * sanitizers' runtime needs calls the filter forbids, e.g. to symbolise a
 * report), and are built with ABRID_SANDBOX=0. */
int sandbox_available(void);

/* Installs the filter on every thread of the process (TSYNC). 0, or -1
 * with a message in err. */
int sandbox_install(char *err, size_t err_len);

#endif
