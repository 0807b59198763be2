/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Checks libabri against every known-answer file in tests/vectors/ (the
 * directory is the only argument). Fails on a vector file it does not
 * know, so every committed file is consumed. */
#include <dirent.h>
#include <jansson.h>
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "t.h"
#include "unicode_tables.h"

static const char *dir;

static json_t *load(const char *name)
{
	char path[4096];
	json_error_t err;
	json_t *o;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	o = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!o) {
		fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
		exit(1);
	}
	CHECK(json_is_string(json_object_get(o, "description")));
	return o;
}

static const char *S(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_string(v)) {
		fprintf(stderr, "missing string %s\n", k);
		exit(1);
	}
	return json_string_value(v);
}

static long long I(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v)) {
		fprintf(stderr, "missing integer %s\n", k);
		exit(1);
	}
	return json_integer_value(v);
}

/* Hex value of key k, malloc'd (at least one byte). */
static uint8_t *H(json_t *o, const char *k, size_t *n)
{
	const char *s = S(o, k);
	size_t len = strlen(s), bin_len = 0;
	uint8_t *b = malloc(len / 2 + 1);

	CHECK(b != NULL && len % 2 == 0);
	CHECK(sodium_hex2bin(b, len / 2 + 1, s, len, NULL, &bin_len, NULL) == 0);
	CHECK_EQ(bin_len, len / 2);
	*n = bin_len;
	return b;
}

static void HX(json_t *o, const char *k, uint8_t *dst, size_t n)
{
	size_t len;
	uint8_t *b = H(o, k, &len);

	CHECK_EQ(len, n);
	memcpy(dst, b, n);
	free(b);
}

/* Compare bytes with the hex value of key k. */
static void same_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	size_t len;
	uint8_t *b = H(o, k, &len);

	if (len != n || (n && memcmp(b, p, n) != 0)) {
		fprintf(stderr, "value of %s differs\n", k);
		exit(1);
	}
	free(b);
}

static int err_code(const char *name)
{
	static const struct {
		const char *n;
		int rc;
	} t[] = {{"ok", ABRI_OK},
	         {"invalid", ABRI_ERR_INVALID},
	         {"crypto", ABRI_ERR_CRYPTO},
	         {"not_for_me", ABRI_ERR_NOT_FOR_ME},
	         {"too_big", ABRI_ERR_TOO_BIG},
	         {"expired", ABRI_ERR_EXPIRED},
	         {"version", ABRI_ERR_VERSION},
	         {"bucket", ABRI_ERR_BUCKET}};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].n, name) == 0)
			return t[i].rc;
	fprintf(stderr, "unknown result name %s\n", name);
	exit(1);
}

#define FOREACH(arr, i, v) json_array_foreach(arr, i, v)

/* ---- token_normalise.json, damm.json ---- */

static void v_token_normalise(void)
{
	static const char *const st[] = {"valid", "bad_char", "bad_length", "bad_check",
	                                 "bad_utf8"};
	json_t *f = load("token_normalise.json"), *c, *tables = json_object_get(f, "tables"), *r;
	size_t i, n;

	CHECK_STR(S(f, "unicode_version"), ABRI_UNICODE_VERSION);
	CHECK_EQ(json_array_size(json_object_get(tables, "digit_runs")),
	         sizeof abri_uc_digits / sizeof abri_uc_digits[0]);
	FOREACH(json_object_get(tables, "digit_runs"), i, r)
	{
		CHECK_EQ(json_integer_value(json_array_get(r, 0)), abri_uc_digits[i].lo);
		CHECK_EQ(json_integer_value(json_array_get(r, 1)), abri_uc_digits[i].hi);
	}
	CHECK_EQ(json_array_size(json_object_get(tables, "ignorable_ranges")),
	         sizeof abri_uc_ignore / sizeof abri_uc_ignore[0]);
	FOREACH(json_object_get(tables, "ignorable_ranges"), i, r)
	{
		CHECK_EQ(json_integer_value(json_array_get(r, 0)), abri_uc_ignore[i].lo);
		CHECK_EQ(json_integer_value(json_array_get(r, 1)), abri_uc_ignore[i].hi);
	}
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		uint8_t *in = H(c, "input", &n);
		char out[25];
		abri_token_status s = abri_token_normalise((const char *)in, n, out);
		if (strcmp(st[s], S(c, "status")) != 0) {
			fprintf(stderr, "token_normalise %s: got %s\n", S(c, "name"), st[s]);
			exit(1);
		}
		if (s == ABRI_TOKEN_VALID)
			CHECK_STR(out, S(c, "token"));
		free(in);
	}
	CHECK(i > 100);
	json_decref(f);
}

static void v_damm(void)
{
	json_t *f = load("damm.json"), *c, *row;
	size_t i, j;

	FOREACH(json_object_get(f, "table"), i, row)
	{
		for (j = 0; j < 10; j++) {
			char d[2] = {0, (char)('0' + j)};
			int x;
			/* Reach interim i with one digit (row 0 is a permutation). */
			for (x = 0; x < 10; x++) {
				d[0] = (char)('0' + x);
				if (abri_damm_digit(d, 1) == (int)i)
					break;
			}
			CHECK_EQ(abri_damm_digit(d, 2), json_integer_value(json_array_get(row, j)));
		}
	}
	FOREACH(json_object_get(f, "check_digit"), i, c)
	CHECK_EQ(abri_damm_digit(S(c, "digits"), strlen(S(c, "digits"))), I(c, "check"));
	FOREACH(json_object_get(f, "valid"), i, c)
	CHECK_EQ(abri_damm_valid(S(c, "digits"), strlen(S(c, "digits"))),
	         json_is_true(json_object_get(c, "valid")));
	json_decref(f);
}

/* ---- argon2.json, kdf.json ---- */

static void v_argon2(void)
{
	json_t *f = load("argon2.json"), *c, *p = json_object_get(f, "params");
	uint8_t salt[16], seed[32], ref[32];
	size_t i;

	CHECK_EQ(I(p, "t"), ABRI_TOKEN_ARGON2_T);
	CHECK_EQ(I(p, "m_kib"), ABRI_TOKEN_ARGON2_M_KIB);
	CHECK_EQ(I(p, "p"), ABRI_TOKEN_ARGON2_P);
	CHECK_EQ(I(p, "version"), 0x13);
	FOREACH(json_object_get(f, "salts"), i, c)
	{
		abri_token_salt(salt, S(c, "tenant"));
		same_hex(c, "salt", salt, 16);
	}
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		abri_token_salt(salt, S(c, "tenant"));
		same_hex(c, "salt", salt, 16);
		CHECK_EQ(abri_token_seed(seed, S(c, "token"), S(c, "tenant")), ABRI_OK);
		same_hex(c, "seed", seed, 32);
		if (i == 0) { /* what libsodium.js computes */
			CHECK_EQ(crypto_pwhash(ref, 32, S(c, "token"), 24, salt, 2, 64u << 20,
			                       crypto_pwhash_ALG_ARGON2ID13),
			         0);
			CHECK_MEM(ref, seed, 32);
		}
	}
	json_decref(f);
}

static void v_kdf(void)
{
	json_t *f = load("kdf.json"), *c;
	abri_reporter_keys *k = abri_reporter_keys_new();
	uint8_t seed[32], sub[32], kid[16], pk[32], a[32], b[32], out[32];
	char fp[40];
	size_t i;

	CHECK(k != NULL);
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		HX(c, "seed", seed, 32);
		CHECK_EQ(abri_reporter_keys_from_seed(k, seed), ABRI_OK);
		same_hex(c, "lookup_key", k->lookup_key, 32);
		CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 2, "abricas1", seed), 0);
		same_hex(c, "x25519_seed", sub, 32);
		same_hex(c, "x25519_pk", k->x25519_pk, 32);
		same_hex(c, "x25519_sk", k->x25519_sk, 32);
		CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 3, "abricas1", seed), 0);
		same_hex(c, "ed25519_seed", sub, 32);
		same_hex(c, "ed25519_pk", k->ed25519_pk, 32);
		same_hex(c, "thread", k->thread, 32);
		same_hex(c, "ed25519_kid", k->ed_kid, 16);
		abri_key_id(kid, ABRI_KID_X25519, k->x25519_pk);
		same_hex(c, "x25519_kid", kid, 16);
	}
	FOREACH(json_object_get(f, "key_ids"), i, c)
	{
		HX(c, "pk", pk, 32);
		abri_key_id(kid, (uint8_t)I(c, "type"), pk);
		same_hex(c, "kid", kid, 16);
		abri_fingerprint(fp, kid);
		CHECK_STR(fp, S(c, "fingerprint"));
	}
	FOREACH(json_object_get(f, "case_lookup"), i, c)
	{
		HX(c, "pepper", a, 32);
		HX(c, "lookup_key", b, 32);
		abri_case_lookup_hash(out, a, b);
		same_hex(c, "case_lookup", out, 32);
	}
	abri_reporter_keys_free(k);
	json_decref(f);
}

/* ---- buckets.json, padding.json ---- */

static void v_buckets(void)
{
	json_t *f = load("buckets.json"), *c;
	size_t i;

	FOREACH(json_object_get(f, "cases"), i, c)
	CHECK_EQ(abri_bucket((size_t)I(c, "n")), I(c, "bucket"));
	FOREACH(json_object_get(f, "is_bucket"), i, c)
	CHECK_EQ(abri_is_bucket((size_t)I(c, "n")), json_is_true(json_object_get(c, "is_bucket")));
	json_decref(f);
}

static void v_padding(void)
{
	json_t *f = load("padding.json"), *c;
	uint8_t *pt = malloc(1u << 20), *padded, h[32];
	size_t i, plen, len;

	CHECK(pt != NULL);
	for (i = 0; i < (1u << 20); i++)
		pt[i] = (uint8_t)i;
	FOREACH(json_object_get(f, "pad"), i, c)
	{
		CHECK_EQ(abri_pad(&padded, &plen, pt, (size_t)I(c, "len"), 1u << 20), ABRI_OK);
		CHECK_EQ(plen, I(c, "padded_len"));
		abri_hash(h, padded, plen);
		same_hex(c, "padded_hash", h, 32);
		if (json_object_get(c, "padded"))
			same_hex(c, "padded", padded, plen);
		CHECK_EQ(abri_unpad(padded, plen, &len), ABRI_OK);
		CHECK_EQ(len, I(c, "len"));
		free(padded);
	}
	FOREACH(json_object_get(f, "unpad"), i, c)
	{
		size_t size = (size_t)I(c, "size");
		uint8_t *b = calloc(1, size);
		int rc;
		CHECK(b != NULL);
		if (I(c, "marker") >= 0)
			b[I(c, "marker")] = 0x80;
		if (I(c, "nonzero") >= 0)
			b[I(c, "nonzero")] = 0x01;
		rc = abri_unpad(b, size, &len);
		CHECK_EQ(rc, err_code(S(c, "result")));
		if (rc == ABRI_OK)
			CHECK_EQ(len, I(c, "len"));
		free(b);
	}
	free(pt);
	json_decref(f);
}

/* ---- inner.json, envelope_open.json, chain.json ---- */

static void null_or_hex(json_t *o, const char *k, int present, const uint8_t *p)
{
	if (present)
		same_hex(o, k, p, 32);
	else
		CHECK(json_is_null(json_object_get(o, k)));
}

static void v_inner(json_t *inner)
{
	json_t *c, *d;
	abri_inner m;
	uint8_t *pt, pk[32];
	size_t i, n;

	FOREACH(json_object_get(inner, "messages"), i, c)
	{
		pt = H(c, "plaintext", &n);
		d = json_object_get(c, "decoded");
		CHECK_EQ(abri_inner_decode(&m, pt, n), ABRI_OK);
		same_hex(d, "thread", m.thread, 32);
		same_hex(d, "author_kid", m.author_kid, 16);
		CHECK_EQ(m.counter, I(d, "counter"));
		same_hex(d, "prev", m.prev, 32);
		same_hex(d, "seen", m.seen, 32);
		CHECK_EQ(m.list_version, I(d, "list_version"));
		null_or_hex(d, "reporter_x25519_pk", m.has_reporter_keys, m.reporter_x25519_pk);
		null_or_hex(d, "reporter_ed25519_pk", m.has_reporter_keys, m.reporter_ed25519_pk);
		same_hex(d, "body", m.body, m.body_len);
		same_hex(d, "sig", m.sig, 64);
		CHECK_EQ(abri_inner_signed_len(pt, n), I(c, "signed_len"));
		HX(c, "author_ed25519_pk", pk, 32);
		CHECK_EQ(abri_inner_verify(pt, n, (int)I(c, "kind"), S(c, "tenant"), pk), ABRI_OK);
		free(pt);
	}
	FOREACH(json_object_get(inner, "checks"), i, c)
	{
		json_t *msg = NULL, *x;
		size_t j;
		FOREACH(json_object_get(inner, "messages"), j, x)
		if (strcmp(S(x, "name"), S(c, "message")) == 0)
			msg = x;
		CHECK(msg != NULL);
		pt = H(msg, "plaintext", &n);
		HX(c, "author_ed25519_pk", pk, 32);
		CHECK_EQ(abri_inner_verify(pt, n, (int)I(c, "kind"), S(c, "tenant"), pk),
		         err_code(S(c, "result")));
		free(pt);
	}
}

static void check_info(json_t *o, const abri_envelope_info *in)
{
	json_t *kids = json_object_get(o, "kids"), *k;
	size_t i;

	CHECK_EQ(in->version, I(o, "version"));
	CHECK_EQ(in->kind, I(o, "kind"));
	CHECK_STR(in->tenant, S(o, "tenant"));
	CHECK_EQ(in->list_version, I(o, "list_version"));
	CHECK_EQ(in->n_stanzas, I(o, "n_stanzas"));
	CHECK_EQ(in->has_reporter_stanza, json_is_true(json_object_get(o, "has_reporter_stanza")));
	CHECK_EQ(in->n_keyed, json_array_size(kids));
	FOREACH(kids, i, k)
	{
		json_t *w = json_pack("{s:O}", "kid", k);
		same_hex(w, "kid", in->kids[i], 16);
		json_decref(w);
	}
	CHECK_EQ(in->header_len, I(o, "header_len"));
	CHECK_EQ(in->body_len, I(o, "body_len"));
	CHECK_EQ(in->padded_len, I(o, "padded_len"));
	same_hex(o, "hash", in->hash, 32);
}

/* The generator's key schedule: K -> K_enc, K_mac -> commit. */
static void check_keys(json_t *c, const uint8_t *env, const abri_envelope_info *info)
{
	uint8_t K[32], sub[32], commit[32];

	HX(c, "K", K, 32);
	CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 1, "abrienv1", K), 0);
	same_hex(c, "K_enc", sub, 32);
	CHECK_EQ(crypto_kdf_derive_from_key(sub, 32, 2, "abrienv1", K), 0);
	same_hex(c, "K_mac", sub, 32);
	crypto_generichash(commit, 32, env, info->header_len, sub, 32);
	same_hex(c, "commit", commit, 32);
	CHECK_MEM(commit, env + info->header_len, 32);
	same_hex(c, "nonce", env + info->header_len - 24, 24);
}

static void v_envelope(json_t *inner)
{
	json_t *f = load("envelope_open.json"), *c, *o, *x;
	abri_envelope_info info;
	uint8_t *env, *pt, kid[16], pk[32], sk[32];
	size_t i, j, k, n, pt_len, max;
	int rc, opened_ok = 0;

	FOREACH(json_object_get(f, "cases"), i, c)
	{
		env = H(c, "envelope", &n);
		max = (size_t)I(c, "max_padded");
		rc = abri_envelope_parse(env, n, max, &info);
		CHECK_EQ(rc, err_code(S(c, "parse")));
		if (rc == ABRI_OK)
			check_info(json_object_get(c, "info"), &info);
		if (rc == ABRI_OK && json_object_get(c, "K"))
			check_keys(c, env, &info);
		FOREACH(json_object_get(c, "opens"), j, o)
		{
			int keyed = !json_is_null(json_object_get(o, "kid"));
			if (keyed)
				HX(o, "kid", kid, 16);
			HX(o, "x25519_pk", pk, 32);
			HX(o, "x25519_sk", sk, 32);
			rc = abri_envelope_open(env, n, keyed ? kid : NULL, pk, sk, max, &pt,
			                        &pt_len, &info);
			if (rc != err_code(S(o, "result"))) {
				fprintf(stderr, "envelope %s as %s: %s\n", S(c, "name"), S(o, "as"),
				        abri_strerror(rc));
				exit(1);
			}
			if (rc != ABRI_OK)
				continue;
			opened_ok++;
			same_hex(o, "plaintext", pt, pt_len);
			/* The plaintext is the inner message of the same name. */
			FOREACH(json_object_get(inner, "messages"), k, x)
			if (strcmp(S(x, "name"), S(c, "name")) == 0) {
				same_hex(x, "plaintext", pt, pt_len);
				same_hex(x, "envelope_hash", info.hash, 32);
			}
			abri_secure_free(pt, pt_len);
		}
		free(env);
	}
	CHECK(opened_ok >= 15);
	json_decref(f);
}

static unsigned flag_bits(json_t *names)
{
	static const char *const t[] = {"wrong_thread", "duplicate",    "gap",
	                                "bad_prev",     "unknown_seen", "out_of_order"};
	unsigned bits = 0;
	json_t *v;
	size_t i, j;

	FOREACH(names, i, v)
	{
		for (j = 0; j < 6 && strcmp(t[j], json_string_value(v)) != 0; j++)
			;
		CHECK(j < 6);
		bits |= 1u << j;
	}
	return bits;
}

static void v_chain(void)
{
	json_t *f = load("chain.json"), *s, *id, *items = json_object_get(f, "items"), *it;
	abri_chain_item ci[16];
	abri_inner m[16];
	uint8_t thread[32];
	size_t i, j, k;

	HX(f, "thread", thread, 32);
	FOREACH(json_object_get(f, "sequences"), i, s)
	{
		json_t *order = json_object_get(s, "order");
		CHECK(json_array_size(order) <= 16);
		FOREACH(order, j, id)
		{
			json_t *found = NULL;
			FOREACH(items, k, it)
			if (strcmp(S(it, "id"), json_string_value(id)) == 0)
				found = it;
			CHECK(found != NULL);
			memset(&m[j], 0, sizeof m[j]);
			HX(found, "hash", ci[j].hash, 32);
			HX(found, "thread", m[j].thread, 32);
			HX(found, "author_kid", m[j].author_kid, 16);
			HX(found, "prev", m[j].prev, 32);
			HX(found, "seen", m[j].seen, 32);
			m[j].counter = (uint64_t)I(found, "counter");
			ci[j].m = &m[j];
		}
		CHECK_EQ(abri_chain_check(ci, json_array_size(order), thread),
		         flag_bits(json_object_get(s, "all")));
		for (j = 0; j < json_array_size(order); j++)
			CHECK_EQ(ci[j].flags,
			         flag_bits(json_array_get(json_object_get(s, "flags"), j)));
	}
	json_decref(f);
}

/* ---- signed.json, receipt.json, request.json, recipients.json ---- */

static void v_signed(void)
{
	json_t *f = load("signed.json"), *c, *v;
	uint8_t pk[32], sk[64], seed[32], sig[64], *blob;
	abri_buf b, sb;
	size_t i, j, n;

	FOREACH(json_object_get(f, "cases"), i, c)
	{
		abri_buf_init(&b);
		FOREACH(json_object_get(c, "fields"), j, v)
		{
			json_t *w = json_pack("{s:O}", "v", v);
			uint8_t *p = H(w, "v", &n);
			CHECK_EQ(abri_fields_add(&b, p, n), ABRI_OK);
			free(p);
			json_decref(w);
		}
		same_hex(c, "fields_blob", b.data, b.len);
		CHECK_EQ(abri_signed_bytes(&sb, S(c, "purpose"), S(c, "tenant"), b.data, b.len),
		         ABRI_OK);
		same_hex(c, "signed_bytes", sb.data, sb.len);
		HX(c, "ed25519_seed", seed, 32);
		CHECK_EQ(crypto_sign_seed_keypair(pk, sk, seed), 0);
		same_hex(c, "ed25519_pk", pk, 32);
		CHECK_EQ(abri_sign(sig, S(c, "purpose"), S(c, "tenant"), b.data, b.len, sk),
		         ABRI_OK);
		same_hex(c, "sig", sig, 64);
		CHECK_EQ(abri_verify(sig, S(c, "purpose"), S(c, "tenant"), b.data, b.len, pk),
		         ABRI_OK);
		abri_buf_free(&b);
		abri_buf_free(&sb);
	}
	FOREACH(json_object_get(f, "verify_fails"), i, c)
	{
		blob = H(c, "fields_blob", &n);
		HX(c, "ed25519_pk", pk, 32);
		HX(c, "sig", sig, 64);
		CHECK_EQ(abri_verify(sig, S(c, "purpose"), S(c, "tenant"), blob, n, pk),
		         err_code(S(c, "result")));
		free(blob);
	}
	FOREACH(json_object_get(f, "fields_decode"), i, c)
	{
		abri_fields fl;
		int rc;
		blob = H(c, "blob", &n);
		rc = abri_fields_decode(blob, n, (size_t)I(c, "expected_fields"), &fl);
		CHECK_EQ(rc, err_code(S(c, "result")));
		if (rc == ABRI_OK)
			CHECK_EQ(fl.n, I(c, "n"));
		free(blob);
	}
	json_decref(f);
}

static void v_receipt(void)
{
	json_t *f = load("receipt.json"), *c;
	const char *tenant = S(f, "tenant");
	uint8_t pk[32], sk[64], seed[32], sig[64], *fields;
	abri_receipt r, r2;
	abri_buf b;
	size_t i, n;
	char w[9];

	HX(f, "server_ed25519_seed", seed, 32);
	CHECK_EQ(crypto_sign_seed_keypair(pk, sk, seed), 0);
	same_hex(f, "server_ed25519_pk", pk, 32);
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		fields = H(c, "fields", &n);
		HX(c, "sig", sig, 64);
		CHECK_EQ(abri_receipt_verify(&r, fields, n, sig, tenant, pk), ABRI_OK);
		CHECK_STR(r.case_ref, S(c, "case_ref"));
		CHECK_STR(r.week, S(c, "week"));
		same_hex(c, "envelope_hash", r.envelope_hash, 32);
		CHECK_EQ(abri_receipt_sign(&b, sig, &r, tenant, sk), ABRI_OK);
		same_hex(c, "fields", b.data, b.len);
		same_hex(c, "sig", sig, 64);
		/* The API form carries the same bytes. */
		{
			json_t *wire = json_object_get(c, "wire");
			uint8_t kid[16], s2[64];
			abri_buf_free(&b);
			CHECK_EQ(abri_b64_decode_exact(S(wire, "sig"), s2, 64), ABRI_OK);
			CHECK_MEM(s2, sig, 64);
			CHECK_EQ(abri_b64_decode_exact(S(wire, "key_id"), kid, 16), ABRI_OK);
			same_hex(f, "server_ed25519_kid", kid, 16);
		}
		free(fields);
	}
	FOREACH(json_object_get(f, "verify_fails"), i, c)
	{
		fields = H(c, "fields", &n);
		HX(c, "sig", sig, 64);
		CHECK_EQ(abri_receipt_verify(&r2, fields, n, sig, S(c, "tenant"), pk),
		         err_code(S(c, "result")));
		free(fields);
	}
	FOREACH(json_object_get(f, "iso_weeks"), i, c)
	{
		abri_iso_week(w, I(c, "unix"));
		CHECK_STR(w, S(c, "week"));
	}
	json_decref(f);
}

static const char *hdr(json_t *h, const char *k)
{
	json_t *v = json_object_get(h, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void v_request(void)
{
	json_t *f = load("request.json"), *c, *k, *h;
	const char *tenant = S(f, "tenant");
	uint8_t pk[32], *fields, *body = NULL, sig[64];
	abri_request_auth a;
	abri_buf sb;
	size_t i, j, n, blen;

	HX(f, "signer_ed25519_pk", pk, 32);
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		h = json_object_get(c, "headers");
		CHECK_EQ(abri_request_auth_parse(&a, hdr(h, "Abri-Key-Id"),
		                                 hdr(h, "Abri-Timestamp"), hdr(h, "Abri-Nonce"),
		                                 hdr(h, "Abri-Signature")),
		         ABRI_OK);
		same_hex(f, "signer_ed25519_kid", a.key_id, 16);
		same_hex(c, "nonce", a.nonce, 16);
		same_hex(c, "sig", a.sig, 64);
		CHECK_EQ(a.timestamp, I(c, "timestamp"));
		fields = H(c, "fields", &n);
		CHECK_EQ(abri_signed_bytes(&sb, "request", tenant, fields, n), ABRI_OK);
		same_hex(c, "signed_bytes", sb.data, sb.len);
		abri_buf_free(&sb);
		HX(c, "sig", sig, 64);
		CHECK_EQ(abri_verify(sig, "request", tenant, fields, n, pk), ABRI_OK);
		free(fields);
		blen = 0;
		body = NULL;
		if (!json_is_null(json_object_get(c, "body")))
			body = H(c, "body", &blen);
		FOREACH(json_object_get(c, "checks"), j, k)
		CHECK_EQ(abri_request_verify(&a, tenant, S(c, "origin"), S(c, "method"),
		                             S(c, "target"), body, blen, I(k, "now"), pk),
		         err_code(S(k, "result")));
		free(body);
	}
	FOREACH(json_object_get(f, "bad_headers"), i, c)
	{
		h = json_object_get(c, "headers");
		CHECK_EQ(abri_request_auth_parse(&a, hdr(h, "Abri-Key-Id"),
		                                 hdr(h, "Abri-Timestamp"), hdr(h, "Abri-Nonce"),
		                                 hdr(h, "Abri-Signature")),
		         err_code(S(c, "result")));
	}
	json_decref(f);
}

static void v_recipients(void)
{
	json_t *f = load("recipients.json"), *c, *p, *m;
	abri_recipients *r = malloc(sizeof *r);
	uint8_t pk[32], sig[64], *list, *wl;
	size_t i, j, n, wn;
	int rc;

	CHECK(r != NULL);
	FOREACH(json_object_get(f, "cases"), i, c)
	{
		list = H(c, "list", &n);
		HX(c, "sig", sig, 64);
		HX(c, "org_ed25519_pk", pk, 32);
		CHECK_EQ(abri_b64_decode(S(json_object_get(c, "wire"), "list"), &wl, &wn), ABRI_OK);
		CHECK_EQ(wn, n);
		CHECK_MEM(wl, list, n);
		free(wl);
		rc = abri_recipients_verify(r, list, n, sig, S(c, "tenant"), pk);
		CHECK_EQ(rc, err_code(S(c, "result")));
		free(list);
		if (rc != ABRI_OK)
			continue;
		p = json_object_get(c, "parsed");
		CHECK_STR(r->deployment_id, S(p, "deployment_id"));
		CHECK_EQ(r->version, I(p, "version"));
		CHECK_EQ(r->not_after, I(p, "not_after"));
		CHECK_EQ(r->n, json_array_size(json_object_get(p, "members")));
		FOREACH(json_object_get(p, "members"), j, m)
		{
			CHECK_STR(abri_role_name(r->m[j].role), S(m, "role"));
			CHECK_STR(r->m[j].name, S(m, "name"));
			same_hex(m, "x25519_pk", r->m[j].x25519_pk, 32);
			same_hex(m, "ed25519_pk", r->m[j].ed25519_pk, 32);
			same_hex(m, "x25519_kid", r->m[j].x_kid, 16);
			same_hex(m, "ed25519_kid", r->m[j].ed_kid, 16);
			CHECK_EQ(r->m[j].epoch, I(m, "epoch"));
		}
	}
	free(r);
	json_decref(f);
}

/* ---- pow.json ---- */

static void v_pow(void)
{
	json_t *f = load("pow.json"), *c;
	uint8_t key[32], ch[57], eh[32], diff;
	int64_t exp;
	size_t i;

	HX(f, "challenge_key", key, 32);
	FOREACH(json_object_get(f, "challenges"), i, c)
	{
		HX(c, "challenge", ch, 57);
		CHECK_EQ(abri_challenge_check(ch, key, I(c, "expiry") - 1, &exp, &diff), ABRI_OK);
		CHECK_EQ(exp, I(c, "expiry"));
		CHECK_EQ(diff, I(c, "difficulty"));
		CHECK_EQ(abri_challenge_check(ch, key, I(c, "expiry"), &exp, &diff),
		         ABRI_ERR_EXPIRED);
	}
	FOREACH(json_object_get(f, "work"), i, c)
	{
		HX(c, "challenge", ch, 57);
		HX(c, "envelope_hash", eh, 32);
		CHECK_EQ(abri_pow_bits(ch, eh, (uint64_t)I(c, "counter")), I(c, "bits"));
	}
	FOREACH(json_object_get(f, "solve"), i, c)
	{
		HX(c, "challenge", ch, 57);
		HX(c, "envelope_hash", eh, 32);
		CHECK_EQ(abri_pow_solve(ch, eh, (uint8_t)I(c, "difficulty")), I(c, "counter"));
	}
	CHECK(json_array_size(json_object_get(f, "upload_bits")) >= 5);
	FOREACH(json_object_get(f, "upload_bits"), i, c)
	{
		CHECK_EQ(abri_pow_upload_bits((unsigned)I(c, "difficulty"), (uint64_t)I(c, "chunks")),
		         I(c, "bits"));
	}
	json_decref(f);
}

/* ---- attach.json (docs/protocol.md section 22; base64, not hex) ---- */

static int attach_sink(void *cls, const uint8_t *p, size_t n)
{
	return abri_buf_append(cls, p, n);
}

static uint8_t *attach_b64(const json_t *v, const char *k, size_t *n)
{
	uint8_t *p;
	CHECK(abri_b64_decode(S((json_t *)v, k), &p, n) == 0);
	return p;
}

/* Opens each vector, and re-encrypts with its header (abri_attach_enc_init_det)
 * to the same ciphertext byte for byte. */
static void v_attach(void)
{
	json_t *f = load("attach.json"), *v;
	size_t i, kl, hl, cl, xl, pl;

	CHECK_EQ(json_array_size(json_object_get(f, "vectors")), 3);
	json_array_foreach(json_object_get(f, "vectors"), i, v)
	{
		uint8_t *key = attach_b64(v, "key", &kl), *hdr = attach_b64(v, "header", &hl);
		uint8_t *ct = attach_b64(v, "ciphertext", &cl), *hash = attach_b64(v, "hash", &xl);
		uint8_t *pt = attach_b64(v, "plaintext", &pl), out[ABRI_ATTACH_CHUNK_CT], h2[32];
		uint64_t size = (uint64_t)json_integer_value(json_object_get(v, "size"));
		uint64_t chunks = (uint64_t)json_integer_value(json_object_get(v, "chunks"));
		abri_attach_enc e;
		abri_buf got;

		CHECK(kl == 32 && hl == 24 && xl == 32 && pl == size);
		CHECK_EQ(chunks, abri_attach_chunks(size));
		CHECK_EQ(cl, abri_attach_ct_len(chunks));
		CHECK_MEM(ct, hdr, 24);
		abri_buf_init(&got);
		CHECK_EQ(abri_attach_open(ct, cl, key, hash, size, chunks, attach_sink, &got), ABRI_OK);
		CHECK(got.len == size && (size == 0 || memcmp(got.data, pt, size) == 0));
		abri_buf_free(&got);
		CHECK_EQ(abri_attach_enc_init_det(&e, key, size, hdr), ABRI_OK);
		for (uint64_t n = 0; n < chunks; n++) {
			size_t len = (n + 1 == chunks) ? size - n * 65536 : 65536;
			CHECK_EQ(abri_attach_enc_chunk(&e, pt + n * 65536, len, out), ABRI_OK);
			CHECK_MEM(out, ct + 24 + n * ABRI_ATTACH_CHUNK_CT, sizeof out);
		}
		CHECK_EQ(abri_attach_enc_final(&e, h2), ABRI_OK);
		CHECK_MEM(h2, hash, 32);
		free(key);
		free(hdr);
		free(ct);
		free(hash);
		free(pt);
	}
	json_decref(f);
}

/* Every *.json in the directory must be one of ours. */
static void check_all_consumed(void)
{
	static const char *const known[] = {
	    "token_normalise.json", "damm.json",    "argon2.json",  "kdf.json",
	    "buckets.json",         "padding.json", "inner.json",   "envelope_open.json",
	    "chain.json",           "signed.json",  "receipt.json", "request.json",
	    "recipients.json",      "pow.json",     "attach.json",
	};
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t i, seen = 0;

	CHECK(d != NULL);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(known[i], e->d_name) == 0)
				break;
		if (i == sizeof known / sizeof known[0]) {
			fprintf(stderr, "vector file %s is not checked by test_vectors\n",
			        e->d_name);
			exit(1);
		}
		seen++;
	}
	closedir(d);
	CHECK_EQ(seen, sizeof known / sizeof known[0]);
}

int main(int argc, char **argv)
{
	json_t *inner;

	if (argc != 2) {
		fprintf(stderr, "usage: test_vectors DIR\n");
		return 2;
	}
	dir = argv[1];
	CHECK_EQ(abri_init(), ABRI_OK);
	check_all_consumed();
	v_token_normalise();
	v_damm();
	v_kdf();
	v_buckets();
	v_padding();
	inner = load("inner.json");
	v_inner(inner);
	v_envelope(inner);
	json_decref(inner);
	v_chain();
	v_signed();
	v_receipt();
	v_request();
	v_recipients();
	v_pow();
	v_attach();
	v_argon2(); /* last: the slow one (three 64 MiB Argon2id runs) */
	return 0;
}
