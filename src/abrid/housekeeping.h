/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The housekeeping: what keeps a copy of the server from telling more than
 * the week (SECURITY.md, "What a copy of the server shows";
 * docs/operations.md, "Housekeeping"). One thread, with its own database
 * connection, runs a pass every sweep_interval seconds and at every week
 * and month boundary (UTC, by abri_now()):
 *
 *   1. the purge (purge.h), every purge_interval and at each week's start;
 *   2. the sweep: expired replay nonces, spent challenges and survey codes
 *      deleted on this timer, not by requests;
 *   3. when a month has ended, the survey batch: the month's answers move
 *      from the inbox to the auditors' table in one shuffled transaction;
 *   4. when a week has ended, the re-stamp: every row written since the
 *      last one rewritten in one transaction in random order;
 *   5. rewrites (CLUSTER on the random primary keys) of every table the
 *      pass changed, so no dead tuple, old transaction id or insertion
 *      order is left in the files, and of the short-lived tables after
 *      any activity;
 *   6. with wal_rotate, a switch to a new WAL segment and a checkpoint, so
 *      PostgreSQL removes the segments holding the commit records (and
 *      their times) of what came before.
 *
 * A pass that finds nothing to do writes nothing. Passes of several
 * instances sharing a database take turns (an advisory lock). */
#ifndef ABRID_HOUSEKEEPING_H
#define ABRID_HOUSEKEEPING_H

#include <stdbool.h>

/* One pass on this thread's connection; purge: run the purge too.
 * 0, or -1 when the database failed (logged; the next pass tries again). */
int housekeeping_pass(bool purge);

/* Starts the thread (its first pass runs at once); -1 on failure. */
int housekeeping_start(void);
/* Wakes the thread and waits for it (no-op if it was not started). */
void housekeeping_stop(void);

#endif
