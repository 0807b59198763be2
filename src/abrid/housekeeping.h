/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Deleting expired replay nonces and spent challenges, a little at a time
 * from the request path (no timer thread, no extra process). */
#ifndef ABRID_HOUSEKEEPING_H
#define ABRID_HOUSEKEEPING_H

#include "db/pg.h"

/* Counts a write request of this thread; every HOUSEKEEPING_EVERY-th one
 * deletes expired rows (outside any transaction). Failures are logged
 * only: they must not fail the request that happened to trigger them. */
void housekeeping_tick(struct pg *pg);

#endif
