/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Disclosure control (docs/report.md):
 *   1. margins (row, column and grand totals) from the unrounded values;
 *   2. primary suppression: every entry with 0 < value < threshold,
 *      margins included — a zero is published as 0 (it says only that
 *      nobody is in that cell, which no suppression could hide given the
 *      totals);
 *   3. complementary suppression, additive tables only: every line (each
 *      row and each column of the table extended with its margins) with
 *      exactly one suppressed entry gets a second one — its smallest other
 *      nonzero entry, lowest index first on ties — until no line has
 *      exactly one, so no suppressed entry equals a published total minus
 *      published entries;
 *   4. the rest rounded to the nearest multiple of 5 (halves up).
 * The journey chart's stage counts are sums of the journey table's row
 * totals: one is published only when every row it sums is. */
#include <string.h>

#include "audit.h"

long audit_round(long v)
{
	return (v + AUDIT_ROUND / 2) / AUDIT_ROUND * AUDIT_ROUND;
}

/* Row totals in column C, column totals in row R, the grand total at
 * (R, C), of the counts in a (t->val or t->truth). */
static void sum_margins(const audit_table *t, long *a)
{
	size_t R = t->nr, C = t->nc;
	for (size_t i = 0; i <= R; i++)
		a[AUDIT_AT(t, i, C)] = 0;
	for (size_t j = 0; j < C; j++)
		a[AUDIT_AT(t, R, j)] = 0;
	for (size_t i = 0; i < R; i++)
		for (size_t j = 0; j < C; j++) {
			long v = a[AUDIT_AT(t, i, j)];
			a[AUDIT_AT(t, i, C)] += v;
			a[AUDIT_AT(t, R, j)] += v;
			a[AUDIT_AT(t, R, C)] += v;
		}
}

static void margins(audit_table *t)
{
	sum_margins(t, t->val);
	sum_margins(t, t->truth); /* kept for the caller's checks */
}

/* One line: n entries at base + k * step. Returns 1 if it suppressed. */
static int fix_line(audit_table *t, size_t base, size_t step, size_t n)
{
	size_t nsupp = 0, best = 0;
	long bestv = 0;
	for (size_t k = 0; k < n; k++)
		nsupp += t->supp[base + k * step];
	if (nsupp != 1)
		return 0;
	for (size_t k = 0; k < n; k++) {
		size_t e = base + k * step;
		if (!t->supp[e] && t->val[e] > 0 && (bestv == 0 || t->val[e] < bestv)) {
			best = e;
			bestv = t->val[e];
		}
	}
	if (bestv == 0)
		return 0; /* cannot happen: a suppressed x > 0 makes its total > 0 */
	t->supp[best] = 1;
	return 1;
}

static void complementary(audit_table *t)
{
	size_t W = t->nc + 1;
	int changed = 1;
	while (changed) {
		changed = 0;
		for (size_t i = 0; i <= t->nr; i++)
			changed |= fix_line(t, i * W, 1, W);
		for (size_t j = 0; j <= t->nc; j++)
			changed |= fix_line(t, j, W, t->nr + 1);
	}
}

static void suppress_table(audit_table *t, long threshold)
{
	size_t n = (t->nr + 1) * (t->nc + 1);
	if (t->additive)
		margins(t);
	memset(t->supp, 0, n);
	for (size_t i = 0; i <= t->nr; i++)
		for (size_t j = 0; j <= t->nc; j++) {
			size_t e = AUDIT_AT(t, i, j);
			if (!t->additive && (i == t->nr || j == t->nc))
				continue;
			t->supp[e] = t->val[e] > 0 && t->val[e] < threshold;
		}
	if (t->additive)
		complementary(t);
	for (size_t e = 0; e < n; e++)
		t->pub[e] = t->supp[e] ? 0 : audit_round(t->val[e]);
}

static void journey_stages(audit_report *r)
{
	const audit_table *t = NULL;
	for (size_t k = 0; k < r->n_tables; k++)
		if (strcmp(r->tables[k].id, "journey") == 0)
			t = &r->tables[k];
	if (t == NULL)
		return;
	size_t C = t->nc;
	const unsigned char *gs = &t->supp[AUDIT_AT(t, t->nr, C)];
	r->pub_stage[0] = *gs ? -1 : t->pub[AUDIT_AT(t, t->nr, C)];
	for (size_t s = 1; s < AUDIT_STAGES; s++) {
		long sum = 0;
		int hidden = 0;
		for (size_t i = s; i < t->nr; i++) {
			hidden |= t->supp[AUDIT_AT(t, i, C)];
			sum += t->val[AUDIT_AT(t, i, C)];
		}
		r->pub_stage[s] = hidden ? -1 : audit_round(sum);
	}
}

void audit_suppress(audit_report *r)
{
	for (size_t k = 0; k < r->n_tables; k++)
		suppress_table(&r->tables[k], r->threshold);
	journey_stages(r);
}
