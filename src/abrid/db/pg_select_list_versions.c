/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>

#include "queries.h"

static const struct pg_stmt st = {
    "select_list_versions",
    "SELECT version FROM recipient_lists ORDER BY version",
    0,
};

enum pg_qs pg_select_list_versions(struct pg *pg, uint32_t **versions, size_t *n)
{
	struct pg_params p;
	PGresult *r;
	enum pg_qs qs;
	int rows;

	*versions = NULL;
	*n = 0;
	pgp_init(&p);
	qs = pg_exec(pg, &st, &p, &r);
	if (qs != PG_OK)
		return qs;
	rows = PQntuples(r);
	*versions = calloc((size_t)rows, sizeof **versions);
	if (*versions == NULL) {
		PQclear(r);
		return PG_HARD;
	}
	for (int i = 0; i < rows; i++) {
		int64_t v;
		if (pgr_int(r, i, 0, &v) != 0 || v < 1 || v > UINT32_MAX) {
			free(*versions);
			*versions = NULL;
			PQclear(r);
			return PG_HARD;
		}
		(*versions)[i] = (uint32_t)v;
	}
	*n = (size_t)rows;
	PQclear(r);
	return PG_OK;
}
