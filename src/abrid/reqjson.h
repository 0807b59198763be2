/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Declared request parsing: a handler lists the fields it expects and one
 * call fills them or says which field is wrong and with which error code.
 * Unknown fields are ignored (forward compatibility). Independent of MHD
 * and the database so it can be fuzzed alone (fuzz/fuzz_reqjson.c). */
#ifndef ABRID_REQJSON_H
#define ABRID_REQJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

enum rj_type {
	RJ_B64_FIXED, /* dest: uint8_t[len]; decoded length must equal len */
	RJ_B64_VAR,   /* dest: struct rj_bytes; decoded length 0..len */
	RJ_STRING,    /* dest: const char * into the JSON (valid while it lives); 1..len bytes */
	RJ_INT,       /* dest: int64_t; min..max */
	RJ_OBJECT,    /* dest: json_t * borrowed from the JSON */
};

struct rj_bytes {
	uint8_t *p; /* malloc'd; rj_free releases it */
	size_t len;
};

struct rj_field {
	const char *name; /* NULL ends the list */
	enum rj_type type;
	void *dest;
	size_t len;       /* RJ_B64_FIXED: exact; RJ_B64_VAR, RJ_STRING: maximum */
	int64_t min, max; /* RJ_INT */
	bool optional;
	bool *present;    /* may be NULL; set for optional fields */
	enum ec code;     /* answer when the value has the right JSON type but bad
	                   * content (base64, length, range); EC_NONE = EC_BAD_FIELD.
	                   * A missing field or a wrong JSON type is always
	                   * EC_BAD_FIELD (docs/api.md). */
	enum ec too_long; /* RJ_B64_VAR beyond len; EC_NONE = code */
};

#define RJ_B64(n, d, l, ...)                                                                       \
	{                                                                                          \
		.name = (n), .type = RJ_B64_FIXED, .dest = (d), .len = (l), __VA_ARGS__            \
	}
#define RJ_VAR(n, d, l, ...)                                                                       \
	{                                                                                          \
		.name = (n), .type = RJ_B64_VAR, .dest = (d), .len = (l), __VA_ARGS__              \
	}
#define RJ_STR(n, d, l, ...)                                                                       \
	{                                                                                          \
		.name = (n), .type = RJ_STRING, .dest = (d), .len = (l), __VA_ARGS__               \
	}
#define RJ_INT(n, d, lo, hi, ...)                                                                  \
	{                                                                                          \
		.name = (n), .type = RJ_INT, .dest = (d), .min = (lo), .max = (hi), __VA_ARGS__    \
	}
#define RJ_OBJ(n, d, ...)                                                                          \
	{                                                                                          \
		.name = (n), .type = RJ_OBJECT, .dest = (d), __VA_ARGS__                           \
	}
#define RJ_END                                                                                     \
	{                                                                                          \
		.name = NULL                                                                       \
	}

struct rj_result {
	enum ec code;      /* EC_NONE on success */
	const char *field; /* the offending field's name (from the spec) or NULL */
};

/* Parses a request body: a JSON object (duplicate keys and \u0000 rejected).
 * An empty body is allowed if empty_ok (then *out is an empty object).
 * EC_BAD_JSON otherwise.
 *
 * One refused body still loads: a JSON object whose only fault is an
 * integer beyond 64 bits (refused by jansson, hence by the reader) gives
 * a stand-in object (rj_refused() is true for it) on which every rj_parse
 * fails, with the code the field holding the integer would get for a bad
 * value (a proof of work's counter: bad_pow), or EC_BAD_JSON when no field
 * of the spec holds it. The stand-in holds no field a handler could read:
 * a handler that parses no spec must test rj_refused(). */
int rj_load(const char *body, size_t len, bool empty_ok, json_t **out, struct rj_result *res);

/* Is obj the stand-in for a refused body (rj_load)? */
bool rj_refused(const json_t *obj);

/* Fills spec from obj. On failure, everything already allocated is freed
 * and res says why. Returns 0 or -1. */
int rj_parse(const json_t *obj, const struct rj_field *spec, struct rj_result *res);

/* Frees (and wipes) what rj_parse allocated for spec. */
void rj_free(const struct rj_field *spec);

#endif
