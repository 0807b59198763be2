/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The written acknowledgement (src/lib/ack.c) and the survey
 * (src/lib/survey.c): survey codes, answer documents, sealing to the
 * auditors, ISO-week Mondays, the acknowledgement file round trip and its
 * verification failures. */
#include "abri/abri.h"
#include "abri/ack.h"
#include "abri/survey.h"
#include "t.h"

static void member(abri_recipients *r, abri_role role, const abri_keypair *k, const char *name)
{
	abri_member *m = &r->m[r->n++];
	memset(m, 0, sizeof *m);
	m->role = role;
	snprintf(m->name, sizeof m->name, "%s", name);
	memcpy(m->x25519_pk, k->x25519_pk, 32);
	memcpy(m->ed25519_pk, k->ed25519_pk, 32);
	memcpy(m->x_kid, k->x_kid, 16);
	memcpy(m->ed_kid, k->ed_kid, 16);
}

static void test_codes(void)
{
	char c[13], g[15];
	CHECK_EQ(abri_survey_code_normalise("abcd efgh-jkmn", c), ABRI_OK);
	CHECK_STR(c, "ABCDEFGHJKMN");
	CHECK_EQ(abri_survey_code_normalise("O0OI-1IL1-lloo", c), ABRI_OK);
	CHECK_STR(c, "000111111100");
	CHECK_EQ(abri_survey_code_normalise("ABCD-EFGH-JKMU", c), ABRI_ERR_INVALID);
	CHECK_EQ(abri_survey_code_normalise("ABCD-EFGH-JKM", c), ABRI_ERR_INVALID);
	CHECK_EQ(abri_survey_code_normalise("ABCD-EFGH-JKMNP", c), ABRI_ERR_INVALID);
	CHECK_EQ(abri_survey_code_normalise("ABCD.EFGH.JKMN", c), ABRI_ERR_INVALID);
	CHECK(!abri_survey_code_valid("abcdefghjkmn"));
	CHECK(!abri_survey_code_valid("ABCDEFGHJKMNP"));
	for (int i = 0; i < 100; i++) {
		abri_survey_code_new(c);
		CHECK(abri_survey_code_valid(c));
		abri_survey_code_group(g, c);
		CHECK_EQ(strlen(g), 14);
		CHECK(g[4] == '-' && g[9] == '-');
	}
}

static void test_docs(void)
{
	static const char *const good[] = {
	    "{\"survey\":1,\"answers\":{}}",
	    "{\"survey\":1,\"answers\":{\"listened\":\"partly\",\"recommend\":\"unsure\","
	    "\"overall\":1}}",
	};
	static const char *const bad[] = {
	    "{\"survey\":1}",
	    "{\"survey\":2,\"answers\":{}}",
	    "{\"survey\":1,\"answers\":{},\"text\":\"x\"}",
	    "{\"survey\":1,\"answers\":{\"overall\":6}}",
	    "{\"survey\":1,\"answers\":{\"overall\":\"5\"}}",
	    "{\"survey\":1,\"answers\":{\"recommend\":\"partly\"}}",
	    "{\"survey\":1,\"answers\":{\"comment\":\"yes\"}}",
	    "{\"survey\":1,\"answers\":{\"safe\":\"yes\",\"safe\":\"no\"}}",
	    "[1]",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECK_EQ(
		    abri_survey_plaintext_parse((const uint8_t *)good[i], strlen(good[i]), NULL),
		    ABRI_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_EQ(abri_survey_plaintext_parse((const uint8_t *)bad[i], strlen(bad[i]), NULL),
		         ABRI_ERR_INVALID);
}

static void test_seal(void)
{
	abri_keypair *aud = abri_keypair_new(), *lis = abri_keypair_new();
	abri_recipients *r = calloc(1, sizeof *r);
	json_t *answers = json_pack("{s:s, s:i}", "safe", "yes", "overall", 4), *doc = NULL;
	abri_buf env;
	abri_envelope_info info;

	CHECK(aud && lis && r && answers);
	CHECK_EQ(abri_keypair_generate(aud, ABRI_ROLE_AUDITOR), ABRI_OK);
	CHECK_EQ(abri_keypair_generate(lis, ABRI_ROLE_LISTENER), ABRI_OK);
	strcpy(r->deployment_id, "t1");
	r->version = 3;
	member(r, ABRI_ROLE_LISTENER, lis, "L");
	CHECK_EQ(abri_survey_seal(&env, "t1", r, answers, 262144),
	         ABRI_ERR_INVALID); /* no auditor */
	member(r, ABRI_ROLE_AUDITOR, aud, "A");
	CHECK_EQ(abri_survey_seal(&env, "t1", r, answers, 262144), ABRI_OK);
	CHECK_EQ(abri_envelope_parse(env.data, env.len, 262144, &info), ABRI_OK);
	CHECK_EQ(info.kind, ABRI_KIND_SURVEY);
	CHECK_EQ(info.n_keyed, 1);
	CHECK(!info.has_reporter_stanza);
	CHECK_EQ(info.list_version, 3);
	CHECK_MEM(info.kids[0], aud->x_kid, 16);
	CHECK_EQ(abri_survey_open(env.data, env.len, "t1", aud->x_kid, aud->x25519_pk,
	                          aud->x25519_sk, 262144, &doc),
	         ABRI_OK);
	CHECK(json_equal(json_object_get(doc, "answers"), answers));
	json_decref(doc);
	CHECK(abri_survey_open(env.data, env.len, "t2", aud->x_kid, aud->x25519_pk, aud->x25519_sk,
	                       262144, &doc) < 0);
	CHECK(abri_survey_open(env.data, env.len, "t1", lis->x_kid, lis->x25519_pk, lis->x25519_sk,
	                       262144, &doc) < 0);
	abri_buf_free(&env);
	json_decref(answers);
	answers = json_pack("{s:s}", "safe", "maybe");
	CHECK_EQ(abri_survey_seal(&env, "t1", r, answers, 262144), ABRI_ERR_INVALID);
	json_decref(answers);
	abri_keypair_free(aud);
	abri_keypair_free(lis);
	free(r);
}

static void test_dates(void)
{
	static const char *const weeks[][2] = {
	    {"2026-W47", "2026-11-16"}, {"2021-W01", "2021-01-04"}, {"2020-W53", "2020-12-28"},
	    {"2025-W01", "2024-12-30"}, {"2026-W01", "2025-12-29"}, {"2024-W09", "2024-02-26"},
	};
	char m[11];
	for (size_t i = 0; i < sizeof weeks / sizeof weeks[0]; i++) {
		CHECK_EQ(abri_week_monday(weeks[i][0], m), ABRI_OK);
		CHECK_STR(m, weeks[i][1]);
	}
	CHECK_EQ(abri_week_monday("2026-W54", m), ABRI_ERR_INVALID);
	CHECK_EQ(abri_week_monday("2026-47", m), ABRI_ERR_INVALID);
	CHECK(abri_date_valid("2024-02-29"));
	CHECK(!abri_date_valid("2023-02-29"));
	CHECK(!abri_date_valid("2026-13-01"));
	CHECK(!abri_date_valid("2026-1-01"));
}

static const char ack_body[] =
    "{\"ack\":{\"v\":1,\"case_ref\":\"7K2M9QX4TB\",\"received_week\":\"2026-11-16\","
    "\"issued\":\"2026-11-22\",\"taxonomy\":\"2026.1\",\"listener\":\"L\",\"lang\":null,"
    "\"elements\":{\"kind\":\"violence.domestic\",\"context\":\"family\",\"when\":null,"
    "\"where\":null,\"referrals\":[]},\"fr\":\"Accusé de réception\"}}";

static void test_ack_file(void)
{
	abri_keypair *lis = abri_keypair_new();
	abri_recipients *r = calloc(1, sizeof *r);
	abri_inner m = {0};
	abri_buf pt;
	abri_ack_file f;
	json_t *ack;
	abri_member who;

	CHECK(lis && r);
	CHECK_EQ(abri_keypair_generate(lis, ABRI_ROLE_LISTENER), ABRI_OK);
	strcpy(r->deployment_id, "t1");
	r->version = 2;
	member(r, ABRI_ROLE_LISTENER, lis, "L");
	memcpy(m.author_kid, lis->ed_kid, 16);
	m.counter = 1;
	m.list_version = 2;
	m.body = (const uint8_t *)ack_body;
	m.body_len = strlen(ack_body);
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_ACK, "t1", lis->ed25519_sk), ABRI_OK);
	char *text = abri_ack_file_dump("t1", 2, pt.data, pt.len);
	CHECK(text != NULL);
	CHECK_EQ(abri_ack_file_parse(&f, text, strlen(text)), ABRI_OK);
	CHECK_EQ(abri_ack_file_verify(&f, r, &ack, &who), ABRI_OK);
	CHECK_STR(json_string_value(json_object_get(ack, "case_ref")), "7K2M9QX4TB");
	CHECK_STR(who.name, "L");
	json_decref(ack);
	r->m[0].role = ABRI_ROLE_AUDITOR; /* the signer must be a listener */
	CHECK_EQ(abri_ack_file_verify(&f, r, &ack, NULL), ABRI_ERR_CRYPTO);
	r->m[0].role = ABRI_ROLE_LISTENER;
	r->version = 3; /* another list version */
	CHECK_EQ(abri_ack_file_verify(&f, r, &ack, NULL), ABRI_ERR_CRYPTO);
	r->version = 2;
	f.inner[f.inner_len - 1] ^= 1; /* the signature */
	CHECK_EQ(abri_ack_file_verify(&f, r, &ack, NULL), ABRI_ERR_CRYPTO);
	abri_ack_file_free(&f);
	free(text);
	/* The file must name the inner message's list version. */
	text = abri_ack_file_dump("t1", 3, pt.data, pt.len);
	CHECK_EQ(abri_ack_file_parse(&f, text, strlen(text)), ABRI_ERR_INVALID);
	free(text);
	/* Signed for a reply: not an acknowledgement. */
	abri_buf_free(&pt);
	CHECK_EQ(abri_inner_encode(&pt, &m, ABRI_KIND_REPLY, "t1", lis->ed25519_sk), ABRI_OK);
	text = abri_ack_file_dump("t1", 2, pt.data, pt.len);
	CHECK_EQ(abri_ack_file_parse(&f, text, strlen(text)), ABRI_OK);
	CHECK_EQ(abri_ack_file_verify(&f, r, &ack, NULL), ABRI_ERR_CRYPTO);
	abri_ack_file_free(&f);
	free(text);
	abri_buf_free(&pt);
	abri_keypair_free(lis);
	free(r);
}

int main(void)
{
	CHECK_EQ(abri_init(), ABRI_OK);
	test_codes();
	test_docs();
	test_seal();
	test_dates();
	test_ack_file();
	puts("test_acksurvey: ok");
	return 0;
}
