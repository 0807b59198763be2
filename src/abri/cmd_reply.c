/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri reply: answer the reporter (kind reply: sealed to the reporter and
 * every listener of the current list) or write an internal note (kind
 * note: listeners only). The message continues this listener's own chain
 * in the case, after the case verified. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri reply REF (--file FILE | -m TEXT | --survey-code) [--note] [--lang CODE]\n"
    "                  [--survey-code] [--force]\n"
    "Seals a reply to the reporter and every listener (--note: listeners only).\n"
    "--survey-code adds the next unused survey code (abri survey-codes new) to the\n"
    "reply, with or without a text (-m/--text or --file).\n"
    "--file - reads standard input. Refuses a case with security alarms unless\n"
    "--force; never sends when your own earlier messages have disappeared.\n";

enum { O_FILE = OPT_CMD, O_NOTE, O_LANG, O_FORCE, O_SURVEY };

#define TEXT_MAX (256u * 1024u)

typedef struct reply_opts {
	const char *ref;
	const char *file;
	const char *text;
	const char *lang;
	int note;
	int force;
	int survey; /* --survey-code */
	int done;   /* --help was answered */
} reply_opts;

static char *read_text(const reply_opts *o)
{
	uint8_t *d;
	size_t len;
	if (o->text != NULL)
		return strdup(o->text);
	int rc =
	    abri_file_read(strcmp(o->file, "-") == 0 ? "/dev/stdin" : o->file, TEXT_MAX, &d, &len);
	if (rc < 0) {
		cli_err("cannot read %s: %s", o->file, abri_strerror(rc));
		return NULL;
	}
	return (char *)d;
}

static int parse(int argc, char **argv, cli_config *cfg, reply_opts *o)
{
	static const struct option opts[] = {
	    {"file", required_argument, NULL, O_FILE},
	    {"message", required_argument, NULL, 'm'},
	    {"text", required_argument, NULL, 'm'},
	    {"survey-code", no_argument, NULL, O_SURVEY},
	    {"note", no_argument, NULL, O_NOTE},
	    {"lang", required_argument, NULL, O_LANG},
	    {"force", no_argument, NULL, O_FORCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex;
	while ((c = cli_next_opt(argc, argv, "hm:", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: o->done = 1; return ex;
		case O_FILE: o->file = optarg; break;
		case 'm': o->text = optarg; break;
		case O_NOTE: o->note = 1; break;
		case O_LANG: o->lang = optarg; break;
		case O_FORCE: o->force = 1; break;
		case O_SURVEY: o->survey = 1; break;
		}
	}
	if (optind + 1 != argc || (o->file != NULL && o->text != NULL) ||
	    (o->file == NULL && o->text == NULL && !o->survey) || (o->survey && o->note)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->ref = argv[optind];
	return cli_ref_ok(o->ref) ? CLI_OK : CLI_USAGE;
}

/* {"text", "lang"?, "survey_code"?}; the survey code is taken from the
 * local state last, once the text is known to be fine. */
static int make_body(const cli_config *cfg, const reply_opts *o, char **out)
{
	char code[15];
	char *text = (o->file || o->text) ? read_text(o) : NULL;
	int had_text = text != NULL, ex = CLI_OK;
	json_t *b;

	if ((o->file || o->text) && !had_text)
		return CLI_LOCAL;
	b = json_object();
	if (b != NULL && text != NULL && text[0] != '\0' &&
	    json_object_set_new(b, "text", json_string(text)) == 0 && o->lang != NULL)
		json_object_set_new(b, "lang", json_string(o->lang));
	free(text);
	if (b == NULL || (had_text && json_object_get(b, "text") == NULL)) {
		cli_err("the text is empty or not valid UTF-8");
		json_decref(b);
		return CLI_USAGE;
	}
	if (o->survey && (ex = cli_survey_code_take(cfg, code)) == CLI_OK &&
	    json_object_set_new(b, "survey_code", json_string(code)) < 0)
		ex = CLI_LOCAL;
	if (ex == CLI_OK && (*out = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		ex = CLI_LOCAL;
	json_decref(b);
	return ex;
}

int cmd_reply(int argc, char **argv, cli_config *cfg)
{
	reply_opts o = {0};
	cli_session s;
	int ex;

	if ((ex = parse(argc, argv, cfg, &o)) != CLI_OK || o.done ||
	    (ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	char *body = NULL;
	if ((ex = make_body(cfg, &o, &body)) != CLI_OK)
		return ex;
	cli_case_msg m = {.ref = o.ref, .note = o.note, .force = o.force, .body = body};
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK)
		ex = cli_case_send(&s, &m);
	cli_session_close(&s);
	free(body);
	return ex;
}
