/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri code: record a coarse classification of a case from the versioned
 * taxonomy. The codes go into a sealed note on the case (listeners only)
 * and into the case's statistics record in the local queue, which
 * `abri stats upload` sends to the auditors in a shuffled monthly batch. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#ifndef ABRI_TAXONOMY_DEFAULT
#define ABRI_TAXONOMY_DEFAULT "/etc/abri/taxonomy.json"
#endif

static const char usage[] =
    "Usage: abri code REF --kind K --context C [--interpreter L] [--listened] [--informed]\n"
    "         [--consent T]... [--referred T]... [--complaint-filed] --outcome O\n"
    "         [--month YYYY-MM] [--taxonomy FILE] [--force]\n"
    "Seals the coding of case REF as a note (listeners only) and queues its statistics\n"
    "record (codes and month only) for `abri stats upload`. Codes: the taxonomy file\n"
    "(default " ABRI_TAXONOMY_DEFAULT "). Nothing is referred without consent:\n"
    "every --referred T needs --consent T.\n";

enum {
	O_KIND = OPT_CMD,
	O_CONTEXT,
	O_INTERPRETER,
	O_LISTENED,
	O_INFORMED,
	O_CONSENT,
	O_REFERRED,
	O_COMPLAINT,
	O_OUTCOME,
	O_MONTH,
	O_TAXONOMY,
	O_FORCE,
};

typedef struct code_opts {
	const char *ref, *kind, *context, *interpreter, *outcome, *month, *taxonomy;
	int listened, informed, complaint, force, done;
	json_t *consent, *referred;
} code_opts;

static int add_code(json_t *a, const char *code)
{
	return json_array_append_new(a, json_string(code)) == 0 ? CLI_OK : CLI_USAGE;
}

static int parse(int argc, char **argv, cli_config *cfg, code_opts *o)
{
	static const struct option opts[] = {
	    {"kind", required_argument, NULL, O_KIND},
	    {"context", required_argument, NULL, O_CONTEXT},
	    {"interpreter", required_argument, NULL, O_INTERPRETER},
	    {"listened", no_argument, NULL, O_LISTENED},
	    {"informed", no_argument, NULL, O_INFORMED},
	    {"consent", required_argument, NULL, O_CONSENT},
	    {"referred", required_argument, NULL, O_REFERRED},
	    {"complaint-filed", no_argument, NULL, O_COMPLAINT},
	    {"outcome", required_argument, NULL, O_OUTCOME},
	    {"month", required_argument, NULL, O_MONTH},
	    {"taxonomy", required_argument, NULL, O_TAXONOMY},
	    {"force", no_argument, NULL, O_FORCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex = CLI_OK;
	while (ex == CLI_OK && (c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: o->done = 1; return ex;
		case O_KIND: o->kind = optarg; break;
		case O_CONTEXT: o->context = optarg; break;
		case O_INTERPRETER: o->interpreter = optarg; break;
		case O_LISTENED: o->listened = 1; break;
		case O_INFORMED: o->informed = 1; break;
		case O_CONSENT: ex = add_code(o->consent, optarg); break;
		case O_REFERRED: ex = add_code(o->referred, optarg); break;
		case O_COMPLAINT: o->complaint = 1; break;
		case O_OUTCOME: o->outcome = optarg; break;
		case O_MONTH: o->month = optarg; break;
		case O_TAXONOMY: o->taxonomy = optarg; break;
		case O_FORCE: o->force = 1; break;
		}
	}
	if (ex != CLI_OK || optind + 1 != argc || !o->kind || !o->context || !o->outcome) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->ref = argv[optind];
	return cli_ref_ok(o->ref) ? CLI_OK : CLI_USAGE;
}

/* Says which code is wrong before the generic record check. */
static int codes_known(const abri_taxonomy *t, const code_opts *o)
{
	static const char *const what[] = {"kind", "context", "interpreter", "outcome"};
	const char *v[] = {o->kind, o->context, o->interpreter, o->outcome};
	size_t i;
	json_t *x;

	for (i = 0; i < 4; i++)
		if (!abri_taxonomy_has(t, what[i], v[i])) {
			cli_err("unknown %s code '%s' (taxonomy %s)", what[i], v[i], t->version);
			return 0;
		}
	json_array_foreach(o->referred, i, x)
	{
		size_t j;
		json_t *y;
		int consented = 0;
		json_array_foreach(o->consent, j, y) consented |= json_equal(x, y);
		if (!consented) {
			cli_err("refused: --referred %s without --consent %s (nothing is referred "
			        "without consent)",
			        json_string_value(x), json_string_value(x));
			return 0;
		}
	}
	return 1;
}

static json_t *record_new(const abri_taxonomy *t, const code_opts *o, const char *month)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:{s:b, s:b, s:O, s:O, s:b, s:s}}", "v",
	                 ABRI_STATS_RECORD_V, "taxonomy", t->version, "month", month, "kind",
	                 o->kind, "context", o->context, "interpreter", o->interpreter, "journey",
	                 "listened", o->listened, "informed", o->informed, "consent", o->consent,
	                 "referred", o->referred, "complaint_filed", o->complaint, "outcome",
	                 o->outcome);
}

/* The note's body: the codes and the taxonomy version, no month (the note
 * has its own place in the case). */
static char *note_body(const json_t *rec)
{
	json_t *coding = json_deep_copy(rec), *b;
	char *out = NULL;
	if (coding == NULL)
		return NULL;
	json_object_del(coding, "v");
	json_object_del(coding, "month");
	b = json_pack("{s:o}", "coding", coding);
	if (b != NULL)
		out = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(b);
	return out;
}

/* One entry per case: replaced until uploaded, never queued again after. */
static int queue_record(const cli_config *cfg, const char *ref, json_t *rec, const char *month_opt)
{
	json_t *doc, *cases, *old;
	int ex = cli_stats_queue_load(cfg, &doc);
	if (ex != CLI_OK)
		return ex;
	cases = json_object_get(doc, "cases");
	old = json_object_get(cases, ref);
	const char *month =
	    month_opt ? month_opt : json_string_value(json_object_get(old, "month"));
	if (json_is_true(json_object_get(old, "uploaded"))) {
		printf("The statistics record of case %s was already uploaded (%s): not queued "
		       "again.\n",
		       ref, month ? month : "?");
		json_decref(doc);
		return CLI_OK;
	}
	if (month != NULL && json_object_set_new(rec, "month", json_string(month)) < 0)
		ex = CLI_LOCAL;
	month = json_string_value(json_object_get(rec, "month"));
	if (ex == CLI_OK &&
	    json_object_set_new(cases, ref,
	                        json_pack("{s:s, s:O}", "month", month, "record", rec)) < 0)
		ex = CLI_LOCAL;
	if (ex == CLI_OK && (ex = cli_stats_queue_save(cfg, doc)) == CLI_OK)
		printf("Statistics record %s for %s (abri stats upload).\n",
		       old ? "replaced" : "queued", month);
	json_decref(doc);
	return ex;
}

static int code(cli_config *cfg, const code_opts *o, const abri_taxonomy *t)
{
	char now[8];
	cli_session s;
	int ex;

	cli_month_now(now);
	if (o->month != NULL && (!abri_month_valid(o->month) || strcmp(o->month, now) > 0)) {
		cli_err("--month must be YYYY-MM, not in the future");
		return CLI_USAGE;
	}
	if (!codes_known(t, o))
		return CLI_USAGE;
	json_t *rec = record_new(t, o, o->month ? o->month : now);
	char *body = rec ? note_body(rec) : NULL;
	if (body == NULL || abri_stats_record_check(t, rec) != ABRI_OK) {
		cli_err("invalid coding (a code given twice?)");
		json_decref(rec);
		free(body);
		return CLI_USAGE;
	}
	cli_case_msg m = {
	    .ref = o->ref, .note = 1, .force = o->force, .body = body, .what = "coding note"};
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK &&
	    (ex = cli_case_send(&s, &m)) == CLI_OK)
		ex = queue_record(cfg, o->ref, rec, o->month);
	cli_session_close(&s);
	json_decref(rec);
	free(body);
	return ex;
}

int cmd_code(int argc, char **argv, cli_config *cfg)
{
	code_opts o = {.interpreter = "none", .taxonomy = ABRI_TAXONOMY_DEFAULT};
	abri_taxonomy t;
	int ex, rc;

	o.consent = json_array();
	o.referred = json_array();
	if (o.consent == NULL || o.referred == NULL)
		ex = CLI_LOCAL;
	else if ((ex = parse(argc, argv, cfg, &o)) == CLI_OK && !o.done &&
	         (ex = cli_config_load(cfg)) == CLI_OK) {
		if ((rc = abri_taxonomy_load(&t, o.taxonomy)) < 0) {
			cli_err("cannot load the taxonomy %s: %s", o.taxonomy, abri_strerror(rc));
			ex = CLI_LOCAL;
		} else {
			ex = code(cfg, &o, &t);
			abri_taxonomy_free(&t);
		}
	}
	json_decref(o.consent);
	json_decref(o.referred);
	return ex;
}
