/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabriclient's HTTP response parser. The first byte picks the size of
 * the pieces the rest is fed in; the same bytes fed whole must give the
 * same result (the parser is incremental, the answer must not depend on
 * how the network cut it). Invariants: limits hold, a complete answer has
 * a final status and well-formed headers. */
#include <stdlib.h>
#include <string.h>

#include "abri/client.h"
#include "fuzz.h"

#define HMAX 4096u
#define BMAX 65536u

static int run(const uint8_t *d, size_t n, size_t step, abri_http_response *r)
{
	abri_http_parser p;
	int rc = 0;

	abri_http_response_init(r);
	abri_http_parser_init(&p, r, HMAX, BMAX);
	for (size_t off = 0; off < n && rc == 0; off += step)
		rc = abri_http_parser_feed(&p, d + off, n - off < step ? n - off : step);
	if (rc == 0)
		rc = abri_http_parser_eof(&p);
	/* Feeding after the end changes nothing. */
	if (rc == 1 && abri_http_parser_feed(&p, (const uint8_t *)"x", 1) != 1)
		abort();
	return rc;
}

static void check_complete(const abri_http_response *r)
{
	if (r->status < 200 || r->status > 599 || r->body.len > BMAX || r->head.len > HMAX ||
	    r->n_headers > ABRI_HTTP_HEADERS_MAX)
		abort();
	for (size_t i = 0; i < r->n_headers; i++)
		if (r->h[i].name[0] == '\0' || strpbrk(r->h[i].name, " \t\r\n:") != NULL ||
		    strpbrk(r->h[i].value, "\r\n") != NULL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	abri_http_response a, b;

	if (size < 1)
		return 0;
	size_t step = (size_t)data[0] + 1;
	int ra = run(data + 1, size - 1, step, &a);
	int rb = run(data + 1, size - 1, size, &b);
	if (ra != rb)
		abort();
	if (ra == 1) {
		check_complete(&a);
		if (a.status != b.status || a.body.len != b.body.len ||
		    (a.body.len && memcmp(a.body.data, b.body.data, a.body.len) != 0))
			abort();
	}
	abri_http_response_free(&a);
	abri_http_response_free(&b);

	/* The server address parser, on the same bytes as a string. */
	char *s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	abri_endpoint e;
	if (abri_endpoint_parse(&e, s) == ABRI_OK &&
	    (strlen(e.host_header) >= sizeof e.host_header || (!e.is_unix && e.host[0] == '\0')))
		abort();
	free(s);
	return 0;
}
