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
    "Usage: abri reply REF (--file FILE | -m TEXT) [--note] [--lang CODE] [--force]\n"
    "Seals a reply to the reporter and every listener (--note: listeners only).\n"
    "--file - reads standard input. Refuses a case with security alarms unless\n"
    "--force; never sends when your own earlier messages have disappeared.\n";

enum { O_FILE = OPT_CMD, O_NOTE, O_LANG, O_FORCE };

#define TEXT_MAX (256u * 1024u)

typedef struct reply_opts {
	const char *ref;
	const char *file;
	const char *text;
	const char *lang;
	int note;
	int force;
	int done; /* --help was answered */
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
		}
	}
	if (optind + 1 != argc || (o->file == NULL) == (o->text == NULL)) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->ref = argv[optind];
	return cli_ref_ok(o->ref) ? CLI_OK : CLI_USAGE;
}

int cmd_reply(int argc, char **argv, cli_config *cfg)
{
	reply_opts o = {0};
	cli_session s;
	int ex;

	if ((ex = parse(argc, argv, cfg, &o)) != CLI_OK || o.done ||
	    (ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	char *text = read_text(&o);
	if (text == NULL)
		return CLI_LOCAL;
	char *body = text[0] != '\0' ? abri_body_json(text, o.lang) : NULL;
	free(text);
	if (body == NULL) {
		cli_err("the text is empty or not valid UTF-8");
		return CLI_USAGE;
	}
	cli_case_msg m = {.ref = o.ref, .note = o.note, .force = o.force, .body = body};
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK)
		ex = cli_case_send(&s, &m);
	cli_session_close(&s);
	free(body);
	return ex;
}
