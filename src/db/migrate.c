/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Schema migration runner: applies sql/NNNN-<what>.sql files in order. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/common.h"
#include "abri/db.h"

#ifndef ABRI_SQL_DIR
#error "ABRI_SQL_DIR must be defined by the build"
#endif

/* Arbitrary but fixed: every runner of every version takes this lock. */
#define MIGRATE_LOCK_KEY "6364628311010201"
#define SQL_FILE_MAX     (1024 * 1024)
#define SQL_FILES_MAX    1000

static _Thread_local char last_error[512];

const char *abri_db_last_error(void)
{
	return last_error;
}

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

const char *abri_db_default_sql_dir(void)
{
	return ABRI_SQL_DIR;
}

/* Runs a command that returns no rows; ABRI_OK or ABRI_ERR_IO. */
static int exec_command(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		set_error("%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? ABRI_OK : ABRI_ERR_IO;
}

/* Current schema version: max(abri_patches.version), 0 without the table. */
static int schema_version(PGconn *c, int *version)
{
	PGresult *r;
	int exists;

	r = PQexec(c, "SELECT to_regclass('abri_patches') IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		set_error("%s", PQresultErrorMessage(r));
		PQclear(r);
		return ABRI_ERR_IO;
	}
	exists = (0 == strcmp(PQgetvalue(r, 0, 0), "t"));
	PQclear(r);
	*version = 0;
	if (!exists)
		return ABRI_OK;
	r = PQexec(c, "SELECT coalesce(max(version), 0) FROM abri_patches");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		set_error("%s", PQresultErrorMessage(r));
		PQclear(r);
		return ABRI_ERR_IO;
	}
	*version = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return ABRI_OK;
}

int abri_db_schema_check(PGconn *c, int *have, int *want)
{
	int rc;

	last_error[0] = '\0';
	*want = ABRI_SCHEMA_VERSION;
	rc = schema_version(c, have);
	if (rc != ABRI_OK)
		return rc;
	return (*have == *want) ? ABRI_OK : ABRI_ERR_VERSION;
}

struct sql_file {
	int number;
	char name[256];
};

/* "NNNN-<what>.sql" with <what> of [a-z0-9_-]; returns the number or -1. */
static int file_number(const char *name)
{
	size_t len = strlen(name);
	int n = 0;

	if (len < 10 || len >= sizeof((struct sql_file *)0)->name || name[4] != '-' ||
	    0 != strcmp(name + len - 4, ".sql"))
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	for (size_t i = 5; i < len - 4; i++) {
		char ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '-'))
			return -1;
	}
	return n;
}

static int cmp_sql_file(const void *a, const void *b)
{
	const struct sql_file *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

/* Lists the numbered files, sorted; they must be exactly 1..ABRI_SCHEMA_VERSION. */
static int list_files(const char *dir, struct sql_file *files, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (d == NULL) {
		set_error("%s: %s", dir, strerror(errno));
		return ABRI_ERR_IO;
	}
	while ((e = readdir(d)) != NULL) {
		int num = file_number(e->d_name);
		if (num < 0)
			continue;
		if (*n == SQL_FILES_MAX) {
			(void)closedir(d);
			set_error("%s: too many files", dir);
			return ABRI_ERR_VERSION;
		}
		files[*n].number = num;
		(void)snprintf(files[*n].name, sizeof files[*n].name, "%s", e->d_name);
		(*n)++;
	}
	(void)closedir(d);
	qsort(files, *n, sizeof *files, cmp_sql_file);
	for (size_t i = 0; i < *n; i++) {
		if (files[i].number > ABRI_SCHEMA_VERSION) {
			set_error("%s is newer than this build (schema %d)", files[i].name,
			          ABRI_SCHEMA_VERSION);
			return ABRI_ERR_VERSION;
		}
		if (files[i].number != (int)i + 1) {
			set_error("%s: numbering has a gap or a duplicate", files[i].name);
			return ABRI_ERR_VERSION;
		}
	}
	if (*n != ABRI_SCHEMA_VERSION) {
		set_error("%s: has %zu files, this build needs %d", dir, *n, ABRI_SCHEMA_VERSION);
		return ABRI_ERR_VERSION;
	}
	return ABRI_OK;
}

/* Reads a whole file into a NUL-terminated malloc'd string. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	size_t len;

	if (f == NULL) {
		set_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	s = malloc(SQL_FILE_MAX + 1);
	if (s == NULL) {
		(void)fclose(f);
		set_error("out of memory");
		return NULL;
	}
	len = fread(s, 1, SQL_FILE_MAX + 1, f);
	if (ferror(f) || len > SQL_FILE_MAX) {
		set_error("%s: read error or larger than %d bytes", path, SQL_FILE_MAX);
		(void)fclose(f);
		free(s);
		return NULL;
	}
	(void)fclose(f);
	s[len] = '\0';
	if (strlen(s) != len) {
		set_error("%s: contains a NUL byte", path);
		free(s);
		return NULL;
	}
	return s;
}

/* Checks, after running a file, that it registered itself. */
static int file_registered(PGconn *c, int number)
{
	int v;

	if (schema_version(c, &v) != ABRI_OK)
		return ABRI_ERR_IO;
	if (v != number) {
		set_error("file %04d did not insert its number into abri_patches", number);
		return ABRI_ERR_VERSION;
	}
	return ABRI_OK;
}

/* Applies one file in its own transaction. */
static int apply_file(PGconn *c, const char *dir, const struct sql_file *f)
{
	char path[4096];
	char *sql;
	int rc;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, f->name) >= sizeof path) {
		set_error("path too long");
		return ABRI_ERR_IO;
	}
	sql = read_text(path);
	if (sql == NULL)
		return ABRI_ERR_IO;
	rc = exec_command(c, "BEGIN");
	if (rc == ABRI_OK) {
		rc = exec_command(c, sql);
		if (rc != ABRI_OK) {
			char msg[sizeof last_error];
			(void)snprintf(msg, sizeof msg, "%s", last_error);
			set_error("%s: %s", f->name, msg);
		}
	}
	if (rc == ABRI_OK)
		rc = file_registered(c, f->number);
	free(sql);
	if (rc == ABRI_OK)
		return exec_command(c, "COMMIT");
	/* Keep the first error; the rollback's own result does not matter. */
	PQclear(PQexec(c, "ROLLBACK"));
	return rc;
}

/* Under the session lock: read the version (a fresh transaction, so it
 * sees what a runner that held the lock before us committed), then apply
 * what is missing. */
static int migrate_locked(PGconn *c, const char *dir, const struct sql_file *files, size_t n,
                          int *count)
{
	int have = 0, rc;

	rc = schema_version(c, &have);
	if (rc != ABRI_OK)
		return rc;
	if (have > ABRI_SCHEMA_VERSION) {
		set_error("database schema %d is newer than this build (%d)", have,
		          ABRI_SCHEMA_VERSION);
		return ABRI_ERR_VERSION;
	}
	for (size_t i = (size_t)have; rc == ABRI_OK && i < n; i++) {
		rc = apply_file(c, dir, &files[i]);
		if (rc == ABRI_OK)
			(*count)++;
	}
	return rc;
}

int abri_db_migrate(PGconn *c, const char *sql_dir, int *applied)
{
	struct sql_file *files;
	int rc, count = 0;
	size_t n;

	last_error[0] = '\0';
	if (applied != NULL)
		*applied = 0;
	if (sql_dir == NULL)
		sql_dir = ABRI_SQL_DIR;
	files = calloc(SQL_FILES_MAX, sizeof *files);
	if (files == NULL) {
		set_error("out of memory");
		return ABRI_ERR_NOMEM;
	}
	rc = list_files(sql_dir, files, &n);
	/* One session lock for the whole run: two runners never interleave. */
	if (rc == ABRI_OK)
		rc = exec_command(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")");
	if (rc == ABRI_OK) {
		rc = migrate_locked(c, sql_dir, files, n, &count);
		PQclear(PQexec(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
	}
	free(files);
	if (applied != NULL)
		*applied = count;
	return rc;
}
