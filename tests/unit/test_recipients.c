/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* recipients.c: signed recipient lists. */
#include <sodium.h>

#include "abri/abri.h"
#include "t.h"

typedef struct mem {
	const char *role, *name;
	uint8_t xpk[32], xsk[32], epk[32], esk[64];
	char *x64, *e64;
} mem;

static mem M[4];
static uint8_t org_pk[32], org_sk[64];
static char doc[8192];

static void mem_new(mem *m, const char *role, const char *name)
{
	m->role = role;
	m->name = name;
	crypto_box_keypair(m->xpk, m->xsk);
	crypto_sign_keypair(m->epk, m->esk);
	m->x64 = abri_b64_encode(m->xpk, 32);
	m->e64 = abri_b64_encode(m->epk, 32);
}

static const char *member_json(const mem *m, char *buf, size_t n)
{
	snprintf(
	    buf, n,
	    "{\"role\":\"%s\",\"name\":\"%s\",\"x25519\":\"%s\",\"ed25519\":\"%s\",\"epoch\":1}",
	    m->role, m->name, m->x64, m->e64);
	return buf;
}

/* Standard list: M[0..2] (listener, auditor, server). */
static const char *std_doc(void)
{
	char a[512], b[512], c[512];

	snprintf(doc, sizeof doc,
	         "{\"deployment_id\":\"dep\",\"version\":3,\"not_after\":1767225600,"
	         "\"members\":[%s,%s,%s]}",
	         member_json(&M[0], a, sizeof a), member_json(&M[1], b, sizeof b),
	         member_json(&M[2], c, sizeof c));
	return doc;
}

static int parse(const char *json)
{
	abri_recipients r;

	return abri_recipients_parse_doc(&r, json, strlen(json), "dep");
}

static void test_roles(void)
{
	abri_role r;

	CHECK_STR(abri_role_name(ABRI_ROLE_LISTENER), "listener");
	CHECK_STR(abri_role_name(ABRI_ROLE_AUDITOR), "auditor");
	CHECK_STR(abri_role_name(ABRI_ROLE_SERVER), "server");
	CHECK(abri_role_name((abri_role)0) == NULL);
	CHECK(abri_role_name((abri_role)4) == NULL);
	CHECK_EQ(abri_role_parse("auditor", &r), ABRI_OK);
	CHECK_EQ(r, ABRI_ROLE_AUDITOR);
	CHECK_EQ(abri_role_parse("Auditor", &r), ABRI_ERR_INVALID);
	CHECK_EQ(abri_role_parse("organisation", &r), ABRI_ERR_INVALID);
	CHECK_EQ(abri_role_parse(NULL, &r), ABRI_ERR_INVALID);
}

static void test_sign_verify(void)
{
	abri_recipients r;
	abri_buf f;
	uint8_t sig[64], kid[16];
	const char *d = std_doc();
	size_t i;

	CHECK_EQ(abri_recipients_sign(&f, sig, d, strlen(d), "dep", org_sk), ABRI_OK);
	CHECK_EQ(f.len, 4 + strlen(d));
	CHECK_MEM(f.data + 4, d, strlen(d));
	CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep", org_pk), ABRI_OK);
	CHECK_STR(r.deployment_id, "dep");
	CHECK_EQ(r.version, 3);
	CHECK_EQ(r.not_after, 1767225600);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.m[0].role, ABRI_ROLE_LISTENER);
	CHECK_STR(r.m[0].name, M[0].name);
	CHECK_MEM(r.m[0].x25519_pk, M[0].xpk, 32);
	CHECK_MEM(r.m[0].ed25519_pk, M[0].epk, 32);
	CHECK_EQ(r.m[0].epoch, 1);
	abri_key_id(kid, ABRI_KID_X25519, M[1].xpk);
	CHECK_MEM(r.m[1].x_kid, kid, 16);
	CHECK(abri_recipients_by_x_kid(&r, kid) == &r.m[1]);
	CHECK(abri_recipients_by_ed_kid(&r, kid) == NULL);
	abri_key_id(kid, ABRI_KID_ED25519, M[2].epk);
	CHECK(abri_recipients_by_ed_kid(&r, kid) == &r.m[2]);
	CHECK(abri_recipients_server(&r) == &r.m[2]);
	CHECK_EQ(abri_recipients_check_time(&r, 1767225599), ABRI_OK);
	CHECK_EQ(abri_recipients_check_time(&r, 1767225600), ABRI_ERR_EXPIRED);
	/* Wrong tenant, wrong key, and every tampered byte. */
	CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep2", org_pk), ABRI_ERR_CRYPTO);
	CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep", M[0].epk), ABRI_ERR_CRYPTO);
	for (i = 0; i < f.len; i++) {
		f.data[i] ^= 0x02;
		CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep", org_pk),
		         ABRI_ERR_CRYPTO);
		CHECK_EQ(r.n, 0);
		f.data[i] ^= 0x02;
	}
	/* A signature for another purpose over the same bytes is refused. */
	CHECK_EQ(abri_sign(sig, "request", "dep", f.data, f.len, org_sk), ABRI_OK);
	CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep", org_pk), ABRI_ERR_CRYPTO);
	abri_buf_free(&f);
	/* A correctly signed blob with two fields is refused. */
	abri_buf_init(&f);
	CHECK_EQ(abri_fields_add_str(&f, d), ABRI_OK);
	CHECK_EQ(abri_fields_add_str(&f, ""), ABRI_OK);
	CHECK_EQ(abri_sign(sig, "recipients", "dep", f.data, f.len, org_sk), ABRI_OK);
	CHECK_EQ(abri_recipients_verify(&r, f.data, f.len, sig, "dep", org_pk), ABRI_ERR_INVALID);
	abri_buf_free(&f);
	/* Signing checks the document first. */
	CHECK_EQ(abri_recipients_sign(&f, sig, "{}", 2, "dep", org_sk), ABRI_ERR_INVALID);
	CHECK(f.data == NULL);
}

static void replace(char *s, const char *from, const char *to)
{
	char tmp[8192];
	char *p = strstr(s, from);

	CHECK(p != NULL);
	snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	strcpy(s, tmp);
}

/* Variants of the standard document, each must be rejected. */
static void test_reject(void)
{
	static const char *const edits[][2] = {
	    {"\"version\":3", "\"version\":0"},
	    {"\"version\":3", "\"version\":\"3\""},
	    {"\"version\":3", "\"version\":3.0"},
	    {"\"version\":3", "\"version\":4294967296"},
	    {"\"version\":3,", ""},
	    {"\"not_after\":1767225600", "\"not_after\":0"},
	    {"\"not_after\":1767225600", "\"not_after\":null"},
	    {"\"deployment_id\":\"dep\"", "\"deployment_id\":\"dep2\""},
	    {"\"deployment_id\":\"dep\"", "\"deployment_id\":\"DEP\""},
	    {"\"deployment_id\":\"dep\",", ""},
	    {"\"version\":3", "\"version\":3,\"version\":4"},
	    {"\"role\":\"listener\"", "\"role\":\"organisation\""},
	    {"\"role\":\"listener\"", "\"role\":\"server\""}, /* two servers */
	    {"\"role\":\"server\"", "\"role\":\"auditor\""},  /* no server */
	    {"\"role\":\"listener\",", ""},
	    {"\"name\":\"Amina\"", "\"name\":\"\""},
	    {"\"name\":\"Amina\"", "\"name\":\"A\\nmina\""},
	    {"\"name\":\"Amina\"", "\"name\":\"A\\u0000mina\""},
	    {"\"name\":\"Amina\"", "\"name\":\"A\\u0085mina\""},
	    {"\"name\":\"Amina\"", "\"name\":5"},
	    {"\"epoch\":1", "\"epoch\":-1"},
	    {"\"epoch\":1", "\"epoch\":true"},
	    {"\"members\":[", "\"members\":{\"a\":"},
	};
	char buf[8192], m4[512], big[200];
	size_t i;

	CHECK_EQ(parse(std_doc()), ABRI_OK);
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		strcpy(buf, std_doc());
		replace(buf, edits[i][0], edits[i][1]);
		if (parse(buf) != ABRI_ERR_INVALID) {
			fprintf(stderr, "edit %zu accepted: %s\n", i, buf);
			exit(1);
		}
	}
	/* Key problems: bad base64, wrong length, duplicates, invalid point. */
	strcpy(buf, std_doc());
	replace(buf, M[0].x64, "AAAA");
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	strcpy(buf, std_doc());
	replace(buf, M[0].x64, M[1].x64);
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	strcpy(buf, std_doc());
	replace(buf, M[0].e64, M[1].e64);
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	strcpy(buf, std_doc());
	replace(buf, M[0].x64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	strcpy(buf, std_doc());
	replace(buf, M[0].e64, "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); /* identity */
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	/* A name of 128 bytes is fine, 129 is not. */
	memset(big, 'n', 128);
	big[128] = '\0';
	strcpy(buf, std_doc());
	replace(buf, "\"name\":\"Amina\"", "\"name\":\"NAME\"");
	replace(buf, "NAME", big);
	CHECK_EQ(parse(buf), ABRI_OK);
	memset(big, 'n', 129);
	big[129] = '\0';
	strcpy(buf, std_doc());
	replace(buf, "\"name\":\"Amina\"", "\"name\":\"NAME\"");
	replace(buf, "NAME", big);
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	/* Not JSON / not an object / trailing bytes / empty members. */
	CHECK_EQ(parse("[]"), ABRI_ERR_INVALID);
	CHECK_EQ(parse(""), ABRI_ERR_INVALID);
	strcpy(buf, std_doc());
	strcat(buf, "x");
	CHECK_EQ(parse(buf), ABRI_ERR_INVALID);
	CHECK_EQ(parse("{\"deployment_id\":\"dep\",\"version\":1,\"not_after\":5,\"members\":[]}"),
	         ABRI_ERR_INVALID);
	/* Unknown keys are ignored, at both levels; a fourth member is fine. */
	strcpy(buf, std_doc());
	replace(buf, "\"version\":3", "\"version\":3,\"future\":{\"x\":[1,2]}");
	replace(buf, "\"epoch\":1", "\"epoch\":1,\"note\":\"later\"");
	CHECK_EQ(parse(buf), ABRI_OK);
	strcpy(buf, std_doc());
	replace(buf, "]}", "");
	strcat(buf, ",");
	strcat(buf, member_json(&M[3], m4, sizeof m4));
	strcat(buf, "]}");
	CHECK_EQ(parse(buf), ABRI_OK);
	{
		abri_recipients r;
		CHECK_EQ(abri_recipients_parse_doc(&r, buf, strlen(buf), "Bad"), ABRI_ERR_INVALID);
	}
}

/* 64 members are accepted, 65 are not. */
static void test_limits(void)
{
	static char buf[65 * 300 + 200];
	static abri_recipients r;
	char one[512];
	mem m;
	int i;

	strcpy(buf, "{\"deployment_id\":\"dep\",\"version\":1,\"not_after\":9,\"members\":[");
	for (i = 0; i < 65; i++) {
		mem_new(&m, i == 0 ? "server" : "listener", "L");
		if (i == 64) {
			size_t n = strlen(buf);
			strcat(buf, "]}");
			CHECK_EQ(abri_recipients_parse_doc(&r, buf, strlen(buf), "dep"), ABRI_OK);
			CHECK_EQ(r.n, 64);
			buf[n] = '\0';
		}
		if (i)
			strcat(buf, ",");
		strcat(buf, member_json(&m, one, sizeof one));
		free(m.x64);
		free(m.e64);
	}
	strcat(buf, "]}");
	CHECK_EQ(abri_recipients_parse_doc(&r, buf, strlen(buf), "dep"), ABRI_ERR_INVALID);
}

int main(void)
{
	int i;

	CHECK_EQ(abri_init(), ABRI_OK);
	crypto_sign_keypair(org_pk, org_sk);
	mem_new(&M[0], "listener", "Amina");
	mem_new(&M[1], "auditor", "Audit \xc3\xa9quipe");
	mem_new(&M[2], "server", "abrid");
	mem_new(&M[3], "listener", "\xd8\xb3\xd8\xa7\xd8\xb1\xd8\xa9");
	test_roles();
	test_sign_verify();
	test_reject();
	test_limits();
	for (i = 0; i < 4; i++) {
		free(M[i].x64);
		free(M[i].e64);
	}
	return 0;
}
