/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri admin migrate: the only thing that changes the database schema
 * (abrid refuses to start on an outdated one). */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "abri/db.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri admin migrate [--dsn DSN | --data-dir DIR] [--sql-dir DIR]\n"
    "Applies the missing sql/NNNN-*.sql files. --data-dir DIR is the embedded\n"
    "cluster: host=DIR/pg-socket dbname=abri user=abri.\n";

enum { O_DSN = OPT_CMD, O_DATA_DIR, O_SQL_DIR };

/* host='<dir>/pg-socket' with libpq's quoting rules. */
static char *dsn_for_data_dir(const char *dir)
{
	size_t n = strlen(dir);
	char *out = malloc(2 * n + 64), *o = out;
	if (out == NULL)
		return NULL;
	o += sprintf(o, "host='");
	for (const char *s = dir; *s; s++) {
		if (*s == '\'' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	sprintf(o, "/pg-socket' dbname=abri user=abri");
	return out;
}

static int migrate(const char *dsn, const char *sql_dir)
{
	PGconn *conn = PQconnectdb(dsn);
	int applied = 0, have = 0, want = 0, ex = CLI_OK;

	if (PQstatus(conn) != CONNECTION_OK) {
		cli_err("cannot connect to PostgreSQL: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return CLI_SERVER;
	}
	int rc = abri_db_migrate(conn, sql_dir, &applied);
	if (rc < 0) {
		cli_err("migration failed: %s (%s)", abri_strerror(rc), abri_db_last_error());
		ex = rc == ABRI_ERR_VERSION ? CLI_LOCAL : CLI_SERVER;
	} else if (abri_db_schema_check(conn, &have, &want) < 0) {
		cli_err("schema check after migrating: %s", abri_db_last_error());
		ex = CLI_SERVER;
	} else {
		printf("Applied %d migration(s); schema version %d (this build expects %d).\n",
		       applied, have, want);
	}
	PQfinish(conn);
	return ex;
}

int cmd_admin_migrate(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"dsn", required_argument, NULL, O_DSN},
	    {"data-dir", required_argument, NULL, O_DATA_DIR},
	    {"sql-dir", required_argument, NULL, O_SQL_DIR},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *dsn = NULL, *data_dir = NULL, *sql_dir = NULL;
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_DSN)
			dsn = optarg;
		else if (c == O_DATA_DIR)
			data_dir = optarg;
		else if (c == O_SQL_DIR)
			sql_dir = optarg;
	}
	if ((dsn == NULL) == (data_dir == NULL) || optind != argc) {
		cli_err("give exactly one of --dsn and --data-dir");
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	char *built = data_dir ? dsn_for_data_dir(data_dir) : NULL;
	if (data_dir != NULL && built == NULL)
		return CLI_LOCAL;
	ex = migrate(built ? built : dsn, sql_dir);
	free(built);
	return ex;
}
