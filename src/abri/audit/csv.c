/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One CSV per table: a header row (row dimension, column codes, "total"),
 * one line per row code, a "total" line; suppressed entries read
 * "suppressed". Codes are from the taxonomy or checked to be
 * [A-Za-z0-9-] (interpreter), so no field needs quoting. */
#include <stdio.h>

#include "audit.h"

static void value(FILE *f, const audit_table *t, size_t i, size_t j)
{
	size_t e = AUDIT_AT(t, i, j);
	if (t->supp[e])
		fputs(",suppressed", f);
	else
		fprintf(f, ",%ld", t->pub[e]);
}

static int write_table(const audit_table *t, const char *dir)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s.csv", dir, t->id);
	FILE *f;
	if (n < 0 || (size_t)n >= sizeof path || (f = fopen(path, "w")) == NULL)
		return -1;
	/* A one-column table's row totals repeat its cells: not written twice. */
	size_t R = t->nr + (t->additive ? 1 : 0), C = t->nc + (t->additive && t->nc > 1 ? 1 : 0);
	fputs(t->row_dim, f);
	for (size_t j = 0; j < C; j++)
		fprintf(f, ",%s", j < t->nc ? t->cols[j] : "total");
	fputc('\n', f);
	for (size_t i = 0; i < R; i++) {
		fputs(i < t->nr ? t->rows[i] : "total", f);
		for (size_t j = 0; j < C; j++)
			value(f, t, i, j);
		fputc('\n', f);
	}
	int bad = ferror(f);
	return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* The journey chart's stage counts (people who reached each step). */
static int write_stages(const audit_report *r, const char *dir)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/journey_stages.csv", dir);
	FILE *f;
	if (n < 0 || (size_t)n >= sizeof path || (f = fopen(path, "w")) == NULL)
		return -1;
	fputs("stage,people\n", f);
	for (int k = 0; k < AUDIT_STAGES; k++) {
		if (r->pub_stage[k] < 0)
			fprintf(f, "%s,suppressed\n", audit_stage_code[k]);
		else
			fprintf(f, "%s,%ld\n", audit_stage_code[k], r->pub_stage[k]);
	}
	int bad = ferror(f);
	return (fclose(f) != 0 || bad) ? -1 : 0;
}

int audit_write_csv(const audit_report *r, const char *dir)
{
	for (size_t k = 0; k < r->n_tables; k++)
		if (!r->tables[k].hidden && write_table(&r->tables[k], dir) < 0)
			return -1;
	return write_stages(r, dir);
}
