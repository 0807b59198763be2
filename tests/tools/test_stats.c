/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of src/client/stats.c without a server: the shipped taxonomy
 * parses, records are checked against it (nothing referred without
 * consent, no extra keys), shuffling keeps the elements, and a batch
 * sealed to the auditors opens only with an auditor key and verifies
 * against the uploading listener. Argument: conf/taxonomy.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/client.h"

#define TENANT "abri-test"
#define MAXP   262144u

#include "../check.h"

static const char good[] =
    "{\"v\":1,\"taxonomy\":\"2026.1\",\"month\":\"2026-11\",\"kind\":\"violence.domestic\","
    "\"context\":\"family\",\"interpreter\":\"ar\",\"journey\":{\"listened\":true,"
    "\"informed\":false,\"consent\":[\"police\",\"shelter\"],\"referred\":[\"shelter\"],"
    "\"complaint_filed\":false,\"outcome\":\"ongoing\"}}";

/* The good record with one key of the record (or, for "journey.KEY", of
 * its journey) set to value, or removed when value is NULL. */
static int check_variant(const abri_taxonomy *t, const char *key, json_t *value)
{
	json_error_t e;
	json_t *rec = json_loads(good, 0, &e), *obj = rec;
	if (strncmp(key, "journey.", 8) == 0) {
		obj = json_object_get(rec, "journey");
		key += 8;
	}
	if (value != NULL)
		json_object_set_new(obj, key, value);
	else
		json_object_del(obj, key);
	int rc = abri_stats_record_check(t, rec);
	json_decref(rec);
	return rc;
}

static void test_records(const abri_taxonomy *t)
{
	json_error_t e;
	json_t *rec = json_loads(good, 0, &e);
	CHECK(abri_stats_record_check(t, rec) == ABRI_OK);
	json_decref(rec);
	CHECK(check_variant(t, "kind", json_string("violence.nonsense")) < 0);
	CHECK(check_variant(t, "interpreter", json_string("none")) == ABRI_OK);
	CHECK(check_variant(t, "interpreter", json_string("tig")) == ABRI_OK);
	CHECK(check_variant(t, "interpreter", json_string("Arabic")) < 0);
	CHECK(check_variant(t, "month", json_string("2026-13")) < 0);
	CHECK(check_variant(t, "taxonomy", json_string("1999.1")) < 0);
	CHECK(check_variant(t, "case_ref", json_string("7K2M9QX4TB")) < 0); /* no case link */
	CHECK(check_variant(t, "journey.referred", json_pack("[s]", "police")) == ABRI_OK);
	CHECK(check_variant(t, "journey.referred", json_pack("[s]", "health")) < 0);
	CHECK(check_variant(t, "journey.consent", json_pack("[s,s]", "police", "police")) < 0);
	CHECK(check_variant(t, "journey.outcome", json_string("won")) < 0);
	CHECK(check_variant(t, "journey.note", json_string("free text")) < 0);
	CHECK(check_variant(t, "journey.listened", NULL) < 0);
	CHECK(abri_month_valid("2026-01") && !abri_month_valid("2026-1") &&
	      !abri_month_valid("2026-00") && !abri_month_valid("26-01-01"));
}

static void test_shuffle(void)
{
	json_t *a = json_array();
	int sum = 0, moved = 0;
	for (int i = 0; i < 50; i++)
		json_array_append_new(a, json_integer(i));
	CHECK(abri_json_shuffle(a) == ABRI_OK && json_array_size(a) == 50);
	for (size_t i = 0; i < 50; i++) {
		sum += (int)json_integer_value(json_array_get(a, i));
		moved += json_integer_value(json_array_get(a, i)) != (json_int_t)i;
	}
	CHECK(sum == 49 * 50 / 2 && moved > 0);
	json_decref(a);
}

static void add(abri_recipients *r, abri_role role, const abri_keypair *k)
{
	abri_member *m = &r->m[r->n++];
	m->role = role;
	snprintf(m->name, sizeof m->name, "member %zu", r->n);
	memcpy(m->x25519_pk, k->x25519_pk, 32);
	memcpy(m->ed25519_pk, k->ed25519_pk, 32);
	memcpy(m->x_kid, k->x_kid, ABRI_KEY_ID_BYTES);
	memcpy(m->ed_kid, k->ed_kid, ABRI_KEY_ID_BYTES);
	m->epoch = 1;
}

static void test_batch(void)
{
	abri_keypair *l = abri_keypair_new(), *a = abri_keypair_new(), *s = abri_keypair_new();
	abri_recipients *r = calloc(1, sizeof *r);
	json_t *recs = json_pack("[{s:i}, {s:i}]", "x", 1, "x", 2), *body = NULL;
	abri_member who;
	abri_buf env;

	CHECK(abri_keypair_generate(l, ABRI_ROLE_LISTENER) == 0 &&
	      abri_keypair_generate(a, ABRI_ROLE_AUDITOR) == 0 &&
	      abri_keypair_generate(s, ABRI_ROLE_SERVER) == 0);
	snprintf(r->deployment_id, sizeof r->deployment_id, TENANT);
	r->version = 4;
	add(r, ABRI_ROLE_LISTENER, l);
	add(r, ABRI_ROLE_SERVER, s);
	CHECK(abri_stats_batch_seal(&env, TENANT, r, l, "2026-11", "2026.1", recs, MAXP) ==
	      ABRI_ERR_INVALID); /* no auditor */
	abri_buf_free(&env);
	add(r, ABRI_ROLE_AUDITOR, a);
	CHECK(abri_stats_batch_seal(&env, TENANT, r, l, "2026-11", "2026.1", recs, MAXP) == 0);
	CHECK(abri_stats_batch_list_version(env.data, env.len, MAXP) == 4);
	CHECK(abri_stats_batch_open(env.data, env.len, TENANT, a, r, MAXP, &body, &who) == 0);
	CHECK(json_equal(json_object_get(body, "records"), recs) &&
	      strcmp(json_string_value(json_object_get(body, "month")), "2026-11") == 0 &&
	      memcmp(who.ed_kid, l->ed_kid, ABRI_KEY_ID_BYTES) == 0);
	json_decref(body);
	/* A listener has no stanza; another deployment or list version fails. */
	CHECK(abri_stats_batch_open(env.data, env.len, TENANT, l, r, MAXP, &body, NULL) < 0);
	CHECK(abri_stats_batch_open(env.data, env.len, "other", a, r, MAXP, &body, NULL) < 0);
	r->version = 5;
	CHECK(abri_stats_batch_open(env.data, env.len, TENANT, a, r, MAXP, &body, NULL) < 0);
	r->version = 4;
	/* Signed by someone who is not a listener of the list. */
	r->m[0].role = ABRI_ROLE_AUDITOR;
	CHECK(abri_stats_batch_open(env.data, env.len, TENANT, a, r, MAXP, &body, NULL) ==
	      ABRI_ERR_CRYPTO);
	abri_buf_free(&env);
	json_decref(recs);
	free(r);
	abri_keypair_free(l);
	abri_keypair_free(a);
	abri_keypair_free(s);
}

/* An entry without "nl" (a taxonomy older than the console) still parses,
 * and its Dutch label is the English one. */
static void test_label_fallback(void)
{
	static const char doc[] =
	    "{\"version\":\"1\",\"kind\":{\"k\":{\"en\":\"K\",\"fr\":\"Kf\"}},"
	    "\"context\":{\"c\":{\"en\":\"C\",\"fr\":\"Cf\",\"nl\":\"Cn\"}},"
	    "\"interpreter\":{\"none\":{\"en\":\"N\",\"fr\":\"Nf\"}},"
	    "\"referral\":{\"r\":{\"en\":\"R\",\"fr\":\"Rf\"}},"
	    "\"outcome\":{\"o\":{\"en\":\"O\",\"fr\":\"Of\"}}}";
	abri_taxonomy t;

	CHECK(abri_taxonomy_parse(&t, doc, strlen(doc)) == ABRI_OK);
	CHECK(strcmp(abri_taxonomy_label(&t, "kind", "k", "nl"), "K") == 0);
	CHECK(strcmp(abri_taxonomy_label(&t, "context", "c", "nl"), "Cn") == 0);
	abri_taxonomy_free(&t);
}

int main(int argc, char **argv)
{
	abri_taxonomy t;

	if (argc != 2 || abri_init() < 0) {
		fprintf(stderr, "usage: test_stats conf/taxonomy.json\n");
		return 2;
	}
	CHECK(abri_taxonomy_load(&t, argv[1]) == ABRI_OK);
	CHECK(strcmp(t.version, "2026.1") == 0);
	CHECK(abri_taxonomy_has(&t, "referral", "equality_body"));
	CHECK(!abri_taxonomy_has(&t, "referral", "friends"));
	CHECK(strcmp(abri_taxonomy_label(&t, "outcome", "no_further_action", "fr"), "Sans suite") ==
	      0);
	/* The console's Dutch labels; any other language falls back to English. */
	CHECK(strcmp(abri_taxonomy_label(&t, "outcome", "no_further_action", "nl"),
	             "Geen verder gevolg") == 0);
	CHECK(strcmp(abri_taxonomy_label(&t, "outcome", "no_further_action", "de"),
	             "No further action") == 0);
	test_records(&t);
	abri_taxonomy_free(&t);
	CHECK(abri_taxonomy_parse(&t, "{\"version\":\"1\",\"kind\":{}}", 27) < 0);
	test_label_fallback();
	test_shuffle();
	test_batch();
	if (failures == 0)
		printf("test_stats: all checks passed\n");
	return failures == 0 ? 0 : 1;
}
