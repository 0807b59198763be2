/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../log.h"
#include "abri/common.h"
#include "pg.h"

#define PG_STMTS_MAX    64
/* Retries are for the staff and upload transactions (SERIALIZABLE, low
 * rates) and for a reporter submission that lost a race on a unique key to
 * its own retry (READ COMMITTED: the next attempt sees the winner). A
 * transaction given up is logged. */
#define PG_TXN_ATTEMPTS 8

struct pg {
	PGconn *conn;
	int in_txn; /* between BEGIN and COMMIT/ROLLBACK of pg_txn */
	const struct pg_stmt *prepared[PG_STMTS_MAX];
	size_t n_prepared;
};

static char *dsn;
static char session_setup[64];
static pthread_key_t tls_key;

static void pg_destroy(void *p)
{
	struct pg *pg = p;

	if (pg->conn != NULL)
		PQfinish(pg->conn);
	free(pg);
}

int pg_configure(const char *d, unsigned statement_timeout_ms)
{
	(void)snprintf(session_setup, sizeof session_setup, "SET statement_timeout = %u",
	               statement_timeout_ms);
	dsn = strdup(d);
	if (dsn == NULL)
		return -1;
	/* The destructor closes a worker's connection when its thread ends. */
	return (pthread_key_create(&tls_key, pg_destroy) == 0) ? 0 : -1;
}

static void pg_drop(struct pg *pg)
{
	if (pg->conn != NULL)
		PQfinish(pg->conn);
	pg->conn = NULL;
	pg->n_prepared = 0;
}

/* Connects if not connected. A bounded statement_timeout keeps a stuck
 * query from holding a worker (and its connection) forever. */
static int pg_ensure(struct pg *pg)
{
	PGresult *r;

	if (pg->conn != NULL && PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	pg_drop(pg);
	pg->conn = PQconnectdb(dsn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		alog(ALOG_WARN, "database connection failed: %s", PQerrorMessage(pg->conn));
		pg_drop(pg);
		return -1;
	}
	r = PQexec(pg->conn, session_setup);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		alog(ALOG_ERROR, "database session setup failed");
		PQclear(r);
		pg_drop(pg);
		return -1;
	}
	PQclear(r);
	return 0;
}

struct pg *pg_get(void)
{
	struct pg *pg = pthread_getspecific(tls_key);

	if (pg == NULL) {
		pg = calloc(1, sizeof *pg);
		if (pg == NULL)
			return NULL;
		if (pthread_setspecific(tls_key, pg) != 0) {
			free(pg);
			return NULL;
		}
	}
	return (pg_ensure(pg) == 0) ? pg : NULL;
}

PGconn *pg_raw(struct pg *pg)
{
	return pg->conn;
}

void pgp_init(struct pg_params *p)
{
	memset(p, 0, sizeof *p);
}

void pgp_bytes(struct pg_params *p, const void *data, size_t len)
{
	p->v[p->n] = data;
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

void pgp_text(struct pg_params *p, const char *s)
{
	p->v[p->n] = s;
	p->fmt[p->n] = 0;
	p->n++;
}

void pgp_int(struct pg_params *p, int64_t v)
{
	(void)snprintf(p->ibuf[p->n], sizeof p->ibuf[p->n], "%lld", (long long)v);
	pgp_text(p, p->ibuf[p->n]);
}

void pgp_today(struct pg_params *p)
{
	/* A date that cannot be formatted (year > 9999) is sent as SQL NULL:
	 * every comparison with it fails, nothing is written or deleted. */
	if (abri_utc_date(p->ibuf[p->n], abri_now()) != 0)
		pgp_text(p, NULL);
	else
		pgp_text(p, p->ibuf[p->n]);
}

/* Soft: worth retrying the transaction. Only the SQLSTATE and statement
 * name are logged: PostgreSQL's messages may quote parameter values. */
static enum pg_qs classify(struct pg *pg, const PGresult *r, const char *what)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (PQstatus(pg->conn) != CONNECTION_OK || state == NULL) {
		alog(ALOG_WARN, "database connection lost (%s)", what);
		pg_drop(pg);
		return PG_SOFT;
	}
	if (0 == strcmp(state, "40001") || 0 == strcmp(state, "40P01"))
		return PG_SOFT;
	if (0 == strncmp(state, "08", 2) || 0 == strcmp(state, "57P01")) {
		alog(ALOG_WARN, "database connection error %s (%s)", state, what);
		pg_drop(pg);
		return PG_SOFT;
	}
	/* Up but unable right now: retrying within the request would only
	 * hold the worker longer. Nothing was committed (the transaction
	 * rolls back), so the client may simply try again later. */
	if (0 == strcmp(state, "57014") || 0 == strcmp(state, "55P03") ||
	    0 == strncmp(state, "53", 2)) {
		alog(ALOG_WARN, "database busy %s (%s)", state, what);
		return PG_BUSY;
	}
	alog(ALOG_ERROR, "database error %s in %s", state, what);
	return PG_HARD;
}

static int is_prepared(const struct pg *pg, const struct pg_stmt *st)
{
	for (size_t i = 0; i < pg->n_prepared; i++)
		if (pg->prepared[i] == st)
			return 1;
	return 0;
}

static enum pg_qs prepare(struct pg *pg, const struct pg_stmt *st)
{
	PGresult *r;
	enum pg_qs qs;

	if (is_prepared(pg, st))
		return PG_OK;
	if (pg->n_prepared == PG_STMTS_MAX) {
		alog(ALOG_ERROR, "too many prepared statements; raise PG_STMTS_MAX");
		return PG_HARD;
	}
	r = PQprepare(pg->conn, st->name, st->sql, st->nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		qs = classify(pg, r, st->name);
		PQclear(r);
		return qs;
	}
	PQclear(r);
	pg->prepared[pg->n_prepared++] = st;
	return PG_OK;
}

static enum pg_qs exec_once(struct pg *pg, const struct pg_stmt *st, const struct pg_params *p,
                            PGresult **res)
{
	enum pg_qs qs;
	PGresult *r;

	if (res != NULL)
		*res = NULL;
	if (pg->conn == NULL)
		return PG_SOFT;
	if (p->n != st->nparams) {
		alog(ALOG_ERROR, "%s: %d parameters given, %d expected", st->name, p->n,
		     st->nparams);
		return PG_HARD;
	}
	qs = prepare(pg, st);
	if (qs != PG_OK)
		return qs;
	r = PQexecPrepared(pg->conn, st->name, p->n, p->v, p->len, p->fmt, 1);
	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK: qs = (PQntuples(r) > 0) ? PG_OK : PG_NONE; break;
	case PGRES_COMMAND_OK: qs = (0 == strcmp(PQcmdTuples(r), "0")) ? PG_NONE : PG_OK; break;
	default:
		qs = classify(pg, r, st->name);
		PQclear(r);
		return qs;
	}
	/* Only a result with rows is handed out: callers never clear on PG_NONE. */
	if (res != NULL && qs == PG_OK)
		*res = r;
	else
		PQclear(r);
	return qs;
}

enum pg_qs pg_exec(struct pg *pg, const struct pg_stmt *st, const struct pg_params *p,
                   PGresult **res)
{
	enum pg_qs qs = exec_once(pg, st, p, res);

	/* A connection that died while idle (PostgreSQL restarted) is only
	 * noticed now. Outside a transaction the statement can simply run
	 * again on a new connection; inside one, pg_txn retries it whole. */
	if (qs == PG_SOFT && pg->conn == NULL && !pg->in_txn && pg_ensure(pg) == 0)
		qs = exec_once(pg, st, p, res);
	return qs;
}

int pgr_int(const PGresult *r, int row, int col, int64_t *out)
{
	const uint8_t *p = (const uint8_t *)PQgetvalue(r, row, col);
	int len = PQgetlength(r, row, col);
	uint64_t v = 0;

	if (PQgetisnull(r, row, col) || (len != 2 && len != 4 && len != 8))
		return -1;
	for (int i = 0; i < len; i++)
		v = (v << 8) | p[i];
	/* Sign-extend network-order two's complement of 2 or 4 bytes. */
	if (len < 8 && (p[0] & 0x80))
		v |= ~(uint64_t)0 << (8 * len);
	*out = (int64_t)v;
	return 0;
}

int pgr_bytes(const PGresult *r, int row, int col, const uint8_t **p, size_t *len)
{
	if (PQgetisnull(r, row, col))
		return -1;
	*p = (const uint8_t *)PQgetvalue(r, row, col);
	*len = (size_t)PQgetlength(r, row, col);
	return 0;
}

const char *pgr_text(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	/* libpq terminates every value with a NUL, binary ones included. */
	return PQgetvalue(r, row, col);
}

static enum pg_qs simple(struct pg *pg, const char *sql)
{
	PGresult *r = PQexec(pg->conn, sql);
	enum pg_qs qs = PG_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		qs = classify(pg, r, sql);
	PQclear(r);
	return qs;
}

enum pg_qs pg_command(struct pg *pg, const char *sql)
{
	if (pg_ensure(pg) != 0)
		return PG_SOFT;
	return simple(pg, sql);
}

/* Only when a transaction is open: a COMMIT that failed (serialization)
 * has already ended it, and a ROLLBACK then only earns a warning. */
static void rollback(struct pg *pg)
{
	if (pg->conn != NULL && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
}

/* Jitter so that two conflicting transactions do not retry in lockstep. */
static void backoff(int attempt)
{
	unsigned shift = (attempt < 4) ? (unsigned)attempt : 4u; /* at most 80 ms */
	struct timespec ts = {0, (long)(1 + randombytes_uniform(5u << shift)) * 1000000L};

	(void)nanosleep(&ts, NULL);
}

enum pg_qs pg_txn(struct pg *pg, enum pg_txn_mode mode, pg_txn_fn fn, void *cls)
{
	static const char *const begins[] = {
	    [PG_TXN_WRITE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
	    [PG_TXN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    [PG_TXN_WRITE_RC] = "BEGIN ISOLATION LEVEL READ COMMITTED",
	};
	const char *begin = begins[mode];
	enum pg_qs qs;

	for (int attempt = 0; attempt < PG_TXN_ATTEMPTS; attempt++) {
		if (attempt > 0)
			backoff(attempt);
		if (pg_ensure(pg) != 0)
			return PG_SOFT;
		qs = simple(pg, begin);
		if (qs == PG_SOFT)
			continue;
		if (qs != PG_OK)
			return qs;
		pg->in_txn = 1;
		qs = fn(pg, cls);
		if (qs == PG_OK)
			qs = simple(pg, "COMMIT");
		if (qs != PG_OK)
			rollback(pg);
		pg->in_txn = 0;
		if (qs == PG_OK)
			return PG_OK;
		if (qs != PG_SOFT)
			return qs;
	}
	alog(ALOG_WARN, "transaction given up after %d attempts (serialization or connection)",
	     PG_TXN_ATTEMPTS);
	return PG_SOFT;
}
