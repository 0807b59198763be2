/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Database workers. libmicrohttpd's threads only do network I/O; a request
 * that needs PostgreSQL (every API route) is handed to one of `db_workers`
 * threads, each with its own connection, while its HTTP connection is
 * suspended, and resumed with the answer. So a slow transaction holds a
 * database worker, never the thread that serves other connections, and
 * all database connections work at once whichever network thread the
 * clients landed on. The queue needs no bound of its own: requests in
 * progress are bounded by max_pending (load.h). */
#ifndef ABRID_DBPOOL_H
#define ABRID_DBPOOL_H

#include <microhttpd.h>

#include "request.h"

typedef enum MHD_Result (*dbpool_fn)(struct request *rq);

int dbpool_start(unsigned workers);
/* Runs what is queued, then stops the workers. New submissions fail. */
void dbpool_stop(void);

/* From the access handler: suspends rq's connection and queues fn(rq) for
 * a worker. MHD_YES, or MHD_NO when the pool is stopped (the caller
 * answers itself). */
enum MHD_Result dbpool_submit(struct request *rq, dbpool_fn fn);
/* From the access handler when the connection is resumed: queues the
 * answer the worker prepared. */
enum MHD_Result dbpool_finish(struct request *rq);

#endif
