/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* gen-vectors: writes the tests/vectors JSON files, the known-answer files that pin
 * abri's formats for the C library and the JavaScript web app.
 *
 * Usage: gen-vectors OUTDIR
 *
 * Every input is fixed: keys come from crypto_*_seed_keypair with seeds
 * BLAKE2b-256("abri-vectors/" label), envelope keys and nonces are fixed
 * (abri_envelope_seal_det). The one randomised step is crypto_box_seal
 * inside envelope stanzas, so envelope files are opening vectors: rerunning
 * the generator changes the envelope bytes (and the hashes that depend on
 * them) but never what they must open to. The files are written once and
 * committed; tests/unit/test_vectors.c checks libabri against them.
 *
 * All binary values in the files are lowercase hex (API-shaped "wire"
 * objects and HTTP header values excepted, which are given as they travel,
 * in base64). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "abri/abri.h"
#include "internal.h"
#include "unicode_tables.h"

#define TENANT "safe-place-dev"
#define TOKEN  "482109375520118630749916"
#define MAXP   1048576u

static const char *outdir;

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "gen-vectors: %s\n", what);
	exit(1);
}

#define OK(x)                                                                                      \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			die(#x);                                                                   \
	} while (0)

static json_t *hx(const void *p, size_t n)
{
	char *s = malloc(n * 2 + 1);
	json_t *j;

	if (!s)
		die("nomem");
	sodium_bin2hex(s, n * 2 + 1, p, n);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *b64(const void *p, size_t n)
{
	char *s = abri_b64_encode(p, n);
	json_t *j;

	if (!s)
		die("nomem");
	j = json_string(s);
	free(s);
	return j;
}

static void set(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) != 0)
		die("json set");
}

static void push(json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) != 0)
		die("json append");
}

static void save(const char *name, const char *description, json_t *o)
{
	char path[4096];
	json_t *file = json_object();

	set(file, "description", json_string(description));
	if (json_object_update(file, o) != 0)
		die("json update");
	json_decref(o);
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	if (json_dump_file(file, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0)
		die(path);
	json_decref(file);
	printf("wrote %s\n", path);
}

static void seed_of(uint8_t out[32], const char *label)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)"abri-vectors/", 13);
	crypto_generichash_update(&st, (const uint8_t *)label, strlen(label));
	crypto_generichash_final(&st, out, 32);
}

/* ---- the cast ---- */

typedef struct party {
	const char *name;
	uint8_t xpk[32], xsk[32], epk[32], esk[64], xkid[16], ekid[16];
} party;

static party L1, L2, AUD, SRV, ORG, STRANGER;
static abri_reporter_keys *REP;

static void party_make(party *p, const char *name)
{
	uint8_t s[32];
	char label[64];

	p->name = name;
	snprintf(label, sizeof label, "%s/x25519", name);
	seed_of(s, label);
	OK(crypto_box_seed_keypair(p->xpk, p->xsk, s));
	snprintf(label, sizeof label, "%s/ed25519", name);
	seed_of(s, label);
	OK(crypto_sign_seed_keypair(p->epk, p->esk, s));
	abri_key_id(p->xkid, ABRI_KID_X25519, p->xpk);
	abri_key_id(p->ekid, ABRI_KID_ED25519, p->epk);
}

static json_t *party_json(const party *p)
{
	json_t *o = json_object();

	set(o, "x25519_pk", hx(p->xpk, 32));
	set(o, "x25519_sk", hx(p->xsk, 32));
	set(o, "x25519_kid", hx(p->xkid, 16));
	set(o, "ed25519_pk", hx(p->epk, 32));
	set(o, "ed25519_seed", hx(p->esk, 32));
	set(o, "ed25519_kid", hx(p->ekid, 16));
	return o;
}

static const char *token_status_name(abri_token_status s)
{
	switch (s) {
	case ABRI_TOKEN_VALID: return "valid";
	case ABRI_TOKEN_BAD_CHAR: return "bad_char";
	case ABRI_TOKEN_BAD_LENGTH: return "bad_length";
	case ABRI_TOKEN_BAD_CHECK: return "bad_check";
	case ABRI_TOKEN_BAD_UTF8: return "bad_utf8";
	}
	return "?";
}

static const char *err_name(int rc)
{
	switch (rc) {
	case ABRI_OK: return "ok";
	case ABRI_ERR_INVALID: return "invalid";
	case ABRI_ERR_CRYPTO: return "crypto";
	case ABRI_ERR_NOT_FOR_ME: return "not_for_me";
	case ABRI_ERR_TOO_BIG: return "too_big";
	case ABRI_ERR_EXPIRED: return "expired";
	case ABRI_ERR_VERSION: return "version";
	case ABRI_ERR_BUCKET: return "bucket";
	default: die("unexpected error code");
	}
	return NULL;
}

/* ---- token_normalise.json ---- */

static size_t utf8_put(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static void norm_case(json_t *cases, const char *name, const char *in, size_t len,
                      abri_token_status expect)
{
	char out[25];
	abri_token_status st = abri_token_normalise(in, len, out);
	json_t *c = json_object();

	if (st != expect) {
		fprintf(stderr, "case %s: %s\n", name, token_status_name(st));
		die("normalisation disagrees with the generator's expectation");
	}
	set(c, "name", json_string(name));
	set(c, "input", hx(in, len));
	set(c, "status", json_string(token_status_name(st)));
	if (st == ABRI_TOKEN_VALID)
		set(c, "token", json_string(out));
	push(cases, c);
}

/* The reference token with code point `sep` between groups of four and
 * its digits in the script whose zero is `zero` (0 = ASCII). */
static size_t token_in(char *o, uint32_t zero, uint32_t sep)
{
	size_t n = 0, i;

	for (i = 0; i < 24; i++) {
		if (i && i % 4 == 0 && sep)
			n += utf8_put(o + n, sep);
		n += utf8_put(o + n, (zero ? zero : '0') + (uint32_t)(TOKEN[i] - '0'));
	}
	return n;
}

static int is_nd(uint32_t c)
{
	size_t i;

	for (i = 0; i < sizeof abri_uc_digits / sizeof abri_uc_digits[0]; i++)
		if (c >= abri_uc_digits[i].lo && c <= abri_uc_digits[i].hi)
			return 1;
	return 0;
}

static int is_ign(uint32_t c)
{
	size_t i;

	for (i = 0; i < sizeof abri_uc_ignore / sizeof abri_uc_ignore[0]; i++)
		if (c >= abri_uc_ignore[i].lo && c <= abri_uc_ignore[i].hi)
			return 1;
	return 0;
}

static void gen_token_normalise(void)
{
	static const struct {
		const char *name, *in;
		abri_token_status st;
	} fixed[] = {
	    {"plain", TOKEN, ABRI_TOKEN_VALID},
	    {"groups with spaces", "4821 0937 5520 1186 3074 9916", ABRI_TOKEN_VALID},
	    {"hyphens", "4821-0937-5520-1186-3074-9916", ABRI_TOKEN_VALID},
	    {"tab, newline, carriage return", "\t4821\r\n0937 5520\n1186 3074 9916\r\n",
	     ABRI_TOKEN_VALID},
	    {"NBSP",
	     "4821\xc2\xa0"
	     "0937\xc2\xa0"
	     "5520\xc2\xa0"
	     "1186\xc2\xa0"
	     "3074\xc2\xa0"
	     "9916",
	     ABRI_TOKEN_VALID},
	    {"narrow NBSP and thin space",
	     "4821\xe2\x80\xaf"
	     "0937\xe2\x80\x89"
	     "5520 1186 3074 9916",
	     ABRI_TOKEN_VALID},
	    {"ZWJ, ZWNJ, ZWSP",
	     "4821\xe2\x80\x8d"
	     "0937\xe2\x80\x8c"
	     "5520\xe2\x80\x8b"
	     "118630749916",
	     ABRI_TOKEN_VALID},
	    {"LRM, RLM, LRI/PDI, BOM",
	     "\xe2\x80\x8e"
	     "4821\xe2\x80\x8f"
	     "0937\xe2\x81\xa6"
	     "5520\xe2\x81\xa9\xef\xbb\xbf"
	     "118630749916",
	     ABRI_TOKEN_VALID},
	    {"en dash, em dash, minus sign, non-breaking hyphen",
	     "4821\xe2\x80\x93"
	     "0937\xe2\x80\x94"
	     "5520\xe2\x88\x92"
	     "1186\xe2\x80\x91"
	     "30749916",
	     ABRI_TOKEN_VALID},
	    {"soft hyphen and ideographic space",
	     "4821\xc2\xad"
	     "0937\xe3\x80\x80"
	     "55201186 30749916",
	     ABRI_TOKEN_VALID},
	    {"Arabic-Indic mixed with ASCII",
	     "\xd9\xa4\xd9\xa8\xd9\xa2\xd9\xa1 0937 5520 1186 3074 9916", ABRI_TOKEN_VALID},
	    {"Persian mixed with ASCII, RLM",
	     "\xe2\x80\x8f\xdb\xb4\xdb\xb8\xdb\xb2\xdb\xb1 09375520118630749916", ABRI_TOKEN_VALID},
	    {"bad check digit", "482109375520118630749917", ABRI_TOKEN_BAD_CHECK},
	    {"adjacent transposition", "482109375520118630749961", ABRI_TOKEN_BAD_CHECK},
	    {"single digit error", "482109375520118630740916", ABRI_TOKEN_BAD_CHECK},
	    {"23 digits", "48210937552011863074991", ABRI_TOKEN_BAD_LENGTH},
	    {"25 digits", "4821093755201186307499160", ABRI_TOKEN_BAD_LENGTH},
	    {"empty", "", ABRI_TOKEN_BAD_LENGTH},
	    {"only separators", " - \xc2\xa0 ", ABRI_TOKEN_BAD_LENGTH},
	    {"Latin letter", "4821 0937 5520 1186 3074 991O", ABRI_TOKEN_BAD_CHAR},
	    {"lower-case letter", "a482109375520118630749916", ABRI_TOKEN_BAD_CHAR},
	    {"full stop", "4821.0937.5520.1186.3074.9916", ABRI_TOKEN_BAD_CHAR},
	    {"slash", "4821/0937/5520/1186/3074/9916", ABRI_TOKEN_BAD_CHAR},
	    {"underscore", "4821_0937_5520_1186_3074_9916", ABRI_TOKEN_BAD_CHAR},
	    {"plus sign", "+482109375520118630749916", ABRI_TOKEN_BAD_CHAR},
	    {"emoji", "4821 0937 5520 1186 3074 9916 \xf0\x9f\x91\x8d", ABRI_TOKEN_BAD_CHAR},
	    {"superscript two (No, not Nd)",
	     "\xc2\xb2"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"circled digit one (No)",
	     "\xe2\x91\xa0"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"Roman numeral (Nl)",
	     "\xe2\x85\xa0"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"CJK numeral seven (Lo)",
	     "\xe4\xb8\x83"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"Kawi digit (Nd only since Unicode 15)",
	     "\xf0\x91\xbd\x90"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"Nag Mundari digit (Nd only since Unicode 15)",
	     "\xf0\x9e\x93\xb0"
	     "82109375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"vertical tab (Cc)",
	     "4821\x0b"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"line separator U+2028 (Zl)",
	     "4821\xe2\x80\xa8"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_CHAR},
	    {"bad char before bad UTF-8", "x\xff", ABRI_TOKEN_BAD_CHAR},
	    {"bad UTF-8 before bad char", "\xffx", ABRI_TOKEN_BAD_UTF8},
	    {"invalid byte 0xff",
	     "4821\xff"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_UTF8},
	    {"overlong digit zero",
	     "4821\xc0\xb0"
	     "9375520118630749916",
	     ABRI_TOKEN_BAD_UTF8},
	    {"overlong 3-byte",
	     "4821\xe0\x80\xb0"
	     "9375520118630749916",
	     ABRI_TOKEN_BAD_UTF8},
	    {"surrogate",
	     "4821\xed\xa0\x80"
	     "09375520118630749916",
	     ABRI_TOKEN_BAD_UTF8},
	    {"above U+10FFFF",
	     "\xf4\x90\x80\x80"
	     "482109375520118630749916",
	     ABRI_TOKEN_BAD_UTF8},
	    {"truncated sequence at end", TOKEN "\xd9", ABRI_TOKEN_BAD_UTF8},
	    {"lone continuation byte", "\x80" TOKEN, ABRI_TOKEN_BAD_UTF8},
	};
	json_t *root = json_object(), *cases = json_array(), *tables = json_object();
	char buf[512], name[128];
	size_t i, n;

	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		norm_case(cases, fixed[i].name, fixed[i].in, strlen(fixed[i].in), fixed[i].st);
	norm_case(cases, "NUL inside",
	          "4821\0"
	          "09375520118630749916",
	          25, ABRI_TOKEN_BAD_CHAR);
	/* The token written in every Unicode 14 decimal digit script. */
	for (i = 0; i < sizeof abri_uc_digits / sizeof abri_uc_digits[0]; i++) {
		uint32_t lo = abri_uc_digits[i].lo;
		if (abri_uc_digits[i].d0 != 0 || abri_uc_digits[i].hi - lo != 9)
			die("digit table is not in runs of ten");
		n = token_in(buf, lo, ' ');
		snprintf(name, sizeof name, "digits U+%04X..U+%04X", lo, lo + 9);
		norm_case(cases, name, buf, n, ABRI_TOKEN_VALID);
		/* Neighbours just outside the run that are neither digits nor ignorable. */
		if (lo > 0 && !is_nd(lo - 1) && !is_ign(lo - 1)) {
			n = utf8_put(buf, lo - 1);
			n += token_in(buf + n, 0, 0) - 1; /* replaces the last digit */
			snprintf(name, sizeof name, "U+%04X just below a digit run", lo - 1);
			norm_case(cases, name, buf, n, ABRI_TOKEN_BAD_CHAR);
		}
		if (!is_nd(lo + 10) && !is_ign(lo + 10)) {
			n = utf8_put(buf, lo + 10);
			n += token_in(buf + n, 0, 0) - 1;
			snprintf(name, sizeof name, "U+%04X just above a digit run", lo + 10);
			norm_case(cases, name, buf, n, ABRI_TOKEN_BAD_CHAR);
		}
	}
	/* Every ignorable run, by its first and last code point. */
	for (i = 0; i < sizeof abri_uc_ignore / sizeof abri_uc_ignore[0]; i++) {
		uint32_t ends[2] = {abri_uc_ignore[i].lo, abri_uc_ignore[i].hi};
		for (size_t e = 0; e < (ends[0] == ends[1] ? 1u : 2u); e++) {
			n = token_in(buf, 0, ends[e]);
			snprintf(name, sizeof name, "ignorable U+%04X between groups", ends[e]);
			norm_case(cases, name, buf, n, ABRI_TOKEN_VALID);
		}
	}
	set(root, "unicode_version", json_string(ABRI_UNICODE_VERSION));
	{
		json_t *d = json_array(), *g = json_array();
		for (i = 0; i < sizeof abri_uc_digits / sizeof abri_uc_digits[0]; i++) {
			json_t *r = json_array();
			push(r, json_integer(abri_uc_digits[i].lo));
			push(r, json_integer(abri_uc_digits[i].hi));
			push(d, r);
		}
		for (i = 0; i < sizeof abri_uc_ignore / sizeof abri_uc_ignore[0]; i++) {
			json_t *r = json_array();
			push(r, json_integer(abri_uc_ignore[i].lo));
			push(r, json_integer(abri_uc_ignore[i].hi));
			push(g, r);
		}
		set(tables, "digit_runs", d);
		set(tables, "ignorable_ranges", g);
	}
	set(root, "tables", tables);
	set(root, "cases", cases);
	save("token_normalise.json",
	     "Token normalisation (docs/protocol.md section 4). cases[]: name; input = the UTF-8 "
	     "bytes a person typed, hex (may be invalid UTF-8); status = valid | bad_char | "
	     "bad_length | bad_check | bad_utf8 (the first offending code point in input order "
	     "decides between bad_utf8 and bad_char); token = the 24 ASCII digits when valid. "
	     "tables: the Unicode 14.0.0 sets as inclusive code point ranges: digit_runs (general "
	     "category Nd, each a run of ten whose first code point is digit 0) and "
	     "ignorable_ranges (Cf, Zs, Pd, U+2212, TAB, LF, CR). Implementations must use these "
	     "sets, not their platform's Unicode version.",
	     root);
}

/* ---- damm.json ---- */

static void gen_damm(void)
{
	static const char *const prefixes[] = {
	    "",
	    "0",
	    "5",
	    "572",
	    "12345",
	    "48210937552011863074991",
	    "00000000000000000000000",
	    "99999999999999999999999",
	    "31415926535897932384626",
	    "27182818284590452353602",
	};
	json_t *root = json_object(), *checks = json_array(), *valid = json_array(),
	       *table = json_array();
	char t[25];
	size_t i;
	int row, col;

	for (row = 0; row < 10; row++) {
		json_t *r = json_array();
		for (col = 0; col < 10; col++) {
			char d[2] = {(char)('0' + row), (char)('0' + col)};
			/* T[row][col] is the check digit of any string whose interim
			 * is row followed by col; recover it from the API. */
			int v = -1, x;
			for (x = 0; x < 10; x++) {
				d[0] = (char)('0' + x);
				if (abri_damm_digit(d, 1) == row) {
					v = abri_damm_digit(d, 2);
					break;
				}
			}
			push(r, json_integer(v));
		}
		push(table, r);
	}
	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		json_t *c = json_object();
		set(c, "digits", json_string(prefixes[i]));
		set(c, "check", json_integer(abri_damm_digit(prefixes[i], strlen(prefixes[i]))));
		push(checks, c);
	}
	{
		static const char *const vs[] = {
		    "5724",
		    "5723",
		    "5742",
		    TOKEN,
		    "482109375520118630749917",
		    "842109375520118630749916",
		    "482109375520118630749961",
		    "000000000000000000000000",
		    "000000000000000000000001",
		};
		for (i = 0; i < sizeof vs / sizeof vs[0]; i++) {
			json_t *c = json_object();
			set(c, "digits", json_string(vs[i]));
			set(c, "valid", json_boolean(abri_damm_valid(vs[i], strlen(vs[i]))));
			push(valid, c);
		}
	}
	/* Every single substitution of the reference token is caught. */
	memcpy(t, TOKEN, 25);
	t[10] = '9';
	if (abri_damm_valid(t, 24))
		die("damm");
	set(root, "table", table);
	set(root, "check_digit", checks);
	set(root, "valid", valid);
	save("damm.json",
	     "Damm check digit (docs/protocol.md section 4). table[interim][digit] is the "
	     "quasigroup; check_digit[]: digits (ASCII) -> check (the final interim); valid[]: "
	     "digits with their check digit last -> valid (final interim is 0).",
	     root);
}

/* ---- argon2.json ---- */

static void gen_argon2(void)
{
	static const struct {
		const char *token, *tenant;
	} cases[] = {
	    {TOKEN, TENANT},
	    {TOKEN, "abri.example.org"},
	    {"000000000000000000000000", TENANT},
	};
	static const char *const tenants[] = {TENANT, "a", "abri.example.org", "safe-place-prod",
	                                      "0123456789-abcdefghijklmnopqrstuvwxyz."};
	json_t *root = json_object(), *arr = json_array(), *salts = json_array(),
	       *params = json_object();
	uint8_t salt[16], seed[32];
	size_t i;

	set(params, "algorithm", json_string("argon2id"));
	set(params, "version", json_integer(0x13));
	set(params, "t", json_integer(ABRI_TOKEN_ARGON2_T));
	set(params, "m_kib", json_integer(ABRI_TOKEN_ARGON2_M_KIB));
	set(params, "p", json_integer(ABRI_TOKEN_ARGON2_P));
	set(params, "out_len", json_integer(32));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *c = json_object();
		abri_token_salt(salt, cases[i].tenant);
		OK(abri_token_seed(seed, cases[i].token, cases[i].tenant));
		set(c, "token", json_string(cases[i].token));
		set(c, "tenant", json_string(cases[i].tenant));
		set(c, "salt", hx(salt, 16));
		set(c, "seed", hx(seed, 32));
		push(arr, c);
	}
	for (i = 0; i < sizeof tenants / sizeof tenants[0]; i++) {
		json_t *c = json_object();
		abri_token_salt(salt, tenants[i]);
		set(c, "tenant", json_string(tenants[i]));
		set(c, "salt", hx(salt, 16));
		push(salts, c);
	}
	set(root, "params", params);
	set(root, "salts", salts);
	set(root, "cases", arr);
	save("argon2.json",
	     "Token to seed (docs/protocol.md section 5). salt = BLAKE2b-128(\"abri-token-v1\" || "
	     "tenant); seed = Argon2id v0x13(password = the 24 ASCII digits, salt, t=2, "
	     "m=65536 KiB, p=1, 32 bytes) (libsodium: crypto_pwhash(32, digits, salt, 2, 67108864, "
	     "ALG_ARGON2ID13)). salts[]: tenant -> salt; cases[]: token, tenant -> salt, seed. "
	     "Binary values are hex.",
	     root);
}

/* ---- kdf.json ---- */

static json_t *kdf_case(const char *name, const uint8_t seed[32])
{
	abri_reporter_keys *k = abri_reporter_keys_new();
	uint8_t sub[32], xkid[16];
	json_t *c = json_object();

	if (!k)
		die("nomem");
	OK(abri_reporter_keys_from_seed(k, seed));
	set(c, "name", json_string(name));
	set(c, "seed", hx(seed, 32));
	set(c, "lookup_key", hx(k->lookup_key, 32));
	OK(crypto_kdf_derive_from_key(sub, 32, 2, "abricas1", seed));
	set(c, "x25519_seed", hx(sub, 32));
	set(c, "x25519_pk", hx(k->x25519_pk, 32));
	set(c, "x25519_sk", hx(k->x25519_sk, 32));
	OK(crypto_kdf_derive_from_key(sub, 32, 3, "abricas1", seed));
	set(c, "ed25519_seed", hx(sub, 32));
	set(c, "ed25519_pk", hx(k->ed25519_pk, 32));
	set(c, "thread", hx(k->thread, 32));
	set(c, "ed25519_kid", hx(k->ed_kid, 16));
	abri_key_id(xkid, ABRI_KID_X25519, k->x25519_pk);
	set(c, "x25519_kid", hx(xkid, 16));
	abri_reporter_keys_free(k);
	return c;
}

static void gen_kdf(void)
{
	json_t *root = json_object(), *cases = json_array(), *kids = json_array(),
	       *lookups = json_array();
	uint8_t seed[32], pk[32], kid[16];
	char fp[40];
	size_t i;
	int type;

	memset(seed, 0, 32);
	push(cases, kdf_case("all-zero seed", seed));
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	push(cases, kdf_case("seed 00 01 .. 1f", seed));
	OK(abri_token_seed(seed, TOKEN, TENANT));
	push(cases, kdf_case("seed of the reference token for " TENANT, seed));
	for (i = 0; i < 4; i++) {
		for (type = ABRI_KID_X25519; type <= ABRI_KID_ED25519; type++) {
			json_t *c = json_object();
			size_t j;
			for (j = 0; j < 32; j++)
				pk[j] = (uint8_t)(i == 0   ? j
				                  : i == 1 ? 0
				                  : i == 2 ? 0xff
				                           : j * 7 + 3);
			abri_key_id(kid, (uint8_t)type, pk);
			abri_fingerprint(fp, kid);
			set(c, "type", json_integer(type));
			set(c, "pk", hx(pk, 32));
			set(c, "kid", hx(kid, 16));
			set(c, "fingerprint", json_string(fp));
			push(kids, c);
		}
	}
	for (i = 0; i < 3; i++) {
		json_t *c = json_object();
		uint8_t pepper[32], lk[32], out[32];
		char label[32];
		snprintf(label, sizeof label, "pepper-%zu", i);
		seed_of(pepper, label);
		snprintf(label, sizeof label, "lookup-%zu", i);
		seed_of(lk, label);
		abri_case_lookup_hash(out, pepper, lk);
		set(c, "pepper", hx(pepper, 32));
		set(c, "lookup_key", hx(lk, 32));
		set(c, "case_lookup", hx(out, 32));
		push(lookups, c);
	}
	set(root, "cases", cases);
	set(root, "key_ids", kids);
	set(root, "case_lookup", lookups);
	save("kdf.json",
	     "Seed to reporter keys (docs/protocol.md sections 3, 5, 16). cases[]: seed -> "
	     "lookup_key = KDF(seed, 1, \"abricas1\"), x25519_seed = KDF(seed, 2), "
	     "x25519_pk/x25519_sk = crypto_box_seed_keypair(x25519_seed), ed25519_seed = "
	     "KDF(seed, 3), ed25519_pk = crypto_sign_seed_keypair(ed25519_seed), thread = "
	     "BLAKE2b-256(ed25519_pk), ed25519_kid / x25519_kid = key ids. key_ids[]: type (1 "
	     "X25519, 2 Ed25519), pk -> kid = BLAKE2b-128(\"abri-kid\" || type || pk), "
	     "fingerprint. case_lookup[]: pepper, lookup_key -> BLAKE2b-256(key = pepper, "
	     "lookup_key). Binary values are hex.",
	     root);
}

/* ---- buckets.json, padding.json ---- */

static void gen_buckets(void)
{
	static const size_t ns[] = {
	    0,       1,       2,       100,     4095,     4096,     4097,      6000,
	    8191,    8192,    8193,    16383,   16384,    16385,    32767,     32768,
	    32769,   65535,   65536,   65537,   67583,    67584,    67585,     69632,
	    69633,   100000,  131071,  131072,  131073,   135168,   135169,    200000,
	    262143,  262144,  262145,  270336,  524288,   524289,   1000000,   1048575,
	    1048576, 1048577, 2097153, 4194305, 10000000, 16777217, 100000000, 1073741825,
	};
	static const size_t bs[] = {0,      1,      4095,   4096,    4097,   6144,  8192,
	                            12288,  65536,  65537,  67584,   68608,  69632, 100352,
	                            131072, 133120, 135168, 1015808, 1015809};
	json_t *root = json_object(), *cases = json_array(), *isb = json_array();
	size_t i;

	for (i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		json_t *c = json_object();
		set(c, "n", json_integer((json_int_t)ns[i]));
		set(c, "bucket", json_integer((json_int_t)abri_bucket(ns[i])));
		push(cases, c);
	}
	for (i = 0; i < sizeof bs / sizeof bs[0]; i++) {
		json_t *c = json_object();
		set(c, "n", json_integer((json_int_t)bs[i]));
		set(c, "is_bucket", json_boolean(abri_is_bucket(bs[i])));
		push(isb, c);
	}
	set(root, "cases", cases);
	set(root, "is_bucket", isb);
	save("buckets.json",
	     "Padding buckets (docs/protocol.md section 8). cases[]: n -> bucket = the smallest "
	     "bucket >= n (4096 for n <= 4096; powers of two up to 65536; then Padme). A plaintext "
	     "of L bytes is padded to bucket(L + 1). is_bucket[]: n -> whether n is a bucket "
	     "(bucket(n) == n, n > 0).",
	     root);
}

static void gen_padding(void)
{
	static const size_t lens[] = {0, 5, 4095, 4096, 8191, 8192, 65535, 65536, 67583, 99999};
	static const struct {
		size_t size;
		long marker, nonzero;
	} unpads[] = {
	    {4096, 0, -1},      {4096, 4095, -1},   {4096, 100, -1},   {4096, -1, -1},
	    {4096, 100, 200},   {4096, 100, 99},    {8192, 4095, -1},  {8192, 4096, -1},
	    {8192, 10, -1},     {8192, 8191, -1},   {4095, 10, -1},    {4097, 10, -1},
	    {67584, 65536, -1}, {67584, 65535, -1}, {12288, 5000, -1},
	};
	json_t *root = json_object(), *cases = json_array(), *un = json_array();
	uint8_t *pt = malloc(100000), *padded, h[32];
	size_t i, plen, len;

	if (!pt)
		die("nomem");
	for (i = 0; i < 100000; i++)
		pt[i] = (uint8_t)i;
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		json_t *c = json_object();
		OK(abri_pad(&padded, &plen, pt, lens[i], MAXP));
		abri_hash(h, padded, plen);
		set(c, "len", json_integer((json_int_t)lens[i]));
		set(c, "padded_len", json_integer((json_int_t)plen));
		set(c, "padded_hash", hx(h, 32));
		if (plen == 4096 && lens[i] < 10)
			set(c, "padded", hx(padded, plen));
		push(cases, c);
		free(padded);
	}
	for (i = 0; i < sizeof unpads / sizeof unpads[0]; i++) {
		json_t *c = json_object();
		uint8_t *b = calloc(1, unpads[i].size);
		int rc;
		if (!b)
			die("nomem");
		if (unpads[i].marker >= 0)
			b[unpads[i].marker] = 0x80;
		if (unpads[i].nonzero >= 0)
			b[unpads[i].nonzero] = 0x01;
		rc = abri_unpad(b, unpads[i].size, &len);
		set(c, "size", json_integer((json_int_t)unpads[i].size));
		set(c, "marker", json_integer(unpads[i].marker));
		set(c, "nonzero", json_integer(unpads[i].nonzero));
		set(c, "result", json_string(err_name(rc)));
		if (rc == ABRI_OK)
			set(c, "len", json_integer((json_int_t)len));
		push(un, c);
		free(b);
	}
	free(pt);
	set(root, "pad", cases);
	set(root, "unpad", un);
	save("padding.json",
	     "Padding (docs/protocol.md section 8): PAD = plaintext || 0x80 || zeros up to "
	     "bucket(len + 1). pad[]: a plaintext of len bytes where byte i is (i mod 256) -> "
	     "padded_len and padded_hash = BLAKE2b-256(padded bytes), hex; padded (hex) in full "
	     "for the smallest cases. unpad[]: a buffer of size zero bytes, with 0x80 at index "
	     "marker (-1: none) and 0x01 at index nonzero (-1: none) -> result ok (with the "
	     "unpadded len) | bucket (size is not a bucket) | invalid (bad padding, or more "
	     "padding than bucket(len + 1) needs).",
	     root);
}

/* ---- inner.json, envelope_open.json, chain.json ---- */

typedef struct built {
	const char *name;
	int kind;
	const party *author; /* NULL: the reporter */
	abri_buf pt;         /* inner message */
	abri_buf env;
	uint8_t K[32], nonce[24], hash[32];
	int reporter_stanza;
	const party *to[4];
	size_t n_to;
} built;

static built MSG[6];
static size_t N_MSG;

static const uint8_t *author_pk(const built *b)
{
	return b->author ? b->author->epk : REP->ed25519_pk;
}

static built *build_msg(const char *name, int kind, const party *author, uint64_t counter,
                        const built *prev, const built *seen, const char *body, int reporter,
                        const party *t0, const party *t1)
{
	built *b = &MSG[N_MSG++];
	abri_stanza_to st[4];
	abri_inner m;
	char label[64];
	size_t i;

	memset(b, 0, sizeof *b);
	b->name = name;
	b->kind = kind;
	b->author = author;
	b->reporter_stanza = reporter;
	b->to[0] = t0;
	b->to[1] = t1;
	b->n_to = t1 ? 2 : t0 ? 1 : 0;
	memset(&m, 0, sizeof m);
	memcpy(m.thread, REP->thread, 32);
	memcpy(m.author_kid, author ? author->ekid : REP->ed_kid, 16);
	m.counter = counter;
	if (prev)
		memcpy(m.prev, prev->hash, 32);
	if (seen)
		memcpy(m.seen, seen->hash, 32);
	m.list_version = 3;
	if (kind == ABRI_KIND_REPORT) {
		m.has_reporter_keys = 1;
		memcpy(m.reporter_x25519_pk, REP->x25519_pk, 32);
		memcpy(m.reporter_ed25519_pk, REP->ed25519_pk, 32);
	}
	m.body = (const uint8_t *)body;
	m.body_len = strlen(body);
	if (kind == ABRI_KIND_SURVEY) {
		abri_buf_init(&b->pt);
		OK(abri_buf_append(&b->pt, body, strlen(body)));
	} else {
		OK(abri_inner_encode(&b->pt, &m, kind, TENANT,
		                     author ? author->esk : REP->ed25519_sk));
	}
	snprintf(label, sizeof label, "%s/K", name);
	seed_of(b->K, label);
	snprintf(label, sizeof label, "%s/nonce", name);
	{ /* the first 24 bytes of the label's hash */
		uint8_t full[32];
		seed_of(full, label);
		memcpy(b->nonce, full, 24);
	}
	for (i = 0; i < b->n_to; i++) {
		memcpy(st[i].kid, b->to[i]->xkid, 16);
		memcpy(st[i].x25519_pk, b->to[i]->xpk, 32);
	}
	OK(abri_envelope_seal_det(&b->env, (uint8_t)kind, TENANT, 3, st, b->n_to,
	                          reporter ? REP->x25519_pk : NULL, b->pt.data, b->pt.len, MAXP,
	                          b->K, b->nonce));
	abri_hash(b->hash, b->env.data, b->env.len);
	return b;
}

static void build_world(void)
{
	built *r1, *l1, *r2, *n1;

	r1 = build_msg("report", ABRI_KIND_REPORT, NULL, 1, NULL, NULL,
	               "{\"text\":\"Mon propri\\u00e9taire refuse de r\\u00e9parer et me menace.\","
	               "\"lang\":\"fr\",\"category\":\"housing\"}",
	               1, &L1, &L2);
	l1 = build_msg("reply", ABRI_KIND_REPLY, &L1, 1, NULL, r1,
	               "{\"text\":\"Merci. Nous avons bien re\\u00e7u votre message.\"}", 1, &L1,
	               &L2);
	r2 = build_msg("message", ABRI_KIND_MESSAGE, NULL, 2, r1, l1,
	               "{\"text\":\"D'accord, merci.\"}", 1, &L1, &L2);
	n1 = build_msg("note", ABRI_KIND_NOTE, &L1, 2, l1, r2,
	               "{\"text\":\"Orientation logement possible, demander le consentement.\"}", 0,
	               &L1, &L2);
	build_msg("ack", ABRI_KIND_ACK, &L2, 1, NULL, n1,
	          "{\"ack\":{\"lang\":\"fr\",\"facts\":\"Menaces, logement\"}}", 1, &L1, &L2);
	build_msg("survey", ABRI_KIND_SURVEY, NULL, 1, NULL, NULL,
	          "{\"code\":\"S-2026-0001\",\"answers\":{\"q1\":4}}", 0, &AUD, NULL);
}

static json_t *decoded_json(const abri_inner *m)
{
	json_t *d = json_object();

	set(d, "thread", hx(m->thread, 32));
	set(d, "author_kid", hx(m->author_kid, 16));
	set(d, "counter", json_integer((json_int_t)m->counter));
	set(d, "prev", hx(m->prev, 32));
	set(d, "seen", hx(m->seen, 32));
	set(d, "list_version", json_integer(m->list_version));
	if (m->has_reporter_keys) {
		set(d, "reporter_x25519_pk", hx(m->reporter_x25519_pk, 32));
		set(d, "reporter_ed25519_pk", hx(m->reporter_ed25519_pk, 32));
	} else {
		set(d, "reporter_x25519_pk", json_null());
		set(d, "reporter_ed25519_pk", json_null());
	}
	set(d, "body", hx(m->body, m->body_len));
	set(d, "sig", hx(m->sig, 64));
	return d;
}

static json_t *check_json(const built *b, int kind, const char *tenant, const uint8_t *pk,
                          const char *why)
{
	json_t *c = json_object();

	set(c, "message", json_string(b->name));
	set(c, "why", json_string(why));
	set(c, "kind", json_integer(kind));
	set(c, "tenant", json_string(tenant));
	set(c, "author_ed25519_pk", hx(pk, 32));
	set(c, "result",
	    json_string(err_name(abri_inner_verify(b->pt.data, b->pt.len, kind, tenant, pk))));
	return c;
}

static void gen_inner(void)
{
	json_t *root = json_object(), *msgs = json_array(), *checks = json_array();
	size_t i;

	for (i = 0; i < N_MSG; i++) {
		built *b = &MSG[i];
		json_t *c = json_object();
		abri_inner m;
		if (b->kind == ABRI_KIND_SURVEY)
			continue;
		OK(abri_inner_decode(&m, b->pt.data, b->pt.len));
		set(c, "name", json_string(b->name));
		set(c, "kind", json_integer(b->kind));
		set(c, "tenant", json_string(TENANT));
		set(c, "author_ed25519_pk", hx(author_pk(b), 32));
		set(c, "plaintext", hx(b->pt.data, b->pt.len));
		set(c, "signed_len",
		    json_integer((json_int_t)abri_inner_signed_len(b->pt.data, b->pt.len)));
		set(c, "decoded", decoded_json(&m));
		set(c, "envelope_hash", hx(b->hash, 32));
		push(msgs, c);
		push(checks, check_json(b, b->kind, TENANT, author_pk(b), "correct"));
		push(checks,
		     check_json(b, b->kind, "other-deployment", author_pk(b), "wrong tenant"));
		push(checks, check_json(b, b->kind, TENANT, STRANGER.epk, "wrong key"));
		push(checks,
		     check_json(b, ABRI_KIND_SURVEY, TENANT, author_pk(b), "survey is unsigned"));
	}
	push(checks, check_json(&MSG[0], ABRI_KIND_MESSAGE, TENANT, REP->ed25519_pk,
	                        "a report verified as a message (reporter keys present)"));
	push(checks, check_json(&MSG[2], ABRI_KIND_REPORT, TENANT, REP->ed25519_pk,
	                        "a message verified as a report (no reporter keys)"));
	push(checks, check_json(&MSG[1], ABRI_KIND_NOTE, TENANT, L1.epk,
	                        "a reply verified as a note (wrong purpose)"));
	push(checks, check_json(&MSG[1], ABRI_KIND_ACK, TENANT, L1.epk,
	                        "a reply verified as an ack (wrong purpose)"));
	push(checks, check_json(&MSG[3], ABRI_KIND_NOTE, TENANT, L2.epk,
	                        "a note verified with another listener's key (key id mismatch)"));
	set(root, "messages", msgs);
	set(root, "checks", checks);
	save(
	    "inner.json",
	    "Signed inner messages (docs/protocol.md section 9). messages[]: name, kind (1 report, "
	    "2 message, 3 reply, 4 note, 5 ack), tenant, author_ed25519_pk, plaintext (the "
	    "nine-field blob, hex), signed_len (bytes of plaintext the signature covers), decoded "
	    "(fields; reporter keys null when field 7 is empty; body hex), envelope_hash (the "
	    "envelope of envelope_open.json carrying it). checks[]: verify message's plaintext "
	    "for kind/tenant/author_ed25519_pk -> result ok | invalid | crypto.",
	    root);
}

static json_t *info_json(const abri_envelope_info *in)
{
	json_t *o = json_object(), *kids = json_array();
	size_t i;

	set(o, "version", json_integer(in->version));
	set(o, "kind", json_integer(in->kind));
	set(o, "tenant", json_string(in->tenant));
	set(o, "list_version", json_integer(in->list_version));
	set(o, "n_stanzas", json_integer((json_int_t)in->n_stanzas));
	set(o, "has_reporter_stanza", json_boolean(in->has_reporter_stanza));
	for (i = 0; i < in->n_keyed; i++)
		push(kids, hx(in->kids[i], 16));
	set(o, "kids", kids);
	set(o, "header_len", json_integer((json_int_t)in->header_len));
	set(o, "body_len", json_integer((json_int_t)in->body_len));
	set(o, "padded_len", json_integer((json_int_t)in->padded_len));
	set(o, "hash", hx(in->hash, 32));
	return o;
}

typedef struct opener {
	const char *as;
	const uint8_t *kid, *pk, *sk; /* kid NULL: reporter stanza */
} opener;

static json_t *open_json(const uint8_t *env, size_t len, size_t max_padded, const opener *o)
{
	json_t *c = json_object();
	abri_envelope_info info;
	uint8_t *pt;
	size_t pt_len;
	int rc =
	    abri_envelope_open(env, len, o->kid, o->pk, o->sk, max_padded, &pt, &pt_len, &info);

	set(c, "as", json_string(o->as));
	set(c, "stanza", json_string(o->kid ? "keyed" : "reporter"));
	set(c, "kid", o->kid ? hx(o->kid, 16) : json_null());
	set(c, "x25519_pk", hx(o->pk, 32));
	set(c, "x25519_sk", hx(o->sk, 32));
	set(c, "result", json_string(err_name(rc)));
	if (rc == ABRI_OK) {
		set(c, "plaintext", hx(pt, pt_len));
		abri_secure_free(pt, pt_len);
	}
	return c;
}

static void env_case(json_t *cases, const char *name, const char *why, const uint8_t *env,
                     size_t len, size_t max_padded, const built *src, const opener *ops,
                     size_t n_ops)
{
	json_t *c = json_object(), *opens = json_array();
	abri_envelope_info info;
	int rc = abri_envelope_parse(env, len, max_padded, &info);
	size_t i;

	set(c, "name", json_string(name));
	set(c, "why", json_string(why));
	set(c, "max_padded", json_integer((json_int_t)max_padded));
	set(c, "envelope", hx(env, len));
	set(c, "parse", json_string(err_name(rc)));
	if (rc == ABRI_OK)
		set(c, "info", info_json(&info));
	if (src) {
		uint8_t keys[64], commit[32];
		set(c, "K", hx(src->K, 32));
		set(c, "nonce", hx(src->nonce, 24));
		OK(crypto_kdf_derive_from_key(keys, 32, 1, "abrienv1", src->K));
		OK(crypto_kdf_derive_from_key(keys + 32, 32, 2, "abrienv1", src->K));
		set(c, "K_enc", hx(keys, 32));
		set(c, "K_mac", hx(keys + 32, 32));
		if (rc == ABRI_OK) {
			crypto_generichash(commit, 32, env, info.header_len, keys + 32, 32);
			set(c, "commit", hx(commit, 32));
		}
	}
	for (i = 0; i < n_ops; i++)
		push(opens, open_json(env, len, max_padded, &ops[i]));
	set(c, "opens", opens);
	push(cases, c);
}

static void gen_envelopes(void)
{
	const opener lis1 = {"listener-1", L1.xkid, L1.xpk, L1.xsk};
	const opener lis2 = {"listener-2", L2.xkid, L2.xpk, L2.xsk};
	const opener rep = {"reporter", NULL, REP->x25519_pk, REP->x25519_sk};
	const opener aud = {"auditor-1", AUD.xkid, AUD.xpk, AUD.xsk};
	const opener strange_rep = {"stranger", NULL, STRANGER.xpk, STRANGER.xsk};
	const opener wrong_sk = {"listener-1 key id with listener-2 secret", L1.xkid, L2.xpk,
	                         L2.xsk};
	const opener all[] = {lis1, lis2, rep, aud, strange_rep};
	json_t *root = json_object(), *cases = json_array(), *keys = json_object();
	abri_envelope_info info;
	size_t i;

	for (i = 0; i < N_MSG; i++)
		env_case(cases, MSG[i].name, "well-formed", MSG[i].env.data, MSG[i].env.len, MAXP,
		         &MSG[i], all, 5);
	/* Negative cases from the report envelope. */
	{
		built *b = &MSG[0];
		uint8_t *e = malloc(b->env.len);
		const opener two[] = {lis1, rep};
		size_t len = b->env.len;
		if (!e)
			die("nomem");
		OK(abri_envelope_parse(b->env.data, len, MAXP, &info));
		memcpy(e, b->env.data, len);
		e[info.header_len] ^= 0x01;
		env_case(cases, "report-flipped-commit", "first commit byte flipped: crypto", e,
		         len, MAXP, NULL, two, 2);
		memcpy(e, b->env.data, len);
		e[info.header_len + 32 + 100] ^= 0x01;
		env_case(cases, "report-flipped-body", "a ciphertext byte flipped: crypto", e, len,
		         MAXP, NULL, two, 2);
		memcpy(e, b->env.data, len);
		e[len - 1] ^= 0x80;
		env_case(cases, "report-flipped-tag", "last tag byte flipped: crypto", e, len, MAXP,
		         NULL, two, 2);
		memcpy(e, b->env.data, len);
		e[7 + strlen(TENANT)] ^= 0x01;
		env_case(cases, "report-flipped-list-version",
		         "header byte (list version) flipped: commit mismatch", e, len, MAXP, NULL,
		         two, 2);
		memcpy(e, b->env.data, len);
		e[info.header_len - 1] ^= 0x01;
		env_case(cases, "report-flipped-nonce", "last nonce byte flipped: commit mismatch",
		         e, len, MAXP, NULL, two, 2);
		/* Graft listener-2's stanza from the reply (another K) into the report. */
		memcpy(e, b->env.data, len);
		memcpy(e + 12 + strlen(TENANT) + 97, MSG[1].env.data + 12 + strlen(TENANT) + 97,
		       97);
		{
			const opener three[] = {lis1, lis2, rep};
			env_case(
			    cases, "report-grafted-stanza",
			    "listener-2's stanza replaced by one sealing another K: every reader "
			    "fails the commit",
			    e, len, MAXP, NULL, three, 3);
		}
		env_case(cases, "report-wrong-secret", "right key id, wrong secret key: crypto",
		         b->env.data, len, MAXP, NULL, &wrong_sk, 1);
		memcpy(e, b->env.data, len);
		e[3] = '2';
		env_case(cases, "report-bad-magic", "magic ABR2: version", e, len, MAXP, NULL,
		         &lis1, 1);
		memcpy(e, b->env.data, len);
		e[4] = 2;
		env_case(cases, "report-version-2", "format version 2: version", e, len, MAXP, NULL,
		         &lis1, 1);
		memcpy(e, b->env.data, len);
		e[5] = 9;
		env_case(cases, "report-unknown-kind", "kind 9: invalid", e, len, MAXP, NULL, &lis1,
		         1);
		env_case(cases, "report-truncated", "one byte short: body is not a bucket",
		         b->env.data, len - 1, MAXP, NULL, &lis1, 1);
		env_case(cases, "report-limit", "max_padded below the bucket: too_big", b->env.data,
		         len, 4095, NULL, &lis1, 1);
		free(e);
	}
	set(keys, "listener-1", party_json(&L1));
	set(keys, "listener-2", party_json(&L2));
	set(keys, "auditor-1", party_json(&AUD));
	set(keys, "stranger", party_json(&STRANGER));
	{
		json_t *r = json_object();
		set(r, "x25519_pk", hx(REP->x25519_pk, 32));
		set(r, "x25519_sk", hx(REP->x25519_sk, 32));
		set(r, "ed25519_pk", hx(REP->ed25519_pk, 32));
		set(keys, "reporter", r);
	}
	set(root, "tenant", json_string(TENANT));
	set(root, "token", json_string(TOKEN));
	set(root, "keys", keys);
	set(root, "cases", cases);
	save("envelope_open.json",
	     "Envelope opening (docs/protocol.md section 7). keys: X25519 key pairs by name (the "
	     "reporter's derive from token/tenant, see kdf.json). cases[]: envelope (hex), "
	     "max_padded, parse = result of the structural parse (ok | invalid | version | bucket "
	     "| too_big) with info when ok (kids = keyed stanza key ids in order, hash = "
	     "BLAKE2b-256 of the envelope); for envelopes made by the generator also K, nonce, "
	     "K_enc, K_mac and commit (so an implementation can check its key schedule); opens[]: "
	     "open as keys[as] using its keyed stanza (by x25519_kid) or the reporter stanza "
	     "(trial decryption) with the kid / x25519 key pair given in the entry -> result ok "
	     "(plaintext hex, unpadded) | not_for_me | crypto | "
	     "the parse error. Plaintexts are the inner messages of inner.json (the survey one is "
	     "unsigned JSON). Binary values are hex.",
	     root);
}

static void chain_item(json_t *items, const char *id, const uint8_t *thread, const uint8_t *author,
                       uint64_t counter, const char *prev, const char *seen)
{
	json_t *c = json_object();
	uint8_t h[32], z[32] = {0};
	char label[64];

	snprintf(label, sizeof label, "chain/%s", id);
	seed_of(h, label);
	set(c, "id", json_string(id));
	set(c, "hash", hx(h, 32));
	set(c, "thread", hx(thread, 32));
	set(c, "author_kid", hx(author, 16));
	set(c, "counter", json_integer((json_int_t)counter));
	if (prev) {
		snprintf(label, sizeof label, "chain/%s", prev);
		seed_of(h, label);
		set(c, "prev", hx(h, 32));
	} else {
		set(c, "prev", hx(z, 32));
	}
	if (seen) {
		snprintf(label, sizeof label, "chain/%s", seen);
		seed_of(h, label);
		set(c, "seen", hx(h, 32));
	} else {
		set(c, "seen", hx(z, 32));
	}
	push(items, c);
}

static json_t *flag_names(unsigned f)
{
	static const char *const names[] = {"wrong_thread", "duplicate",    "gap",
	                                    "bad_prev",     "unknown_seen", "out_of_order"};
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < 6; i++)
		if (f & (1u << i))
			push(a, json_string(names[i]));
	return a;
}

/* Runs the C chain check on a sequence of item ids to record flags. */
static void chain_seq(json_t *seqs, json_t *items, const char *name, const char *const *ids,
                      size_t n)
{
	abri_chain_item it[16];
	abri_inner m[16];
	json_t *s = json_object(), *order = json_array(), *flags = json_array();
	uint8_t thread[32];
	unsigned all;
	size_t i, j;

	seed_of(thread, "chain-thread");
	for (i = 0; i < n; i++) {
		json_t *found = NULL, *v;
		size_t k;
		json_array_foreach(items, k,
		                   v) if (strcmp(json_string_value(json_object_get(v, "id")),
		                                 ids[i]) == 0) found = v;
		if (!found)
			die("chain id");
		memset(&m[i], 0, sizeof m[i]);
#define UNHEX(dst, key, n_)                                                                        \
	OK(sodium_hex2bin(dst, n_, json_string_value(json_object_get(found, key)), 2 * (n_), NULL, \
	                  NULL, NULL))
		UNHEX(it[i].hash, "hash", 32);
		UNHEX(m[i].thread, "thread", 32);
		UNHEX(m[i].author_kid, "author_kid", 16);
		UNHEX(m[i].prev, "prev", 32);
		UNHEX(m[i].seen, "seen", 32);
#undef UNHEX
		m[i].counter = (uint64_t)json_integer_value(json_object_get(found, "counter"));
		it[i].m = &m[i];
		push(order, json_string(ids[i]));
	}
	all = abri_chain_check(it, n, thread);
	for (j = 0; j < n; j++)
		push(flags, flag_names(it[j].flags));
	set(s, "name", json_string(name));
	set(s, "order", order);
	set(s, "flags", flags);
	set(s, "all", flag_names(all));
	push(seqs, s);
}

static void gen_chain(void)
{
	json_t *root = json_object(), *items = json_array(), *seqs = json_array();
	uint8_t thread[32], other[32], rk[16], lk[16], l2k[16];

	seed_of(thread, "chain-thread");
	seed_of(other, "chain-other-thread");
	memcpy(rk, REP->ed_kid, 16);
	memcpy(lk, L1.ekid, 16);
	memcpy(l2k, L2.ekid, 16);
	chain_item(items, "r1", thread, rk, 1, NULL, NULL);
	chain_item(items, "l1", thread, lk, 1, NULL, "r1");
	chain_item(items, "r2", thread, rk, 2, "r1", "l1");
	chain_item(items, "m1", thread, l2k, 1, NULL, "r2");
	chain_item(items, "l2", thread, lk, 2, "l1", "r2");
	chain_item(items, "r3", thread, rk, 3, "r2", "l2");
	chain_item(items, "x-other-case", other, rk, 2, "r1", NULL);
	chain_item(items, "x-forged-prev", thread, rk, 2, "l1", "l1");
	chain_item(items, "x-second-r2", thread, rk, 2, "r1", NULL);
	chain_item(items, "x-l1-bad-first", thread, lk, 1, "r1", "r1");
	chain_item(items, "x-seen-unknown", thread, l2k, 1, NULL, "nowhere");
	{
		const char *ok[] = {"r1", "l1", "r2", "m1", "l2", "r3"};
		const char *conc[] = {"r1", "l1", "r2", "l2", "m1", "r3"};
		const char *gap[] = {"r1", "l1", "l2", "r3"};
		const char *dup[] = {"r1", "l1", "r2", "r2", "l2"};
		const char *reord[] = {"r1", "l1", "r3", "r2", "l2"};
		const char *wrong[] = {"r1", "x-other-case", "l1", "r2"};
		const char *forged[] = {"r1", "l1", "x-forged-prev"};
		const char *twice[] = {"r1", "l1", "r2", "x-second-r2"};
		const char *badfirst[] = {"r1", "x-l1-bad-first"};
		const char *unknown[] = {"r1", "x-seen-unknown"};
		const char *tail[] = {"r1", "l1"};
		chain_seq(seqs, items, "intact", ok, 6);
		chain_seq(seqs, items, "intact, concurrent listeners in another order", conc, 6);
		chain_seq(seqs, items, "r2 withheld: gap, and l2's seen is unknown", gap, 4);
		chain_seq(seqs, items, "r2 replayed: duplicate", dup, 5);
		chain_seq(seqs, items, "r3 served before r2: gap then out of order", reord, 5);
		chain_seq(seqs, items, "a message from another case: wrong thread", wrong, 4);
		chain_seq(seqs, items, "counter 2 whose prev is not r1: bad prev", forged, 3);
		chain_seq(seqs, items, "two different messages with counter 2: duplicate", twice,
		          4);
		chain_seq(seqs, items, "first message with non-zero prev: bad prev", badfirst, 2);
		chain_seq(seqs, items, "seen names a message not present", unknown, 2);
		chain_seq(seqs, items, "missing tail is not visible from the chain", tail, 2);
	}
	set(root, "thread", hx(thread, 32));
	set(root, "items", items);
	set(root, "sequences", seqs);
	save("chain.json",
	     "Chain check (docs/protocol.md section 10). items[]: decoded inner messages (id, "
	     "envelope hash, thread, author_kid, counter, prev, seen; hex). sequences[]: order "
	     "(item ids in server order) checked against the case thread -> flags (per item, names "
	     "of the findings: wrong_thread, duplicate, gap, bad_prev, unknown_seen, out_of_order; "
	     "empty = ok) and all (their union). C bit values: wrong_thread 1, duplicate 2, gap 4, "
	     "bad_prev 8, unknown_seen 16, out_of_order 32.",
	     root);
}

/* ---- signed.json ---- */

static void signed_case(json_t *cases, const char *purpose, const char *tenant,
                        const char *const *fields, const size_t *lens, size_t n, const party *p)
{
	json_t *c = json_object(), *fa = json_array();
	abri_buf blob, sb;
	uint8_t sig[64];
	size_t i;

	abri_buf_init(&blob);
	for (i = 0; i < n; i++) {
		OK(abri_fields_add(&blob, fields[i], lens[i]));
		push(fa, hx(fields[i], lens[i]));
	}
	OK(abri_signed_bytes(&sb, purpose, tenant, blob.data, blob.len));
	OK(abri_sign(sig, purpose, tenant, blob.data, blob.len, p->esk));
	set(c, "purpose", json_string(purpose));
	set(c, "tenant", json_string(tenant));
	set(c, "fields", fa);
	set(c, "fields_blob", hx(blob.data, blob.len));
	set(c, "signed_bytes", hx(sb.data, sb.len));
	set(c, "signer", json_string(p->name));
	set(c, "ed25519_pk", hx(p->epk, 32));
	set(c, "ed25519_seed", hx(p->esk, 32));
	set(c, "sig", hx(sig, 64));
	push(cases, c);
	abri_buf_free(&blob);
	abri_buf_free(&sb);
}

static void gen_signed(void)
{
	static const char *const purposes[] = {"recipients", "request", "receipt",
	                                       "report",     "message", "reply",
	                                       "note",       "ack",     "stats-batch"};
	json_t *root = json_object(), *cases = json_array(), *bad = json_array(),
	       *dec = json_array();
	const char *f1[] = {"AB"};
	size_t l1[] = {2};
	const char *f3[] = {"", "\x00\x01\x02\xff", "caf\xc3\xa9"};
	size_t l3[] = {0, 4, 5};
	size_t i;

	signed_case(cases, "receipt", "t1", f1, l1, 1, &SRV);
	for (i = 0; i < sizeof purposes / sizeof purposes[0]; i++)
		signed_case(cases, purposes[i], TENANT, f3, l3, 3, &L1);
	signed_case(cases, "note", TENANT, NULL, NULL, 0, &L2);
	/* Verification failures: the first TENANT case under another purpose /
	 * tenant / key. */
	{
		json_t *base = json_array_get(cases, 1);
		static const struct {
			const char *purpose, *tenant, *why;
			int other_key;
		} v[] = {
		    {"request", TENANT, "another purpose", 0},
		    {"recipients", "safe-place-prod", "another tenant", 0},
		    {"recipients", TENANT, "another key", 1},
		    {"recipient", TENANT, "unknown purpose", 0},
		};
		for (i = 0; i < sizeof v / sizeof v[0]; i++) {
			json_t *c = json_object();
			set(c, "why", json_string(v[i].why));
			set(c, "purpose", json_string(v[i].purpose));
			set(c, "tenant", json_string(v[i].tenant));
			set(c, "fields_blob", json_deep_copy(json_object_get(base, "fields_blob")));
			set(c, "ed25519_pk",
			    v[i].other_key ? hx(L2.epk, 32)
			                   : json_deep_copy(json_object_get(base, "ed25519_pk")));
			set(c, "sig", json_deep_copy(json_object_get(base, "sig")));
			set(c, "result", json_string("crypto"));
			push(bad, c);
		}
	}
	{
		static const struct {
			const char *hex;
			int expected;
		} d[] = {
		    {"", 0},
		    {"", 1},
		    {"00000000", 1},
		    {"0000000000000000", 2},
		    {"0000000000000000", 1},
		    {"01000000", 1},
		    {"0100000041", 1},
		    {"010000004100", 1},
		    {"02000000414201000000", 0},
		    {"ffffffff41", 0},
		    {"000000", 0},
		    {"00000000000000000000000000000000000000000000000000000000000000000000000000000"
		     "000"
		     "00000000000000000000000000000000000000000000000000000000000000000000",
		     0},
		};
		for (i = 0; i < sizeof d / sizeof d[0]; i++) {
			json_t *c = json_object();
			uint8_t buf[128];
			size_t n = 0;
			abri_fields f;
			int rc;
			OK(sodium_hex2bin(buf, sizeof buf, d[i].hex, strlen(d[i].hex), NULL, &n,
			                  NULL));
			rc = abri_fields_decode(buf, n, (size_t)d[i].expected, &f);
			set(c, "blob", json_string(d[i].hex));
			set(c, "expected_fields", json_integer(d[i].expected));
			set(c, "result", json_string(err_name(rc)));
			if (rc == ABRI_OK)
				set(c, "n", json_integer((json_int_t)f.n));
			push(dec, c);
		}
	}
	set(root, "cases", cases);
	set(root, "verify_fails", bad);
	set(root, "fields_decode", dec);
	save(
	    "signed.json",
	    "Canonical signed objects (docs/protocol.md section 2). cases[]: purpose, tenant, "
	    "fields (each value, hex) -> fields_blob (u32le length || value, each), signed_bytes "
	    "(\"abri/\" purpose \"/v1\" NUL || u32le(len tenant) || tenant || fields_blob) and sig "
	    "= Ed25519 (deterministic) with the key pair of ed25519_seed. verify_fails[]: must not "
	    "verify. "
	    "fields_decode[]: blob (hex), expected_fields (0 = any, at most 16) -> result ok (n "
	    "fields) | invalid. Binary values are hex.",
	    root);
}

/* ---- receipt.json ---- */

static void gen_receipt(void)
{
	static const struct {
		int64_t t;
	} weeks[] = {{0},          {1609372800}, {1609459200}, {1609632000},
	             {1609718400}, {1735430400}, {1735516800}, {1704067200},
	             {1262217600}, {1767225600}, {1798761599}};
	json_t *root = json_object(), *cases = json_array(), *bad = json_array(),
	       *iw = json_array();
	abri_receipt r;
	abri_buf f;
	uint8_t sig[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		json_t *c = json_object();
		memset(&r, 0, sizeof r);
		strcpy(r.case_ref, i ? "0000000000" : "7K2M9QX4TB");
		strcpy(r.week, i ? "2020-W53" : "2026-W47");
		seed_of(r.envelope_hash, "receipt-envelope");
		if (i)
			memset(r.envelope_hash, 0xee, 32);
		OK(abri_receipt_sign(&f, sig, &r, TENANT, SRV.esk));
		set(c, "case_ref", json_string(r.case_ref));
		set(c, "week", json_string(r.week));
		set(c, "envelope_hash", hx(r.envelope_hash, 32));
		set(c, "fields", hx(f.data, f.len));
		set(c, "sig", hx(sig, 64));
		set(c, "wire",
		    json_pack("{s:o, s:o, s:o}", "fields", b64(f.data, f.len), "sig", b64(sig, 64),
		              "key_id", b64(SRV.ekid, 16)));
		push(cases, c);
		if (i == 0) {
			json_t *b;
			f.data[5] ^= 0x01;
			b = json_object();
			set(b, "why", json_string("case reference byte changed"));
			set(b, "tenant", json_string(TENANT));
			set(b, "fields", hx(f.data, f.len));
			set(b, "sig", hx(sig, 64));
			set(b, "result", json_string("crypto"));
			push(bad, b);
			f.data[5] ^= 0x01;
			b = json_object();
			set(b, "why", json_string("another deployment"));
			set(b, "tenant", json_string("safe-place-prod"));
			set(b, "fields", hx(f.data, f.len));
			set(b, "sig", hx(sig, 64));
			set(b, "result", json_string("crypto"));
			push(bad, b);
		}
		abri_buf_free(&f);
	}
	{ /* Properly signed, malformed week: invalid after the signature. */
		json_t *b = json_object();
		abri_buf_init(&f);
		OK(abri_fields_add_str(&f, "7K2M9QX4TB"));
		OK(abri_fields_add_str(&f, "2026-W54"));
		OK(abri_fields_add(&f, r.envelope_hash, 32));
		OK(abri_sign(sig, "receipt", TENANT, f.data, f.len, SRV.esk));
		set(b, "why", json_string("signed, but week 54 does not exist"));
		set(b, "tenant", json_string(TENANT));
		set(b, "fields", hx(f.data, f.len));
		set(b, "sig", hx(sig, 64));
		set(b, "result", json_string("invalid"));
		push(bad, b);
		abri_buf_free(&f);
	}
	for (i = 0; i < sizeof weeks / sizeof weeks[0]; i++) {
		json_t *c = json_object();
		char w[9];
		abri_iso_week(w, weeks[i].t);
		set(c, "unix", json_integer(weeks[i].t));
		set(c, "week", json_string(w));
		push(iw, c);
	}
	set(root, "tenant", json_string(TENANT));
	set(root, "server_ed25519_pk", hx(SRV.epk, 32));
	set(root, "server_ed25519_seed", hx(SRV.esk, 32));
	set(root, "server_ed25519_kid", hx(SRV.ekid, 16));
	set(root, "cases", cases);
	set(root, "verify_fails", bad);
	set(root, "iso_weeks", iw);
	save("receipt.json",
	     "Proof of receipt (docs/protocol.md sections 11, 15). cases[]: case_ref, week, "
	     "envelope_hash -> fields (3-field blob), sig (purpose receipt, server key), and the "
	     "API form wire (base64); the server key pair derives from server_ed25519_seed "
	     "(Ed25519 signatures are deterministic). verify_fails[]: fields/sig/tenant -> result "
	     "crypto | invalid. "
	     "iso_weeks[]: unix seconds (UTC) -> ISO-8601 week YYYY-Www. Binary values are hex.",
	     root);
}

/* ---- request.json ---- */

static void gen_request(void)
{
	static const struct {
		const char *method, *target, *body;
		int64_t ts;
	} reqs[] = {
	    {"GET", "/v1/staff/cases?state=new&limit=50", NULL, 1767225600},
	    {"POST", "/v1/staff/cases/7K2M9QX4TB/state", "{\"state\":\"open\"}", 1767225601},
	    {"GET", "/v1/audit/stats?year=2026", NULL, 0},
	};
	const char *origin = "https://abri.example.org";
	json_t *root = json_object(), *cases = json_array(), *bad = json_array();
	size_t i;

	for (i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		json_t *c = json_object(), *h = json_object(), *checks = json_array();
		uint8_t nonce[32], bh[32], sig[64];
		char ts[24], label[32];
		abri_buf f, sb;
		size_t blen = reqs[i].body ? strlen(reqs[i].body) : 0;
		int64_t deltas[] = {0, 300, -300, 301, -301};
		size_t d;

		snprintf(label, sizeof label, "request-nonce-%zu", i);
		seed_of(nonce, label);
		snprintf(ts, sizeof ts, "%lld", (long long)reqs[i].ts);
		abri_hash(bh, (const uint8_t *)reqs[i].body, blen);
		abri_buf_init(&f);
		OK(abri_fields_add_str(&f, origin));
		OK(abri_fields_add_str(&f, reqs[i].method));
		OK(abri_fields_add_str(&f, reqs[i].target));
		OK(abri_fields_add_str(&f, ts));
		OK(abri_fields_add(&f, nonce, 16));
		OK(abri_fields_add(&f, bh, 32));
		OK(abri_signed_bytes(&sb, "request", TENANT, f.data, f.len));
		OK(abri_sign(sig, "request", TENANT, f.data, f.len, L1.esk));
		set(c, "origin", json_string(origin));
		set(c, "method", json_string(reqs[i].method));
		set(c, "target", json_string(reqs[i].target));
		set(c, "body", reqs[i].body ? hx(reqs[i].body, blen) : json_null());
		set(c, "timestamp", json_integer(reqs[i].ts));
		set(c, "nonce", hx(nonce, 16));
		set(c, "body_hash", hx(bh, 32));
		set(c, "fields", hx(f.data, f.len));
		set(c, "signed_bytes", hx(sb.data, sb.len));
		set(c, "sig", hx(sig, 64));
		set(h, "Abri-Key-Id", b64(L1.ekid, 16));
		set(h, "Abri-Timestamp", json_string(ts));
		set(h, "Abri-Nonce", b64(nonce, 16));
		set(h, "Abri-Signature", b64(sig, 64));
		set(c, "headers", h);
		for (d = 0; d < sizeof deltas / sizeof deltas[0]; d++) {
			json_t *k = json_object();
			abri_request_auth a;
			OK(abri_request_auth_parse(
			    &a, json_string_value(json_object_get(h, "Abri-Key-Id")), ts,
			    json_string_value(json_object_get(h, "Abri-Nonce")),
			    json_string_value(json_object_get(h, "Abri-Signature"))));
			set(k, "now", json_integer(reqs[i].ts + deltas[d]));
			set(k, "result",
			    json_string(err_name(
			        abri_request_verify(&a, TENANT, origin, reqs[i].method,
			                            reqs[i].target, (const uint8_t *)reqs[i].body,
			                            blen, reqs[i].ts + deltas[d], L1.epk))));
			push(checks, k);
		}
		set(c, "checks", checks);
		push(cases, c);
		abri_buf_free(&f);
		abri_buf_free(&sb);
	}
	{
		static const char *const bad_ts[] = {
		    "", "-1", "+1", "01", " 1", "1 ", "1.0", "1e3", "9223372036854775808", "0x10"};
		json_t *h0 = json_object_get(json_array_get(cases, 0), "headers");
		for (i = 0; i < sizeof bad_ts / sizeof bad_ts[0]; i++) {
			json_t *h = json_deep_copy(h0);
			set(h, "Abri-Timestamp", json_string(bad_ts[i]));
			push(bad, json_pack("{s:o, s:s}", "headers", h, "result", "invalid"));
		}
		{
			json_t *h = json_deep_copy(h0);
			set(h, "Abri-Nonce", b64(L1.ekid, 15));
			push(bad, json_pack("{s:o, s:s}", "headers", h, "result", "invalid"));
			h = json_deep_copy(h0);
			set(h, "Abri-Key-Id", json_string("not base64!"));
			push(bad, json_pack("{s:o, s:s}", "headers", h, "result", "invalid"));
			h = json_deep_copy(h0);
			json_object_del(h, "Abri-Signature");
			push(bad, json_pack("{s:o, s:s}", "headers", h, "result", "invalid"));
		}
	}
	set(root, "tenant", json_string(TENANT));
	set(root, "signer_ed25519_pk", hx(L1.epk, 32));
	set(root, "signer_ed25519_kid", hx(L1.ekid, 16));
	set(root, "cases", cases);
	set(root, "bad_headers", bad);
	save(
	    "request.json",
	    "Signed staff requests (docs/protocol.md section 12). cases[]: origin, method, target, "
	    "body (hex, null = none), timestamp, nonce -> body_hash (BLAKE2b-256 of the body or of "
	    "\"\"), fields (6-field blob), signed_bytes, sig (purpose request, signer key), "
	    "headers as sent (base64 values); checks[]: verify at server time now -> ok | expired "
	    "(|now - timestamp| > 300). bad_headers[]: header sets that must not parse "
	    "(missing header = absent key). Binary values are hex.",
	    root);
}

/* ---- recipients.json ---- */

static char *member(const party *p, const char *role, const char *name, int epoch)
{
	char *x = abri_b64_encode(p->xpk, 32), *e = abri_b64_encode(p->epk, 32), *s = NULL;

	if (!x || !e ||
	    asprintf(&s,
	             "{\"role\": \"%s\", \"name\": \"%s\", \"x25519\": \"%s\", "
	             "\"ed25519\": \"%s\", \"epoch\": %d}",
	             role, name, x, e, epoch) < 0)
		die("nomem");
	free(x);
	free(e);
	return s;
}

static void recip_case(json_t *cases, const char *name, const char *why, const char *tenant,
                       const uint8_t *fields, size_t flen, const uint8_t sig[64],
                       const uint8_t *org_pk)
{
	json_t *c = json_object();
	abri_recipients *r = malloc(sizeof *r);
	int rc;

	if (!r)
		die("nomem");
	rc = abri_recipients_verify(r, fields, flen, sig, tenant, org_pk);
	set(c, "name", json_string(name));
	set(c, "why", json_string(why));
	set(c, "tenant", json_string(tenant));
	set(c, "org_ed25519_pk", hx(org_pk, 32));
	set(c, "list", hx(fields, flen));
	set(c, "sig", hx(sig, 64));
	set(c, "wire", json_pack("{s:o, s:o}", "list", b64(fields, flen), "sig", b64(sig, 64)));
	set(c, "result", json_string(err_name(rc)));
	if (rc == ABRI_OK) {
		json_t *p = json_object(), *ms = json_array();
		size_t i;
		set(p, "deployment_id", json_string(r->deployment_id));
		set(p, "version", json_integer(r->version));
		set(p, "not_after", json_integer(r->not_after));
		for (i = 0; i < r->n; i++) {
			json_t *m = json_object();
			set(m, "role", json_string(abri_role_name(r->m[i].role)));
			set(m, "name", json_string(r->m[i].name));
			set(m, "x25519_pk", hx(r->m[i].x25519_pk, 32));
			set(m, "ed25519_pk", hx(r->m[i].ed25519_pk, 32));
			set(m, "x25519_kid", hx(r->m[i].x_kid, 16));
			set(m, "ed25519_kid", hx(r->m[i].ed_kid, 16));
			set(m, "epoch", json_integer(r->m[i].epoch));
			push(ms, m);
		}
		set(p, "members", ms);
		set(c, "parsed", p);
	}
	push(cases, c);
	free(r);
}

static void gen_recipients(void)
{
	json_t *root = json_object(), *cases = json_array();
	char *m1 = member(&L1, "listener", "Amina \\u00c9coute", 1);
	char *m2 = member(&L2, "listener", "Jonas", 2);
	char *m3 = member(&AUD, "auditor", "Audit 2026", 1);
	char *m4 = member(&SRV, "server", "abrid", 1);
	char *doc = NULL, *doc2 = NULL;
	abri_buf f, f2;
	uint8_t sig[64], sig2[64];

	if (asprintf(&doc,
	             "{\"deployment_id\": \"%s\", \"version\": 3, \"not_after\": 1767225600,\n"
	             " \"members\": [%s,\n  %s,\n  %s,\n  %s],\n \"comment\": \"unknown keys are "
	             "ignored\"}",
	             TENANT, m1, m2, m3, m4) < 0 ||
	    asprintf(&doc2,
	             "{\"deployment_id\": \"%s\", \"version\": 4, \"not_after\": 1767225600, "
	             "\"members\": [%s, %s]}",
	             TENANT, m1, m3) < 0)
		die("nomem");
	OK(abri_recipients_sign(&f, sig, doc, strlen(doc), TENANT, ORG.esk));
	recip_case(cases, "valid", "a list of four members", TENANT, f.data, f.len, sig, ORG.epk);
	recip_case(cases, "other-tenant", "verified for another deployment", "safe-place-prod",
	           f.data, f.len, sig, ORG.epk);
	recip_case(cases, "other-key", "verified with a key that is not the organisation's", TENANT,
	           f.data, f.len, sig, L1.epk);
	f.data[40] ^= 0x01;
	recip_case(cases, "tampered", "one byte of the document changed", TENANT, f.data, f.len,
	           sig, ORG.epk);
	f.data[40] ^= 0x01;
	{ /* The same blob signed for purpose "request". */
		uint8_t s2[64];
		OK(abri_sign(s2, "request", TENANT, f.data, f.len, ORG.esk));
		recip_case(cases, "wrong-purpose", "signed by the organisation for another purpose",
		           TENANT, f.data, f.len, s2, ORG.epk);
	}
	/* Signed, but without a server member: invalid after the signature. */
	abri_buf_init(&f2);
	OK(abri_fields_add(&f2, doc2, strlen(doc2)));
	OK(abri_sign(sig2, "recipients", TENANT, f2.data, f2.len, ORG.esk));
	recip_case(cases, "no-server", "validly signed document without a server member", TENANT,
	           f2.data, f2.len, sig2, ORG.epk);
	abri_buf_free(&f2);
	abri_buf_free(&f);
	free(doc);
	free(doc2);
	free(m1);
	free(m2);
	free(m3);
	free(m4);
	set(root, "cases", cases);
	save("recipients.json",
	     "Recipient lists (docs/protocol.md section 6). cases[]: list (the fields blob: one "
	     "field holding the JSON document, hex), sig, the API form wire {list, sig} (base64), "
	     "verified for tenant with org_ed25519_pk -> result ok | crypto | invalid, and when ok "
	     "the parsed list (members with their key ids). Binary values are hex.",
	     root);
}

/* ---- pow.json ---- */

static void gen_pow(void)
{
	json_t *root = json_object(), *chs = json_array(), *work = json_array(),
	       *solve = json_array();
	uint8_t key[32], ch[57], eh[32];
	size_t i;

	seed_of(key, "challenge-key");
	seed_of(eh, "pow-envelope");
	for (i = 0; i < 3; i++) {
		json_t *c = json_object();
		uint8_t rnd[32];
		char label[32];
		int64_t exp = 1767225600 + (int64_t)i * 600;
		snprintf(label, sizeof label, "challenge-%zu", i);
		seed_of(rnd, label);
		abri_store_u64le(ch, (uint64_t)exp);
		ch[8] = (uint8_t)(i * 8);
		memcpy(ch + 9, rnd, 16);
		crypto_generichash(ch + 25, 32, ch, 25, key, 32);
		set(c, "challenge", hx(ch, 57));
		set(c, "expiry", json_integer(exp));
		set(c, "difficulty", json_integer(ch[8]));
		push(chs, c);
		if (i == 1) {
			uint64_t cnt;
			for (cnt = 0; cnt < 6; cnt++) {
				json_t *w = json_object();
				set(w, "challenge", hx(ch, 57));
				set(w, "envelope_hash", hx(eh, 32));
				set(w, "counter", json_integer((json_int_t)cnt));
				set(w, "bits", json_integer(abri_pow_bits(ch, eh, cnt)));
				push(work, w);
			}
			for (cnt = 0; cnt <= 16; cnt += 4) {
				json_t *s = json_object();
				set(s, "challenge", hx(ch, 57));
				set(s, "envelope_hash", hx(eh, 32));
				set(s, "difficulty", json_integer((json_int_t)cnt));
				set(s, "counter",
				    json_integer((json_int_t)abri_pow_solve(ch, eh, (uint8_t)cnt)));
				push(solve, s);
			}
		}
	}
	set(root, "challenge_key", hx(key, 32));
	set(root, "challenges", chs);
	set(root, "work", work);
	set(root, "solve", solve);
	{
		static const uint64_t chunks[] = {1, 2, 3, 4, 5, 48, 256, 257, 1u << 20};
		static const unsigned diffs[] = {0, 0, 0, 0, 1, 0, 0, 3, 32};
		json_t *upload = json_array();

		for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
			json_t *u = json_object();
			set(u, "difficulty", json_integer(diffs[i]));
			set(u, "chunks", json_integer((json_int_t)chunks[i]));
			set(u, "bits", json_integer(abri_pow_upload_bits(diffs[i], chunks[i])));
			push(upload, u);
		}
		set(root, "upload_bits", upload);
	}
	save(
	    "pow.json",
	    "Proof of work (docs/protocol.md section 13). challenges[]: 57-byte challenge (expiry "
	    "u64le | difficulty | random 16 | BLAKE2b-256(key = challenge_key, first 25 bytes)) -> "
	    "expiry, difficulty. work[]: leading zero bits of BLAKE2b-256(challenge || "
	    "envelope_hash || u64le(counter)). solve[]: the smallest counter reaching difficulty. "
	    "upload_bits[]: the zero bits an upload of `chunks` chunks must reach on a challenge of "
	    "`difficulty` (difficulty + 12 + ceil(log2 chunks)). Binary values are hex.",
	    root);
}

/* ---- attachments (attach.json) ---- */

/* Decryption vectors: key and header fixed (the header through
 * abri_attach_enc_init_det), so the whole file is reproducible. All values
 * base64, as the web app handles them. */
static json_t *attach_case(size_t size)
{
	uint8_t key[32], seed[32], header[ABRI_ATTACH_HEADER_BYTES], hash[32], *pt;
	char label[64];
	abri_attach_enc e;
	abri_buf ct;
	json_t *o;

	snprintf(label, sizeof label, "attach-key-%zu", size);
	seed_of(key, label);
	snprintf(label, sizeof label, "attach-header-%zu", size);
	seed_of(seed, label);
	memcpy(header, seed, sizeof header);
	pt = malloc(size + 1);
	if (!pt)
		die("nomem");
	for (size_t i = 0; i < size; i++)
		pt[i] = (uint8_t)((i * 31u + 7u) & 0xffu);
	abri_buf_init(&ct);
	OK(abri_attach_enc_init_det(&e, key, size, header));
	OK(abri_buf_append(&ct, header, sizeof header));
	for (uint64_t i = 0; i < e.chunks; i++) {
		uint8_t out[ABRI_ATTACH_CHUNK_CT];
		size_t off = (size_t)i * ABRI_ATTACH_CHUNK;
		size_t n = (i + 1 == e.chunks) ? size - off : ABRI_ATTACH_CHUNK;
		OK(abri_attach_enc_chunk(&e, pt + off, n, out));
		OK(abri_buf_append(&ct, out, sizeof out));
	}
	OK(abri_attach_enc_final(&e, hash));
	o = json_object();
	set(o, "key", b64(key, sizeof key));
	set(o, "header", b64(header, sizeof header));
	set(o, "ciphertext", b64(ct.data, ct.len));
	set(o, "hash", b64(hash, sizeof hash));
	set(o, "plaintext", b64(pt, size));
	set(o, "size", json_integer((json_int_t)size));
	set(o, "chunks", json_integer((json_int_t)abri_attach_chunks(size)));
	abri_buf_free(&ct);
	free(pt);
	return o;
}

static void gen_attach(void)
{
	static const size_t sizes[] = {0, 100, 65536};
	json_t *o = json_object(), *a = json_array();

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		push(a, attach_case(sizes[i]));
	set(o, "vectors", a);
	save("attach.json",
	     "Attachment decryption (docs/protocol.md, Attachments). All binary values standard "
	     "base64. ciphertext = header (24) || chunks (65553 each: secretstream push of 65536 "
	     "bytes, tag MESSAGE, the last tag FINAL and sodium_pad'ded with block size 65536); "
	     "hash = BLAKE2b-256 of the whole ciphertext; chunks = floor(size / 65536) + 1; "
	     "decrypting ciphertext with key must give plaintext (size bytes).",
	     o);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-vectors OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	OK(abri_init());
	party_make(&L1, "listener-1");
	party_make(&L2, "listener-2");
	party_make(&AUD, "auditor-1");
	party_make(&SRV, "server");
	party_make(&ORG, "organisation");
	party_make(&STRANGER, "stranger");
	REP = abri_reporter_keys_new();
	if (!REP)
		die("nomem");
	OK(abri_reporter_keys_from_token(REP, TOKEN, TENANT));
	build_world();
	gen_token_normalise();
	gen_damm();
	gen_argon2();
	gen_kdf();
	gen_buckets();
	gen_padding();
	gen_inner();
	gen_envelopes();
	gen_chain();
	gen_signed();
	gen_receipt();
	gen_request();
	gen_recipients();
	gen_pow();
	gen_attach();
	for (i = 0; i < N_MSG; i++) {
		abri_buf_free(&MSG[i].pt);
		abri_buf_free(&MSG[i].env);
	}
	abri_reporter_keys_free(REP);
	return 0;
}
