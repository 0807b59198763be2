/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Startup checks against the database, before any request is served. */
#ifndef ABRID_STARTUP_H
#define ABRID_STARTUP_H

#include <stddef.h>

/* Connects with dsn, refuses an outdated (or newer) schema with a message
 * telling the operator to run `abri admin migrate`, and loads and verifies
 * every recipient list. -1 with err on failure. */
int startup_database(const char *dsn, char *err, size_t err_len);

#endif
