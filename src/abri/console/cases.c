/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* One case in the console: its view, its attachments, and writing in it
 * (reply, note, coding, state, acknowledgement) through the same cores as
 * the CLI (casewrite.c, coding.c, cmd_state.c, cmd_acknowledge.c,
 * attachments.c). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../acknowledge.h"
#include "../attachments.h"
#include "../coding.h"
#include "abri/caseview.h"
#include "console/console.h"

#ifndef ABRI_TAXONOMY_DEFAULT
#define ABRI_TAXONOMY_DEFAULT "/etc/abri/taxonomy.json"
#endif

/* ---- the view ---- */

static json_t *members_json(const abri_member *m, size_t n)
{
	json_t *a = json_array();
	char fp[40];
	for (size_t i = 0; a != NULL && i < n; i++) {
		abri_fingerprint(fp, m[i].ed_kid);
		if (json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", m[i].name,
		                                       "fingerprint", fp, "role",
		                                       abri_role_name(m[i].role))) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

/* The recipient list changed since this workstation last looked (when the
 * console was unlocked): a case-level entry of "alarms". */
static int add_list_change(const console *c, json_t *view)
{
	const abri_list_change *chg = c->chg;
	json_t *alarms = json_object_get(view, "alarms"), *e;

	if (chg == NULL || !chg->changed || chg->first_seen || !json_is_array(alarms))
		return 0;
	e = json_pack("{s:s, s:I, s:I, s:o?, s:o?}", "code", "list_changed", "from",
	              (json_int_t)chg->old_version, "to", (json_int_t)chg->new_version, "added",
	              members_json(chg->added, chg->n_added), "removed",
	              members_json(chg->removed, chg->n_removed));
	return e != NULL && json_array_append_new(alarms, e) == 0 ? 0 : -1;
}

int console_case_load(console *c, const char *ref, abri_case *cs, json_t **view, json_t **docp,
                      console_resp *r)
{
	json_t *ans = NULL, *doc = NULL;
	abri_local_check lc;
	int ex = cli_case_fetch(c->s, ref, cs, &ans);

	*view = NULL;
	if (ex != CLI_OK) {
		if (r != NULL)
			console_call_failed(c, ex, r);
		return ex;
	}
	if (abri_casestate_load(c->cfg->state_dir, ref, &doc) < 0) {
		cli_err("the local memory of case %s is unreadable", ref);
		ex = CLI_LOCAL;
	} else {
		abri_casestate_check(doc, cs, c->s->key->ed_kid, &lc);
		*view = abri_case_view(cs, ans, doc, &lc);
		if (*view == NULL || add_list_change(c, *view) < 0)
			ex = CLI_LOCAL;
	}
	json_decref(ans);
	if (ex != CLI_OK) {
		if (r != NULL)
			console_error(r, 500, "local_error", "a local error (see the terminal)");
		json_decref(*view);
		*view = NULL;
		json_decref(doc);
		abri_case_free(cs);
		return ex;
	}
	if (docp != NULL)
		*docp = doc;
	else
		json_decref(doc);
	return CLI_OK;
}

/* GET /api/cases/{REF}: the view; what it shows is seen here from now on. */
static void case_view(console *c, const char *ref, console_resp *r)
{
	abri_case cs;
	json_t *view, *doc;

	if (console_case_load(c, ref, &cs, &view, &doc, r) != CLI_OK)
		return;
	if (abri_casestate_merge(doc, &cs, c->s->key->ed_kid) < 0 ||
	    abri_casestate_save(c->cfg->state_dir, ref, doc) < 0)
		cli_err("cannot remember what was seen in case %s", ref);
	console_inbox_forget(c, ref);
	console_json(r, 200, view);
	json_decref(doc);
	abri_case_free(&cs);
}

/* ---- attachments ---- */

static int to_buf(void *cls, const uint8_t *p, size_t n)
{
	return abri_buf_append(cls, p, n);
}

/* The type a photo or voice note is shown with (a constant), or NULL:
 * anything else is only ever downloaded. */
static const char *inline_type(const char *type)
{
	static const char *const ok[] = {"image/jpeg", "image/png", "image/webp", "audio/webm",
	                                 "audio/ogg",  "audio/mp4", "audio/mpeg", "audio/wav"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(type, ok[i]) == 0)
			return ok[i];
	return NULL;
}

static const json_t *attachment_entry(const abri_case *cs, uint32_t pos, size_t n)
{
	for (size_t k = 0; k < cs->n; k++)
		if (cs->msgs[k].pos == pos && cs->msgs[k].verified)
			return json_array_get(json_object_get(cs->msgs[k].body, "attachments"), n);
	return NULL;
}

static void attachment(console *c, const console_req *rq, const char *ref, const char *pos_s,
                       const char *n_s, console_resp *r)
{
	uint32_t pos, n;
	abri_case cs;
	abri_attach_ref a;
	abri_buf ct, pt;
	const json_t *entry;
	char *dl = console_query(rq->target, "download"), safe[65];
	int download = dl != NULL && strcmp(dl, "1") == 0, ex;

	free(dl);
	if (cli_parse_u32(pos_s, 1, UINT32_MAX, &pos) < 0 || cli_parse_u32(n_s, 0, 1000, &n) < 0) {
		console_error(r, 404, "not_found", "no such attachment");
		return;
	}
	if ((ex = cli_case_fetch(c->s, ref, &cs, NULL)) != CLI_OK) {
		console_call_failed(c, ex, r);
		return;
	}
	if ((entry = attachment_entry(&cs, pos, n)) == NULL) {
		console_error(r, 404, "not_found", "no such attachment");
		abri_case_free(&cs);
		return;
	}
	ex = cli_attachment_fetch(c->s, ref, entry, &a, &ct);
	abri_case_free(&cs);
	if (ex == CLI_ALARM) {
		console_error(r, 409, "attachment_alarm", "malformed attachment reference");
		return;
	}
	if (ex != CLI_OK) {
		console_call_failed(c, ex, r);
		return;
	}
	abri_buf_init(&pt);
	ex = cli_attachment_open(&ct, &a, to_buf, &pt);
	abri_buf_free(&ct);
	if (ex != CLI_OK) {
		abri_buf_free(&pt);
		abri_attach_ref_wipe(&a);
		if (ex == CLI_ALARM)
			console_error(r, 409, "attachment_alarm",
			              "the attachment's hash or decryption check failed");
		else
			console_error(r, 500, "local_error", "cannot decrypt the attachment");
		return;
	}
	r->status = 200;
	r->body = pt.data ? pt.data : (uint8_t *)"";
	r->body_static = pt.data == NULL;
	r->len = pt.len;
	if (!download && inline_type(a.type) != NULL) {
		r->content_type = inline_type(a.type);
		snprintf(r->disposition, sizeof r->disposition, "inline");
	} else {
		abri_attach_safe_name(a.name, safe);
		r->content_type = "application/octet-stream";
		snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s\"",
		         safe);
	}
	abri_attach_ref_wipe(&a);
}

/* ---- writing ---- */

static void free_text(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* cli_case_write, re-sealed once when abrid's recipient list changed. */
static int write_msg(console *c, const cli_case_msg *m, cli_write_result *res, console_resp *r)
{
	int ex = cli_case_write(c->s, m, res);

	if (res->refusal == CLI_WRITE_RECIPIENTS_CHANGED && console_session_refresh(c) == CLI_OK)
		ex = cli_case_write(c->s, m, res);
	if (res->sent) {
		console_inbox_forget(c, m->ref);
		if (ex != CLI_OK)
			cli_err("case %s: written, but its local memory could not be updated",
			        m->ref);
		return CLI_OK;
	}
	switch (res->refusal) {
	case CLI_WRITE_DISAPPEARED:
		console_error(r, 409, "case_alarm", "messages seen here have disappeared");
		break;
	case CLI_WRITE_NO_THREAD:
		console_error(r, 409, "case_alarm",
		              "the first report cannot be read with this key");
		break;
	case CLI_WRITE_ALARMING:
		console_error(r, 409, "case_alarm", "the case does not verify");
		break;
	case CLI_WRITE_RECIPIENTS_CHANGED:
		console_error(r, 409, "recipients_changed", "the recipient list keeps changing");
		break;
	default: console_call_failed(c, ex == CLI_OK ? CLI_LOCAL : ex, r); break;
	}
	return ex == CLI_OK ? CLI_LOCAL : ex;
}

static void written(console_resp *r, const cli_write_result *res)
{
	console_json(r, 201, json_pack("{s:I}", "pos", (json_int_t)res->pos));
}

static void open_after_reply(console *c, const char *ref)
{
	json_t *ans = NULL;
	int status = 0;
	if (cli_state_set(c->s, ref, "open", &status, &ans) != ABRI_OK || status != 200)
		cli_err("case %s: answered, but it could not be opened (HTTP %d)", ref, status);
	json_decref(ans);
	console_inbox_forget(c, ref);
}

static void reply(console *c, const char *ref, const json_t *body, int note, console_resp *r)
{
	const json_t *text = json_object_get(body, "text"), *lang = json_object_get(body, "lang");
	cli_write_result res;
	char *msg;

	if (!json_is_string(text) || json_string_length(text) == 0 ||
	    (!note && lang != NULL && !json_is_string(lang)) || (note && lang != NULL)) {
		console_error(r, 400, "bad_json", note ? "{\"text\"}" : "{\"text\", \"lang\"}");
		return;
	}
	json_t *b = json_pack("{s:O, s:O?}", "text", text, "lang", lang);
	if (b == NULL || (msg = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(b);
		console_error(r, 500, "internal", "out of memory");
		return;
	}
	json_decref(b);
	cli_case_msg m = {.ref = ref, .note = note, .body = msg};
	if (write_msg(c, &m, &res, r) == CLI_OK) {
		/* Answering the person is taking the case up: a new case is
		 * opened, so the person's page no longer says nobody read it. */
		if (!note && strcmp(res.state, "new") == 0)
			open_after_reply(c, ref);
		written(r, &res);
	}
	free_text(msg);
}

static const char *str_of(const json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static json_t *codes_of(const json_t *body, const char *key)
{
	json_t *a = json_object_get(body, key);
	return a == NULL ? json_array() : json_incref(a);
}

static void coding(console *c, const char *ref, const json_t *body, console_resp *r)
{
	char month[8], *msg = NULL;
	abri_taxonomy t;
	cli_coding_problem p;
	cli_write_result res;
	json_t *consent = codes_of(body, "consent"), *referred = codes_of(body, "referred");
	json_t *rec = NULL;
	cli_coding cd = {
	    .kind = str_of(body, "kind"),
	    .context = str_of(body, "context"),
	    .interpreter = str_of(body, "interpreter") ? str_of(body, "interpreter") : "none",
	    .outcome = str_of(body, "outcome"),
	    .listened = json_is_true(json_object_get(body, "listened")),
	    .informed = json_is_true(json_object_get(body, "informed")),
	    .complaint_filed = json_is_true(json_object_get(body, "complaint_filed")),
	    .consent = consent,
	    .referred = referred,
	};

	if (abri_taxonomy_load(&t, ABRI_TAXONOMY_DEFAULT) < 0) {
		console_error(r, 500, "local_error", "cannot load the taxonomy");
		json_decref(consent);
		json_decref(referred);
		return;
	}
	cli_month_now(month);
	switch (cli_coding_check(&t, &cd, &p)) {
	case CLI_CODING_OK:
		if ((rec = cli_coding_record(&t, &cd, month)) == NULL ||
		    (msg = cli_coding_note_body(rec)) == NULL)
			console_error(r, 422, "invalid_coding", "the coding is not valid");
		break;
	case CLI_CODING_UNKNOWN:
		console_error_with(r, 422, "unknown_code", "a code is not in the taxonomy",
		                   json_pack("{s:s, s:o?}", "dimension", p.dimension, "valid",
		                             cli_coding_valid(&t, p.dimension)));
		break;
	case CLI_CODING_NO_CONSENT:
		console_error(r, 422, "referral_without_consent",
		              "nothing is referred without consent");
		break;
	default: console_error(r, 422, "invalid_coding", "the coding is not valid"); break;
	}
	if (msg != NULL) {
		cli_case_msg m = {.ref = ref, .note = 1, .body = msg, .what = "coding note"};
		if (write_msg(c, &m, &res, r) == CLI_OK) {
			if (cli_coding_queue(c->cfg, ref, rec, NULL, NULL) != CLI_OK)
				cli_err("case %s: coded, but its statistics record was not queued",
				        ref);
			written(r, &res);
		}
	}
	free_text(msg);
	json_decref(rec);
	json_decref(consent);
	json_decref(referred);
	abri_taxonomy_free(&t);
}

static void set_state(console *c, const char *ref, const json_t *body, console_resp *r)
{
	const char *st = str_of(body, "state");
	json_t *ans = NULL;
	int status, rc;

	if (st == NULL ||
	    (strcmp(st, "open") != 0 && strcmp(st, "closed") != 0 && strcmp(st, "new") != 0)) {
		console_error(r, 400, "bad_json", "state is open, closed or new");
		return;
	}
	rc = cli_state_set(c->s, ref, st, &status, &ans);
	if (rc == ABRI_OK && status == 200) {
		/* abrid's answer names the state only: the purge date that
		 * closing set is read back from the case. */
		abri_case cs;
		json_t *full = NULL;
		console_inbox_forget(c, ref);
		if (cli_case_fetch(c->s, ref, &cs, &full) == CLI_OK)
			abri_case_free(&cs);
		console_json(r, 200,
		             json_pack("{s:O?, s:O?}", "state", json_object_get(ans, "state"),
		                       "purge_after", json_object_get(full, "purge_after")));
		json_decref(full);
	} else {
		console_call_failed(
		    c, rc < 0 && c->s->client.last_status == 0 ? cli_exit_for(rc) : CLI_SERVER, r);
	}
	json_decref(ans);
}

/* The acknowledgement's body for case ref; NULL with r answered. */
static char *ack_body(console *c, const char *ref, console_resp *r)
{
	abri_case cs;
	abri_taxonomy t;
	char *body = NULL;
	int ex = cli_case_fetch(c->s, ref, &cs, NULL), why;

	if (ex != CLI_OK) {
		console_call_failed(c, ex, r);
		return NULL;
	}
	if (abri_taxonomy_load(&t, ABRI_TAXONOMY_DEFAULT) < 0) {
		console_error(r, 500, "local_error", "cannot load the taxonomy");
		abri_case_free(&cs);
		return NULL;
	}
	why = cli_ack_compose(c->s, &cs, &t, &body);
	if (why == CLI_ACK_NO_CODING)
		console_error(r, 422, "no_coding", "code the case first");
	else if (why == CLI_ACK_NOT_LISTENER)
		console_error(r, 403, "not_listener", "this key is not a listener of the list");
	else if (why != CLI_ACK_OK)
		console_error(r, 422, "invalid_coding", "the coding does not fit the taxonomy");
	abri_taxonomy_free(&t);
	abri_case_free(&cs);
	return body;
}

static void ack(console *c, const char *ref, int preview, console_resp *r)
{
	char *body = ack_body(c, ref, r), *file = NULL;
	json_t *doc;
	abri_buf inner;
	cli_write_result res;

	if (body == NULL)
		return;
	if (preview) {
		doc = json_loads(body, 0, NULL);
		json_t *a = json_object_get(doc, "ack");
		console_json(
		    r, 200,
		    json_pack("{s:O?, s:O?}", "ack", a, "lang", json_object_get(a, "lang")));
		json_decref(doc);
		free_text(body);
		return;
	}
	abri_buf_init(&inner);
	cli_case_msg m = {.ref = ref,
	                  .body = body,
	                  .what = "acknowledgement",
	                  .kind = ABRI_KIND_ACK,
	                  .inner_out = &inner};
	if (write_msg(c, &m, &res, r) == CLI_OK) {
		file = cli_ack_file(c->s, &inner);
		doc = file ? json_loads(file, 0, NULL) : NULL;
		console_json(r, 201,
		             json_pack("{s:I, s:o?}", "pos", (json_int_t)res.pos, "file", doc));
	}
	free_text(file);
	abri_buf_free(&inner);
	free_text(body);
}

void console_case_route(console *c, const console_req *rq, const char *ref, char **seg, size_t nseg,
                        const json_t *body, console_resp *r)
{
	int post = body != NULL;
	const char *what = nseg > 0 ? seg[0] : "";

	if (!abri_case_ref_valid(ref)) {
		console_error(r, 404, "not_found", "not a case reference");
	} else if (!post && nseg == 0) {
		case_view(c, ref, r);
	} else if (!post && nseg == 3 && strcmp(what, "attachments") == 0) {
		attachment(c, rq, ref, seg[1], seg[2], r);
	} else if (post && nseg == 1 && strcmp(what, "reply") == 0) {
		reply(c, ref, body, 0, r);
	} else if (post && nseg == 1 && strcmp(what, "note") == 0) {
		reply(c, ref, body, 1, r);
	} else if (post && nseg == 1 && strcmp(what, "coding") == 0) {
		coding(c, ref, body, r);
	} else if (post && nseg == 1 && strcmp(what, "state") == 0) {
		set_state(c, ref, body, r);
	} else if (post && nseg == 1 && strcmp(what, "ack") == 0) {
		ack(c, ref, 0, r);
	} else if (post && nseg == 2 && strcmp(what, "ack") == 0 &&
	           strcmp(seg[1], "preview") == 0) {
		ack(c, ref, 1, r);
	} else {
		console_error(r, 404, "not_found", "no such route");
	}
}
