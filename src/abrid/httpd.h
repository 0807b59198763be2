/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libmicrohttpd glue: one MHD daemon per listening socket (TCP, Unix),
 * all sharing the same handlers. */
#ifndef ABRID_HTTPD_H
#define ABRID_HTTPD_H

#include <microhttpd.h>

/* Starts a daemon on an already bound and listening socket; NULL on error. */
struct MHD_Daemon *httpd_start(int listen_fd);
void httpd_stop(struct MHD_Daemon *d);

#endif
