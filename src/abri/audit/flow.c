/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The journey flow chart (inline SVG): stage boxes left to right (first
 * contact, listened, informed, consented, referred), a band to the next
 * stage, and from each stage the people who stopped there flowing to
 * their outcome. Widths are proportional to published counts; a
 * suppressed count is drawn dashed and labelled "<threshold". Every
 * number is a published entry of the journey table (or a stage count that
 * audit_suppress() cleared), so the chart reveals nothing the table
 * does not. */
#include <stdio.h>
#include <string.h>

#include "audit.h"

#define TOP      70
#define NODE_W   80
#define STEP_X   135
#define OUT_X    700
#define OUT_GAP  16
#define SCALE_PX 240

typedef struct geo {
	long total; /* scale denominator */
	long h[AUDIT_STAGES];
	long oy[16]; /* outcome node tops */
	long ofill[16];
} geo;

static long px(const geo *g, long v)
{
	long p = v * SCALE_PX / g->total;
	return p < 2 ? 2 : p;
}

static void count_text(FILE *f, const audit_report *r, long v, int supp)
{
	if (supp)
		fprintf(f, "&lt;%ld", r->threshold);
	else
		fprintf(f, "%ld", v);
}

static void stages(FILE *f, const audit_report *r, geo *g)
{
	char buf[64];
	for (int k = 0; k < AUDIT_STAGES; k++) {
		long x = 10 + k * STEP_X, v = r->pub_stage[k];
		g->h[k] = v < 0 ? 8 : px(g, v);
		fprintf(f, "<text x=\"%ld\" y=\"%d\" font-weight=\"600\">", x, TOP - 22);
		audit_html_esc(f, audit_label(r, audit_stage_code[k], buf, sizeof buf));
		fputs("</text>", f);
		fprintf(f, "<text x=\"%ld\" y=\"%d\">", x, TOP - 7);
		count_text(f, r, v, v < 0);
		fputs("</text>", f);
		fprintf(f, "<rect x=\"%ld\" y=\"%d\" width=\"%d\" height=\"%ld\" rx=\"3\" %s/>\n",
		        x, TOP, NODE_W, g->h[k],
		        v < 0 ? "fill=\"none\" stroke=\"#b08d4a\" stroke-dasharray=\"3 2\""
		              : "fill=\"#3f6f80\"");
		if (k > 0)
			fprintf(f, "<rect x=\"%ld\" y=\"%d\" width=\"%d\" height=\"%ld\" %s/>\n",
			        x - STEP_X + NODE_W, TOP, STEP_X - NODE_W, g->h[k],
			        v < 0 ? "fill=\"none\" stroke=\"#b08d4a\" stroke-dasharray=\"3 2\""
			              : "fill=\"#9fbfca\" fill-opacity=\"0.6\"");
	}
}

static void outcomes(FILE *f, const audit_report *r, const audit_table *t, geo *g)
{
	long y = TOP;
	for (size_t o = 0; o < t->nc && o < 16; o++) {
		size_t e = AUDIT_AT(t, t->nr, o);
		long h = t->supp[e] ? 8 : t->pub[e] == 0 ? 2 : px(g, t->pub[e]);
		g->oy[o] = y;
		g->ofill[o] = 0;
		fprintf(f, "<rect x=\"%d\" y=\"%ld\" width=\"14\" height=\"%ld\" rx=\"2\" %s/>",
		        OUT_X, y, h,
		        t->supp[e] ? "fill=\"none\" stroke=\"#b08d4a\" stroke-dasharray=\"3 2\""
		                   : "fill=\"#7a6a9a\"");
		fprintf(f, "<text x=\"%d\" y=\"%ld\">", OUT_X + 22, y + 12);
		char buf[64];
		audit_html_esc(f, audit_label(r, t->cols[o], buf, sizeof buf));
		fputs(" ", f);
		count_text(f, r, t->pub[e], t->supp[e]);
		fputs("</text>\n", f);
		y += (h < 14 ? 14 : h) + OUT_GAP;
	}
}

/* People who stopped at stage k, to each outcome: they leave from the
 * lower part of the stage's box (the upper part goes on to the next
 * stage), stacked, each to its outcome. */
static void stopped(FILE *f, const audit_report *r, const audit_table *t, geo *g, int k)
{
	long x0 = 10 + k * STEP_X + NODE_W;
	long y0 = TOP + (k + 1 < AUDIT_STAGES ? g->h[k + 1] : 0) + 2;
	for (size_t o = 0; o < t->nc && o < 16; o++) {
		size_t e = AUDIT_AT(t, (size_t)k, o);
		long v = t->pub[e];
		if (!t->supp[e] && v == 0)
			continue;
		long w = t->supp[e] ? 2 : px(g, v), y1 = g->oy[o] + g->ofill[o] + w / 2;
		long ys = y0 + w / 2;
		g->ofill[o] += t->supp[e] ? 3 : w;
		y0 += t->supp[e] ? 11 : w;
		fprintf(f,
		        "<path d=\"M%ld %ld C%ld %ld %ld %ld %d %ld\" fill=\"none\" "
		        "stroke=\"%s\" stroke-width=\"%ld\" stroke-opacity=\"%s\"%s/>\n",
		        x0, ys, (x0 + OUT_X) / 2, ys, (x0 + OUT_X) / 2, y1, OUT_X, y1,
		        t->supp[e] ? "#b08d4a" : "#7a6a9a", t->supp[e] ? 1L : w,
		        t->supp[e] ? "0.8" : "0.28", t->supp[e] ? " stroke-dasharray=\"4 3\"" : "");
		if (t->supp[e])
			fprintf(f,
			        "<text x=\"%ld\" y=\"%ld\" font-size=\"9\" "
			        "fill=\"#8a6d3b\">&lt;%ld</text>\n",
			        x0 + 3, ys - 2, r->threshold);
	}
}

static void referred_line(FILE *f, const audit_report *r)
{
	char buf[64];
	for (size_t k = 0; k < r->n_tables; k++) {
		const audit_table *t = &r->tables[k];
		if (strcmp(t->id, "referrals") != 0)
			continue;
		fputs("<p class=\"lead\">Referred, by target (one person may be referred to "
		      "several): ",
		      f);
		for (size_t i = 0; i < t->nr; i++) {
			size_t e = AUDIT_AT(t, i, 1);
			fputs(i ? " &middot; " : "", f);
			audit_html_esc(f, audit_label(r, t->rows[i], buf, sizeof buf));
			fputc(' ', f);
			count_text(f, r, t->pub[e], t->supp[e]);
		}
		fputs("</p>\n", f);
	}
}

void audit_html_journey(FILE *f, const audit_report *r, const audit_table *t)
{
	geo g = {.total = r->pub_stage[0] > 0 ? r->pub_stage[0] : 1};
	long h = TOP + 20;
	for (size_t o = 0; o < t->nc; o++) {
		size_t e = AUDIT_AT(t, t->nr, o);
		long oh = t->supp[e] ? 8 : t->pub[e] == 0 ? 2 : px(&g, t->pub[e]);
		h += (oh < 14 ? 14 : oh) + OUT_GAP;
	}
	fputs("<p class=\"lead\">From first contact to outcome: each box is the number of "
	      "people who reached that step; the curves carry the people who stopped at a "
	      "step to their outcome.</p>\n",
	      f);
	fprintf(f, "<svg role=\"img\" width=\"900\" height=\"%ld\" viewBox=\"0 0 900 %ld\">\n", h,
	        h);
	/* Heights first, then the curves under the boxes. */
	for (int k = 0; k < AUDIT_STAGES; k++)
		g.h[k] = r->pub_stage[k] < 0 ? 8 : px(&g, r->pub_stage[k]);
	outcomes(f, r, t, &g);
	for (int k = AUDIT_STAGES - 1; k >= 0; k--)
		stopped(f, r, t, &g, k);
	stages(f, r, &g);
	fputs("</svg>\n", f);
	referred_line(f, r);
}
