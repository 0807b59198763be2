/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The survey section: one table per question, answer x people. Each
 * survey document is one person's answers (a single-use code allows one
 * answer), every question optional, so a question's total is the number
 * who answered it. A question is shown only from `threshold` answers,
 * the section only when the year has that many answers; shown tables get
 * the same noise, suppression and rounding as every other table. */
#include <stdio.h>
#include <string.h>

#include "abri/survey.h"
#include "audit.h"

static const char *const col[] = {"answers", NULL};

static const char *title_of(const char *q)
{
	static const char *const tab[][2] = {
	    {"listened", "Survey: did you feel listened to?"},
	    {"informed", "Survey: were you informed of your rights and options?"},
	    {"language", "Survey: could you speak in a language you understand?"},
	    {"safe", "Survey: did you feel safe?"},
	    {"recommend", "Survey: would you recommend this place to someone in your situation?"},
	    {"overall", "Survey: overall, how was it? (1 = very bad, 5 = very good)"},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(q, tab[i][0]) == 0)
			return tab[i][1];
	return q;
}

static const char *const table_ids[ABRI_SURVEY_QUESTIONS] = {"survey_listened",  "survey_informed",
                                                             "survey_language",  "survey_safe",
                                                             "survey_recommend", "survey_overall"};

static size_t n_choices(const char *const *c)
{
	size_t n = 0;
	while (c[n] != NULL)
		n++;
	return n;
}

/* Row of the answer to question q in doc, or -1 (no answer). */
static int answer_row(const json_t *answers, const char *q)
{
	const json_t *v = json_object_get(answers, q);
	const char *const *c = abri_survey_choices(q);
	char num[4];
	const char *s = json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%d", (int)(json_integer_value(v) % 100));
		s = num;
	}
	for (int i = 0; s != NULL && c[i] != NULL; i++)
		if (strcmp(c[i], s) == 0)
			return i;
	return -1;
}

int audit_aggregate_surveys(audit_report *r, const json_t *docs)
{
	audit_table *t[ABRI_SURVEY_QUESTIONS];
	size_t i;
	json_t *d;

	for (size_t q = 0; q < ABRI_SURVEY_QUESTIONS; q++) {
		const char *qn = abri_survey_questions[q];
		const char *const *c = abri_survey_choices(qn);
		t[q] = audit_table_new(r, table_ids[q], title_of(qn), "answer", "answers", c,
		                       n_choices(c), col, 1, 1);
		if (t[q] == NULL)
			return -1;
		t[q]->survey = 1;
	}
	json_array_foreach(docs, i, d)
	{
		if (abri_survey_doc_check(d) != ABRI_OK) {
			r->n_survey_skipped++;
			continue;
		}
		r->n_surveys++;
		for (size_t q = 0; q < ABRI_SURVEY_QUESTIONS; q++) {
			int row =
			    answer_row(json_object_get(d, "answers"), abri_survey_questions[q]);
			if (row >= 0)
				t[q]->truth[AUDIT_AT(t[q], (size_t)row, 0)]++;
		}
	}
	r->surveys_shown = r->n_surveys >= (size_t)r->threshold;
	for (size_t q = 0; q < ABRI_SURVEY_QUESTIONS; q++) {
		long answered = 0;
		for (size_t k = 0; k < t[q]->nr; k++)
			answered += t[q]->truth[AUDIT_AT(t[q], k, 0)];
		t[q]->hidden = !r->surveys_shown || answered < r->threshold;
	}
	return 0;
}

void audit_html_surveys(FILE *f, const audit_report *r)
{
	fputs("<h2>Satisfaction survey</h2>\n", f);
	if (!r->surveys_shown) {
		fprintf(f, "<p class=\"lead\">Fewer than %ld answers: not shown.</p>\n",
		        r->threshold);
		return;
	}
	fputs("<p class=\"lead\">Anonymous answers of people whose case was closed (a "
	      "single-use code, no link to any case); every question was optional, so each "
	      "question has its own total.</p>\n",
	      f);
	for (size_t k = 0; k < r->n_tables; k++) {
		const audit_table *t = &r->tables[k];
		if (!t->survey)
			continue;
		fputs("<h3>", f);
		audit_html_esc(f, t->title);
		fputs("</h3>\n", f);
		if (t->hidden)
			fprintf(f, "<p>Fewer than %ld answers to this question: not shown.</p>\n",
			        r->threshold);
		else
			audit_html_table(f, r, t);
	}
}
