/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Decoding of CASE_COLUMNS, shared by the queries that return a case. */
#include <stdio.h>
#include <string.h>

#include "queries.h"

static int copy_text(char *dst, size_t cap, const char *s, int nullable)
{
	if (s == NULL) {
		if (!nullable)
			return -1;
		dst[0] = '\0';
		return 0;
	}
	if (strlen(s) >= cap)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int db_case_from_row(const PGresult *r, int row, int col, struct db_case *c)
{
	if (PQnfields(r) < col + 4)
		return -1;
	if (copy_text(c->case_ref, sizeof c->case_ref, pgr_text(r, row, col), 0) != 0 ||
	    copy_text(c->state, sizeof c->state, pgr_text(r, row, col + 1), 0) != 0 ||
	    copy_text(c->week, sizeof c->week, pgr_text(r, row, col + 2), 0) != 0 ||
	    copy_text(c->purge_after, sizeof c->purge_after, pgr_text(r, row, col + 3), 1) != 0)
		return -1;
	return 0;
}
