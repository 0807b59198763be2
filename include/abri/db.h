/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Database schema versioning, shared by abrid (check only) and the CLI
 * (`abri admin migrate`).
 *
 * The schema lives in numbered, forward-only files sql/NNNN-<what>.sql.
 * Each file ends by inserting its number into abri_patches(version, name);
 * the schema version of a database is max(abri_patches.version).
 * ABRI_SCHEMA_VERSION is the number this build expects: abrid refuses to
 * start on any other, and the runner refuses files numbered above it. */
#ifndef ABRI_DB_H
#define ABRI_DB_H

#include <libpq-fe.h>

#define ABRI_SCHEMA_VERSION 5

/* Default directory of the numbered sql files, compiled in (the source tree's
 * sql/ directory unless the build says otherwise). */
const char *abri_db_default_sql_dir(void);

/* Apply every missing numbered file of sql_dir (NULL = default) in order,
 * each in its own transaction under an advisory lock, so two runners
 * never apply the same file. *applied (may be NULL) gets the number of
 * files applied. Returns ABRI_OK, ABRI_ERR_VERSION if the directory holds
 * a file numbered above ABRI_SCHEMA_VERSION, a gap or a duplicate number,
 * or if the database is newer than this build; ABRI_ERR_IO on a file or
 * database error (the failing file's transaction is rolled back). */
int abri_db_migrate(PGconn *c, const char *sql_dir, int *applied);

/* *have = schema version of the database (0 if none), *want =
 * ABRI_SCHEMA_VERSION. Returns ABRI_OK when they are equal,
 * ABRI_ERR_VERSION when not, ABRI_ERR_IO on a database error. */
int abri_db_schema_check(PGconn *c, int *have, int *want);

/* Last error detail of abri_db_migrate / abri_db_schema_check in this
 * thread (file name or PostgreSQL message), for the caller to print;
 * never NULL. */
const char *abri_db_last_error(void);

#endif
