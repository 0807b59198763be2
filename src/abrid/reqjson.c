/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "abri/common.h"
#include "jsonread.h"
#include "reqjson.h"

static int fail(struct rj_result *res, enum ec code, const char *field)
{
	res->code = code;
	res->field = field;
	return -1;
}

/* The stand-in's one key: a NUL cannot be in a key of a loaded body
 * (\u0000 is refused), so no request can forge it. Its value is the
 * top-level key that held the integer out of range. */
static const char REFUSED_KEY[] = "\0integer out of range";
#define REFUSED_KEY_LEN (sizeof REFUSED_KEY - 1)

bool rj_refused(const json_t *obj)
{
	return json_object_getn(obj, REFUSED_KEY, REFUSED_KEY_LEN) != NULL;
}

static json_t *refused_stand_in(const struct jsonread_diag *d)
{
	json_t *o = json_object();

	/* A key too long to copy is no field of ours: "" matches none. The
	 * value's reference is taken even on failure. */
	if (o == NULL ||
	    json_object_setn_new(o, REFUSED_KEY, REFUSED_KEY_LEN,
	                         json_stringn(d->key, d->key_truncated ? 0 : d->key_len)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The stand-in under a spec: the code of the field holding the integer,
 * as for a value of the right JSON type but bad content (RJ_INT, and a
 * nested integer of RJ_OBJECT); a string field given a number has the
 * wrong type. */
static int refused_field(const json_t *key, const struct rj_field *spec, struct rj_result *res)
{
	for (const struct rj_field *f = spec; f->name != NULL; f++) {
		if (strlen(f->name) != json_string_length(key) ||
		    memcmp(f->name, json_string_value(key), json_string_length(key)) != 0)
			continue;
		if (f->type == RJ_INT || f->type == RJ_OBJECT)
			return fail(res, (f->code != EC_NONE) ? f->code : EC_BAD_FIELD, f->name);
		return fail(res, EC_BAD_FIELD, f->name);
	}
	return fail(res, EC_BAD_JSON, NULL);
}

int rj_load(const char *body, size_t len, bool empty_ok, json_t **out, struct rj_result *res)
{
	struct jsonread_diag diag;
	json_t *j;

	res->code = EC_NONE;
	res->field = NULL;
	*out = NULL;
	if (len == 0 && empty_ok) {
		*out = json_object();
		return (*out != NULL) ? 0 : fail(res, EC_INTERNAL, NULL);
	}
	/* What json_loadb(JSON_REJECT_DUPLICATES) takes, faster (jsonread.h). */
	j = jsonread_object_diag(body, len, &diag);
	if (j == NULL && diag.int_range)
		j = refused_stand_in(&diag);
	if (j == NULL)
		return fail(res, EC_BAD_JSON, NULL);
	*out = j;
	return 0;
}

static int parse_b64(const json_t *v, const struct rj_field *f, enum ec code, struct rj_result *res)
{
	const char *s = json_string_value(v);
	struct rj_bytes *b = f->dest;
	uint8_t *p;
	size_t n;

	if (s == NULL)
		return fail(res, EC_BAD_FIELD, f->name);
	if (f->type == RJ_B64_FIXED) {
		if (abri_b64_decode_exact(s, f->dest, f->len) != ABRI_OK)
			return fail(res, code, f->name);
		return 0;
	}
	/* Reject before decoding what cannot fit: 4 chars per 3 bytes. */
	if (json_string_length(v) / 4 > f->len / 3 + 1)
		return fail(res, (f->too_long != EC_NONE) ? f->too_long : code, f->name);
	/* Variable-length fields are ciphertext or signed public lists: the
	 * fast decoder (a 4 KiB report's envelope costs a tenth). */
	if (abri_b64_decode_public(s, json_string_length(v), &p, &n) != ABRI_OK)
		return fail(res, code, f->name);
	if (n > f->len) {
		free(p);
		return fail(res, (f->too_long != EC_NONE) ? f->too_long : code, f->name);
	}
	b->p = p;
	b->len = n;
	return 0;
}

static int parse_field(const json_t *v, const struct rj_field *f, struct rj_result *res)
{
	enum ec code = (f->code != EC_NONE) ? f->code : EC_BAD_FIELD;
	json_int_t i;
	size_t n;

	switch (f->type) {
	case RJ_B64_FIXED:
	case RJ_B64_VAR: return parse_b64(v, f, code, res);
	case RJ_STRING:
		if (!json_is_string(v))
			return fail(res, EC_BAD_FIELD, f->name);
		n = json_string_length(v);
		/* jansson allows embedded NULs; we never do. */
		if (n == 0 || n > f->len || strlen(json_string_value(v)) != n)
			return fail(res, code, f->name);
		*(const char **)f->dest = json_string_value(v);
		return 0;
	case RJ_INT:
		if (!json_is_integer(v))
			return fail(res, EC_BAD_FIELD, f->name);
		i = json_integer_value(v);
		if (i < f->min || i > f->max)
			return fail(res, code, f->name);
		*(int64_t *)f->dest = i;
		return 0;
	case RJ_OBJECT:
		if (!json_is_object(v))
			return fail(res, EC_BAD_FIELD, f->name);
		*(json_t **)f->dest = (json_t *)v;
		return 0;
	}
	return fail(res, EC_INTERNAL, f->name);
}

int rj_parse(const json_t *obj, const struct rj_field *spec, struct rj_result *res)
{
	res->code = EC_NONE;
	res->field = NULL;
	for (const struct rj_field *f = spec; f->name != NULL; f++)
		if (f->type == RJ_B64_VAR)
			memset(f->dest, 0, sizeof(struct rj_bytes));
	if (!json_is_object(obj))
		return fail(res, EC_BAD_JSON, NULL);
	const json_t *refused = json_object_getn(obj, REFUSED_KEY, REFUSED_KEY_LEN);
	if (refused != NULL)
		return refused_field(refused, spec, res);
	for (const struct rj_field *f = spec; f->name != NULL; f++) {
		const json_t *v = json_object_get(obj, f->name);
		int missing = (v == NULL || json_is_null(v));

		if (f->present != NULL)
			*f->present = !missing;
		if (missing) {
			if (f->optional)
				continue;
			rj_free(spec);
			return fail(res, EC_BAD_FIELD, f->name);
		}
		if (parse_field(v, f, res) != 0) {
			rj_free(spec);
			return -1;
		}
	}
	return 0;
}

void rj_free(const struct rj_field *spec)
{
	for (const struct rj_field *f = spec; f->name != NULL; f++) {
		struct rj_bytes *b = f->dest;

		if (f->type != RJ_B64_VAR || b->p == NULL)
			continue;
		sodium_memzero(b->p, b->len);
		free(b->p);
		b->p = NULL;
		b->len = 0;
	}
}
