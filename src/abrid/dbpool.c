/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Database workers (see dbpool.h). A worker runs the route with
 * rq->deferred set, so reply_queue keeps the response in rq instead of
 * queueing it from the wrong thread; resuming the connection makes
 * libmicrohttpd call the access handler again, which queues it. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "dbpool.h"
#include "log.h"

#define WORKERS_MAX 256

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct request *head, *tail;
	pthread_t threads[WORKERS_MAX];
	unsigned n;
	bool stopping;
	bool running;
} P = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void *worker(void *arg)
{
	for (;;) {
		struct request *rq;
		enum MHD_Result r;

		(void)pthread_mutex_lock(&P.lock);
		while (P.head == NULL && !P.stopping)
			(void)pthread_cond_wait(&P.cond, &P.lock);
		rq = P.head;
		if (rq == NULL) { /* stopping and drained */
			(void)pthread_mutex_unlock(&P.lock);
			return arg;
		}
		P.head = rq->next;
		if (P.head == NULL)
			P.tail = NULL;
		(void)pthread_mutex_unlock(&P.lock);

		rq->deferred = true;
		r = rq->job(rq);
		rq->deferred = false;
		rq->job_result = r;
		rq->job_done = true;
		MHD_resume_connection(rq->conn);
	}
}

int dbpool_start(unsigned workers)
{
	if (workers == 0 || workers > WORKERS_MAX)
		return -1;
	P.stopping = false;
	for (P.n = 0; P.n < workers; P.n++)
		if (pthread_create(&P.threads[P.n], NULL, worker, NULL) != 0) {
			dbpool_stop();
			return -1;
		}
	P.running = true;
	return 0;
}

void dbpool_stop(void)
{
	(void)pthread_mutex_lock(&P.lock);
	P.stopping = true;
	(void)pthread_cond_broadcast(&P.cond);
	(void)pthread_mutex_unlock(&P.lock);
	for (unsigned i = 0; i < P.n; i++)
		(void)pthread_join(P.threads[i], NULL);
	P.n = 0;
	P.running = false;
}

enum MHD_Result dbpool_submit(struct request *rq, dbpool_fn fn)
{
	bool queued = false;

	(void)pthread_mutex_lock(&P.lock);
	if (P.running && !P.stopping) {
		rq->job = fn;
		rq->next = NULL;
		rq->job_done = false;
		/* Suspend before a worker can see it: resuming a connection that
		 * is not suspended yet would be lost. */
		MHD_suspend_connection(rq->conn);
		if (P.tail != NULL)
			P.tail->next = rq;
		else
			P.head = rq;
		P.tail = rq;
		queued = true;
		(void)pthread_cond_signal(&P.cond);
	}
	(void)pthread_mutex_unlock(&P.lock);
	return queued ? MHD_YES : MHD_NO;
}

enum MHD_Result dbpool_finish(struct request *rq)
{
	struct MHD_Response *resp = rq->deferred_resp;
	enum MHD_Result ret;

	rq->job_done = false;
	if (resp == NULL) /* the handler gave up on the connection */
		return rq->job_result;
	rq->deferred_resp = NULL;
	ret = MHD_queue_response(rq->conn, rq->status, resp);
	MHD_destroy_response(resp);
	return ret;
}
