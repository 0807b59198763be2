/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri console (docs/console-api.md): a web server inside the listener's
 * own process, bound to 127.0.0.1, single-threaded (libmicrohttpd driven
 * from one loop: every handler runs on the main thread, no locks).
 *
 *   server.c   the socket, the loop, signals, hardening, the browser
 *   handle.c   console_handle: checks and routing, a pure function of the
 *              request (fuzzed: fuzz/fuzz_console.c)
 *   session.c  one-time secret, cookie, CSRF, unlock, lock, idle lock
 *   inbox.c    the inbox: abrid's list, decrypted summaries, search
 *   cases.c    one case: view, attachments, writing
 *   assets.c   the embedded pages */
#ifndef ABRI_CONSOLE_H
#define ABRI_CONSOLE_H

#include <stdint.h>

#include "../common.h"

#define CONSOLE_TOKEN_BYTES 32u
#define CONSOLE_TOKEN_CHARS 43u /* base64url without padding */
#define CONSOLE_BODY_MAX    (1024u * 1024u)
#define CONSOLE_LOGIN_TRIES 5u
#define CONSOLE_SECRET_LIFE 600 /* seconds */
#define CONSOLE_IDLE_LOCK   600u

/* A request as the checks see it (header values NULL when absent). */
typedef struct console_req {
	const char *method;
	const char *target; /* path and query as sent */
	const char *host, *origin, *cookie, *csrf, *content_type;
	const uint8_t *body;
	size_t body_len;
	int body_too_big; /* more than CONSOLE_BODY_MAX arrived */
} console_req;

/* An answer: the server adds the headers every answer carries. */
typedef struct console_resp {
	int status;
	const char *content_type;
	uint8_t *body; /* malloc'd (wiped when freed) unless body_static */
	size_t len;
	int body_static;
	char set_cookie[128];
	char disposition[128];
} console_resp;

void console_resp_free(console_resp *r);
/* Takes doc (decrefs it). */
void console_json(console_resp *r, int status, json_t *doc);
void console_error(console_resp *r, int status, const char *code, const char *message);
/* An error with more members (taken: decref'd). */
void console_error_with(console_resp *r, int status, const char *code, const char *message,
                        json_t *more);

typedef struct console_inbox console_inbox;

typedef struct console {
	cli_config *cfg;
	unsigned port;
	char host[32];   /* "127.0.0.1:PORT" */
	char origin[40]; /* "http://127.0.0.1:PORT" */
	/* login: the one-time secret, then the session's cookie and CSRF token */
	char secret[CONSOLE_TOKEN_CHARS + 1];
	int64_t secret_until;
	int secret_used;
	unsigned login_failures;
	int logged_in;
	char cookie[CONSOLE_TOKEN_CHARS + 1];
	char csrf[CONSOLE_TOKEN_CHARS + 1];
	/* the key */
	unsigned idle_lock;
	int64_t last_api; /* monotonic seconds */
	unsigned wrong_passphrases;
	cli_session *s; /* NULL while locked */
	abri_list_change *chg;
	char lang[3];
	char redirect_file[4096]; /* the browser's redirect page, "" once gone */
	int64_t redirect_until;
	console_inbox *inbox;
	int offline; /* fuzzing: no key file, no network, no files */
} console;

/* sodium_malloc'd, zeroed; the secret made. NULL on failure. */
console *console_new(cli_config *cfg, unsigned idle_lock, const char *lang);
/* Locks (wipes the key and everything decrypted), frees. */
void console_free(console *c);
int64_t console_mono(void);

/* The whole answer to one request: checks (in the contract's order), then
 * the route's handler. Never touches a socket. */
void console_handle(console *c, const console_req *rq, console_resp *r);

/* session.c */
int console_token_new(char out[CONSOLE_TOKEN_CHARS + 1]);
/* 1 if given is exactly the token (constant time over the token). */
int console_token_eq(const char *given, const char *token);
/* The value of cookie `name` in a Cookie header, copied into out; 0 if
 * absent or too long. */
int console_cookie_get(const char *header, const char *name, char *out, size_t n);
void console_lock(console *c);
/* Locks when idle too long; called by the loop and before each request. */
void console_idle_check(console *c);
void console_redirect_gone(console *c);
/* The language remembered in <state_dir>/console.json, if any. */
void console_lang_load(console *c);
void h_login(console *c, const console_req *rq, const json_t *body, console_resp *r);
void h_session(console *c, const console_req *rq, const json_t *body, console_resp *r);
void h_unlock(console *c, const console_req *rq, const json_t *body, console_resp *r);
void h_lock(console *c, const console_req *rq, const json_t *body, console_resp *r);
void h_lang(console *c, const console_req *rq, const json_t *body, console_resp *r);
void h_reference(console *c, const console_req *rq, const json_t *body, console_resp *r);
/* Fetches abrid's recipient list again (recipients_changed): exit code. */
int console_session_refresh(console *c);
/* An exit code of a call to abrid as an answer (502/504/409...). */
void console_call_failed(console *c, int ex, console_resp *r);

/* inbox.c */
console_inbox *console_inbox_new(void);
/* Drops everything decrypted (wiped by jansson's allocator). */
void console_inbox_drop(console_inbox *in);
void console_inbox_free(console_inbox *in);
/* Decrypts one more summary; 1 if work remains. */
int console_inbox_step(console *c);
/* A case changed here (written, opened): its summary is refreshed. */
void console_inbox_forget(console *c, const char *ref);
void h_cases(console *c, const console_req *rq, const json_t *body, console_resp *r);

/* cases.c: REF and the rest of the path after /api/cases/REF */
void console_case_route(console *c, const console_req *rq, const char *ref, char **seg, size_t nseg,
                        const json_t *body, console_resp *r);
/* The verified case, its view (docs/console-api.md, "Case view") and its
 * local memory (*doc, may be NULL when not wanted), for the inbox and the
 * case route: CLI_OK or an exit code (r answered then, if given). */
int console_case_load(console *c, const char *ref, abri_case *cs, json_t **view, json_t **doc,
                      console_resp *r);

/* The value of a query parameter (percent-decoded, malloc'd), NULL. */
char *console_query(const char *target, const char *name);

#endif
