/* SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ABRI_CONSOLE_SERVER_H
#define ABRI_CONSOLE_SERVER_H

#include "console/console.h"

/* Binds 127.0.0.1:port (0: any free port), prints the start URL, opens
 * the browser unless !browser, serves until SIGINT/SIGTERM. Exit code. */
int console_serve(console *c, unsigned port, int browser);

#endif
