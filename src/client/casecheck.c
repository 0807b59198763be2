/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Case verification: the one implementation shared by the CLI (listener)
 * and the reporter client. Every envelope the reader can open is opened
 * (which checks its commitment), its signature is verified against the
 * reporter key carried by the first report or against the listener of the
 * recipient list the message names, and the authors' chains are checked. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/caseview.h"
#include "abri/client.h"

#define CASE_ENVELOPES_MAX 100000u

static int load_one(abri_case_msg *m, const json_t *e)
{
	json_t *pos = json_object_get(e, "pos");
	const char *b64 = json_string_value(json_object_get(e, "envelope"));
	if (!json_is_integer(pos) || json_integer_value(pos) < 1 ||
	    json_integer_value(pos) > (json_int_t)UINT32_MAX || b64 == NULL)
		return ABRI_CLIENT_ERR_SERVER;
	m->pos = (uint32_t)json_integer_value(pos);
	if (abri_b64_decode(b64, &m->env, &m->env_len) < 0) {
		m->env = NULL;
		m->env_len = 0;
		m->problems |= ABRI_MSG_BAD_ENVELOPE;
	}
	return ABRI_OK;
}

static int copy_str(char *dst, size_t n, const json_t *v)
{
	const char *s = json_string_value(v);
	if (s == NULL || strlen(s) >= n)
		return ABRI_CLIENT_ERR_SERVER;
	memcpy(dst, s, strlen(s) + 1);
	return ABRI_OK;
}

int abri_case_load(abri_case *cs, const json_t *answer)
{
	json_t *envs = json_object_get(answer, "envelopes");
	int rc;

	memset(cs, 0, sizeof *cs);
	if ((rc = copy_str(cs->case_ref, sizeof cs->case_ref,
	                   json_object_get(answer, "case_ref"))) < 0 ||
	    !abri_case_ref_valid(cs->case_ref) ||
	    (rc = copy_str(cs->state, sizeof cs->state, json_object_get(answer, "state"))) < 0 ||
	    (rc = copy_str(cs->week, sizeof cs->week, json_object_get(answer, "week"))) < 0 ||
	    !json_is_array(envs) || json_array_size(envs) > CASE_ENVELOPES_MAX)
		return ABRI_CLIENT_ERR_SERVER;
	cs->n = json_array_size(envs);
	cs->msgs = calloc(cs->n ? cs->n : 1, sizeof *cs->msgs);
	if (cs->msgs == NULL)
		return ABRI_ERR_NOMEM;
	for (size_t i = 0; i < cs->n; i++)
		if ((rc = load_one(&cs->msgs[i], json_array_get(envs, i))) < 0) {
			abri_case_free(cs);
			return rc;
		}
	return ABRI_OK;
}

void abri_case_free(abri_case *cs)
{
	for (size_t i = 0; cs->msgs != NULL && i < cs->n; i++) {
		abri_case_msg *m = &cs->msgs[i];
		free(m->env);
		if (m->pt != NULL)
			abri_secure_free(m->pt, m->pt_len);
		json_decref(m->body);
	}
	free(cs->msgs);
	memset(cs, 0, sizeof *cs);
}

/* ---- opening ---- */

static int addressed_to(const abri_case_msg *m, const abri_reader *rd)
{
	if (rd->reporter != NULL)
		return m->info.has_reporter_stanza;
	for (size_t i = 0; i < m->info.n_keyed; i++)
		if (memcmp(m->info.kids[i], rd->listener->x_kid, ABRI_KEY_ID_BYTES) == 0)
			return 1;
	return 0;
}

static void parse_body(abri_case_msg *m)
{
	json_error_t jerr;
	m->body = json_loadb((const char *)m->inner.body, m->inner.body_len, JSON_REJECT_DUPLICATES,
	                     &jerr);
	json_t *text = json_object_get(m->body, "text");
	if (!json_is_object(m->body) || (text != NULL && !json_is_string(text))) {
		json_decref(m->body);
		m->body = NULL;
		m->problems |= ABRI_MSG_BAD_BODY;
	}
}

static void open_one(abri_case_msg *m, const abri_reader *rd, const char *tenant, size_t max_padded,
                     uint32_t current_version)
{
	abri_envelope_info info;
	const uint8_t *kid = NULL, *xpk, *xsk;

	if (m->env == NULL)
		return;
	abri_hash(m->hash, m->env, m->env_len);
	if (abri_envelope_parse(m->env, m->env_len, max_padded, &m->info) < 0) {
		m->problems |= ABRI_MSG_BAD_ENVELOPE;
		return;
	}
	if (strcmp(m->info.tenant, tenant) != 0) {
		m->problems |= ABRI_MSG_WRONG_TENANT;
		return;
	}
	if (m->info.list_version > current_version)
		m->problems |= ABRI_MSG_FUTURE_LIST;
	if (!(m->for_me = addressed_to(m, rd)))
		return;
	if (rd->listener != NULL) {
		kid = rd->listener->x_kid;
		xpk = rd->listener->x25519_pk;
		xsk = rd->listener->x25519_sk;
	} else {
		xpk = rd->reporter->x25519_pk;
		xsk = rd->reporter->x25519_sk;
	}
	if (abri_envelope_open(m->env, m->env_len, kid, xpk, xsk, max_padded, &m->pt, &m->pt_len,
	                       &info) < 0) {
		m->pt = NULL;
		m->problems |= ABRI_MSG_OPEN_FAILED;
		return;
	}
	if (abri_inner_decode(&m->inner, m->pt, m->pt_len) < 0) {
		m->problems |= ABRI_MSG_BAD_INNER;
		return;
	}
	m->opened = 1;
	if (m->inner.list_version != m->info.list_version)
		m->problems |= ABRI_MSG_LIST_MISMATCH;
	parse_body(m);
}

/* Report first, exactly once; only case kinds. */
static void check_kind(abri_case_msg *m, size_t index)
{
	int k = m->info.kind;
	if (m->problems & (ABRI_MSG_BAD_ENVELOPE | ABRI_MSG_WRONG_TENANT))
		return;
	if ((index == 0) != (k == ABRI_KIND_REPORT) || k < ABRI_KIND_REPORT || k > ABRI_KIND_ACK)
		m->problems |= ABRI_MSG_BAD_KIND;
}

/* The case thread and reporter keys: the reporter knows its own; a listener
 * takes them from the first report. */
static void establish_thread(abri_case *cs, const abri_reader *rd)
{
	abri_case_msg *first = cs->n > 0 ? &cs->msgs[0] : NULL;
	int report = first && first->opened && first->info.kind == ABRI_KIND_REPORT &&
	             first->inner.has_reporter_keys;

	if (rd->reporter != NULL) {
		memcpy(cs->thread, rd->reporter->thread, ABRI_HASH_BYTES);
		memcpy(cs->reporter_x25519_pk, rd->reporter->x25519_pk, ABRI_X25519_PK);
		memcpy(cs->reporter_ed25519_pk, rd->reporter->ed25519_pk, ABRI_ED25519_PK);
		cs->have_thread = 1;
		if (report && (memcmp(first->inner.reporter_ed25519_pk, rd->reporter->ed25519_pk,
		                      ABRI_ED25519_PK) != 0 ||
		               memcmp(first->inner.reporter_x25519_pk, rd->reporter->x25519_pk,
		                      ABRI_X25519_PK) != 0))
			first->problems |= ABRI_MSG_WRONG_REPORTER;
		return;
	}
	if (!report)
		return;
	memcpy(cs->reporter_x25519_pk, first->inner.reporter_x25519_pk, ABRI_X25519_PK);
	memcpy(cs->reporter_ed25519_pk, first->inner.reporter_ed25519_pk, ABRI_ED25519_PK);
	abri_hash(cs->thread, cs->reporter_ed25519_pk, ABRI_ED25519_PK);
	cs->have_thread = 1;
}

/* Case envelopes are for listeners only. An envelope with a keyed stanza
 * for the server's key, an auditor's or a key outside the list it names
 * can be read by someone who must not: alarm even if abrid stored it (an
 * older abrid, or a hostile one). Seen from the header, so also for
 * envelopes this reader cannot open. */
static void check_readers(abri_case_msg *m, abri_lists *L)
{
	const abri_recipients *list;

	if (m->env == NULL || (m->problems & (ABRI_MSG_BAD_ENVELOPE | ABRI_MSG_WRONG_TENANT)))
		return;
	if (abri_lists_get(L, m->info.list_version, &list) < 0) {
		m->problems |= ABRI_MSG_LIST_UNAVAILABLE;
		return;
	}
	for (size_t i = 0; i < m->info.n_keyed; i++) {
		const abri_member *r = abri_recipients_by_x_kid(list, m->info.kids[i]);
		if (r == NULL || r->role != ABRI_ROLE_LISTENER)
			m->problems |= ABRI_MSG_NOT_LISTENERS;
	}
}

/* ---- signatures ---- */

static void verify_reporter_msg(abri_case *cs, abri_case_msg *m, const abri_reader *rd,
                                const char *tenant)
{
	uint8_t kid[ABRI_KEY_ID_BYTES];
	int kind = m->info.kind;

	if (!cs->have_thread) {
		m->problems |= ABRI_MSG_UNVERIFIABLE;
		return;
	}
	if (memcmp(m->inner.thread, cs->thread, ABRI_HASH_BYTES) != 0) {
		/* Another reporter's message: moved here from another case. */
		m->chain |= ABRI_CHAIN_WRONG_THREAD;
		return;
	}
	abri_key_id(kid, ABRI_KID_ED25519, cs->reporter_ed25519_pk);
	if (memcmp(kid, m->inner.author_kid, sizeof kid) != 0 ||
	    abri_inner_verify(m->pt, m->pt_len, kind, tenant, cs->reporter_ed25519_pk) < 0) {
		m->problems |= ABRI_MSG_BAD_SIGNATURE;
		return;
	}
	if ((kind == ABRI_KIND_REPORT) != (m->inner.has_reporter_keys != 0))
		m->problems |= ABRI_MSG_BAD_KIND;
	m->verified = 1;
	m->by_reporter = 1;
	m->by_reader = rd->reporter != NULL;
}

static void verify_listener_msg(abri_case_msg *m, const abri_reader *rd, abri_lists *L,
                                const char *tenant)
{
	const abri_recipients *list;
	const abri_member *a;

	if (abri_lists_get(L, m->inner.list_version, &list) < 0) {
		m->problems |= ABRI_MSG_LIST_UNAVAILABLE;
		return;
	}
	a = abri_recipients_by_ed_kid(list, m->inner.author_kid);
	if (a == NULL || a->role != ABRI_ROLE_LISTENER) {
		m->problems |= ABRI_MSG_UNKNOWN_AUTHOR;
		return;
	}
	if (abri_inner_verify(m->pt, m->pt_len, m->info.kind, tenant, a->ed25519_pk) < 0) {
		m->problems |= ABRI_MSG_BAD_SIGNATURE;
		return;
	}
	if (m->inner.has_reporter_keys)
		m->problems |= ABRI_MSG_BAD_KIND;
	m->verified = 1;
	m->author = *a;
	m->by_reader =
	    rd->listener != NULL && memcmp(a->ed_kid, rd->listener->ed_kid, ABRI_KEY_ID_BYTES) == 0;
}

/* ---- chains ---- */

/* Index of an envelope before `before` with this hash, or -1. */
static long find_hash(const abri_case *cs, size_t before, const uint8_t h[ABRI_HASH_BYTES],
                      int only_unopened)
{
	for (size_t j = 0; j < before; j++)
		if (cs->msgs[j].env != NULL && (!only_unopened || !cs->msgs[j].opened) &&
		    memcmp(cs->msgs[j].hash, h, ABRI_HASH_BYTES) == 0)
			return (long)j;
	return -1;
}

/* abri_chain_check sees only what the reader opened. A link to an envelope
 * that is present but not readable by this reader (a note, for the
 * reporter; a message sealed before a listener joined) is not a gap: the
 * hash proves the linked envelope is there. */
static unsigned relax(const abri_case *cs, size_t i, unsigned f)
{
	const abri_inner *in = &cs->msgs[i].inner;
	if ((f & (ABRI_CHAIN_GAP | ABRI_CHAIN_BAD_PREV)) && in->counter > 1 &&
	    find_hash(cs, i, in->prev, 1) >= 0)
		f &= ~(unsigned)(ABRI_CHAIN_GAP | ABRI_CHAIN_BAD_PREV);
	if ((f & ABRI_CHAIN_UNKNOWN_SEEN) && find_hash(cs, i, in->seen, 0) >= 0)
		f &= ~(unsigned)ABRI_CHAIN_UNKNOWN_SEEN;
	return f;
}

static int check_chains(abri_case *cs)
{
	abri_chain_item *items = calloc(cs->n ? cs->n : 1, sizeof *items);
	size_t *idx = calloc(cs->n ? cs->n : 1, sizeof *idx);
	size_t k = 0;

	if (items == NULL || idx == NULL) {
		free(items);
		free(idx);
		return ABRI_ERR_NOMEM;
	}
	for (size_t i = 0; i < cs->n; i++) {
		if (!cs->msgs[i].verified)
			continue;
		memcpy(items[k].hash, cs->msgs[i].hash, ABRI_HASH_BYTES);
		items[k].m = &cs->msgs[i].inner;
		idx[k++] = i;
	}
	if (k > 0) {
		const uint8_t *thread = cs->have_thread ? cs->thread : items[0].m->thread;
		abri_chain_check(items, k, thread);
	}
	for (size_t j = 0; j < k; j++)
		cs->msgs[idx[j]].chain |= relax(cs, idx[j], items[j].flags);
	/* A replayed envelope the reader cannot open is still a replay. */
	for (size_t i = 1; i < cs->n; i++)
		if (cs->msgs[i].env != NULL && find_hash(cs, i, cs->msgs[i].hash, 0) >= 0)
			cs->msgs[i].chain |= ABRI_CHAIN_DUPLICATE;
	free(items);
	free(idx);
	return ABRI_OK;
}

int abri_case_verify(abri_case *cs, const abri_reader *rd, abri_lists *L, size_t max_padded)
{
	const char *tenant = L->client->tenant;
	int rc;

	if ((rd->listener == NULL) == (rd->reporter == NULL) || L->current == NULL)
		return ABRI_ERR_INVALID;
	for (size_t i = 0; i < cs->n; i++) {
		open_one(&cs->msgs[i], rd, tenant, max_padded, L->current->version);
		check_kind(&cs->msgs[i], i);
		check_readers(&cs->msgs[i], L);
	}
	establish_thread(cs, rd);
	for (size_t i = 0; i < cs->n; i++) {
		abri_case_msg *m = &cs->msgs[i];
		if (!m->opened)
			continue;
		if (m->info.kind == ABRI_KIND_REPORT || m->info.kind == ABRI_KIND_MESSAGE)
			verify_reporter_msg(cs, m, rd, tenant);
		else
			verify_listener_msg(m, rd, L, tenant);
	}
	if ((rc = check_chains(cs)) < 0)
		return rc;
	/* No report at all is an alarm, unless the reporter erased the case. */
	cs->problems = cs->n == 0 && strcmp(cs->state, "erased") != 0 ? ABRI_MSG_BAD_KIND : 0;
	cs->chain = 0;
	for (size_t i = 0; i < cs->n; i++) {
		cs->problems |= cs->msgs[i].problems;
		cs->chain |= cs->msgs[i].chain;
	}
	return ABRI_OK;
}

int abri_case_alarming(const abri_case *cs)
{
	return cs->problems != 0 || cs->chain != 0;
}

/* Every finding of abri_case_verify and abri_chain_check: its name and
 * what it means. */
static const struct {
	unsigned bit;
	int chain;
	const char *code; /* its name (docs/console-api.md) */
	const char *text;
} explanations[] = {
    {ABRI_MSG_BAD_ENVELOPE, 0, "unreadable", "malformed envelope"},
    {ABRI_MSG_WRONG_TENANT, 0, "wrong_deployment", "sealed for another deployment"},
    {ABRI_MSG_OPEN_FAILED, 0, "unreadable", "sealed to you but cannot be opened (altered?)"},
    {ABRI_MSG_BAD_INNER, 0, "unreadable", "content does not decode"},
    {ABRI_MSG_BAD_SIGNATURE, 0, "forged", "BAD SIGNATURE (forged or altered)"},
    {ABRI_MSG_UNKNOWN_AUTHOR, 0, "unknown_author", "author is not a listener of the list it names"},
    {ABRI_MSG_LIST_MISMATCH, 0, "list_problem", "inner and outer list versions differ"},
    {ABRI_MSG_LIST_UNAVAILABLE, 0, "list_problem", "the recipient list it names cannot be verified"},
    {ABRI_MSG_FUTURE_LIST, 0, "list_problem", "names a list newer than the server's current one (rollback?)"},
    {ABRI_MSG_BAD_KIND, 0, "bad_kind", "kind not allowed at this place (report must come first, once)"},
    {ABRI_MSG_BAD_BODY, 0, "unreadable", "body is not a JSON object"},
    {ABRI_MSG_UNVERIFIABLE, 0, "unverifiable", "reporter key unknown (first report unreadable)"},
    {ABRI_MSG_WRONG_REPORTER, 0, "wrong_reporter", "first report carries other keys than yours"},
    {ABRI_MSG_NOT_LISTENERS, 0, "not_listeners",
     "ALSO SEALED TO A KEY THAT IS NOT A LISTENER (the server's, an auditor's or an unknown "
     "key): someone who must not read this message may be able to"},
    {ABRI_CHAIN_WRONG_THREAD, 1, "moved", "MOVED from another case (wrong thread)"},
    {ABRI_CHAIN_DUPLICATE, 1, "replayed", "REPLAYED / duplicated"},
    {ABRI_CHAIN_GAP, 1, "missing", "a message is MISSING before this one (gap)"},
    {ABRI_CHAIN_BAD_PREV, 1, "altered", "does not follow its author's previous message (reordered/forged)"},
    {ABRI_CHAIN_UNKNOWN_SEEN, 1, "withheld", "refers to a message that is not in the case"},
    {ABRI_CHAIN_OUT_OF_ORDER, 1, "reordered", "REORDERED (counter lower than one seen before)"},
};

int abri_case_msg_alarms(const abri_case_msg *m, json_t *arr)
{
	for (size_t i = 0; i < sizeof explanations / sizeof explanations[0]; i++) {
		unsigned have = explanations[i].chain ? m->chain : m->problems;
		if (!(have & explanations[i].bit) || abri_json_has_string(arr, explanations[i].code))
			continue;
		if (json_array_append_new(arr, json_string(explanations[i].code)) < 0)
			return ABRI_ERR_NOMEM;
	}
	return ABRI_OK;
}

void abri_case_msg_explain(const abri_case_msg *m, char *buf, size_t n)
{
	size_t used = 0;
	if (n == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof explanations / sizeof explanations[0]; i++) {
		unsigned have = explanations[i].chain ? m->chain : m->problems;
		if (!(have & explanations[i].bit))
			continue;
		int w =
		    snprintf(buf + used, n - used, "%s%s", used ? "; " : "", explanations[i].text);
		if (w < 0 || (size_t)w >= n - used)
			return;
		used += (size_t)w;
	}
}

void abri_case_next(const abri_case *cs, const uint8_t author_kid[ABRI_KEY_ID_BYTES],
                    abri_chain_pos *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < cs->n; i++) {
		const abri_case_msg *m = &cs->msgs[i];
		if (!m->verified)
			continue;
		if (memcmp(m->inner.author_kid, author_kid, ABRI_KEY_ID_BYTES) == 0) {
			if (m->inner.counter > out->counter) {
				out->counter = m->inner.counter;
				memcpy(out->prev, m->hash, ABRI_HASH_BYTES);
			}
		} else {
			memcpy(out->seen, m->hash, ABRI_HASH_BYTES);
		}
	}
	out->counter++;
}
