/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The purge job: deletes closed and erased cases past their purge_after
 * date, with their envelopes. Runs every purge_interval seconds in a
 * thread of its own (with its own database connection), and once on
 * demand (`abrid --purge-now`). Idempotent, so every instance may run it. */
#ifndef ABRID_PURGE_H
#define ABRID_PURGE_H

#include <stdint.h>

/* One purge in one transaction on this thread's connection; logs
 * "purged N cases" (a count, never a reference). 0 with *n, or -1. */
int purge_run(int64_t *n);

/* Starts the purge thread unless purge_interval is 0; -1 on failure. */
int purge_start(void);
/* Wakes the thread and waits for it (no-op if it was not started). */
void purge_stop(void);

#endif
