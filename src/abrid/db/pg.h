/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid's PostgreSQL access: one connection per worker thread, connected
 * lazily and re-established after a failure; statements prepared lazily on
 * each connection (again after a reconnect); one status for every query;
 * one transaction-retry helper. Each query lives in its own
 * db/pg_<verb>_<object>.c and is declared in db/queries.h. */
#ifndef ABRID_PG_H
#define ABRID_PG_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

enum pg_qs {
	PG_BUSY = -3, /* the database cannot do it now (statement or lock timeout, disk
	               * full, out of memory, too many connections): no retry inside the
	               * request, the client gets 503 + Retry-After */
	PG_HARD = -2, /* our bug or a broken database: do not retry */
	PG_SOFT = -1, /* retryable: serialization failure, deadlock, lost connection */
	PG_NONE = 0,  /* no row (or nothing inserted / updated) */
	PG_OK = 1,    /* at least one row */
};

struct pg;

/* Set once at startup, before any worker thread runs. */
/* statement_timeout_ms bounds every statement of every session (0 = none). */
int pg_configure(const char *dsn, unsigned statement_timeout_ms);

/* This thread's connection, connecting if needed; NULL if the database is
 * unreachable (answer 503 unavailable). */
struct pg *pg_get(void);

/* A connection for the main thread's startup checks (not the pool). */
PGconn *pg_raw(struct pg *pg);

/* A statement, defined static in its query file. */
struct pg_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

#define PG_PARAMS_MAX 8

/* Parameters: bytes are sent binary, text and integers as text. */
struct pg_params {
	int n;
	const char *v[PG_PARAMS_MAX];
	int len[PG_PARAMS_MAX];
	int fmt[PG_PARAMS_MAX];
	char ibuf[PG_PARAMS_MAX][24];
};

void pgp_init(struct pg_params *p);
void pgp_bytes(struct pg_params *p, const void *data, size_t len);
void pgp_text(struct pg_params *p, const char *s); /* NULL = SQL NULL */
void pgp_int(struct pg_params *p, int64_t v);
/* Today's UTC date "YYYY-MM-DD" by abri_now(), for $n::date: queries take
 * the date from abrid's clock, never PostgreSQL's now(), so one clock (a
 * test's too) governs weeks, expiries and purges. */
void pgp_today(struct pg_params *p);

/* Runs a prepared statement; results come back in binary format. On
 * PG_OK, *res (if res != NULL) holds the result for the caller to PQclear;
 * otherwise *res is NULL. */
enum pg_qs pg_exec(struct pg *pg, const struct pg_stmt *st, const struct pg_params *p,
                   PGresult **res);

/* A statement without parameters that cannot be prepared (CLUSTER,
 * VACUUM, CHECKPOINT, SET), outside any transaction; for the
 * housekeeping. The statement's text is a fixed string: it is logged on
 * an error. */
enum pg_qs pg_command(struct pg *pg, const char *sql);

/* Binary result accessors; -1 on a NULL or a value of the wrong size. */
int pgr_int(const PGresult *r, int row, int col, int64_t *out);
int pgr_bytes(const PGresult *r, int row, int col, const uint8_t **p, size_t *len);
/* NULL for SQL NULL. */
const char *pgr_text(const PGresult *r, int row, int col);

enum pg_txn_mode {
	PG_TXN_WRITE, /* SERIALIZABLE */
	PG_TXN_READ,  /* REPEATABLE READ READ ONLY: one consistent snapshot */
	/* READ COMMITTED, for the reporter submissions (many at once, each on
	 * its own case): every statement sees what is committed when it
	 * starts, so the body relies only on unique constraints and on the
	 * rows it locks, never on a read staying true. No serialization
	 * failures: under SERIALIZABLE, lookups that find nothing lock index
	 * pages, and on the small indexes of a young database any two
	 * concurrent submissions conflicted (docs/operations.md, "Isolation"). */
	PG_TXN_WRITE_RC,
};

/* A transaction body: returns PG_OK to commit, PG_NONE to roll back
 * without error (the body recorded its answer in cls), PG_SOFT to retry,
 * PG_HARD to give up. It must reset its outputs each time it starts. */
typedef enum pg_qs (*pg_txn_fn)(struct pg *pg, void *cls);

/* Runs fn in a transaction, retrying soft failures a few times. Returns
 * fn's final status; PG_SOFT when retries are exhausted or the database is
 * unreachable (answer 503). */
enum pg_qs pg_txn(struct pg *pg, enum pg_txn_mode mode, pg_txn_fn fn, void *cls);

#endif
