/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libmicrohttpd glue: one MHD daemon per listening socket (TCP, Unix),
 * all sharing the same handlers. */
#ifndef ABRID_HTTPD_H
#define ABRID_HTTPD_H

#include <microhttpd.h>

/* Starts a daemon on an already bound and listening socket; NULL on error. */
struct MHD_Daemon *httpd_start(int listen_fd);
/* Stops accepting connections (the listening socket is closed); those
 * open are still served. */
void httpd_quiesce(struct MHD_Daemon *d);
void httpd_stop(struct MHD_Daemon *d);

#endif
