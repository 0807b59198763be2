/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Coding a case: the checks, the record, the note and the queue shared by
 * abri code and abri console (coding.h). */
#include <stdlib.h>
#include <string.h>

#include "coding.h"

static int has_code(const json_t *arr, const json_t *x)
{
	size_t i;
	json_t *y;
	json_array_foreach(arr, i, y) if (json_equal(x, y)) return 1;
	return 0;
}

static cli_coding_refusal unknown(cli_coding_problem *p, const char *dim, const char *value)
{
	p->refusal = CLI_CODING_UNKNOWN;
	p->dimension = dim;
	p->value = value;
	return p->refusal;
}

cli_coding_refusal cli_coding_check(const abri_taxonomy *t, const cli_coding *c,
                                    cli_coding_problem *p)
{
	static const char *const what[] = {"kind", "context", "interpreter", "outcome"};
	const char *v[] = {c->kind, c->context, c->interpreter, c->outcome};
	const json_t *arrays[] = {c->consent, c->referred};
	size_t i;
	json_t *x;

	memset(p, 0, sizeof *p);
	for (i = 0; i < 4; i++)
		if (v[i] == NULL || !abri_taxonomy_has(t, what[i], v[i]))
			return unknown(p, what[i], v[i] ? v[i] : "");
	for (size_t a = 0; a < 2; a++) {
		if (!json_is_array(arrays[a]))
			return p->refusal = CLI_CODING_INVALID;
		json_array_foreach(arrays[a], i, x)
		{
			if (!json_is_string(x))
				return p->refusal = CLI_CODING_INVALID;
			if (!abri_taxonomy_has(t, "referral", json_string_value(x)))
				return unknown(p, "referral", json_string_value(x));
		}
	}
	json_array_foreach(c->referred, i, x) if (!has_code(c->consent, x))
	{
		p->refusal = CLI_CODING_NO_CONSENT;
		p->value = json_string_value(x);
		return p->refusal;
	}
	return CLI_CODING_OK;
}

json_t *cli_coding_record(const abri_taxonomy *t, const cli_coding *c, const char *month)
{
	json_t *rec =
	    json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:{s:b, s:b, s:O, s:O, s:b, s:s}}", "v",
	              ABRI_STATS_RECORD_V, "taxonomy", t->version, "month", month, "kind", c->kind,
	              "context", c->context, "interpreter", c->interpreter, "journey", "listened",
	              c->listened, "informed", c->informed, "consent", c->consent, "referred",
	              c->referred, "complaint_filed", c->complaint_filed, "outcome", c->outcome);
	if (rec != NULL && abri_stats_record_check(t, rec) != ABRI_OK) {
		json_decref(rec);
		rec = NULL;
	}
	return rec;
}

/* The note's body: the codes and the taxonomy version, no month (the note
 * has its own place in the case). */
char *cli_coding_note_body(const json_t *rec)
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

json_t *cli_coding_valid(const abri_taxonomy *t, const char *dimension)
{
	json_t *codes = json_array(), *v;
	const char *k;

	if (codes == NULL)
		return NULL;
	json_object_foreach(json_object_get(t->doc, dimension), k, v)
	{
		if (json_array_append_new(codes, json_string(k)) < 0) {
			json_decref(codes);
			return NULL;
		}
	}
	return codes; /* jansson keeps object keys in insertion order: the file's */
}

int cli_coding_queue(const cli_config *cfg, const char *ref, json_t *rec, const char *month_opt,
                     int *queued)
{
	json_t *doc, *cases, *old;
	int ex = cli_stats_queue_load(cfg, &doc), dummy;

	if (queued == NULL)
		queued = &dummy;
	*queued = 0;
	if (ex != CLI_OK)
		return ex;
	cases = json_object_get(doc, "cases");
	old = json_object_get(cases, ref);
	const char *month =
	    month_opt ? month_opt : json_string_value(json_object_get(old, "month"));
	if (json_is_true(json_object_get(old, "uploaded"))) {
		/* the caller names the month it went with */
		if (month != NULL && json_object_set_new(rec, "month", json_string(month)) < 0)
			ex = CLI_LOCAL;
		json_decref(doc);
		return ex;
	}
	if (month != NULL && json_object_set_new(rec, "month", json_string(month)) < 0)
		ex = CLI_LOCAL;
	month = json_string_value(json_object_get(rec, "month"));
	if (ex == CLI_OK &&
	    json_object_set_new(cases, ref,
	                        json_pack("{s:s, s:O}", "month", month, "record", rec)) < 0)
		ex = CLI_LOCAL;
	if (ex == CLI_OK && (ex = cli_stats_queue_save(cfg, doc)) == CLI_OK)
		*queued = old ? 2 : 1;
	json_decref(doc);
	return ex;
}
