/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* console_handle: every request's checks, in the order of the contract
 * (docs/console-api.md, "Checks on every request"), then one routing
 * table. Pure: the request in, the answer out (fuzz/fuzz_console.c). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "console/assets.h"
#include "console/console.h"

#define PATH_MAX_LEN 512u
#define SEGMENTS_MAX 8u

enum {
	R_SESSION = 1, /* the cookie (and, on POST, the CSRF token) */
	R_KEY = 2,     /* unlocked */
};

typedef void (*handler)(console *c, const console_req *rq, const json_t *body, console_resp *r);

typedef struct route {
	const char *method;
	const char *path;
	unsigned needs;
	handler run;
} route;

static const route routes[] = {
    {"POST", "/api/login", 0, h_login},
    {"GET", "/api/session", R_SESSION, h_session},
    {"POST", "/api/unlock", R_SESSION, h_unlock},
    {"POST", "/api/lock", R_SESSION, h_lock},
    {"POST", "/api/lang", R_SESSION, h_lang},
    {"GET", "/api/reference", R_SESSION, h_reference},
    {"GET", "/api/cases", R_SESSION | R_KEY, h_cases},
};

void console_resp_free(console_resp *r)
{
	if (r->body != NULL && !r->body_static) {
		sodium_memzero(r->body, r->len);
		free(r->body);
	}
	r->body = NULL;
	r->len = 0;
}

void console_json(console_resp *r, int status, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

	json_decref(doc);
	console_resp_free(r);
	r->body_static = 0;
	if (text == NULL) {
		static const char oom[] =
		    "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		r->status = 500;
		r->body = (uint8_t *)oom;
		r->len = sizeof oom - 1;
		r->body_static = 1;
	} else {
		r->status = status;
		r->body = (uint8_t *)text;
		r->len = strlen(text);
	}
	r->content_type = "application/json";
}

void console_error_with(console_resp *r, int status, const char *code, const char *message,
                        json_t *more)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (e != NULL && more != NULL && json_object_update(e, more) < 0) {
		json_decref(e);
		e = NULL;
	}
	json_decref(more);
	console_json(r, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

void console_error(console_resp *r, int status, const char *code, const char *message)
{
	console_error_with(r, status, code, message, NULL);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) ('+' is a space); NULL on a bad escape or NUL. */
static char *url_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t j = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)s[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(out);
				return NULL;
			}
			ch = hi * 16 + lo;
			i += 2;
		}
		if (ch == 0) {
			free(out);
			return NULL;
		}
		out[j++] = (char)ch;
	}
	out[j] = '\0';
	return out;
}

char *console_query(const char *target, const char *name)
{
	const char *q = strchr(target, '?');
	size_t nl = strlen(name);

	for (q = q ? q + 1 : NULL; q != NULL && *q != '\0';) {
		const char *end = strchr(q, '&');
		size_t len = end ? (size_t)(end - q) : strlen(q);
		if (len > nl && strncmp(q, name, nl) == 0 && q[nl] == '=')
			return url_decode(q + nl + 1, len - nl - 1);
		if (len == nl && strncmp(q, name, nl) == 0)
			return url_decode("", 0);
		q = end ? end + 1 : NULL;
	}
	return NULL;
}

/* "application/json", optionally with parameters ("; charset=utf-8"). */
static int is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	if (ct == NULL || strncasecmp(ct, want, sizeof want - 1) != 0)
		return 0;
	ct += sizeof want - 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int str_eq(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* POST: the body checks. *body gets the object. */
static int body_ok(const console_req *rq, json_t **body, console_resp *r)
{
	json_error_t jerr;

	if (!is_json_type(rq->content_type)) {
		console_error(r, 415, "bad_type", "Content-Type must be application/json");
		return 0;
	}
	if (rq->body_too_big || rq->body_len > CONSOLE_BODY_MAX) {
		console_error(r, 413, "too_big", "the body is larger than 1 MiB");
		return 0;
	}
	*body = json_loadb((const char *)rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(*body)) {
		json_decref(*body);
		*body = NULL;
		console_error(r, 400, "bad_json", "the body must be a JSON object");
		return 0;
	}
	return 1;
}

static int session_ok(console *c, const console_req *rq, int post, console_resp *r)
{
	char given[CONSOLE_TOKEN_CHARS + 2];
	int ok = c->logged_in &&
	         console_cookie_get(rq->cookie, "abri_console", given, sizeof given) &&
	         console_token_eq(given, c->cookie);

	sodium_memzero(given, sizeof given);
	if (!ok) {
		console_error(r, 401, "no_session", "no valid session cookie");
		return 0;
	}
	if (post && !console_token_eq(rq->csrf, c->csrf)) {
		console_error(r, 403, "bad_csrf", "missing or wrong X-Abri-CSRF");
		return 0;
	}
	return 1;
}

/* Splits the path (without the query) into at most SEGMENTS_MAX
 * segments in buf; the number, or -1 when it does not fit. */
static int split(const char *path, char *buf, size_t n, char **seg)
{
	size_t len = strcspn(path, "?"), k = 0;

	if (len >= n)
		return -1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	for (char *p = buf + 1;;) {
		char *slash = strchr(p, '/');
		if (k == SEGMENTS_MAX)
			return -1;
		seg[k++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return (int)k;
}

static void dispatch_api(console *c, const console_req *rq, const char *path, int post,
                         const json_t *body, console_resp *r)
{
	const char *method = post ? "POST" : "GET";
	char buf[PATH_MAX_LEN], *seg[SEGMENTS_MAX];
	size_t plen = strcspn(path, "?");
	int n;

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const route *rt = &routes[i];
		if (strlen(rt->path) != plen || strncmp(rt->path, path, plen) != 0)
			continue;
		if (strcmp(rt->method, method) != 0) {
			console_error(r, 405, "bad_method", "method not allowed here");
			return;
		}
		if ((rt->needs & R_SESSION) && !session_ok(c, rq, post, r))
			return;
		/* The page asks for its session to learn whether it is locked:
		 * that is no activity. */
		if ((rt->needs & R_SESSION) && rt->run != h_session)
			c->last_api = console_mono();
		if ((rt->needs & R_KEY) && c->s == NULL) {
			console_error(r, 423, "locked", "the console is locked: unlock it first");
			return;
		}
		rt->run(c, rq, body, r);
		return;
	}
	/* /api/cases/{REF}/... */
	n = split(path, buf, sizeof buf, seg);
	if (n < 3 || strcmp(seg[0], "api") != 0 || strcmp(seg[1], "cases") != 0) {
		if (session_ok(c, rq, post, r))
			console_error(r, 404, "not_found", "no such route");
		return;
	}
	if (!session_ok(c, rq, post, r))
		return;
	c->last_api = console_mono();
	if (c->s == NULL) {
		console_error(r, 423, "locked", "the console is locked: unlock it first");
		return;
	}
	console_case_route(c, rq, seg[2], seg + 3, (size_t)n - 3, body, r);
}

static void serve_static(const console_req *rq, const char *path, console_resp *r)
{
	char buf[PATH_MAX_LEN];
	size_t len = strcspn(path, "?");
	const console_asset *a;

	if (len >= sizeof buf) {
		console_error(r, 404, "not_found", "no such page");
		return;
	}
	memcpy(buf, path, len);
	buf[len] = '\0';
	if ((a = console_asset_find(buf)) == NULL) {
		console_error(r, 404, "not_found", "no such page");
		return;
	}
	console_resp_free(r);
	r->status = 200;
	r->content_type = a->content_type;
	r->body = (uint8_t *)a->data;
	r->len = a->len;
	r->body_static = 1;
}

void console_handle(console *c, const console_req *rq, console_resp *r)
{
	const char *path = rq->target ? rq->target : "";
	int post = str_eq(rq->method, "POST");
	json_t *body = NULL;

	memset(r, 0, sizeof *r);
	console_idle_check(c);
	if (!str_eq(rq->host, c->host)) {
		console_error(r, 421, "bad_host", "Host must be this console's address");
		return;
	}
	if (!post && !str_eq(rq->method, "GET") && !str_eq(rq->method, "HEAD")) {
		console_error(r, 405, "bad_method", "only GET and POST");
		return;
	}
	if (post && !str_eq(rq->origin, c->origin)) {
		console_error(r, 403, "bad_origin", "Origin must be this console's address");
		return;
	}
	if (path[0] != '/' || strlen(path) >= PATH_MAX_LEN) {
		console_error(r, 404, "not_found", "no such page");
		return;
	}
	if (post && !body_ok(rq, &body, r))
		return;
	if (strncmp(path, "/api/", 5) == 0)
		dispatch_api(c, rq, path, post, body, r);
	else if (post)
		console_error(r, 405, "bad_method", "pages are read with GET");
	else
		serve_static(rq, path, r);
	json_decref(body);
}
