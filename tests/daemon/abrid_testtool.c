/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Fixture generator for trying abrid by hand and for integration tests:
 * key files, signed recipient lists, envelopes, proof of work and signed
 * staff request headers, all made with libabri.
 *
 *   abrid-testtool keys DIR
 *   abrid-testtool list DIR TENANT VERSION LIFETIME_S [SERVERKEY]
 *   abrid-testtool envelope DIR TENANT KIND LISTVER [RECIPIENT [REPORTER [SIZE]]]
 *   abrid-testtool pow CHALLENGE_B64 ENVELOPE_B64 DIFFICULTY
 *   abrid-testtool sign DIR KEYNAME TENANT ORIGIN METHOD TARGET [BODYFILE [SKEW_S]]
 *   abrid-testtool migrate DSN [SQLDIR]     (abri_db_migrate, then the check)
 *
 * KIND is a number (1 report .. 7 survey); RECIPIENT a key name in DIR
 * (default listener); REPORTER 1 adds a reporter stanza (default 1). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abri/abri.h"
#include "abri/db.h"

static void die(const char *what, int rc)
{
	(void)fprintf(stderr, "abrid-testtool: %s: %s\n", what, abri_strerror(rc));
	exit(1);
}

static char *path(const char *dir, const char *name, const char *ext)
{
	char *p;

	if (asprintf(&p, "%s/%s%s", dir, name, ext) < 0)
		exit(1);
	return p;
}

static abri_keypair *load(const char *dir, const char *name)
{
	abri_keypair *k = abri_keypair_new();
	char *p = path(dir, name, ".key");
	int rc;

	if (k == NULL)
		exit(1);
	rc = abri_keyfile_read(p, k, NULL);
	if (rc != ABRI_OK)
		die(p, rc);
	free(p);
	return k;
}

static void new_key(const char *dir, const char *name, int role)
{
	abri_keypair *k = abri_keypair_new();
	char *p = path(dir, name, ".key"), *pub = path(dir, name, ".pub.json");
	int rc;

	if (k == NULL)
		exit(1);
	rc = abri_keypair_generate(k, role);
	if (rc == ABRI_OK)
		rc = abri_keyfile_write(p, k, NULL, 0, 0, 0);
	if (rc == ABRI_OK)
		rc = abri_pubfile_write(pub, k, name, 1);
	if (rc != ABRI_OK)
		die(p, rc);
	abri_keypair_free(k);
	free(p);
	free(pub);
}

static void new_secret(const char *dir, const char *name)
{
	uint8_t s[32];
	char *p = path(dir, name, ".key");
	int rc;

	randombytes_buf(s, sizeof s);
	rc = abri_secret32_write(p, s);
	if (rc != ABRI_OK)
		die(p, rc);
	free(p);
}

static int cmd_keys(char **argv)
{
	new_key(argv[0], "server", ABRI_ROLE_SERVER);
	new_key(argv[0], "org", ABRI_ROLE_ORG);
	new_key(argv[0], "listener", ABRI_ROLE_LISTENER);
	new_key(argv[0], "auditor", ABRI_ROLE_AUDITOR);
	new_key(argv[0], "other", ABRI_ROLE_SERVER);
	new_secret(argv[0], "pepper");
	new_secret(argv[0], "challenge");
	return 0;
}

static json_t *member(const char *role, const char *name, const abri_keypair *k)
{
	char *x = abri_b64_encode(k->x25519_pk, 32), *e = abri_b64_encode(k->ed25519_pk, 32);
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i}", "role", role, "name", name, "x25519", x,
	                      "ed25519", e, "epoch", 1);

	free(x);
	free(e);
	return j;
}

static int cmd_list(int argc, char **argv)
{
	const char *dir = argv[0], *tenant = argv[1];
	abri_keypair *org = load(dir, "org"), *srv = load(dir, argc > 4 ? argv[4] : "server"),
	             *lis = load(dir, "listener"), *aud = load(dir, "auditor");
	uint8_t sig[ABRI_SIG_BYTES];
	abri_buf fields;
	char *doc, *fb, *sb;
	json_t *j;
	int rc;

	j = json_pack("{s:s,s:I,s:I,s:[o,o,o]}", "deployment_id", tenant, "version",
	              (json_int_t)atoll(argv[2]), "not_after",
	              (json_int_t)(time(NULL) + atoll(argv[3])), "members",
	              member("server", "abrid", srv), member("listener", "Listener One", lis),
	              member("auditor", "Auditor", aud));
	doc = json_dumps(j, JSON_COMPACT);
	abri_buf_init(&fields);
	rc = abri_recipients_sign(&fields, sig, doc, strlen(doc), tenant, org->ed25519_sk);
	if (rc != ABRI_OK)
		die("sign", rc);
	fb = abri_b64_encode(fields.data, fields.len);
	sb = abri_b64_encode(sig, sizeof sig);
	(void)printf("{\"list\":\"%s\",\"sig\":\"%s\"}\n", fb, sb);
	return 0;
}

static int cmd_envelope(int argc, char **argv)
{
	const char *dir = argv[0], *tenant = argv[1];
	abri_keypair *to = load(dir, argc > 4 ? argv[4] : "listener");
	int reporter = argc > 5 ? atoi(argv[5]) : 1;
	size_t size = argc > 6 ? (size_t)atoll(argv[6]) : 100;
	uint8_t rep_pk[32], rep_sk[32], *pt = calloc(1, size + 1);
	abri_stanza_to st;
	abri_buf out;
	char *b64;
	int rc;

	memcpy(st.kid, to->x_kid, 16);
	memcpy(st.x25519_pk, to->x25519_pk, 32);
	(void)crypto_box_keypair(rep_pk, rep_sk);
	randombytes_buf(pt, size);
	abri_buf_init(&out);
	rc = abri_envelope_seal(&out, (uint8_t)atoi(argv[2]), tenant, (uint32_t)atol(argv[3]), &st,
	                        1, reporter ? rep_pk : NULL, pt, size, 128u * 1024 * 1024);
	if (rc != ABRI_OK)
		die("seal", rc);
	b64 = abri_b64_encode(out.data, out.len);
	(void)printf("%s\n", b64);
	return 0;
}

static int cmd_pow(char **argv)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES], h[32], *env = NULL;
	size_t len = 0;

	if (abri_b64_decode_exact(argv[0], ch, sizeof ch) != ABRI_OK ||
	    abri_b64_decode(argv[1], &env, &len) != ABRI_OK)
		die("pow input", ABRI_ERR_INVALID);
	abri_hash(h, env, len);
	(void)printf("%llu\n", (unsigned long long)abri_pow_solve(ch, h, (uint8_t)atoi(argv[2])));
	return 0;
}

static int cmd_sign(int argc, char **argv)
{
	abri_keypair *k = load(argv[0], argv[1]);
	uint8_t *body = NULL;
	size_t body_len = 0;
	abri_request_auth a;
	int64_t now = (int64_t)time(NULL) + (argc > 7 ? atoll(argv[7]) : 0);
	char *kid, *nonce, *sig;
	int rc;

	if (argc > 6 && argv[6][0] != '\0') {
		FILE *f = fopen(argv[6], "rb");
		body = malloc(4 << 20);
		if (f == NULL || body == NULL)
			die(argv[6], ABRI_ERR_IO);
		body_len = fread(body, 1, 4 << 20, f);
		(void)fclose(f);
	}
	rc = abri_request_sign(&a, argv[2], argv[3], argv[4], argv[5], body, body_len, now,
	                       k->ed_kid, k->ed25519_sk);
	if (rc != ABRI_OK)
		die("request_sign", rc);
	kid = abri_b64_encode(a.key_id, sizeof a.key_id);
	nonce = abri_b64_encode(a.nonce, sizeof a.nonce);
	sig = abri_b64_encode(a.sig, sizeof a.sig);
	(void)printf("Abri-Key-Id: %s\nAbri-Timestamp: %lld\nAbri-Nonce: %s\nAbri-Signature: %s\n",
	             kid, (long long)a.timestamp, nonce, sig);
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	PGconn *c = PQconnectdb(argv[0]);
	int applied = 0, have, want, rc;

	if (PQstatus(c) != CONNECTION_OK) {
		(void)fprintf(stderr, "abrid-testtool: %s", PQerrorMessage(c));
		PQfinish(c);
		return 1;
	}
	rc = abri_db_migrate(c, argc > 1 ? argv[1] : NULL, &applied);
	(void)printf("migrate: %s, %d applied%s%s\n", abri_strerror(rc), applied,
	             abri_db_last_error()[0] ? ": " : "", abri_db_last_error());
	if (rc == ABRI_OK)
		rc = abri_db_schema_check(c, &have, &want);
	if (rc == ABRI_OK)
		(void)printf("schema %d (want %d)\n", have, want);
	PQfinish(c);
	return rc == ABRI_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (abri_init() != ABRI_OK || argc < 2)
		return 2;
	if (0 == strcmp(argv[1], "keys") && argc == 3)
		return cmd_keys(argv + 2);
	if (0 == strcmp(argv[1], "list") && argc >= 6)
		return cmd_list(argc - 2, argv + 2);
	if (0 == strcmp(argv[1], "envelope") && argc >= 6)
		return cmd_envelope(argc - 2, argv + 2);
	if (0 == strcmp(argv[1], "pow") && argc == 5)
		return cmd_pow(argv + 2);
	if (0 == strcmp(argv[1], "migrate") && argc >= 3)
		return cmd_migrate(argc - 2, argv + 2);
	if (0 == strcmp(argv[1], "sign") && argc >= 8)
		return cmd_sign(argc - 2, argv + 2);
	(void)fprintf(stderr, "usage: see the comment at the top of abrid_testtool.c\n");
	return 2;
}
