/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri code: record a coarse classification of a case from the versioned
 * taxonomy. The codes go into a sealed note on the case (listeners only)
 * and into the case's statistics record in the local queue, which
 * `abri stats upload` sends to the auditors in a shuffled monthly batch. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "coding.h"

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

/* Says which code is wrong, with the codes that would do. */
static int codes_known(const abri_taxonomy *t, const cli_coding *c)
{
	cli_coding_problem p;
	json_t *valid, *v;
	size_t i;

	switch (cli_coding_check(t, c, &p)) {
	case CLI_CODING_OK: return 1;
	case CLI_CODING_UNKNOWN:
		cli_err("unknown %s code '%s' (taxonomy %s)", p.dimension, p.value, t->version);
		valid = cli_coding_valid(t, p.dimension);
		fprintf(stderr, "abri: valid %s codes:", p.dimension);
		json_array_foreach(valid, i, v) fprintf(stderr, " %s", json_string_value(v));
		fputc('\n', stderr);
		json_decref(valid);
		return 0;
	case CLI_CODING_NO_CONSENT:
		cli_err("refused: --referred %s without --consent %s (nothing is referred "
		        "without consent)",
		        p.value, p.value);
		return 0;
	default: cli_err("invalid coding"); return 0;
	}
}

static void print_queued(const char *ref, const json_t *rec, int queued)
{
	const char *month = json_string_value(json_object_get(rec, "month"));
	if (queued == 0)
		printf("The statistics record of case %s was already uploaded (%s): not queued "
		       "again.\n",
		       ref, month ? month : "?");
	else
		printf("Statistics record %s for %s (abri stats upload).\n",
		       queued == 2 ? "replaced" : "queued", month);
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
	cli_coding c = {.kind = o->kind,
	                .context = o->context,
	                .interpreter = o->interpreter,
	                .outcome = o->outcome,
	                .listened = o->listened,
	                .informed = o->informed,
	                .complaint_filed = o->complaint,
	                .consent = o->consent,
	                .referred = o->referred};
	if (!codes_known(t, &c))
		return CLI_USAGE;
	json_t *rec = cli_coding_record(t, &c, o->month ? o->month : now);
	char *body = rec ? cli_coding_note_body(rec) : NULL;
	int queued;
	if (body == NULL) {
		cli_err("invalid coding (a code given twice?)");
		json_decref(rec);
		free(body);
		return CLI_USAGE;
	}
	cli_case_msg m = {
	    .ref = o->ref, .note = 1, .force = o->force, .body = body, .what = "coding note"};
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK &&
	    (ex = cli_case_send(&s, &m)) == CLI_OK)
		if ((ex = cli_coding_queue(cfg, o->ref, rec, o->month, &queued)) == CLI_OK)
			print_queued(o->ref, rec, queued);
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
