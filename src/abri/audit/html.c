/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The report page: one self-contained HTML file — inline CSS, inline SVG,
 * no script, no external asset — so it can be archived, mailed and
 * opened offline as it is. Every number shown is a published value
 * (suppressed, rounded, noisy when asked); nothing is computed here. */
#include <stdio.h>
#include <string.h>

#include "audit.h"

static const char css[] =
    "body{font:15px/1.5 system-ui,sans-serif;color:#1f2a33;background:#fbfaf7;margin:0}"
    "main{max-width:960px;margin:0 auto;padding:24px 32px 64px}"
    "h1{font-weight:600;font-size:26px;margin:8px 0 4px}"
    "h2{font-weight:600;font-size:19px;margin:40px 0 8px;border-top:1px solid #e3e0d8;"
    "padding-top:20px}"
    ".lead{color:#52606b}.method{background:#f1efe9;border-radius:8px;padding:12px 18px}"
    "table{border-collapse:collapse;font-size:13px;margin:10px 0}"
    "th,td{padding:3px 8px;border-bottom:1px solid #e6e3dc;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "tr.total td,td.total{font-weight:600}td.s{color:#8a6d3b;font-style:italic}"
    "svg text{font:12px system-ui,sans-serif;fill:#1f2a33}"
    ".wide{overflow-x:auto}";

void audit_html_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void label(FILE *f, const audit_report *r, const char *code)
{
	char buf[96];
	audit_html_esc(f, audit_label(r, code, buf, sizeof buf));
}

static const char *taxonomy_label(const audit_report *r, const char *code)
{
	const char *cat;
	json_t *codes;
	json_object_foreach(r->taxonomy_doc, cat, codes)
	{
		const char *l =
		    json_string_value(json_object_get(json_object_get(codes, code), "en"));
		if (l != NULL)
			return l;
	}
	return NULL;
}

const char *audit_label(const audit_report *r, const char *code, char *buf, size_t n)
{
	const char *l = r->taxonomy_doc ? taxonomy_label(r, code) : NULL;
	if (l != NULL)
		return l;
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	size_t o = 0;
	if (strlen(code) == 2 && code[0] >= '0' && code[0] <= '1' && code[1] >= '0' &&
	    code[1] <= '9') {
		int m = (code[0] - '0') * 10 + (code[1] - '0');
		if (m >= 1 && m <= 12)
			return mon[m - 1];
	}
	for (const char *p = code; *p != '\0' && o + 3 < n; p++) {
		if (*p == '.') {
			buf[o++] = ':';
			buf[o++] = ' ';
		} else {
			buf[o++] = *p == '_' ? ' ' : *p;
		}
	}
	buf[o] = '\0';
	if (o > 0 && buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return buf;
}

static void number(FILE *f, const audit_report *r, long v, int supp)
{
	if (supp)
		fprintf(f, "&lt;%ld", r->threshold);
	else
		fprintf(f, "%ld", v);
}

/* Bar i: a row total, a column total, or (non-additive table) the first
 * column. */
static size_t bar_entry(const audit_table *t, size_t i)
{
	if (t->chart_cols)
		return AUDIT_AT(t, t->nr, i);
	return AUDIT_AT(t, i, t->additive ? t->nc : 0);
}

/* Horizontal bars: the published row totals (or, for a non-additive
 * table, its first column). */
static void bars(FILE *f, const audit_report *r, const audit_table *t)
{
	size_t n = t->chart_cols ? t->nc : t->nr, h = 24 * n + 10;
	long max = 1;
	for (size_t i = 0; i < n; i++) {
		size_t e = bar_entry(t, i);
		if (!t->supp[e] && t->pub[e] > max)
			max = t->pub[e];
	}
	fprintf(f, "<svg role=\"img\" width=\"760\" height=\"%zu\" viewBox=\"0 0 760 %zu\">\n", h,
	        h);
	for (size_t i = 0; i < n; i++) {
		size_t e = bar_entry(t, i), y = 6 + 24 * i;
		long w = t->supp[e] ? 14 : 440 * t->pub[e] / max;
		fprintf(f, "<text x=\"0\" y=\"%zu\">", y + 13);
		label(f, r, t->chart_cols ? t->cols[i] : t->rows[i]);
		fputs("</text>", f);
		if (t->supp[e])
			fprintf(f,
			        "<rect x=\"230\" y=\"%zu\" width=\"%ld\" height=\"16\" "
			        "fill=\"none\" stroke=\"#b08d4a\" stroke-dasharray=\"3 2\"/>",
			        y, w);
		else
			fprintf(f,
			        "<rect x=\"230\" y=\"%zu\" width=\"%ld\" height=\"16\" rx=\"2\" "
			        "fill=\"#5b8a9a\"/>",
			        y, w);
		fprintf(f, "<text x=\"%ld\" y=\"%zu\">", 238 + w, y + 13);
		number(f, r, t->pub[e], t->supp[e]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

static void table_html(FILE *f, const audit_report *r, const audit_table *t)
{
	/* A one-column table's row totals repeat its cells: not shown twice. */
	size_t R = t->nr + (t->additive ? 1 : 0), C = t->nc + (t->additive && t->nc > 1 ? 1 : 0);
	fputs("<div class=\"wide\"><table><tr><th></th>", f);
	for (size_t j = 0; j < C; j++) {
		fputs("<th>", f);
		label(f, r, j < t->nc ? t->cols[j] : "total");
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < R; i++) {
		fprintf(f, "<tr%s><td>", i == t->nr ? " class=\"total\"" : "");
		label(f, r, i < t->nr ? t->rows[i] : "total");
		fputs("</td>", f);
		for (size_t j = 0; j < C; j++) {
			size_t e = AUDIT_AT(t, i, j);
			fprintf(f, "<td%s>",
			        t->supp[e]   ? " class=\"s\""
			        : j == t->nc ? " class=\"total\""
			                     : "");
			number(f, r, t->pub[e], t->supp[e]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

void audit_html_table(FILE *f, const audit_report *r, const audit_table *t)
{
	bars(f, r, t);
	table_html(f, r, t);
}

static void method(FILE *f, const audit_report *r)
{
	fputs("<div class=\"method\"><p><b>Method.</b> Each statistics record is one person "
	      "(one case, coded by a listener); tables count people, not messages. ",
	      f);
	fprintf(f,
	        "Counts from 1 to %ld are suppressed (shown &lt;%ld), with complementary "
	        "suppression so that no suppressed count can be recovered from row and column "
	        "totals or from the journey chart; zeros are shown as 0. Totals are computed "
	        "before rounding; every published count is rounded to the nearest %d, so "
	        "columns need not add up exactly.</p><p>",
	        r->threshold - 1, r->threshold, AUDIT_ROUND);
	if (r->eps_num == 0)
		fputs("<b>Noise:</b> none (no --epsilon given).", f);
	else
		fprintf(f,
		        "<b>Noise:</b> two-sided geometric noise, total privacy budget "
		        "&epsilon; = %s split equally across the %zu tables; in a table where "
		        "one person can change k counts each count gets parameter "
		        "&alpha; = exp(&minus;&epsilon;/(%zu&middot;k)). Drawn once per year with "
		        "an exact integer sampler (Canonne, Kamath, Steinke 2020) from a sealed "
		        "seed, before suppression and rounding.",
		        r->epsilon_text, r->n_tables, r->n_tables);
	fprintf(f,
	        "</p><p>Year %d; %zu batch(es); %zu record(s) read, %zu set aside "
	        "(malformed or another year); ",
	        r->year, r->n_batches, r->n_records + r->n_skipped, r->n_skipped);
	if (r->surveys_shown) /* the number itself would tell how far below the rule */
		fprintf(f, "%zu survey answer(s) read, %zu set aside; ",
		        r->n_surveys + r->n_survey_skipped, r->n_survey_skipped);
	fputs("taxonomy ", f);
	audit_html_esc(f, r->taxonomy[0] ? r->taxonomy : "unknown");
	fputs(". Details and how to verify: docs/report.md.</p></div>\n", f);
}

int audit_write_html(const audit_report *r, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f,
	        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	        "<meta name=\"viewport\" content=\"width=device-width\">"
	        "<title>Annual report %d</title><style>%s</style></head><body><main>\n"
	        "<h1>Annual report %d</h1>\n",
	        r->year, css, r->year);
	method(f, r);
	/* The journey first: it is the report's summary. */
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < r->n_tables; k++) {
			const audit_table *t = &r->tables[k];
			if ((strcmp(t->id, "journey") == 0) != (pass == 0))
				continue;
			if (t->survey)
				continue;
			fputs("<h2>", f);
			audit_html_esc(f, t->title);
			fputs("</h2>\n", f);
			if (strcmp(t->id, "journey") == 0) {
				audit_html_journey(f, r, t);
				table_html(f, r, t);
			} else {
				audit_html_table(f, r, t);
			}
		}
	audit_html_surveys(f, r);
	fputs("</main></body></html>\n", f);
	int bad = ferror(f);
	return (fclose(f) != 0 || bad) ? -1 : 0;
}
