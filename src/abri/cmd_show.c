/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri show: decrypt a case locally, verify every commitment, signature and
 * chain, compare with what this workstation saw before, and say LOUDLY
 * when anything is missing, moved, replayed, reordered or forged. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "abri/ack.h"
#include "attachments.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri show REF [--json] [--save DIR]\n"
    "Decrypts and verifies case REF with your key. Exit code 2 on any alarm.\n"
    "--save DIR downloads every attachment, checks its hash, decrypts it and\n"
    "writes DIR/<message>-<n>-<name> (mode 0600, never over an existing file).\n";

enum { O_JSON = OPT_CMD, O_SAVE };

static const char *text_of(const abri_case_msg *m)
{
	return json_string_value(json_object_get(m->body, "text"));
}

static void print_indented_by(const char *indent, const char *text)
{
	char *copy = strdup(text), *line, *next;
	for (line = copy; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		fputs(indent, stdout);
		abri_fputs_safe(stdout, line);
		fputc('\n', stdout);
	}
	free(copy);
}

static void print_indented(const char *text)
{
	print_indented_by("    ", text);
}

static void print_author(const abri_case_msg *m)
{
	char fp[40];
	if (m->by_reporter) {
		fputs("the reporter", stdout);
		return;
	}
	abri_fingerprint(fp, m->author.ed_kid);
	fputs("listener ", stdout);
	abri_fputs_safe(stdout, m->author.name);
	printf(" [%s]%s", fp, m->by_reader ? " (you)" : "");
}

static void print_codes(const char *label, const json_t *a)
{
	size_t i;
	json_t *v;
	if (json_array_size(a) == 0)
		return;
	printf(", %s ", label);
	json_array_foreach(a, i, v)
	{
		fputs(i ? ", " : "", stdout);
		abri_fputs_safe(stdout, json_is_string(v) ? json_string_value(v) : "?");
	}
}

static void print_field(const char *label, const json_t *v)
{
	printf("%s", label);
	abri_fputs_safe(stdout, json_is_string(v) ? json_string_value(v) : "?");
}

/* A coding note (abri code), one line. */
static void print_coding(const json_t *c)
{
	const json_t *j = json_object_get(c, "journey");
	print_field("    coding: kind ", json_object_get(c, "kind"));
	print_field(", context ", json_object_get(c, "context"));
	print_field(", interpreter ", json_object_get(c, "interpreter"));
	printf("%s%s", json_is_true(json_object_get(j, "listened")) ? ", listened" : "",
	       json_is_true(json_object_get(j, "informed")) ? ", informed of rights" : "");
	print_codes("consent to", json_object_get(j, "consent"));
	print_codes("referred to", json_object_get(j, "referred"));
	printf(", complaint %s",
	       json_is_true(json_object_get(j, "complaint_filed")) ? "filed" : "not filed");
	print_field(", outcome ", json_object_get(j, "outcome"));
	print_field(" (taxonomy ", json_object_get(c, "taxonomy"));
	fputs(")\n", stdout);
}

/* A written acknowledgement (abri acknowledge): its elements and the
 * signed French text. */
static void print_ack(const json_t *a)
{
	const json_t *e = json_object_get(a, "elements");
	print_field("    written acknowledgement (Directive 2012/29/EU art. 5), issued ",
	            json_object_get(a, "issued"));
	print_field(", by ", json_object_get(a, "listener"));
	print_field("\n    elements: kind ", json_object_get(e, "kind"));
	print_field(", context ", json_object_get(e, "context"));
	if (json_is_string(json_object_get(e, "when")))
		print_field(", when ", json_object_get(e, "when"));
	print_codes("referrals", json_object_get(e, "referrals"));
	fputs("\n    [French text:]\n", stdout);
	if (json_is_string(json_object_get(a, "fr")))
		print_indented(json_string_value(json_object_get(a, "fr")));
}


/* The report form's codes (web app, docs/protocol.md section 9) in words. */
static const char *const form_words[][2] = {
    {"violence_domestic", "violence at home, by a partner or a family member"},
    {"violence_sexual", "sexual violence"},
    {"violence_institutional", "violence by an institution or its staff"},
    {"violence_other", "other violence"},
    {"discrimination_housing", "discrimination in housing"},
    {"discrimination_work", "discrimination at work or when looking for work"},
    {"discrimination_policing", "discrimination by the police"},
    {"discrimination_other", "other discrimination"},
    {"week", "the week of the report"},
    {"month", "the month of the report"},
    {"year", "the year of the report"},
    {"earlier", "before the year of the report"},
    {"info", "only information"},
    {"contact", "to be contacted by a listener"},
    {"police", "help to file a complaint with the police"},
    {"doctor", "to be referred to a doctor"},
    {"lawyer", "to be referred to a lawyer"},
    {"equality", "to be referred to an equality body"},
};

/* The web app's languages (web/src/i18n) by name. */
static const char *const lang_names[][2] = {
    {"ar", "Arabic"},   {"de", "German"},     {"en", "English"},    {"es", "Spanish"},
    {"fa", "Persian"},  {"fa-AF", "Dari"},    {"prs", "Dari"},      {"fr", "French"},
    {"nl", "Dutch"},    {"ps", "Pashto"},     {"pt-BR", "Portuguese (Brazil)"},
    {"ru", "Russian"},  {"so", "Somali"},     {"ti", "Tigrinya"},   {"tr", "Turkish"},
    {"uk", "Ukrainian"},
};

static const char *word(const char *code)
{
	for (size_t i = 0; code != NULL && i < sizeof form_words / sizeof form_words[0]; i++)
		if (strcmp(code, form_words[i][0]) == 0)
			return form_words[i][1];
	return NULL;
}

static void print_lang(const char *lang)
{
	for (size_t i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
		if (strcmp(lang, lang_names[i][0]) == 0) {
			printf("%s (", lang_names[i][1]);
			abri_fputs_safe(stdout, lang);
			fputc(')', stdout);
			return;
		}
	abri_fputs_safe(stdout, lang);
}

/* One coded answer: its words, or the code as sent when unknown. */
static void print_coded(const char *label, const json_t *v)
{
	const char *code = json_string_value(v), *w = word(code);
	if (code == NULL)
		return;
	printf("    %-14s", label);
	if (w != NULL)
		fputs(w, stdout);
	else
		abri_fputs_safe(stdout, code);
	fputc('\n', stdout);
}

/* Free text from the person, on its own lines, escaped. */
static void print_free(const char *label, const json_t *v)
{
	const char *t = json_string_value(v);
	if (t == NULL || t[0] == '\0')
		return;
	printf("    %s:\n", label);
	print_indented_by("        ", t);
}

/* The whole report form, labelled: what the person chose and wrote. */
static void print_form(const json_t *body)
{
	const json_t *form = json_object_get(body, "form"), *wants = json_object_get(form, "wants");
	const char *lang = json_string_value(json_object_get(body, "lang"));
	size_t i;
	json_t *w;

	fputs("    --- the report form, as the person filled it ---\n", stdout);
	if (lang != NULL) {
		printf("    %-14s", "Language:");
		print_lang(lang);
		fputc('\n', stdout);
	}
	print_coded("What:", json_object_get(form, "kind"));
	print_coded("When:", json_object_get(form, "when"));
	if (json_array_size(wants) > 0) {
		printf("    %-14s", "Wants:");
		json_array_foreach(wants, i, w)
		{
			const char *c = json_string_value(w), *ww = word(c);
			fputs(i ? "; " : "", stdout);
			if (ww != NULL)
				fputs(ww, stdout);
			else
				abri_fputs_safe(stdout, c ? c : "?");
		}
		fputc('\n', stdout);
	}
	print_free("Where", json_object_get(form, "where"));
	print_free("Who", json_object_get(form, "who"));
	print_free("How and when to contact them", json_object_get(form, "contact"));
	fputs("    What happened (as written):\n", stdout);
}

static void print_msg(const abri_case_msg *m)
{
	const char *kind = m->info.kind ? abri_kind_name(m->info.kind) : NULL;
	char why[1024];

	printf("#%-3" PRIu32 " %-8s ", m->pos, kind ? kind : "?");
	if (m->verified) {
		fputs("from ", stdout);
		print_author(m);
		printf("  (list v%" PRIu32 ", message %llu of its author)\n", m->inner.list_version,
		       (unsigned long long)m->inner.counter);
	} else if (!m->for_me && !m->problems) {
		fputs("-- not addressed to your key (cannot be read here)\n", stdout);
	} else {
		fputs("-- NOT VERIFIED\n", stdout);
	}
	if (m->problems || m->chain) {
		abri_case_msg_explain(m, why, sizeof why);
		printf("     !!! %s\n", why);
	}
	if (m->verified && m->info.kind == ABRI_KIND_REPORT)
		print_form(m->body);
	if (m->verified && m->info.kind != ABRI_KIND_REPORT && text_of(m) != NULL) {
		const char *lang = json_string_value(json_object_get(m->body, "lang"));
		if (lang != NULL) {
			fputs("    [language: ", stdout);
			abri_fputs_safe(stdout, lang);
			fputs("]\n", stdout);
		}
		print_indented(text_of(m));
	} else if (m->verified && m->info.kind == ABRI_KIND_REPORT) {
		const char *t = text_of(m);
		print_indented_by("        ", t != NULL && t[0] != '\0' ? t : "(no text: see the attachments)");
	}
	if (m->verified && json_is_object(json_object_get(m->body, "coding")))
		print_coding(json_object_get(m->body, "coding"));
	if (m->verified)
		cli_attachments_print(json_object_get(m->body, "attachments"));
	if (m->verified && json_is_object(json_object_get(m->body, "ack")))
		print_ack(json_object_get(m->body, "ack"));
	if (m->verified && json_is_string(json_object_get(m->body, "survey_code"))) {
		print_field("    survey code handed out: ", json_object_get(m->body, "survey_code"));
		fputc('\n', stdout);
	}
}

static void print_case(const abri_case *cs, const json_t *answer)
{
	const char *purge = json_string_value(json_object_get(answer, "purge_after"));
	printf("Case %s   state: ", cs->case_ref);
	abri_fputs_safe(stdout, cs->state);
	char monday[11];
	fputs("   received: ", stdout);
	if (abri_week_monday(cs->week, monday) == ABRI_OK)
		printf("week of %s (%s)", monday, cs->week);
	else
		abri_fputs_safe(stdout, cs->week);
	if (purge != NULL) {
		fputs("   purge after: ", stdout);
		abri_fputs_safe(stdout, purge);
	}
	printf("\n%zu message(s)\n\n", cs->n);
	for (size_t i = 0; i < cs->n; i++)
		print_msg(&cs->msgs[i]);
}

/* --json: the shared case view (docs/console-api.md, "Case view"). */
static int print_case_json(const abri_case *cs, const json_t *answer, const json_t *doc,
                           const abri_local_check *lc)
{
	json_t *o = abri_case_view(cs, answer, doc, lc);
	if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		json_decref(o);
		return CLI_LOCAL;
	}
	fputc('\n', stdout);
	json_decref(o);
	return CLI_OK;
}

static int show(cli_session *s, const char *ref, int as_json, const char *save_dir)
{
	abri_case cs;
	json_t *answer = NULL, *doc = NULL;
	int ex = cli_case_fetch(s, ref, &cs, &answer);

	if (ex != CLI_OK)
		return ex;
	if ((ex = cli_case_state_load(s->cfg, ref, &doc)) == CLI_OK) {
		abri_local_check lc;
		size_t local = cli_case_state_check(doc, &cs, s->key, &lc);
		ex = as_json ? print_case_json(&cs, answer, doc, &lc)
		             : (print_case(&cs, answer), CLI_OK);
		if (ex == CLI_OK)
			ex = cli_case_state_update(s->cfg, doc, &cs, s->key);
		if (ex == CLI_OK && save_dir != NULL)
			ex = cli_attachments_save(s, &cs, save_dir, as_json ? stderr : stdout);
		if (abri_case_alarming(&cs) || local > 0) {
			cli_alarm("case %s did not verify (see above). Do not rely on the flagged "
			          "messages; tell your security contact.",
			          ref);
			ex = CLI_ALARM;
		}
	}
	json_decref(doc);
	json_decref(answer);
	abri_case_free(&cs);
	return ex;
}

int cmd_show(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, O_JSON},
	    {"save", required_argument, NULL, O_SAVE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex, as_json = 0;
	const char *save_dir = NULL;
	cli_session s;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if (c == O_JSON)
			as_json = 1;
		if (c == O_SAVE)
			save_dir = optarg;
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if (!cli_ref_ok(argv[optind]))
		return CLI_USAGE;
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY)) == CLI_OK)
		ex = show(&s, argv[optind], as_json, save_dir);
	cli_session_close(&s);
	return ex;
}
