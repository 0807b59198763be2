/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The annual report's core (docs/report.md): statistics records in,
 * published tables out. Independent of the network: `abri audit report`
 * feeds it decrypted records (or a --records file).
 *
 *   aggregate.c  records -> tables of people (true counts)
 *   noise.c      optional two-sided geometric noise, integer-only sampler
 *   suppress.c   primary + complementary suppression, rounding to 5
 *   csv.c        one CSV per table
 *   html.c       one self-contained HTML page (inline CSS and SVG)
 *
 * Library-style: functions return 0 or -1 and never print. */
#ifndef ABRI_AUDIT_H
#define ABRI_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define AUDIT_THRESHOLD_DEFAULT 10
#define AUDIT_ROUND             5
#define AUDIT_SEED_BYTES        32

/* A table of people with at most two dimensions. Additive tables (each
 * person in exactly one cell) get margins (row and column totals, grand
 * total) and complementary suppression over cells and margins together;
 * a non-additive table (a person may count in several cells) gets no
 * margins and primary suppression only, since no total is published. */
typedef struct audit_table {
	const char *id;    /* file name stem and noise stream id */
	const char *title; /* heading */
	const char *row_dim, *col_dim;
	int additive;
	int sensitivity; /* cells one person can change (noise scale) */
	int chart_cols;  /* bar chart of the column totals, not the row totals */
	size_t nr, nc;
	char **rows, **cols; /* codes (labels in html.c) */
	/* (nr+1) x (nc+1) entries, row-major; index nr / nc = the margins.
	 * truth: true counts; val: after noise (>= 0); supp: suppressed;
	 * pub: published (rounded) value when not suppressed. */
	long *truth, *val, *pub;
	unsigned char *supp;
	int survey; /* a survey question: one column, shown in the survey section */
	int hidden; /* fewer answers than the threshold: not published at all */
} audit_table;

#define AUDIT_AT(t, r, c) ((r) * ((t)->nc + 1) + (c))

/* The journey stages, in order; a person "reached" a stage when every
 * earlier one holds too. */
enum {
	AUDIT_STAGE_CONTACT,
	AUDIT_STAGE_LISTENED,
	AUDIT_STAGE_INFORMED,
	AUDIT_STAGE_CONSENTED,
	AUDIT_STAGE_REFERRED,
	AUDIT_STAGES
};
extern const char *const audit_stage_code[AUDIT_STAGES];

typedef struct audit_report {
	int year;
	long threshold;
	/* epsilon as a decimal fraction eps_num / eps_den; eps_num 0 = no noise */
	uint64_t eps_num, eps_den;
	char epsilon_text[32];
	char taxonomy[32];
	size_t n_batches;
	size_t n_records; /* kept for the year */
	size_t n_skipped; /* malformed or another year */
	size_t n_tables;
	audit_table tables[16];
	/* Survey answers (survey.c): documents read, set aside, and whether
	 * the section is shown (at least `threshold` answers in the year). */
	size_t n_surveys, n_survey_skipped;
	int surveys_shown;
	/* journey node counts (people who reached stage k), derived from the
	 * journey table; pub_stage < 0 = suppressed. */
	long pub_stage[AUDIT_STAGES];
	/* conf/taxonomy.json ({"kind": {"code": {"en": ...}}, ...}) for the
	 * labels; NULL = labels made from the codes. */
	json_t *taxonomy_doc;
} audit_report;

/* Parses "0.5", "1", "2.25" (at most 6 decimals, > 0, <= 100). */
int audit_epsilon_parse(const char *s, uint64_t *num, uint64_t *den);

/* Builds every table from a JSON array of statistics records (the
 * contract in briefs: v, taxonomy, month, kind, context, interpreter,
 * journey). Records of another year or malformed are counted in
 * n_skipped, never guessed at. */
int audit_aggregate(audit_report *r, const json_t *records);
void audit_report_free(audit_report *r);

/* Adds one table to r (aggregate.c); NULL when out of memory. */
audit_table *audit_table_new(audit_report *r, const char *id, const char *title, const char *rd,
                             const char *cd, const char *const *rows, size_t nr,
                             const char *const *cols, size_t nc, int additive);

/* The survey section (survey.c): one table per question (answer x
 * people) from a JSON array of survey documents ({"survey": 1,
 * "answers": {...}}, include/abri/survey.h); malformed documents are set
 * aside. Call after audit_aggregate. Tables of questions with fewer
 * answers than the threshold, and all of them when the year has fewer
 * answers than that, are hidden. */
int audit_aggregate_surveys(audit_report *r, const json_t *docs);
/* The survey section of the page. */
void audit_html_surveys(FILE *f, const audit_report *r);
/* Writes a table (bars and grid) into the page (html.c). */
void audit_html_table(FILE *f, const audit_report *r, const audit_table *t);

/* Noise (only when eps_num > 0): seed = the year's 32-byte seed. */
int audit_noise(audit_report *r, const uint8_t seed[AUDIT_SEED_BYTES]);
/* Copies truth to val when there is no noise. */
void audit_no_noise(audit_report *r);

/* Suppression and rounding of every table, then the journey nodes. */
void audit_suppress(audit_report *r);
long audit_round(long v);

/* Writes DIR/<id>.csv for every table and DIR/report.html. */
int audit_write_csv(const audit_report *r, const char *dir);
int audit_write_html(const audit_report *r, const char *path);
/* Text into HTML, escaped. */
void audit_html_esc(FILE *f, const char *s);
/* The journey flow chart (flow.c), into the page. */
void audit_html_journey(FILE *f, const audit_report *r, const audit_table *t);

/* Human label of a code: the taxonomy's English label, else made from
 * the code ("public_space" -> "Public space"). */
const char *audit_label(const audit_report *r, const char *code, char *buf, size_t n);

/* ---- integer-only sampling (noise.c), exposed for tests ---- */
typedef struct audit_rng {
	uint8_t key[32];
	uint64_t block;
	uint8_t buf[1024];
	size_t pos;
} audit_rng;

void audit_rng_init(audit_rng *g, const uint8_t seed[AUDIT_SEED_BYTES], const char *stream);
/* Uniform in [0, m), m >= 1, by rejection. */
uint64_t audit_rng_below(audit_rng *g, uint64_t m);
/* P(x) proportional to exp(-|x| * s / t), s, t >= 1 (Canonne, Kamath,
 * Steinke 2020, algorithm 2): exact, integer arithmetic only. */
int64_t audit_discrete_laplace(audit_rng *g, uint64_t s, uint64_t t);

#endif
