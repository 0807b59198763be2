/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>

#include "abri/db.h"
#include "abrid.h"
#include "db/pg.h"
#include "log.h"
#include "rlist.h"
#include "startup.h"

int startup_database(const char *dsn, char *err, size_t err_len)
{
	struct pg *pg;
	int have, want, rc;

	if (pg_configure(dsn, abrid.cfg.statement_timeout) != 0) {
		(void)snprintf(err, err_len, "out of memory");
		return -1;
	}
	pg = pg_get();
	if (pg == NULL) {
		(void)snprintf(err, err_len, "cannot connect to the database");
		return -1;
	}
	rc = abri_db_schema_check(pg_raw(pg), &have, &want);
	if (rc == ABRI_ERR_VERSION && have < want) {
		(void)snprintf(err, err_len,
		               "database schema is version %d, this abrid needs %d: "
		               "run `abri admin migrate`",
		               have, want);
		return -1;
	}
	if (rc == ABRI_ERR_VERSION) {
		(void)snprintf(err, err_len,
		               "database schema is version %d, newer than this abrid (%d): "
		               "upgrade abrid",
		               have, want);
		return -1;
	}
	if (rc != ABRI_OK) {
		(void)snprintf(err, err_len, "schema check failed: %s", abri_db_last_error());
		return -1;
	}
	abrid.schema = have;
	if (rlist_load_all(pg) != 0) {
		(void)snprintf(err, err_len, "cannot load the stored recipient lists");
		return -1;
	}
	return 0;
}
