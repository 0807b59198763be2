/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Declared request parsing: types, lengths, optional fields, error codes. */
#include <stdio.h>
#include <string.h>

#include "abri/abri.h"
#include "reqjson.h"

#include "../check.h"

struct req {
	uint8_t key[4];
	struct rj_bytes blob;
	const char *name;
	int64_t n;
	json_t *obj;
	bool has_obj;
};

/* Parses text with a fixed spec; returns the result code. */
static enum ec run(const char *text, struct req *r, const char **field)
{
	struct rj_field spec[] = {
	    RJ_B64("key", r->key, sizeof r->key, .code = EC_BAD_LOOKUP_KEY),
	    RJ_VAR("blob", &r->blob, 6, .code = EC_BAD_ENVELOPE, .too_long = EC_ENVELOPE_TOO_LARGE),
	    RJ_STR("name", &r->name, 8),
	    RJ_INT("n", &r->n, -5, 5),
	    RJ_OBJ("obj", &r->obj, .optional = true, .present = &r->has_obj, .code = EC_BAD_POW),
	    RJ_END,
	};
	struct rj_result res;
	json_t *j;

	memset(r, 0, sizeof *r);
	if (rj_load(text, strlen(text), false, &j, &res) != 0) {
		*field = res.field;
		return res.code;
	}
	if (rj_parse(j, spec, &res) == 0)
		rj_free(spec);
	json_decref(j);
	*field = res.field;
	return res.code;
}

static void test_ok(void)
{
	struct req r;
	const char *f;

	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"ab\",\"n\":-5,\"extra\":1}", &r,
	          &f) == EC_NONE);
	CHECK(r.key[0] == 1 && r.key[3] == 4);
	CHECK(!r.has_obj);
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"AAAAAAAA\",\"name\":\"ab\",\"n\":5,"
	          "\"obj\":{}}",
	          &r, &f) == EC_NONE);
	CHECK(r.has_obj);
	/* null counts as absent */
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"ab\",\"n\":0,\"obj\":null}", &r,
	          &f) == EC_NONE);
	CHECK(!r.has_obj);
}

static void test_errors(void)
{
	struct req r;
	const char *f;

	CHECK(run("", &r, &f) == EC_BAD_JSON);
	CHECK(run("[]", &r, &f) == EC_BAD_JSON);
	CHECK(run("{\"a\":1,\"a\":2}", &r, &f) == EC_BAD_JSON);
	CHECK(run("{", &r, &f) == EC_BAD_JSON);
	/* missing or wrong JSON type: bad_field; bad content: the field's code */
	CHECK(run("{}", &r, &f) == EC_BAD_FIELD && 0 == strcmp(f, "key"));
	CHECK(run("{\"key\":\"AQID\"}", &r, &f) == EC_BAD_LOOKUP_KEY);      /* 3 bytes */
	CHECK(run("{\"key\":\"AQIDBA\"}", &r, &f) == EC_BAD_LOOKUP_KEY);    /* no padding */
	CHECK(run("{\"key\":\" AQIDBA==\"}", &r, &f) == EC_BAD_LOOKUP_KEY); /* whitespace */
	CHECK(run("{\"key\":5}", &r, &f) == EC_BAD_FIELD);
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":7}", &r, &f) == EC_BAD_FIELD &&
	      0 == strcmp(f, "blob"));
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"AAAAAAAAAAA=\"}", &r, &f) ==
	      EC_ENVELOPE_TOO_LARGE); /* 8 bytes > 6 */
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"!!\"}", &r, &f) == EC_BAD_ENVELOPE);
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"\"}", &r, &f) == EC_BAD_FIELD &&
	      0 == strcmp(f, "name"));
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"123456789\"}", &r, &f) ==
	      EC_BAD_FIELD);
	/* jansson refuses \u0000 unless asked; reqjson checks again anyway. */
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"a\\u0000b\"}", &r, &f) ==
	      EC_BAD_JSON);
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"a\",\"n\":6}", &r, &f) ==
	          EC_BAD_FIELD &&
	      0 == strcmp(f, "n"));
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"a\",\"n\":1.0}", &r, &f) ==
	      EC_BAD_FIELD);
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"a\",\"n\":1,\"obj\":[]}", &r,
	          &f) == EC_BAD_FIELD &&
	      0 == strcmp(f, "obj"));
}

/* Integers beyond 64 bits: refused as jansson refuses them, but named. */
static void test_int_range(void)
{
	struct rj_result res;
	struct req r;
	const char *f;
	json_t *j;

	CHECK(run("{\"n\":9223372036854775808}", &r, &f) == EC_BAD_FIELD && 0 == strcmp(f, "n"));
	CHECK(run("{\"key\":\"AQIDBA==\",\"n\":-9223372036854775809}", &r, &f) == EC_BAD_FIELD &&
	      0 == strcmp(f, "n"));
	CHECK(run("{\"\\u006e\":18446744073709551616}", &r, &f) == EC_BAD_FIELD &&
	      0 == strcmp(f, "n"));
	/* nested in an object field: that field's code */
	CHECK(run("{\"key\":\"AQIDBA==\",\"obj\":{\"c\":[1,99999999999999999999]}}", &r, &f) ==
	          EC_BAD_POW &&
	      0 == strcmp(f, "obj"));
	/* a string field holding one: the wrong JSON type */
	CHECK(run("{\"key\":99999999999999999999}", &r, &f) == EC_BAD_FIELD && 0 == strcmp(f, "key"));
	/* in no declared field, or with another fault, or a real: bad_json */
	CHECK(run("{\"key\":\"AQIDBA==\",\"blob\":\"\",\"name\":\"a\",\"n\":1,"
	          "\"extra\":9223372036854775808}",
	          &r, &f) == EC_BAD_JSON);
	CHECK(run("{\"n\":99999999999999999999,\"n\":1}", &r, &f) == EC_BAD_JSON);
	CHECK(run("{\"n\":99999999999999999999,}", &r, &f) == EC_BAD_JSON);
	CHECK(run("{\"n\":1e999}", &r, &f) == EC_BAD_JSON);
	/* the stand-in: refused, and never mistaken for a body */
	static const char big[] = "{\"n\":9223372036854775808}", one[] = "{\"n\":1}";
	CHECK(rj_load(big, sizeof big - 1, false, &j, &res) == 0 && rj_refused(j));
	CHECK(json_object_get(j, "n") == NULL);
	json_decref(j);
	CHECK(rj_load(one, sizeof one - 1, false, &j, &res) == 0 && !rj_refused(j));
	json_decref(j);
}

static void test_empty_body(void)
{
	struct rj_result res;
	json_t *j;

	CHECK(rj_load("", 0, true, &j, &res) == 0 && json_is_object(j));
	json_decref(j);
	CHECK(rj_load("", 0, false, &j, &res) != 0 && res.code == EC_BAD_JSON);
}

int main(void)
{
	if (abri_init() != ABRI_OK)
		return 1;
	test_ok();
	test_errors();
	test_int_range();
	test_empty_body();
	if (failures != 0)
		(void)fprintf(stderr, "%d failures\n", failures);
	return failures != 0;
}
