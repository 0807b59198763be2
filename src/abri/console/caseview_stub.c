/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* TEMPORARY: a minimal stand-in for the shared case model
 * (include/abri/caseview.h, src/client/caseview.c + casestate.c) until it
 * lands on main; built only while src/client/caseview.c does not exist
 * (src/abri/meson.build). Delete it after the merge. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abri/caseview.h"

int abri_casestate_load(const char *state_dir, const char *ref, json_t **doc)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/cases/%s.json", state_dir, ref);
	*doc = json_load_file(path, 0, NULL);
	if (*doc == NULL)
		*doc = json_object();
	return *doc ? ABRI_OK : ABRI_ERR_NOMEM;
}

int abri_casestate_save(const char *state_dir, const char *ref, const json_t *doc)
{
	char path[4096], dir[4096];
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;
	snprintf(dir, sizeof dir, "%s/cases", state_dir);
	snprintf(path, sizeof path, "%s/cases/%s.json", state_dir, ref);
	rc = text && abri_mkdir_p(dir, 0700) == 0
	         ? abri_file_write_atomic(path, text, strlen(text), 0600)
	         : ABRI_ERR_IO;
	free(text);
	return rc;
}

void abri_casestate_check(const json_t *doc, const abri_case *cs,
                          const uint8_t kid[ABRI_KEY_ID_BYTES], abri_local_check *out)
{
	(void)doc;
	(void)cs;
	(void)kid;
	memset(out, 0, sizeof *out);
}

int abri_casestate_merge(json_t *doc, const abri_case *cs, const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	(void)kid;
	return json_object_set_new(doc, "count", json_integer((json_int_t)cs->n));
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case ABRI_KIND_REPORT: return "report";
	case ABRI_KIND_REPLY: return "reply";
	case ABRI_KIND_NOTE: return "note";
	case ABRI_KIND_ACK: return "ack";
	default: return "other";
	}
}

json_t *abri_case_view(const abri_case *cs, const json_t *answer, const json_t *doc,
                       const abri_local_check *lc)
{
	json_t *msgs = json_array(), *alarms = json_array(), *report = json_null();
	(void)answer;
	(void)lc;
	for (size_t i = 0; i < cs->n; i++) {
		const abri_case_msg *m = &cs->msgs[i];
		json_t *text = json_object_get(m->body, "text");
		if (m->problems || m->chain)
			json_array_append_new(alarms, json_pack("{s:s, s:I}", "code", "unreadable",
			                                        "pos", (json_int_t)m->pos));
		if (i == 0 && m->verified) {
			json_decref(report);
			report = json_pack("{s:I, s:O?, s:O?, s:O?}", "pos", (json_int_t)m->pos,
			                   "lang", json_object_get(m->body, "lang"), "text", text,
			                   "form", json_object_get(m->body, "form"));
			continue;
		}
		json_array_append_new(msgs,
		                      json_pack("{s:I, s:s, s:b, s:O?}", "pos", (json_int_t)m->pos,
		                                "kind", kind_name(m->info.kind), "verified",
		                                m->verified, "text", m->verified ? text : NULL));
	}
	return json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:I}", "case_ref", cs->case_ref,
	                 "state", cs->state, "week", cs->week, "alarm", abri_case_alarming(cs),
	                 "alarms", alarms, "report", report, "messages", msgs, "new_from_person",
	                 (json_int_t)(doc && json_object_get(doc, "count") ? 0 : 1));
}

json_t *abri_case_summary(const json_t *view, long long envelopes)
{
	const json_t *rep = json_object_get(view, "report");
	const json_t *form = json_object_get(rep, "form");
	return json_pack("{s:O, s:O, s:O, s:I, s:b, s:O, s:O?, s:O?, s:b}", "case_ref",
	                 json_object_get(view, "case_ref"), "state", json_object_get(view, "state"),
	                 "week", json_object_get(view, "week"), "envelopes", (json_int_t)envelopes,
	                 "readable", json_is_object(rep), "alarm", json_object_get(view, "alarm"),
	                 "lang", json_object_get(rep, "lang"), "kind",
	                 json_object_get(form, "kind"), "attention", 1);
}
