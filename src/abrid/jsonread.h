/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* A JSON reader for request bodies that builds jansson values.
 *
 * Why not json_loadb: jansson reads one byte at a time through a callback
 * and copies each byte of a string twice; a 4 KiB report (a 6 KiB base64
 * string) cost 134 µs to parse, a third of abrid's CPU per submission
 * (docs/benchmarks.md, "Finding and fix: request parsing"). This reader
 * scans strings in a tight loop and hands them to jansson in one copy.
 *
 * It accepts exactly what json_loadb(JSON_REJECT_DUPLICATES) accepts when
 * the top level is an object, and yields equal values (json_equal):
 * fuzz/fuzz_jsonread.c checks both on every input. So: RFC 8259 grammar,
 * strict UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF), escapes with paired surrogates, no \u0000, integers within
 * long long, reals that do not overflow, no duplicate keys, nothing after
 * the object but whitespace.
 *
 * One deliberate difference: jansson 2.14 skips a NUL byte that directly
 * follows a number or a word ({"a":1\0} is {"a":1} to it: its push-back
 * buffer is a C string); this reader refuses every NUL byte. */
#ifndef ABRID_JSONREAD_H
#define ABRID_JSONREAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* jansson's own nesting limit (JSON_PARSER_MAX_DEPTH): a value nested in
 * more containers than this is refused. */
#define JSONREAD_MAX_DEPTH 2048

/* Parses p[0..n) as one JSON object. Returns a new reference, or NULL
 * on any syntax error, a limit, or memory exhaustion. */
json_t *jsonread_object(const char *p, size_t n);

/* Why a refused object was refused, so that a caller can name the field:
 * int_range is set when the text is a well-formed JSON object whose only
 * fault is an integer outside long long (which jansson refuses, so the
 * reader does too); key is then the top-level key holding the first such
 * integer (key_truncated when it was longer than the buffer). */
#define JSONREAD_KEY_MAX 64
struct jsonread_diag {
	bool int_range;
	bool key_truncated;
	size_t key_len;
	char key[JSONREAD_KEY_MAX];
};

/* jsonread_object, and on refusal the reason in *diag. */
json_t *jsonread_object_diag(const char *p, size_t n, struct jsonread_diag *diag);

#endif
