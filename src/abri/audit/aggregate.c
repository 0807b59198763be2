/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Records -> tables of people. One record is one person (the CLI keeps one
 * record per case), so every additive table counts each record once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

const char *const audit_stage_code[AUDIT_STAGES] = {"first_contact", "listened", "informed",
                                                    "consented", "referred"};

static const char *const kinds[] = {
    "violence.domestic",       "violence.sexual",        "violence.institutional",
    "violence.other",          "discrimination.housing", "discrimination.work",
    "discrimination.policing", "discrimination.other",   NULL};
static const char *const contexts[] = {"housing",      "employment", "police",
                                       "public_space", "family",     "institution",
                                       "online",       "other",      NULL};
static const char *const targets[] = {"police",    "equality_body",   "victim_service", "health",
                                      "legal_aid", "social_services", "shelter",        NULL};
static const char *const outcomes[] = {
    "ongoing", "resolved", "complaint_filed", "no_further_action", "lost_contact", "other", NULL};
static const char *const months[] = {"01", "02", "03", "04", "05", "06", "07",
                                     "08", "09", "10", "11", "12", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const ref_cols[] = {"consented", "referred", NULL};

#define TOP_LANGUAGES 5

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static size_t count(const char *const *list)
{
	size_t n = 0;
	while (list[n] != NULL)
		n++;
	return n;
}

static char **dup_list(const char *const *list, size_t n)
{
	char **out = calloc(n + 1, sizeof *out);
	for (size_t i = 0; out != NULL && i < n; i++) {
		if ((out[i] = strdup(list[i])) == NULL) {
			while (i > 0)
				free(out[--i]);
			free(out);
			return NULL;
		}
	}
	return out;
}

audit_table *audit_table_new(audit_report *r, const char *id, const char *title, const char *rd,
                             const char *cd, const char *const *rows, size_t nr,
                             const char *const *cols, size_t nc, int additive)
{
	if (r->n_tables == sizeof r->tables / sizeof r->tables[0])
		return NULL;
	audit_table *t = &r->tables[r->n_tables++];
	size_t n = (nr + 1) * (nc + 1);
	*t = (audit_table){.id = id,
	                   .title = title,
	                   .row_dim = rd,
	                   .col_dim = cd,
	                   .additive = additive,
	                   .sensitivity = 1,
	                   .nr = nr,
	                   .nc = nc};
	t->rows = dup_list(rows, nr);
	t->cols = dup_list(cols, nc);
	t->truth = calloc(n, sizeof *t->truth);
	t->val = calloc(n, sizeof *t->val);
	t->pub = calloc(n, sizeof *t->pub);
	t->supp = calloc(n, 1);
	if (!t->rows || !t->cols || !t->truth || !t->val || !t->pub || !t->supp)
		return NULL;
	return t;
}

/* A record as indices; -1 = malformed. */
typedef struct rec {
	int kind, context, month, outcome, complaint, stage, lang;
	unsigned consent, referred; /* bit per target */
	const char *interpreter;
} rec;

static int targets_mask(const json_t *a, unsigned *mask)
{
	size_t i;
	json_t *v;
	*mask = 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v)
	{
		int k = index_of(targets, json_string_value(v));
		if (k < 0)
			return -1;
		*mask |= 1u << k;
	}
	return 0;
}

static int stage_of(const json_t *j, const rec *x)
{
	int s = AUDIT_STAGE_CONTACT;
	if (json_is_true(json_object_get(j, "listened"))) {
		s = AUDIT_STAGE_LISTENED;
		if (json_is_true(json_object_get(j, "informed"))) {
			s = AUDIT_STAGE_INFORMED;
			if (x->consent != 0)
				s = x->referred != 0 ? AUDIT_STAGE_REFERRED : AUDIT_STAGE_CONSENTED;
		}
	}
	return s;
}

/* Interpreter codes end up in file names' neighbours (CSV, HTML): keep
 * them to ISO 639-like characters. */
static int lang_ok(const char *l)
{
	size_t n = l ? strlen(l) : 0;
	if (n == 0 || n > 12)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= 'A' && l[i] <= 'Z') ||
		      (l[i] >= '0' && l[i] <= '9') || l[i] == '-'))
			return 0;
	return 1;
}

static int parse_record(const json_t *o, int year, rec *x)
{
	const json_t *j = json_object_get(o, "journey");
	const char *m = json_string_value(json_object_get(o, "month"));
	char y[8];
	snprintf(y, sizeof y, "%04d-", year);
	if (!json_is_object(o) || json_integer_value(json_object_get(o, "v")) != 1 ||
	    !json_is_object(j) || m == NULL || strlen(m) != 7 || strncmp(m, y, 5) != 0)
		return -1;
	x->month = index_of(months, m + 5);
	x->kind = index_of(kinds, json_string_value(json_object_get(o, "kind")));
	x->context = index_of(contexts, json_string_value(json_object_get(o, "context")));
	x->outcome = index_of(outcomes, json_string_value(json_object_get(j, "outcome")));
	x->interpreter = json_string_value(json_object_get(o, "interpreter"));
	x->complaint = json_is_true(json_object_get(j, "complaint_filed")) ? 0 : 1;
	if (x->month < 0 || x->kind < 0 || x->context < 0 || x->outcome < 0 ||
	    !lang_ok(x->interpreter) ||
	    targets_mask(json_object_get(j, "consent"), &x->consent) < 0 ||
	    targets_mask(json_object_get(j, "referred"), &x->referred) < 0 ||
	    (x->referred & ~x->consent) != 0)
		return -1;
	x->stage = stage_of(j, x);
	return 0;
}

/* Interpreter columns: the TOP_LANGUAGES most frequent languages (ties by
 * code), "other", "none". */
static int language_columns(const rec *xs, size_t n, const char **cols, size_t *nc)
{
	const char *langs[256];
	size_t freq[256], nl = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = xs[i].interpreter;
		size_t k;
		if (strcmp(l, "none") == 0)
			continue;
		for (k = 0; k < nl && strcmp(langs[k], l) != 0; k++)
			;
		if (k == nl) {
			if (nl == 256)
				return -1;
			langs[nl] = l;
			freq[nl++] = 0;
		}
		freq[k]++;
	}
	*nc = 0;
	for (size_t pick = 0; pick < TOP_LANGUAGES && pick < nl; pick++) {
		size_t best = pick;
		for (size_t k = pick + 1; k < nl; k++)
			if (freq[k] > freq[best] ||
			    (freq[k] == freq[best] && strcmp(langs[k], langs[best]) < 0))
				best = k;
		const char *tl = langs[pick];
		size_t tf = freq[pick];
		langs[pick] = langs[best], freq[pick] = freq[best];
		langs[best] = tl, freq[best] = tf;
		cols[(*nc)++] = langs[pick];
	}
	cols[(*nc)++] = "other";
	cols[(*nc)++] = "none";
	return 0;
}

static int lang_index(const audit_table *t, const char *l)
{
	if (strcmp(l, "none") == 0)
		return (int)t->nc - 1;
	for (size_t c = 0; c + 2 < t->nc; c++)
		if (strcmp(t->cols[c], l) == 0)
			return (int)c;
	return (int)t->nc - 2;
}

static int build_tables(audit_report *r, const rec *xs, size_t n)
{
	const char *lang_cols[TOP_LANGUAGES + 2];
	size_t nlc, nk = count(kinds);
	audit_table *t[7];
	if (language_columns(xs, n, lang_cols, &nlc) < 0)
		return -1;
	t[0] = audit_table_new(r, "kind_by_context", "Kind by context", "kind", "context", kinds, nk,
	                 contexts, count(contexts), 1);
	t[1] = audit_table_new(r, "kind_by_month", "Kind by month", "kind", "month", kinds, nk, months,
	                 12, 1);
	t[2] = audit_table_new(r, "kind_by_interpreter", "Kind by interpreter language", "kind",
	                 "interpreter", kinds, nk, lang_cols, nlc, 1);
	t[3] = audit_table_new(r, "referrals", "Referrals by target", "target", "step", targets,
	                 count(targets), ref_cols, 2, 0);
	t[4] = audit_table_new(r, "outcome_by_kind", "Outcome by kind", "outcome", "kind", outcomes,
	                 count(outcomes), kinds, nk, 1);
	t[5] = audit_table_new(r, "complaint_by_kind", "Complaint filed, by kind", "complaint_filed",
	                 "kind", yes_no, 2, kinds, nk, 1);
	t[6] = audit_table_new(r, "journey", "Journey: furthest step reached, by outcome", "stage",
	                 "outcome", audit_stage_code, AUDIT_STAGES, outcomes, count(outcomes), 1);
	for (int k = 0; k < 7; k++)
		if (t[k] == NULL)
			return -1;
	t[1]->chart_cols = t[2]->chart_cols = 1;
	/* A person can be counted under up to 7 targets twice. */
	t[3]->sensitivity = 2 * (int)count(targets);
	for (size_t i = 0; i < n; i++) {
		const rec *x = &xs[i];
		t[0]->truth[AUDIT_AT(t[0], x->kind, x->context)]++;
		t[1]->truth[AUDIT_AT(t[1], x->kind, x->month)]++;
		t[2]->truth[AUDIT_AT(t[2], x->kind, lang_index(t[2], x->interpreter))]++;
		for (size_t k = 0; k < t[3]->nr; k++) {
			t[3]->truth[AUDIT_AT(t[3], k, 0)] += (x->consent >> k) & 1u;
			t[3]->truth[AUDIT_AT(t[3], k, 1)] += (x->referred >> k) & 1u;
		}
		t[4]->truth[AUDIT_AT(t[4], x->outcome, x->kind)]++;
		t[5]->truth[AUDIT_AT(t[5], x->complaint, x->kind)]++;
		t[6]->truth[AUDIT_AT(t[6], x->stage, x->outcome)]++;
	}
	return 0;
}

int audit_aggregate(audit_report *r, const json_t *records)
{
	size_t i, n = 0;
	json_t *o;
	rec *xs = calloc(json_array_size(records) + 1, sizeof *xs);
	if (xs == NULL || !json_is_array(records)) {
		free(xs);
		return -1;
	}
	json_array_foreach(records, i, o)
	{
		if (parse_record(o, r->year, &xs[n]) == 0)
			n++;
		else
			r->n_skipped++;
		const char *tx = json_string_value(json_object_get(o, "taxonomy"));
		if (tx != NULL && r->taxonomy[0] == '\0' && strlen(tx) < sizeof r->taxonomy)
			strcpy(r->taxonomy, tx);
	}
	r->n_records = n;
	int rc = build_tables(r, xs, n);
	free(xs);
	return rc;
}

void audit_report_free(audit_report *r)
{
	for (size_t k = 0; k < r->n_tables; k++) {
		audit_table *t = &r->tables[k];
		for (size_t i = 0; t->rows && i < t->nr; i++)
			free(t->rows[i]);
		for (size_t i = 0; t->cols && i < t->nc; i++)
			free(t->cols[i]);
		free(t->rows);
		free(t->cols);
		free(t->truth);
		free(t->val);
		free(t->pub);
		free(t->supp);
	}
	r->n_tables = 0;
	json_decref(r->taxonomy_doc);
	r->taxonomy_doc = NULL;
}
