/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Incremental HTTP/1.1 response parser (RFC 9112), strict where laxness
 * could hide an attack (obs-fold, conflicting lengths, unknown transfer
 * codings, stray CR, NUL) and bounded everywhere: the header block and
 * trailers by header_max, the body by body_max. */
#include <string.h>
#include <strings.h>

#include "abri/client.h"

enum {
	S_HEAD = 0,
	S_BODY_LENGTH,
	S_BODY_EOF,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_END,
	S_TRAILER,
	S_DONE,
	S_ERROR,
};

void abri_http_response_init(abri_http_response *r)
{
	memset(r, 0, sizeof *r);
	abri_buf_init(&r->head);
	abri_buf_init(&r->body);
}

void abri_http_response_free(abri_http_response *r)
{
	abri_buf_free(&r->head);
	abri_buf_free(&r->body);
	r->n_headers = 0;
	r->status = 0;
}

const char *abri_http_header_get(const abri_http_response *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->h[i].name, name) == 0)
			return r->h[i].value;
	return NULL;
}

void abri_http_parser_init(abri_http_parser *p, abri_http_response *resp, size_t header_max,
                           size_t body_max)
{
	memset(p, 0, sizeof *p);
	p->resp = resp;
	p->header_max = header_max ? header_max : ABRI_HTTP_HEADER_MAX;
	p->body_max = body_max ? body_max : ABRI_HTTP_BODY_MAX;
	p->state = S_HEAD;
}

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field values: visible characters, SP, HTAB and obs-text; no CTL. */
static int value_ok(const char *v)
{
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if ((*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/* Cuts the next line out of *cur (NUL-terminating it in place), strips one
 * trailing CR; a CR anywhere else is an error. */
static int next_line(char **cur, char *end, char **line)
{
	char *nl = memchr(*cur, '\n', (size_t)(end - *cur));
	if (nl == NULL)
		return ABRI_CLIENT_ERR_PROTOCOL;
	*nl = '\0';
	if (nl > *cur && nl[-1] == '\r')
		nl[-1] = '\0';
	*line = *cur;
	*cur = nl + 1;
	return strchr(*line, '\r') ? ABRI_CLIENT_ERR_PROTOCOL : ABRI_OK;
}

static int parse_status_line(abri_http_response *r, const char *s)
{
	/* "HTTP/1.x SP 3DIGIT [SP reason]" */
	if (strncmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9' || s[8] != ' ')
		return ABRI_CLIENT_ERR_PROTOCOL;
	for (int i = 9; i < 12; i++)
		if (s[i] < '0' || s[i] > '9')
			return ABRI_CLIENT_ERR_PROTOCOL;
	if (s[12] != '\0' && s[12] != ' ')
		return ABRI_CLIENT_ERR_PROTOCOL;
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->status < 100 || r->status > 599 || !value_ok(s + 12))
		return ABRI_CLIENT_ERR_PROTOCOL;
	return ABRI_OK;
}

static int parse_field(abri_http_response *r, char *line)
{
	if (line[0] == ' ' || line[0] == '\t')
		return ABRI_CLIENT_ERR_PROTOCOL; /* obs-fold */
	char *colon = strchr(line, ':');
	if (colon == NULL || colon == line)
		return ABRI_CLIENT_ERR_PROTOCOL;
	*colon = '\0';
	for (const char *n = line; *n; n++)
		if (!is_tchar((unsigned char)*n))
			return ABRI_CLIENT_ERR_PROTOCOL;
	char *v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	size_t vl = strlen(v);
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		v[--vl] = '\0';
	if (!value_ok(v))
		return ABRI_CLIENT_ERR_PROTOCOL;
	if (r->n_headers >= ABRI_HTTP_HEADERS_MAX)
		return ABRI_ERR_TOO_BIG;
	r->h[r->n_headers].name = line;
	r->h[r->n_headers].value = v;
	r->n_headers++;
	return ABRI_OK;
}

/* Content-Length: 1*DIGIT; several headers must agree. */
static int content_length(const abri_http_response *r, int *present, uint64_t *out)
{
	*present = 0;
	for (size_t i = 0; i < r->n_headers; i++) {
		if (strcasecmp(r->h[i].name, "Content-Length") != 0)
			continue;
		const char *v = r->h[i].value;
		uint64_t n = 0;
		if (*v == '\0')
			return ABRI_CLIENT_ERR_PROTOCOL;
		for (; *v; v++) {
			if (*v < '0' || *v > '9' || n > (UINT64_MAX - 9) / 10)
				return ABRI_CLIENT_ERR_PROTOCOL;
			n = n * 10 + (uint64_t)(*v - '0');
		}
		if (*present && n != *out)
			return ABRI_CLIENT_ERR_PROTOCOL;
		*present = 1;
		*out = n;
	}
	return ABRI_OK;
}

/* Transfer-Encoding: only a single "chunked" is understood. */
static int transfer_encoding(const abri_http_response *r, int *chunked)
{
	int seen = 0;
	*chunked = 0;
	for (size_t i = 0; i < r->n_headers; i++) {
		if (strcasecmp(r->h[i].name, "Transfer-Encoding") != 0)
			continue;
		if (seen++ || strcasecmp(r->h[i].value, "chunked") != 0)
			return ABRI_CLIENT_ERR_PROTOCOL;
		*chunked = 1;
	}
	return ABRI_OK;
}

static int choose_framing(abri_http_parser *p)
{
	abri_http_response *r = p->resp;
	int chunked, has_len, rc;
	uint64_t len = 0;

	if ((rc = transfer_encoding(r, &chunked)) < 0 ||
	    (rc = content_length(r, &has_len, &len)) < 0)
		return rc;
	if (r->status == 204 || r->status == 304) {
		p->state = S_DONE;
		return ABRI_OK;
	}
	if (chunked && has_len)
		return ABRI_CLIENT_ERR_PROTOCOL; /* ambiguous framing */
	if (chunked) {
		p->state = S_CHUNK_SIZE;
		p->line_len = 0;
	} else if (has_len) {
		if (len > p->body_max)
			return ABRI_ERR_TOO_BIG;
		p->remaining = len;
		p->state = len == 0 ? S_DONE : S_BODY_LENGTH;
	} else {
		p->state = S_BODY_EOF;
	}
	return ABRI_OK;
}

/* The whole header block is in resp->head (ending with an empty line). */
static int parse_head(abri_http_parser *p)
{
	abri_http_response *r = p->resp;
	char *line;
	int rc;

	if (memchr(r->head.data, '\0', r->head.len) != NULL)
		return ABRI_CLIENT_ERR_PROTOCOL;
	char *cur = (char *)r->head.data, *end = cur + r->head.len;
	r->n_headers = 0;
	if ((rc = next_line(&cur, end, &line)) < 0 || (rc = parse_status_line(r, line)) < 0)
		return rc;
	for (;;) {
		if ((rc = next_line(&cur, end, &line)) < 0)
			return rc;
		if (line[0] == '\0')
			break;
		if ((rc = parse_field(r, line)) < 0)
			return rc;
	}
	if (cur != end)
		return ABRI_CLIENT_ERR_PROTOCOL;
	if (r->status < 200) {
		/* Interim answer (100 Continue...): skip it; 101 was never asked for. */
		if (r->status == 101 || ++p->informational > ABRI_HTTP_INFORMATIONAL_MAX)
			return ABRI_CLIENT_ERR_PROTOCOL;
		r->head.len = 0;
		r->n_headers = 0;
		r->status = 0;
		p->line_len = 0;
		return ABRI_OK;
	}
	return choose_framing(p);
}

/* Accumulate the header block until an empty line; line_len counts the
 * non-CR bytes of the current line. */
static int step_head(abri_http_parser *p, const uint8_t *d, size_t n, size_t *used)
{
	abri_http_response *r = p->resp;
	size_t i;
	int end = 0;

	for (i = 0; i < n && !end; i++) {
		if (d[i] == '\n') {
			end = (p->line_len == 0);
			p->line_len = 0;
		} else if (d[i] != '\r') {
			p->line_len++;
		}
	}
	if (r->head.len + i > p->header_max)
		return ABRI_ERR_TOO_BIG;
	if (abri_buf_append(&r->head, d, i) < 0)
		return ABRI_ERR_NOMEM;
	*used = i;
	return end ? parse_head(p) : ABRI_OK;
}

static int body_append(abri_http_parser *p, const uint8_t *d, size_t n)
{
	abri_buf *b = &p->resp->body;
	if (n > p->body_max - b->len)
		return ABRI_ERR_TOO_BIG;
	return abri_buf_append(b, d, n) < 0 ? ABRI_ERR_NOMEM : ABRI_OK;
}

/* Collect one line (chunk size, chunk end, trailer) in p->line. *got = 1
 * once the LF arrived; the line is then NUL-terminated, one CR stripped. */
static int take_line(abri_http_parser *p, const uint8_t *d, size_t n, size_t *used, int *got)
{
	*got = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '\n') {
			if (p->line_len > 0 && p->line[p->line_len - 1] == '\r')
				p->line_len--;
			p->line[p->line_len] = '\0';
			*used = i + 1;
			*got = 1;
			if (memchr(p->line, '\r', p->line_len) ||
			    memchr(p->line, '\0', p->line_len))
				return ABRI_CLIENT_ERR_PROTOCOL;
			return ABRI_OK;
		}
		if (p->line_len + 1 >= sizeof p->line)
			return ABRI_CLIENT_ERR_PROTOCOL;
		p->line[p->line_len++] = (char)d[i];
	}
	*used = n;
	return ABRI_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* chunk-size [ BWS ";" chunk-ext ] — extensions are ignored. */
static int parse_chunk_size(abri_http_parser *p)
{
	const char *s = p->line;
	uint64_t n = 0;
	int digits = 0, v;

	while ((v = hexval(*s)) >= 0) {
		if (n > (UINT64_MAX >> 4))
			return ABRI_CLIENT_ERR_PROTOCOL;
		n = (n << 4) | (uint64_t)v;
		s++;
		digits++;
	}
	if (digits == 0)
		return ABRI_CLIENT_ERR_PROTOCOL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0' && *s != ';')
		return ABRI_CLIENT_ERR_PROTOCOL;
	if (!value_ok(s))
		return ABRI_CLIENT_ERR_PROTOCOL;
	if (n > p->body_max - p->resp->body.len)
		return ABRI_ERR_TOO_BIG;
	p->remaining = n;
	p->state = n == 0 ? S_TRAILER : S_CHUNK_DATA;
	return ABRI_OK;
}

static int step_line_state(abri_http_parser *p, const uint8_t *d, size_t n, size_t *used)
{
	int got, rc = take_line(p, d, n, used, &got);
	if (rc < 0 || !got)
		return rc;
	size_t len = p->line_len;
	p->line_len = 0;
	switch (p->state) {
	case S_CHUNK_SIZE: return parse_chunk_size(p);
	case S_CHUNK_END:
		if (len != 0)
			return ABRI_CLIENT_ERR_PROTOCOL;
		p->state = S_CHUNK_SIZE;
		return ABRI_OK;
	default: /* S_TRAILER: fields are read and ignored, but bounded */
		p->trailer_bytes += len + 2;
		if (p->resp->head.len + p->trailer_bytes > p->header_max)
			return ABRI_ERR_TOO_BIG;
		if (len == 0)
			p->state = S_DONE;
		return ABRI_OK;
	}
}

/* One step: consumes at least one byte of d (n > 0) or changes state. */
static int step(abri_http_parser *p, const uint8_t *d, size_t n, size_t *used)
{
	size_t k;
	int rc;

	switch (p->state) {
	case S_HEAD: return step_head(p, d, n, used);
	case S_BODY_LENGTH:
	case S_CHUNK_DATA:
		k = n < p->remaining ? n : (size_t)p->remaining;
		if ((rc = body_append(p, d, k)) < 0)
			return rc;
		p->remaining -= k;
		*used = k;
		if (p->remaining == 0)
			p->state = p->state == S_BODY_LENGTH ? S_DONE : S_CHUNK_END;
		return ABRI_OK;
	case S_BODY_EOF: *used = n; return body_append(p, d, n);
	case S_CHUNK_SIZE:
	case S_CHUNK_END:
	case S_TRAILER: return step_line_state(p, d, n, used);
	default: return ABRI_ERR_INTERNAL;
	}
}

int abri_http_parser_feed(abri_http_parser *p, const uint8_t *data, size_t len)
{
	for (;;) {
		if (p->state == S_DONE)
			return 1;
		if (p->state == S_ERROR)
			return p->error;
		if (len == 0)
			return 0;
		size_t used = 0;
		int rc = step(p, data, len, &used);
		if (rc < 0) {
			p->state = S_ERROR;
			p->error = rc;
			return rc;
		}
		data += used;
		len -= used;
	}
}

int abri_http_parser_eof(abri_http_parser *p)
{
	switch (p->state) {
	case S_DONE: return 1;
	case S_BODY_EOF: p->state = S_DONE; return 1;
	case S_ERROR: return p->error;
	default:
		p->state = S_ERROR;
		p->error = ABRI_CLIENT_ERR_TRUNCATED;
		return p->error;
	}
}
