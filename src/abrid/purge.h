/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The purge job: deletes closed and erased cases past their purge_after
 * date, with their envelopes, and uploads never attached past their
 * expiry. The housekeeping thread runs it every purge_interval seconds and
 * at each week's start (housekeeping.h); `abrid --purge-now` once.
 * Idempotent, so every instance may run it. */
#ifndef ABRID_PURGE_H
#define ABRID_PURGE_H

#include <stdint.h>

/* One purge in one transaction on this thread's connection; logs
 * "purged N cases" (a count, never a reference). 0 with *n, or -1. */
int purge_run(int64_t *n);

#endif
