/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of src/client/casecheck.c without a server: a case written
 * by a reporter and two listeners (with a note the reporter cannot read)
 * verifies cleanly from all three viewpoints; then a dropped, replayed,
 * reordered, moved, altered or forged message raises the right alarm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "abri/caseview.h"
#include "abri/client.h"

#define TENANT "abri-test"
#define MAXP   262144u

#include "../check.h"

static abri_keypair *org, *server, *l1, *l2, *stranger;
static abri_reporter_keys *rep, *rep_b;
static abri_client client;
static abri_lists lists;

static json_t *member(const char *role, const char *name, const abri_keypair *k)
{
	char *x = abri_b64_encode(k->x25519_pk, 32), *e = abri_b64_encode(k->ed25519_pk, 32);
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:i}", "role", role, "name", name, "x25519", x,
	                      "ed25519", e, "epoch", 1);
	free(x);
	free(e);
	return m;
}

/* A signed list (server, l1, l2) accepted as current, no state dir. */
static void setup_list(void)
{
	json_t *doc = json_pack("{s:s, s:i, s:I, s:[o,o,o]}", "deployment_id", TENANT, "version", 1,
	                        "not_after", (json_int_t)time(NULL) + 86400, "members",
	                        member("server", "abrid", server), member("listener", "One", l1),
	                        member("listener", "Two", l2));
	char *text = json_dumps(doc, JSON_COMPACT);
	abri_buf fields;
	uint8_t sig[64];
	abri_buf_init(&fields);
	CHECK(abri_recipients_sign(&fields, sig, text, strlen(text), TENANT, org->ed25519_sk) == 0);
	char *l64 = abri_b64_encode(fields.data, fields.len), *s64 = abri_b64_encode(sig, 64);
	json_t *signed_list = json_pack("{s:s, s:s}", "list", l64, "sig", s64);
	CHECK(abri_client_init(&client, "http://127.0.0.1:9", NULL, TENANT) == 0);
	abri_lists_init(&lists, &client, NULL, org->ed25519_pk);
	CHECK(abri_lists_accept_current(&lists, signed_list, time(NULL), NULL) == 0);
	json_decref(signed_list);
	json_decref(doc);
	free(text);
	free(l64);
	free(s64);
	abri_buf_free(&fields);
}

static abri_keypair *keypair(int role)
{
	abri_keypair *k = abri_keypair_new();
	CHECK(k != NULL && abri_keypair_generate(k, role) == 0);
	return k;
}

static abri_reporter_keys *reporter_keys(void)
{
	uint8_t seed[32];
	abri_reporter_keys *k = abri_reporter_keys_new();
	randombytes_buf(seed, sizeof seed);
	CHECK(k != NULL && abri_reporter_keys_from_seed(k, seed) == 0);
	return k;
}

static json_t *answer(json_t *envs)
{
	return json_pack("{s:s, s:s, s:s, s:O}", "case_ref", "7K2M9QX4TB", "state", "open", "week",
	                 "2026-W47", "envelopes", envs);
}

static void append(json_t *envs, const abri_buf *env)
{
	char *b = abri_b64_encode(env->data, env->len);
	json_array_append_new(
	    envs, json_pack("{s:i, s:s}", "pos", (int)json_array_size(envs) + 1, "envelope", b));
	free(b);
}

/* Verify envs as a listener (lk) or the reporter (rk); returns the case. */
static void verify(json_t *envs, const abri_keypair *lk, const abri_reporter_keys *rk,
                   abri_case *cs)
{
	abri_reader rd = {.listener = lk, .reporter = rk};
	json_t *a = answer(envs);
	CHECK(abri_case_load(cs, a) == 0);
	CHECK(abri_case_verify(cs, &rd, &lists, MAXP) == 0);
	json_decref(a);
}

static int alarming(json_t *envs, const abri_keypair *lk, const abri_reporter_keys *rk,
                    unsigned *problems, unsigned *chain)
{
	abri_case cs;
	verify(envs, lk, rk, &cs);
	int a = abri_case_alarming(&cs);
	*problems = cs.problems;
	*chain = cs.chain;
	abri_case_free(&cs);
	return a;
}

/* A listener writes in the case: chain from the verified case. */
static void listener_writes(json_t *envs, const abri_keypair *k, int kind, const char *text)
{
	abri_case cs;
	abri_buf env;
	char *body = abri_body_json(text, NULL);
	verify(envs, k, NULL, &cs);
	CHECK(!abri_case_alarming(&cs));
	abri_compose c = {
	    .kind = kind,
	    .tenant = TENANT,
	    .list = lists.current,
	    .thread = cs.thread,
	    .author_kid = k->ed_kid,
	    .author_sk = k->ed25519_sk,
	    .reporter_x25519_pk = kind == ABRI_KIND_NOTE ? NULL : cs.reporter_x25519_pk,
	    .body = body,
	    .body_len = strlen(body),
	    .max_padded = MAXP,
	};
	abri_case_next(&cs, k->ed_kid, &c.chain);
	abri_buf_init(&env);
	CHECK(abri_compose_seal(&env, &c) == 0);
	append(envs, &env);
	abri_buf_free(&env);
	abri_case_free(&cs);
	free(body);
}

static void reporter_writes(json_t *envs, const abri_reporter_keys *k, const char *text)
{
	abri_buf env;
	char *body = abri_body_json(text, "fr");
	abri_server_config cfg = {.max_padded = MAXP};
	abri_buf_init(&env);
	if (json_array_size(envs) == 0) {
		CHECK(abri_reporter_seal_report(&client, lists.current, &cfg, k, body, &env) == 0);
	} else {
		abri_case cs;
		verify(envs, NULL, k, &cs);
		CHECK(!abri_case_alarming(&cs));
		abri_compose c = {
		    .kind = ABRI_KIND_MESSAGE,
		    .tenant = TENANT,
		    .list = lists.current,
		    .thread = k->thread,
		    .author_kid = k->ed_kid,
		    .author_sk = k->ed25519_sk,
		    .reporter_x25519_pk = k->x25519_pk,
		    .body = body,
		    .body_len = strlen(body),
		    .max_padded = MAXP,
		};
		abri_case_next(&cs, k->ed_kid, &c.chain);
		CHECK(abri_compose_seal(&env, &c) == 0);
		abri_case_free(&cs);
	}
	append(envs, &env);
	abri_buf_free(&env);
	free(body);
}

/* report, reply(l1), note(l1), message, reply(l2), reply(l1) */
static json_t *clean_case(void)
{
	json_t *envs = json_array();
	reporter_writes(envs, rep, "report");
	listener_writes(envs, l1, ABRI_KIND_REPLY, "reply one");
	listener_writes(envs, l1, ABRI_KIND_NOTE, "internal note");
	reporter_writes(envs, rep, "more");
	listener_writes(envs, l2, ABRI_KIND_REPLY, "reply two");
	listener_writes(envs, l1, ABRI_KIND_REPLY, "reply three");
	return envs;
}

static void test_clean(json_t *envs)
{
	abri_case cs;
	unsigned p, c;
	CHECK(!alarming(envs, l1, NULL, &p, &c));
	CHECK(!alarming(envs, l2, NULL, &p, &c));
	CHECK(!alarming(envs, NULL, rep, &p, &c));

	verify(envs, NULL, rep, &cs);
	CHECK(cs.n == 6 && !cs.msgs[2].for_me && !cs.msgs[2].opened); /* the note */
	CHECK(cs.msgs[5].verified && cs.msgs[5].inner.counter == 3);
	CHECK(strcmp(json_string_value(json_object_get(cs.msgs[3].body, "text")), "more") == 0);
	abri_case_free(&cs);

	verify(envs, l2, NULL, &cs);
	CHECK(cs.msgs[2].verified && cs.msgs[2].info.kind == ABRI_KIND_NOTE);
	CHECK(cs.msgs[4].by_reader && !cs.msgs[5].by_reader && cs.msgs[0].by_reporter);
	CHECK(strcmp(cs.msgs[5].author.name, "One") == 0);
	abri_chain_pos pos;
	abri_case_next(&cs, l1->ed_kid, &pos);
	CHECK(pos.counter == 4 && memcmp(pos.prev, cs.msgs[5].hash, 32) == 0 &&
	      memcmp(pos.seen, cs.msgs[4].hash, 32) == 0);
	abri_case_free(&cs);
}

static json_t *without(json_t *envs, size_t drop)
{
	json_t *out = json_deep_copy(envs);
	json_array_remove(out, drop);
	return out;
}

static void test_tampering(json_t *envs)
{
	unsigned p, c;
	json_t *t;

	/* dropped: l1's first reply */
	t = without(envs, 1);
	CHECK(alarming(t, l2, NULL, &p, &c) && (c & (ABRI_CHAIN_GAP | ABRI_CHAIN_BAD_PREV)));
	CHECK(alarming(t, NULL, rep, &p, &c) && (c & ABRI_CHAIN_UNKNOWN_SEEN));
	json_decref(t);

	/* dropped: the reporter's follow-up (l2's reply had seen it) */
	t = without(envs, 3);
	CHECK(alarming(t, l1, NULL, &p, &c) && (c & ABRI_CHAIN_UNKNOWN_SEEN));
	json_decref(t);

	/* replayed: l2's reply stored twice */
	t = json_deep_copy(envs);
	json_array_append(t, json_array_get(t, 4));
	CHECK(alarming(t, l1, NULL, &p, &c) && (c & ABRI_CHAIN_DUPLICATE));
	CHECK(alarming(t, NULL, rep, &p, &c) && (c & ABRI_CHAIN_DUPLICATE));
	json_decref(t);

	/* reordered: l1's two replies swapped */
	t = json_deep_copy(envs);
	json_t *a = json_incref(json_array_get(t, 1)), *b = json_incref(json_array_get(t, 5));
	json_array_set_new(t, 1, b);
	json_array_set_new(t, 5, a);
	CHECK(alarming(t, l2, NULL, &p, &c) && c != 0);
	json_decref(t);

	/* moved: another case's report and reply appended */
	json_t *other = json_array();
	reporter_writes(other, rep_b, "other case");
	listener_writes(other, l1, ABRI_KIND_REPLY, "other reply");
	t = json_deep_copy(envs);
	json_array_append(t, json_array_get(other, 0));
	CHECK(alarming(t, l2, NULL, &p, &c) && (c & ABRI_CHAIN_WRONG_THREAD) &&
	      (p & ABRI_MSG_BAD_KIND));
	json_decref(t);
	t = json_deep_copy(envs);
	json_array_append(t, json_array_get(other, 1));
	CHECK(alarming(t, l2, NULL, &p, &c) && (c & ABRI_CHAIN_WRONG_THREAD));
	json_decref(t);
	json_decref(other);

	/* altered: one byte of the last ciphertext */
	t = json_deep_copy(envs);
	uint8_t *raw;
	size_t n;
	CHECK(abri_b64_decode(json_string_value(json_object_get(json_array_get(t, 5), "envelope")),
	                      &raw, &n) == 0);
	raw[n - 20] ^= 1;
	char *b64 = abri_b64_encode(raw, n);
	json_object_set_new(json_array_get(t, 5), "envelope", json_string(b64));
	CHECK(alarming(t, l2, NULL, &p, &c) && (p & ABRI_MSG_OPEN_FAILED));
	CHECK(alarming(t, NULL, rep, &p, &c) && (p & ABRI_MSG_OPEN_FAILED));
	free(b64);
	free(raw);
	json_decref(t);
}

/* A key outside the list, signing as itself or impersonating l1. */
static void test_forgery(json_t *envs)
{
	unsigned p, c;
	abri_case cs;
	const uint8_t *kids[2] = {stranger->ed_kid, l1->ed_kid};
	unsigned want[2] = {ABRI_MSG_UNKNOWN_AUTHOR, ABRI_MSG_BAD_SIGNATURE};

	for (int i = 0; i < 2; i++) {
		json_t *t = json_deep_copy(envs);
		abri_buf env;
		char *body = abri_body_json("forged", NULL);
		verify(t, l2, NULL, &cs);
		abri_compose cmp = {
		    .kind = ABRI_KIND_REPLY,
		    .tenant = TENANT,
		    .list = lists.current,
		    .thread = cs.thread,
		    .author_kid = kids[i],
		    .author_sk = stranger->ed25519_sk,
		    .reporter_x25519_pk = cs.reporter_x25519_pk,
		    .body = body,
		    .body_len = strlen(body),
		    .max_padded = MAXP,
		};
		abri_case_next(&cs, kids[i], &cmp.chain);
		abri_buf_init(&env);
		CHECK(abri_compose_seal(&env, &cmp) == 0);
		append(t, &env);
		CHECK(alarming(t, l2, NULL, &p, &c) && (p & want[i]));
		CHECK(alarming(t, NULL, rep, &p, &c) && (p & want[i]));
		abri_buf_free(&env);
		abri_case_free(&cs);
		free(body);
		json_decref(t);
	}
}

/* The case model (src/client/caseview.c, casestate.c): what is new from
 * the person, the view's alarms by name, local memory, references. */
static void test_view(json_t *envs)
{
	abri_case cs;
	abri_local_check lc;
	json_t *doc = json_object();
	char ref[11];

	verify(envs, l2, NULL, &cs);
	CHECK(abri_casestate_count(doc) == -1);
	CHECK(abri_case_new_from_person(&cs, doc) == 2); /* the report and "more" */
	CHECK(abri_case_new_from_person(&cs, NULL) == 0);
	json_t *a = answer(envs);
	json_t *v = abri_case_view(&cs, a, doc, NULL);
	CHECK(v != NULL && json_is_false(json_object_get(v, "alarm")));
	CHECK(strcmp(json_string_value(json_object_get(v, "week_start")), "2026-11-16") == 0);
	CHECK(json_array_size(json_object_get(v, "messages")) == 6);
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(v, "report"), "text")),
	             "report") == 0);
	json_t *m3 = json_array_get(json_object_get(v, "messages"), 3);
	CHECK(json_is_true(json_object_get(m3, "new")));
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(m3, "author"), "role")),
	             "reporter") == 0);
	json_t *m5 = json_array_get(json_object_get(v, "messages"), 5);
	CHECK(json_is_false(json_object_get(m5, "new")));
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(m5, "author"), "name")),
	             "One") == 0);
	json_t *sum = abri_case_summary(v, 6);
	CHECK(sum != NULL && json_is_true(json_object_get(sum, "attention")) &&
	      json_integer_value(json_object_get(sum, "new_from_person")) == 2 &&
	      strcmp(json_string_value(json_object_get(sum, "excerpt")), "report") == 0);
	json_decref(sum);
	json_decref(v);

	/* Once merged, nothing is new; our own counter is remembered. */
	CHECK(abri_casestate_merge(doc, &cs, l1->ed_kid) == 0);
	CHECK(abri_case_new_from_person(&cs, doc) == 0 && abri_casestate_count(doc) == 6);
	CHECK(abri_casestate_own(doc, l1->ed_kid) == 3);
	abri_casestate_check(doc, &cs, l1->ed_kid, &lc);
	CHECK(lc.disappeared == 0 && !lc.own_gone);
	abri_case_free(&cs);

	/* The server drops l1's last reply: it disappeared, and l1's own
	 * chain is shorter than remembered. */
	json_t *fewer = without(envs, 5);
	verify(fewer, l2, NULL, &cs);
	abri_casestate_check(doc, &cs, l1->ed_kid, &lc);
	CHECK(lc.disappeared == 1 && lc.own_gone && lc.own_recorded == 3 && lc.own_present == 2);
	v = abri_case_view(&cs, a, doc, &lc);
	json_t *codes = json_object_get(v, "alarms");
	CHECK(json_is_true(json_object_get(v, "alarm")) && json_array_size(codes) == 2 &&
	      strcmp(json_string_value(json_object_get(json_array_get(codes, 0), "code")),
	             "disappeared") == 0 &&
	      strcmp(json_string_value(json_object_get(json_array_get(codes, 1), "code")),
	             "own_disappeared") == 0);
	json_decref(v);
	abri_case_free(&cs);
	json_decref(fewer);

	/* A replayed message is named "replayed", on the message and the case. */
	json_t *replay = json_deep_copy(envs);
	json_t *dup = json_deep_copy(json_array_get(envs, 1));
	json_object_set_new(dup, "pos", json_integer(7));
	json_array_append_new(replay, dup);
	verify(replay, l2, NULL, &cs);
	v = abri_case_view(&cs, a, NULL, NULL);
	CHECK(json_is_true(json_object_get(v, "alarm")));
	json_t *last = json_array_get(json_object_get(v, "messages"), 6);
	CHECK(json_array_size(json_object_get(last, "alarms")) >= 1 &&
	      strcmp(json_string_value(json_array_get(json_object_get(last, "alarms"), 0)),
	             "replayed") == 0);
	json_decref(v);
	abri_case_free(&cs);
	json_decref(replay);
	json_decref(a);
	json_decref(doc);

	CHECK(abri_case_ref_normalise("7k2m9qx4tb", ref) == 0 && strcmp(ref, "7K2M9QX4TB") == 0);
	CHECK(abri_case_ref_normalise(" 7K2M-9QX4-TB ", ref) == 0 && strcmp(ref, "7K2M9QX4TB") == 0);
	CHECK(abri_case_ref_normalise("7K2M9QX4TB", ref) == 0);
	CHECK(abri_case_ref_normalise("7K2M9QX4T", ref) != 0);
	CHECK(abri_case_ref_normalise("7K2M9QX4TBB", ref) != 0);
	CHECK(abri_case_ref_normalise("7K2M9QX4TU", ref) != 0);
	CHECK(abri_case_ref_normalise("", ref) != 0);
	CHECK(abri_case_ref_normalise("io0OlL1QX4", ref) == 0 && strcmp(ref, "1000111QX4") == 0);
}

int main(void)
{
	if (abri_init() < 0)
		return 1;
	org = keypair(ABRI_ROLE_ORG);
	server = keypair(ABRI_ROLE_SERVER);
	l1 = keypair(ABRI_ROLE_LISTENER);
	l2 = keypair(ABRI_ROLE_LISTENER);
	stranger = keypair(ABRI_ROLE_LISTENER);
	rep = reporter_keys();
	rep_b = reporter_keys();
	setup_list();

	json_t *envs = clean_case();
	test_clean(envs);
	test_tampering(envs);
	test_forgery(envs);
	test_view(envs);
	json_decref(envs);

	abri_lists_free(&lists);
	abri_reporter_keys_free(rep);
	abri_reporter_keys_free(rep_b);
	abri_keypair_free(org);
	abri_keypair_free(server);
	abri_keypair_free(l1);
	abri_keypair_free(l2);
	abri_keypair_free(stranger);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
