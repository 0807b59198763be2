/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The view of a verified case (include/abri/caseview.h, docs/console-api.md
 * "Case view"): what `abri show` prints and `abri console` displays. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/ack.h"
#include "abri/attach.h"
#include "abri/caseview.h"

int abri_json_has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
	    return 1;
	return 0;
}

int abri_case_ref_normalise(const char *in, char out[ABRI_CASE_REF_CHARS + 1])
{
	size_t n = 0;
	if (in == NULL)
		return ABRI_ERR_INVALID;
	for (; *in != '\0'; in++) {
		char c = *in;
		if (c == ' ' || c == '\t' || c == '-')
			continue; /* as read aloud or copied with spacing */
		if (n == ABRI_CASE_REF_CHARS)
			return ABRI_ERR_INVALID;
		c = (char)toupper((unsigned char)c);
		/* Crockford base32 reading rules. */
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		out[n++] = c;
	}
	out[n] = '\0';
	return abri_case_ref_valid(out) ? ABRI_OK : ABRI_ERR_INVALID;
}

static int set_string(json_t *o, const char *k, const json_t *v)
{
	return json_object_set_new(o, k, json_is_string(v) ? json_copy((json_t *)v) : json_null());
}

/* The form as the person filled it: known members, each with its type
 * checked (anything else is left out, never shown as markup). */
static json_t *form_of(const json_t *form)
{
	static const char *const strings[] = {"kind", "when", "where", "who", "contact"};
	json_t *o = json_object(), *wants = json_array();
	size_t i;
	json_t *v;

	if (o == NULL || wants == NULL || json_object_set_new(o, "wants", wants) < 0) {
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++)
		if (set_string(o, strings[i], json_object_get(form, strings[i])) < 0)
			goto fail;
	json_array_foreach(json_object_get(form, "wants"), i, v) if (
	    json_is_string(v) && !abri_json_has_string(wants, json_string_value(v)) &&
	    json_array_append(wants, v) < 0) goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Attachments without their keys and hashes: what a page may know. */
static json_t *attachments_of(const json_t *list)
{
	json_t *a = json_array(), *v;
	size_t i;
	abri_attach_ref r;

	json_array_foreach(list, i, v)
	{
		json_t *e;
		if (abri_attach_ref_parse(v, &r) != ABRI_OK)
			e = json_pack("{s:I, s:b}", "n", (json_int_t)i, "malformed", 1);
		else
			e = json_pack("{s:I, s:s, s:s, s:s, s:I}", "n", (json_int_t)i, "name", r.name,
			              "type", r.type, "kind", r.kind, "size", (json_int_t)r.size);
		abri_attach_ref_wipe(&r);
		if (a == NULL || e == NULL || json_array_append_new(a, e) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *author_of(const abri_case_msg *m)
{
	char fp[40];
	if (!m->verified)
		return json_null();
	if (m->by_reporter)
		return json_pack("{s:s}", "role", "reporter");
	abri_fingerprint(fp, m->author.ed_kid);
	return json_pack("{s:s, s:s, s:s, s:b}", "role", "listener", "name", m->author.name,
	                 "fingerprint", fp, "you", m->by_reader);
}

static json_t *msg_view(const abri_case_msg *m, const json_t *doc)
{
	const char *kind = m->info.kind ? abri_kind_name(m->info.kind) : NULL;
	const json_t *b = m->verified ? m->body : NULL;
	json_t *o = json_pack(
	    "{s:I, s:s?, s:b, s:b, s:b, s:[], s:o}", "pos", (json_int_t)m->pos, "kind", kind,
	    "readable", m->for_me && m->opened, "verified", m->verified, "new",
	    m->verified && m->by_reporter && !m->problems && !m->chain && doc != NULL &&
	        !abri_casestate_seen(doc, m->hash),
	    "alarms", "author", author_of(m));
	if (o == NULL || abri_case_msg_alarms(m, json_object_get(o, "alarms")) < 0)
		goto fail;
	if (m->verified &&
	    (json_object_set_new(o, "list_version", json_integer(m->inner.list_version)) < 0 ||
	     json_object_set_new(o, "counter", json_integer((json_int_t)m->inner.counter)) < 0))
		goto fail;
	if (set_string(o, "text", json_object_get(b, "text")) < 0 ||
	    set_string(o, "lang", json_object_get(b, "lang")) < 0 ||
	    set_string(o, "survey_code", json_object_get(b, "survey_code")) < 0)
		goto fail;
	const json_t *coding = json_object_get(b, "coding"), *ack = json_object_get(b, "ack");
	if (json_object_set_new(o, "coding",
	                        json_is_object(coding) ? json_deep_copy(coding) : json_null()) < 0 ||
	    json_object_set_new(o, "ack", json_is_object(ack) ? json_deep_copy(ack) : json_null()) < 0)
		goto fail;
	json_t *att = attachments_of(json_object_get(b, "attachments"));
	if (att == NULL || json_object_set_new(o, "attachments", att) < 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *report_view(const abri_case *cs)
{
	const abri_case_msg *m = cs->n > 0 ? &cs->msgs[0] : NULL;
	if (m == NULL || !m->verified || m->info.kind != ABRI_KIND_REPORT || m->body == NULL)
		return json_null();
	json_t *form = form_of(json_object_get(m->body, "form"));
	json_t *att = attachments_of(json_object_get(m->body, "attachments"));
	json_t *o = json_object();
	if (o == NULL || form == NULL || att == NULL ||
	    json_object_set_new(o, "pos", json_integer(m->pos)) < 0 ||
	    set_string(o, "lang", json_object_get(m->body, "lang")) < 0 ||
	    set_string(o, "text", json_object_get(m->body, "text")) < 0 ||
	    json_object_set_new(o, "form", form) < 0 ||
	    json_object_set_new(o, "attachments", att) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int add_alarm(json_t *alarms, json_t *a)
{
	return a == NULL || json_array_append_new(alarms, a) < 0 ? ABRI_ERR_NOMEM : ABRI_OK;
}

json_t *abri_case_view(const abri_case *cs, const json_t *answer, const json_t *doc,
                       const abri_local_check *lc)
{
	char monday[11];
	json_t *v = json_object(), *msgs = json_array(), *alarms = json_array();
	json_t *coding = json_null(), *report = report_view(cs);
	const json_t *purge = json_object_get(answer, "purge_after");
	int rc = (v && msgs && alarms && report) ? ABRI_OK : ABRI_ERR_NOMEM;

	for (size_t i = 0; rc == ABRI_OK && i < cs->n; i++) {
		const abri_case_msg *m = &cs->msgs[i];
		json_t *mv = msg_view(m, doc), *a;
		size_t j;
		if (mv == NULL || json_array_append_new(msgs, mv) < 0) {
			rc = ABRI_ERR_NOMEM;
			break;
		}
		json_array_foreach(json_object_get(mv, "alarms"), j, a)
		{
			if (rc == ABRI_OK)
				rc = add_alarm(alarms, json_pack("{s:O, s:I}", "code", a, "pos",
				                                 (json_int_t)m->pos));
		}
		/* The latest coding note of a case is its coding. */
		if (json_is_object(json_object_get(mv, "coding")) &&
		    m->info.kind == ABRI_KIND_NOTE) {
			json_decref(coding);
			coding = json_deep_copy(json_object_get(mv, "coding"));
		}
	}
	if (rc == ABRI_OK && lc != NULL && lc->disappeared > 0)
		rc = add_alarm(alarms, json_pack("{s:s, s:I}", "code", "disappeared", "count",
		                                 (json_int_t)lc->disappeared));
	if (rc == ABRI_OK && lc != NULL && lc->own_gone)
		rc = add_alarm(alarms, json_pack("{s:s, s:I, s:I}", "code", "own_disappeared",
		                                 "recorded", (json_int_t)lc->own_recorded, "present",
		                                 (json_int_t)lc->own_present));
	if (rc == ABRI_OK &&
	    (json_object_set_new(v, "case_ref", json_string(cs->case_ref)) < 0 ||
	     json_object_set_new(v, "state", json_string(cs->state)) < 0 ||
	     json_object_set_new(v, "week", json_string(cs->week)) < 0 ||
	     json_object_set_new(v, "week_start", abri_week_monday(cs->week, monday) == ABRI_OK
	                                              ? json_string(monday)
	                                              : json_null()) < 0 ||
	     set_string(v, "purge_after", purge) < 0 ||
	     json_object_set_new(v, "alarm", json_boolean(json_array_size(alarms) > 0)) < 0 ||
	     json_object_set(v, "alarms", alarms) < 0 || json_object_set(v, "report", report) < 0 ||
	     json_object_set(v, "coding", coding) < 0 ||
	     json_object_set_new(v, "new_from_person",
	                         json_integer((json_int_t)abri_case_new_from_person(cs, doc))) < 0 ||
	     json_object_set(v, "messages", msgs) < 0))
		rc = ABRI_ERR_NOMEM;
	json_decref(msgs);
	json_decref(alarms);
	json_decref(report);
	json_decref(coding);
	if (rc != ABRI_OK) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Up to max bytes of s, cut at a character boundary. */
static json_t *excerpt(const char *s, size_t max)
{
	size_t n = 0;
	if (s == NULL)
		return json_null();
	while (s[n] != '\0' && n < max)
		n++;
	while (n > 0 && s[n] != '\0' && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return json_stringn(s, n);
}

static void count_kinds(const json_t *atts, json_int_t *photo, json_int_t *voice,
                        json_int_t *document)
{
	size_t i;
	json_t *x;
	json_array_foreach(atts, i, x)
	{
		const char *k = json_string_value(json_object_get(x, "kind"));
		*photo += k && strcmp(k, "photo") == 0;
		*voice += k && strcmp(k, "voice") == 0;
		*document += k && strcmp(k, "document") == 0;
	}
}

static int by_person(const json_t *msg)
{
	const char *role = json_string_value(json_object_get(json_object_get(msg, "author"), "role"));
	return role != NULL && strcmp(role, "reporter") == 0;
}

/* A copy of o[k], or null. */
static json_t *member(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return v ? json_deep_copy(v) : json_null();
}

json_t *abri_case_summary(const json_t *view, long long envelopes)
{
	const json_t *report = json_object_get(view, "report");
	const json_t *form = json_object_get(report, "form");
	const char *state = json_string_value(json_object_get(view, "state"));
	json_int_t fresh = json_integer_value(json_object_get(view, "new_from_person"));
	json_int_t photo = 0, voice = 0, document = 0;
	size_t i;
	json_t *m;

	/* The report's attachments and those of the person's later messages. */
	json_array_foreach(json_object_get(view, "messages"), i, m) if (by_person(m))
	    count_kinds(json_object_get(m, "attachments"), &photo, &voice, &document);
	/* A person who wrote into a new, open or closed case needs attention;
	 * a closed case is never left silently closed. */
	int live = state != NULL && (strcmp(state, "new") == 0 || strcmp(state, "open") == 0 ||
	                             strcmp(state, "closed") == 0);
	json_t *wants = json_object_get(form, "wants");
	json_t *s = json_object();
	if (s == NULL ||
	    json_object_set_new(s, "case_ref", member(view, "case_ref")) < 0 ||
	    json_object_set_new(s, "state", member(view, "state")) < 0 ||
	    json_object_set_new(s, "week", member(view, "week")) < 0 ||
	    json_object_set_new(s, "week_start", member(view, "week_start")) < 0 ||
	    json_object_set_new(s, "envelopes", json_integer((json_int_t)envelopes)) < 0 ||
	    json_object_set_new(s, "readable", json_boolean(json_is_object(report))) < 0 ||
	    json_object_set_new(s, "alarm", member(view, "alarm")) < 0 ||
	    json_object_set_new(s, "lang", member(report, "lang")) < 0 ||
	    json_object_set_new(s, "kind", member(form, "kind")) < 0 ||
	    json_object_set_new(s, "wants", wants ? json_deep_copy(wants) : json_array()) < 0 ||
	    json_object_set_new(s, "contact", member(form, "contact")) < 0 ||
	    json_object_set_new(s, "attachments",
	                        json_pack("{s:I, s:I, s:I}", "photo", photo, "voice", voice,
	                                  "document", document)) < 0 ||
	    json_object_set_new(s, "new_from_person", json_integer(fresh)) < 0 ||
	    json_object_set_new(s, "attention", json_boolean(live && fresh > 0)) < 0 ||
	    json_object_set_new(s, "excerpt",
	                        excerpt(json_string_value(json_object_get(report, "text")), 120)) <
	        0) {
		json_decref(s);
		return NULL;
	}
	return s;
}
