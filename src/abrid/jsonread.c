/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON request bodies into jansson values (jsonread.h says why and which
 * rules). Recursive descent over a bounded buffer; every path that refuses
 * frees what it built. */
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

struct jr {
	const uint8_t *p, *end;
	unsigned depth;
	/* The top-level key whose value is being read (top_key_len is 0
	 * outside one), and the first integer out of range. */
	const char *top_key;
	size_t top_key_len;
	bool int_range;
	struct jsonread_diag *diag;
};

/* Bytes a string can hold without a second look: printable ASCII other
 * than '"' and '\\'. */
static bool plain(uint8_t c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void skip_ws(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* One UTF-8 sequence starting at s (s[0] >= 0x80) within [s, end): its
 * length, or 0 if it is not well formed (RFC 3629). */
static size_t utf8_seq(const uint8_t *s, const uint8_t *end)
{
	uint32_t cp;
	size_t n;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static int hex4(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		uint8_t c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \u escape at s (pointing at the 'u'), with its low surrogate when it
 * is a high one. Sets *cp and *used (bytes after the backslash). */
static int unicode_escape(const uint8_t *s, const uint8_t *end, uint32_t *cp, size_t *used)
{
	uint32_t lo;

	if (end - s < 5 || hex4(s + 1, cp) != 0)
		return -1;
	*used = 5;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return -1;
	if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		if (end - s < 11 || s[5] != '\\' || s[6] != 'u' || hex4(s + 7, &lo) != 0 ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return -1;
		*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
		*used = 11;
	}
	return (*cp == 0) ? -1 : 0; /* no NUL inside a string */
}

static size_t utf8_put(uint8_t *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (uint8_t)(0xC0 | (cp >> 6));
		d[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (uint8_t)(0xE0 | (cp >> 12));
		d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (uint8_t)(0xF0 | (cp >> 18));
	d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* Escapes present: decode the checked source [s, e) into a new buffer
 * (never longer than the source). */
static char *unescape(const uint8_t *s, const uint8_t *e, size_t *len)
{
	uint8_t *out = malloc((size_t)(e - s) + 1), *d = out;
	uint32_t cp;
	size_t used;

	if (out == NULL)
		return NULL;
	while (s < e) {
		if (*s != '\\') {
			*d++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'u':
			/* Checked by string(): cannot fail here. */
			if (unicode_escape(s, e, &cp, &used) != 0) {
				free(out);
				return NULL;
			}
			d += utf8_put(d, cp);
			s += used;
			continue;
		default: *d++ = *s; break; /* '"', '\\', '/' */
		}
		s++;
	}
	*len = (size_t)(d - out);
	return (char *)out;
}

/* A string at r->p (the opening quote). On success *s, *len: the bytes,
 * either inside the body or in *owned (to free). */
static int string(struct jr *r, const char **s, size_t *len, char **owned)
{
	const uint8_t *start = ++r->p, *q = start;
	bool escaped = false;
	uint32_t cp;
	size_t n;

	*owned = NULL;
	for (;;) {
		while (q < r->end && plain(*q))
			q++;
		if (q >= r->end || *q < 0x20)
			return -1;
		if (*q == '"')
			break;
		if (*q == '\\') {
			if (q + 1 >= r->end)
				return -1;
			escaped = true;
			if (q[1] == 'u') {
				if (unicode_escape(q + 1, r->end, &cp, &n) != 0)
					return -1;
				q += 1 + n;
			} else if (strchr("\"\\/bfnrt", q[1]) != NULL && q[1] != '\0') {
				q += 2;
			} else {
				return -1;
			}
			continue;
		}
		if ((n = utf8_seq(q, r->end)) == 0)
			return -1;
		q += n;
	}
	r->p = q + 1;
	if (!escaped) {
		*s = (const char *)start;
		*len = (size_t)(q - start);
		return 0;
	}
	*owned = unescape(start, q, len);
	*s = *owned;
	return (*owned != NULL) ? 0 : -1;
}

static bool digit(const struct jr *r)
{
	return r->p < r->end && *r->p >= '0' && *r->p <= '9';
}

static void digits(struct jr *r)
{
	while (digit(r))
		r->p++;
}

/* An integer out of range: the object will be refused, but reading goes
 * on so that it is refused for this alone only if nothing else is wrong;
 * null stands in for the integer meanwhile. */
static json_t *int_out_of_range(struct jr *r)
{
	if (!r->int_range && r->diag != NULL) {
		size_t n = r->top_key_len;
		r->diag->key_truncated = n > sizeof r->diag->key;
		r->diag->key_len = r->diag->key_truncated ? 0 : n;
		if (!r->diag->key_truncated)
			memcpy(r->diag->key, r->top_key, n);
	}
	r->int_range = true;
	return json_null();
}

/* A number: the grammar first, then strtoll/strtod on a NUL-terminated
 * copy, as jansson does (overflow refused, underflow to zero allowed). */
static json_t *number(struct jr *r)
{
	const uint8_t *start = r->p;
	bool real = false;
	char small[64], *text;
	size_t n;
	json_t *v = NULL;

	if (*r->p == '-')
		r->p++;
	if (!digit(r))
		return NULL;
	if (*r->p == '0') {
		r->p++;
		if (digit(r))
			return NULL;
	} else {
		digits(r);
	}
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!digit(r))
			return NULL;
		digits(r);
		real = true;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digit(r))
			return NULL;
		digits(r);
		real = true;
	}
	n = (size_t)(r->p - start);
	text = (n < sizeof small) ? small : malloc(n + 1);
	if (text == NULL)
		return NULL;
	memcpy(text, start, n);
	text[n] = '\0';
	errno = 0;
	if (!real) {
		long long i = strtoll(text, NULL, 10);

		v = (errno != ERANGE) ? json_integer(i) : int_out_of_range(r);
	} else {
		double d = strtod(text, NULL);

		if (!(errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL)))
			v = json_real(d);
	}
	if (text != small)
		free(text);
	return v;
}

/* A literal: jansson reads the whole run of letters, so "truex" is one
 * bad word, not "true" then "x". */
static json_t *literal(struct jr *r)
{
	const uint8_t *s = r->p;
	size_t n = 0;

	while (s + n < r->end && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
		n++;
	r->p += n;
	if (n == 4 && memcmp(s, "true", 4) == 0)
		return json_true();
	if (n == 5 && memcmp(s, "false", 5) == 0)
		return json_false();
	if (n == 4 && memcmp(s, "null", 4) == 0)
		return json_null();
	return NULL;
}

/* An unescaped copy can hold a lookup key: wiped like jansson's own
 * strings (abri_init's json_wipe_free). */
static void release(char *owned, size_t len)
{
	if (owned == NULL)
		return;
	sodium_memzero(owned, len);
	free(owned);
}

static json_t *value(struct jr *r);

static json_t *object(struct jr *r)
{
	json_t *o = json_object(), *v;
	const char *k;
	char *owned;
	size_t klen;

	if (o == NULL)
		return NULL;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		if (r->p >= r->end || *r->p != '"' || string(r, &k, &klen, &owned) != 0)
			goto bad;
		if (json_object_getn(o, k, klen) != NULL) {
			release(owned, klen);
			goto bad;
		}
		skip_ws(r);
		if (r->p >= r->end || *r->p != ':') {
			release(owned, klen);
			goto bad;
		}
		r->p++;
		skip_ws(r);
		if (r->depth == 1) { /* the request's own fields */
			r->top_key = k;
			r->top_key_len = klen;
		}
		v = value(r);
		if (r->depth == 1)
			r->top_key_len = 0;
		if (v == NULL || json_object_setn_new_nocheck(o, k, klen, v) != 0) {
			release(owned, klen);
			goto bad;
		}
		release(owned, klen);
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return o;
		}
		goto bad;
	}
bad:
	json_decref(o);
	return NULL;
}

static json_t *array(struct jr *r)
{
	json_t *a = json_array(), *v;

	if (a == NULL)
		return NULL;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		v = value(r);
		if (v == NULL || json_array_append_new(a, v) != 0)
			break;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return a;
		}
		break;
	}
	json_decref(a);
	return NULL;
}

/* Any value at r->p (whitespace already skipped). Depth counts values as
 * jansson's parse_value does. */
static json_t *value(struct jr *r)
{
	const char *s;
	char *owned;
	size_t len;
	json_t *v;

	if (r->p >= r->end || ++r->depth > JSONREAD_MAX_DEPTH)
		return NULL;
	switch (*r->p) {
	case '{': v = object(r); break;
	case '[': v = array(r); break;
	case '"':
		if (string(r, &s, &len, &owned) != 0)
			return NULL;
		v = json_stringn_nocheck(s, len);
		release(owned, len);
		break;
	default:
		v = (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) ? number(r) : literal(r);
		break;
	}
	r->depth--;
	return v;
}

json_t *jsonread_object_diag(const char *p, size_t n, struct jsonread_diag *diag)
{
	struct jr r = {.p = (const uint8_t *)p, .end = (const uint8_t *)p + n, .diag = diag};
	json_t *o;

	if (diag != NULL)
		memset(diag, 0, sizeof *diag);
	skip_ws(&r);
	if (r.p >= r.end || *r.p != '{')
		return NULL;
	o = value(&r);
	if (o == NULL)
		return NULL;
	skip_ws(&r);
	if (r.p != r.end || r.int_range) {
		/* Refused like jansson; the reason only if it is the sole one. */
		if (diag != NULL)
			diag->int_range = r.p == r.end && r.int_range;
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *jsonread_object(const char *p, size_t n)
{
	return jsonread_object_diag(p, n, NULL);
}
