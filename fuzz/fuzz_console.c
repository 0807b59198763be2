/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri console's request checks and routing (src/abri/console/handle.c):
 * console_handle is a pure function of the request, run here without a
 * socket, with no key (locked), no network and no files (offline).
 *
 * Input: lines "METHOD\nTARGET\nHOST\nORIGIN\nCOOKIE\nCSRF\nCONTENT-TYPE\n"
 * then the body; an empty header line means the header is absent. The
 * first byte chooses the session: bit 0 clear = logged in with the fixed
 * cookie "c"*43 and CSRF token "x"*43 (so every route's body parsing is
 * reachable), set = before login with the secret "s"*43; bit 1 set =
 * unlocked with a fresh listener key and an abrid that cannot be reached
 * (a Unix socket that does not exist), so the case routes' paths and
 * bodies are parsed and checked up to the first call to abrid. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "console/console.h"
#include "fuzz.h"

#define FIELDS 7

static void fixed(char *dst, char ch)
{
	memset(dst, ch, CONSOLE_TOKEN_CHARS);
	dst[CONSOLE_TOKEN_CHARS] = '\0';
}

/* A session as after unlocking, whose abrid is unreachable. */
static int unlock_offline(console *c, cli_config *cfg)
{
	static const uint8_t org_pk[ABRI_ED25519_PK] = {0};
	cli_session *s = calloc(1, sizeof *s);
	if (s == NULL || (c->chg = calloc(1, sizeof *c->chg)) == NULL ||
	    (s->key = abri_keypair_new()) == NULL ||
	    abri_keypair_generate(s->key, ABRI_ROLE_LISTENER) < 0 ||
	    abri_client_init(&s->client, "unix:/nonexistent/abri-fuzz.sock", "http://127.0.0.1:8470",
	                     "fuzz") < 0) {
		if (s != NULL && s->key != NULL)
			abri_keypair_free(s->key);
		free(s);
		return -1;
	}
	s->cfg = cfg;
	s->client.staff = s->key;
	s->client.timeout_ms = 100;
	abri_lists_init(&s->lists, &s->client, NULL, org_pk);
	c->s = s;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static cli_config cfg;
	char *copy, *field[FIELDS], *p;
	console *c;
	console_resp r;
	size_t i;

	if (!ready) {
		if (abri_init() < 0)
			abort();
		ready = 1;
	}
	if (size < 1 || (copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	p = copy;
	for (i = 0; i < FIELDS; i++) {
		char *nl = memchr(p, '\n', (size_t)(copy + size - 1 - p));
		if (nl == NULL) {
			free(copy);
			return 0;
		}
		*nl = '\0';
		field[i] = p;
		p = nl + 1;
	}
	if ((c = console_new(&cfg, 600, "fr")) == NULL)
		abort();
	c->offline = 1;
	c->port = 8080;
	snprintf(c->host, sizeof c->host, "127.0.0.1:8080");
	snprintf(c->origin, sizeof c->origin, "http://127.0.0.1:8080");
	fixed(c->secret, 's');
	if ((data[0] & 1) == 0) {
		c->logged_in = 1;
		c->secret_used = 1;
		fixed(c->cookie, 'c');
		fixed(c->csrf, 'x');
	}
	if ((data[0] & 2) != 0 && unlock_offline(c, &cfg) < 0)
		abort();
	console_req rq = {
	    .method = field[0],
	    .target = field[1],
	    .host = field[2][0] ? field[2] : NULL,
	    .origin = field[3][0] ? field[3] : NULL,
	    .cookie = field[4][0] ? field[4] : NULL,
	    .csrf = field[5][0] ? field[5] : NULL,
	    .content_type = field[6][0] ? field[6] : NULL,
	    .body = (const uint8_t *)p,
	    .body_len = (size_t)(copy + size - 1 - p),
	};
	console_handle(c, &rq, &r);
	if (r.status < 200 || r.status > 599 || (r.body == NULL && r.len != 0))
		abort();
	console_resp_free(&r);
	console_free(c);
	free(copy);
	return 0;
}
