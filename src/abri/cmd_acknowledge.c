/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri acknowledge: the written acknowledgement of Directive 2012/29/EU
 * art. 5. Its elements come from the case's latest coding note (kind,
 * context, referrals made with consent) and the report's form (when,
 * where); the French text is composed from the taxonomy's French labels.
 * It is sealed as an `ack` message (signed by this listener, purpose ack)
 * to the reporter and the listeners through the same path as abri reply,
 * and optionally saved as an acknowledgement file (include/abri/ack.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abri/ack.h"
#include "acknowledge.h"
#include "cmd.h"

#ifndef ABRI_TAXONOMY_DEFAULT
#define ABRI_TAXONOMY_DEFAULT "/etc/abri/taxonomy.json"
#endif

static const char usage[] =
    "Usage: abri acknowledge REF [--out FILE] [--taxonomy FILE] [--force]\n"
    "Issues the written acknowledgement of Directive 2012/29/EU art. 5 for case REF:\n"
    "the basic elements from the latest coding note (abri code) and the report,\n"
    "with a French text, signed by you and sealed to the reporter and the listeners.\n"
    "--out writes the acknowledgement file (abri verify-ack checks it).\n";

enum { O_OUT = OPT_CMD, O_TAXONOMY, O_FORCE };

#define WHERE_MAX 200u

typedef struct ack_opts {
	const char *ref, *out, *taxonomy;
	int force, done;
} ack_opts;

/* What the acknowledgement says, gathered from the case. */
typedef struct ack_src {
	const json_t *coding; /* latest coding note's "coding" */
	const json_t *form;   /* the report's "form", may be NULL */
	const char *lang;     /* the report's "lang", may be NULL */
	const char *listener; /* our name in the current list */
} ack_src;

/* The form's `when` codes (web app, form.when.*) in French, relative to
 * the report since the acknowledgement is read later. */
static const char *when_fr(const char *code)
{
	static const char *const tab[][2] = {
	    {"week", "la semaine du signalement"},
	    {"month", "le mois du signalement"},
	    {"year", "l'année du signalement"},
	    {"earlier", "avant l'année du signalement"},
	};
	for (size_t i = 0; code != NULL && i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(code, tab[i][0]) == 0)
			return tab[i][1];
	return NULL;
}

static int parse(int argc, char **argv, cli_config *cfg, ack_opts *o)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, O_OUT},
	    {"taxonomy", required_argument, NULL, O_TAXONOMY},
	    {"force", no_argument, NULL, O_FORCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex;
	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: o->done = 1; return ex;
		case O_OUT: o->out = optarg; break;
		case O_TAXONOMY: o->taxonomy = optarg; break;
		case O_FORCE: o->force = 1; break;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->ref = argv[optind];
	return cli_ref_ok(o->ref) ? CLI_OK : CLI_USAGE;
}

/* Free text of the report's `where`, on one line, bounded (cut at a
 * character boundary). */
static json_t *where_of(const json_t *form)
{
	const char *w = json_string_value(json_object_get(form, "where"));
	char buf[WHERE_MAX + 1];
	size_t n = 0;
	if (w == NULL || w[0] == '\0')
		return json_null();
	for (; w[n] != '\0' && n < WHERE_MAX; n++)
		buf[n] = ((unsigned char)w[n] < 0x20 || w[n] == 0x7f) ? ' ' : w[n];
	while (n > 0 && w[n] != '\0' && ((unsigned char)w[n] & 0xc0) == 0x80)
		n--; /* do not cut a UTF-8 sequence */
	buf[n] = '\0';
	return json_string(buf);
}

/* The French text being written; a failed append (out of memory) is
 * remembered and fails the whole text. */
typedef struct text_buf {
	abri_buf b;
	int failed;
} text_buf;

static void put(text_buf *t, const char *s)
{
	if (!t->failed && abri_buf_append(&t->b, s, strlen(s)) < 0)
		t->failed = 1;
}

/* "2026-11-16" -> "16/11/2026" */
static void put_date_fr(text_buf *b, const char *iso)
{
	char d[11];
	snprintf(d, sizeof d, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	put(b, d);
}

static const char *fr_label(const abri_taxonomy *t, const char *dim, const char *code)
{
	const char *l = abri_taxonomy_label(t, dim, code, "fr");
	return l != NULL ? l : code;
}

static void put_referrals(text_buf *b, const abri_taxonomy *t, const json_t *refs)
{
	size_t i;
	json_t *r;
	if (json_array_size(refs) == 0) {
		put(b, "aucune");
		return;
	}
	json_array_foreach(refs, i, r)
	{
		put(b, i ? ", " : "");
		put(b, fr_label(t, "referral", json_string_value(r)));
	}
}

static char *french_text(const json_t *ack, const abri_taxonomy *t, uint32_t list_version)
{
	const json_t *e = json_object_get(ack, "elements");
	const char *when = json_string_value(json_object_get(e, "when"));
	const char *where = json_string_value(json_object_get(e, "where"));
	char num[32];
	text_buf b = {.failed = 0};

	abri_buf_init(&b.b);
	put(&b, "Accusé de réception de votre plainte / signalement\n\n");
	put(&b, "Référence du dossier : ");
	put(&b, json_string_value(json_object_get(ack, "case_ref")));
	put(&b, "\nReçu la semaine du : ");
	put_date_fr(&b, json_string_value(json_object_get(ack, "received_week")));
	put(&b, "\nDate de délivrance : ");
	put_date_fr(&b, json_string_value(json_object_get(ack, "issued")));
	put(&b, "\n\nÉléments essentiels des faits signalés :\n- Nature des faits : ");
	put(&b, fr_label(t, "kind", json_string_value(json_object_get(e, "kind"))));
	put(&b, "\n- Contexte : ");
	put(&b, fr_label(t, "context", json_string_value(json_object_get(e, "context"))));
	put(&b, "\n- Période des faits : ");
	put(&b, when_fr(when) ? when_fr(when) : "non précisée");
	put(&b, "\n- Lieu des faits : ");
	put(&b, where ? where : "non précisé");
	put(&b, "\n\nOrientations effectuées avec votre accord : ");
	put_referrals(&b, t, json_object_get(e, "referrals"));
	put(&b, "\n\nVotre signalement a été reçu et enregistré par ");
	put(&b, json_string_value(json_object_get(ack, "listener")));
	put(&b, ", écoutant·e du lieu d'accueil.\n\n"
	        "Le présent document constitue l'accusé de réception écrit de votre plainte "
	        "prévu à l'article 5 de la directive 2012/29/UE du Parlement européen et du "
	        "Conseil du 25 octobre 2012 (droits des victimes), indiquant les éléments "
	        "essentiels des faits concernés.\n\n"
	        "Vérification : ce document est signé électroniquement (Ed25519) par la clé de "
	        "l'écoutant·e. Toute personne disposant de la liste des destinataires, version ");
	snprintf(num, sizeof num, "%u", (unsigned)list_version);
	put(&b, num);
	put(&b, ", signée par l'organisation, peut le vérifier avec la commande "
	        "« abri verify-ack FICHIER » ; toute modification rend la signature invalide.\n");
	if (b.failed || abri_buf_u8(&b.b, 0) < 0) {
		abri_buf_free(&b.b);
		return NULL;
	}
	return (char *)b.b.data; /* plain malloc'd (abri_buf) */
}

/* The latest verified coding note and the report's form. */
static int gather(const abri_case *cs, const cli_session *s, ack_src *src)
{
	memset(src, 0, sizeof *src);
	for (size_t i = 0; i < cs->n; i++) {
		const abri_case_msg *m = &cs->msgs[i];
		const json_t *c = json_object_get(m->body, "coding");
		if (m->verified && m->info.kind == ABRI_KIND_NOTE && json_is_object(c))
			src->coding = c;
	}
	if (src->coding == NULL)
		return CLI_ACK_NO_CODING;
	if (cs->n > 0 && cs->msgs[0].verified && cs->msgs[0].info.kind == ABRI_KIND_REPORT) {
		src->form = json_object_get(cs->msgs[0].body, "form");
		src->lang = json_string_value(json_object_get(cs->msgs[0].body, "lang"));
	}
	const abri_member *me = abri_recipients_by_ed_kid(s->lists.current, s->key->ed_kid);
	if (me == NULL || me->role != ABRI_ROLE_LISTENER)
		return CLI_ACK_NOT_LISTENER;
	src->listener = me->name;
	return CLI_ACK_OK;
}

static json_t *ack_new(const abri_case *cs, const ack_src *src, const abri_taxonomy *t)
{
	char monday[11], today[11];
	time_t now = (time_t)abri_now();
	struct tm tm;
	const char *when = json_string_value(json_object_get(src->form, "when"));
	const json_t *j = json_object_get(src->coding, "journey");
	json_t *refs = json_object_get(j, "referred");

	if (abri_week_monday(cs->week, monday) < 0 || gmtime_r(&now, &tm) == NULL ||
	    strftime(today, sizeof today, "%Y-%m-%d", &tm) == 0)
		return NULL;
	refs = json_is_array(refs) ? json_incref(refs) : json_array();
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s?, s:{s:O, s:O, s:s?, s:o, s:o}}", "v",
	                 ABRI_ACK_V, "case_ref", cs->case_ref, "received_week", monday, "issued",
	                 today, "taxonomy", t->version, "listener", src->listener, "lang",
	                 src->lang, "elements", "kind", json_object_get(src->coding, "kind"),
	                 "context", json_object_get(src->coding, "context"), "when",
	                 when_fr(when) ? when : NULL, "where", where_of(src->form), "referrals",
	                 refs);
}

/* {"ack": {...}} with its French text; NULL when something is missing. */
static char *body_new(const abri_case *cs, const ack_src *src, const abri_taxonomy *t,
                      uint32_t list_version)
{
	json_t *ack = ack_new(cs, src, t), *b = NULL;
	char *fr = ack ? french_text(ack, t, list_version) : NULL, *out = NULL;

	if (fr != NULL && json_object_set_new(ack, "fr", json_string(fr)) == 0 &&
	    abri_ack_check(ack) == ABRI_OK && (b = json_pack("{s:O}", "ack", ack)) != NULL)
		out = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	free(fr);
	json_decref(b);
	json_decref(ack);
	return out;
}

int cli_ack_compose(const cli_session *s, const abri_case *cs, const abri_taxonomy *t, char **body)
{
	ack_src src;
	int why = gather(cs, s, &src);

	*body = NULL;
	if (why != CLI_ACK_OK)
		return why;
	*body = body_new(cs, &src, t, s->lists.current->version);
	return *body ? CLI_ACK_OK : CLI_ACK_UNCOMPOSABLE;
}

char *cli_ack_file(const cli_session *s, const abri_buf *inner)
{
	return abri_ack_file_dump(s->client.tenant, s->lists.current->version, inner->data,
	                          inner->len);
}

static int save(const cli_session *s, const char *path, const abri_buf *inner)
{
	char *text = cli_ack_file(s, inner);
	int rc = text ? abri_file_write_atomic(path, text, strlen(text), 0600) : ABRI_ERR_NOMEM;
	free(text);
	if (rc < 0) {
		cli_err("cannot write %s: %s", path, abri_strerror(rc));
		return CLI_LOCAL;
	}
	printf("Acknowledgement file written to %s (abri verify-ack %s).\n", path, path);
	return CLI_OK;
}

static int compose(const cli_session *s, const abri_case *cs, const char *ref,
                   const abri_taxonomy *t, char **body)
{
	switch (cli_ack_compose(s, cs, t, body)) {
	case CLI_ACK_OK: return CLI_OK;
	case CLI_ACK_NO_CODING:
		cli_err("case %s has no coding note: code it first (abri code %s ...); the "
		        "acknowledgement states the coded elements",
		        ref, ref);
		return CLI_USAGE;
	case CLI_ACK_NOT_LISTENER:
		cli_err("your key is not a listener of the current recipient list");
		return CLI_REFUSED;
	default:
		cli_err("cannot compose the acknowledgement (the coding note does not match the "
		        "taxonomy?)");
		return CLI_LOCAL;
	}
}

static int acknowledge(cli_session *s, const ack_opts *o, const abri_taxonomy *t)
{
	abri_case cs;
	abri_buf inner;
	char *body = NULL;
	int ex = cli_case_fetch(s, o->ref, &cs, NULL);

	if (ex != CLI_OK)
		return ex;
	abri_buf_init(&inner);
	if ((ex = compose(s, &cs, o->ref, t, &body)) == CLI_OK) {
		cli_case_msg m = {.ref = o->ref,
		                  .force = o->force,
		                  .body = body,
		                  .what = "acknowledgement",
		                  .kind = ABRI_KIND_ACK,
		                  .inner_out = &inner};
		ex = cli_case_send(s, &m);
	}
	if (ex == CLI_OK && o->out != NULL)
		ex = save(s, o->out, &inner);
	abri_buf_free(&inner);
	free(body);
	abri_case_free(&cs);
	return ex;
}

int cmd_acknowledge(int argc, char **argv, cli_config *cfg)
{
	ack_opts o = {.taxonomy = ABRI_TAXONOMY_DEFAULT};
	abri_taxonomy t;
	cli_session s;
	int ex, rc;

	if ((ex = parse(argc, argv, cfg, &o)) != CLI_OK || o.done ||
	    (ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if ((rc = abri_taxonomy_load(&t, o.taxonomy)) < 0) {
		cli_err("cannot load the taxonomy %s: %s", o.taxonomy, abri_strerror(rc));
		return CLI_LOCAL;
	}
	if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK)
		ex = acknowledge(&s, &o, &t);
	cli_session_close(&s);
	abri_taxonomy_free(&t);
	return ex;
}
