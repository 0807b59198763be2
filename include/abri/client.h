/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libabriclient: what every client of abrid needs — the `abri` CLI, the
 * reporter test client, later the console.
 *
 *   - a small HTTP/1.1 client (plain TCP or a Unix socket; no TLS: staff
 *     reach abrid over loopback, the Unix socket or an SSH/WireGuard tunnel,
 *     and every staff request is signed and every content sealed anyway);
 *   - JSON calls, optionally signed as staff requests (docs/api.md);
 *   - recipient lists: verified with the pinned organisation key, expiry,
 *     rollback memory in a state directory, change diffs;
 *   - case verification (open, verify signatures and chains) — ONE
 *     implementation for listeners and reporters;
 *   - composing and sealing messages, reporter-side flows.
 *
 * Functions return 0 or a negative error (abri_err or ABRI_CLIENT_ERR_*)
 * and never print, except the *_print helpers which write to the stream
 * the caller passes. */
#ifndef ABRI_CLIENT_H
#define ABRI_CLIENT_H

#include <stdio.h>

#include <jansson.h>

#include "abri/abri.h"

/* Errors beyond abri_err. */
enum {
	ABRI_CLIENT_ERR_CONNECT = -100, /* cannot reach the server */
	ABRI_CLIENT_ERR_TIMEOUT = -101,
	ABRI_CLIENT_ERR_PROTOCOL = -102,  /* malformed HTTP answer */
	ABRI_CLIENT_ERR_TRUNCATED = -103, /* connection closed mid-answer */
	ABRI_CLIENT_ERR_SERVER = -104,    /* unexpected status or JSON shape */
	ABRI_CLIENT_ERR_ROLLBACK = -105,  /* recipient list older than one seen */
	ABRI_CLIENT_ERR_TENANT = -106,    /* server serves another deployment */
	ABRI_CLIENT_ERR_NO_LIST = -107,   /* server has no recipient list yet */
	ABRI_CLIENT_ERR_RETRY = -108,     /* recipients_changed: fetch, re-seal */
};
/* Covers abri_err too. */
const char *abri_client_strerror(int err);

/* ================= files and terminal output ================= */

/* mkdir -p with mode for every created component. */
int abri_mkdir_p(const char *path, unsigned mode);
/* Write to path.tmp, fsync, rename: readers see the old or the new file. */
int abri_file_write_atomic(const char *path, const void *p, size_t n, unsigned mode);
/* Whole file, NUL-terminated (not counted in *len); ABRI_ERR_TOO_BIG beyond
 * max; ABRI_ERR_IO with errno ENOENT when absent. */
int abri_file_read(const char *path, size_t max, uint8_t **out, size_t *len);
/* Writes s with control characters (C0 but TAB/LF, DEL, C1) and Unicode
 * bidirectional controls escaped as \xNN / \u{NNNN}, so text from others
 * cannot drive the terminal or disguise itself. Invalid UTF-8 bytes are
 * escaped too. */
void abri_fputs_safe(FILE *f, const char *s);
/* The same, also escaping TAB and LF: for text that must stay on one line
 * (a server's error message after "abri: ...: "), so it cannot forge a
 * line of its own. */
void abri_fputs_safe_line(FILE *f, const char *s);

/* ================= HTTP/1.1 ================= */

#define ABRI_HTTP_HEADER_MAX        (16u * 1024u) /* status line + headers */
#define ABRI_HTTP_BODY_MAX          (64u * 1024u * 1024u)
#define ABRI_HTTP_HEADERS_MAX       64u
#define ABRI_HTTP_INFORMATIONAL_MAX 4u /* 1xx answers skipped */
#define ABRI_HTTP_CHUNK_LINE_MAX    1024u

typedef struct abri_http_header {
	const char *name; /* points into the response's head buffer */
	const char *value;
} abri_http_header;

typedef struct abri_http_response {
	int status;
	size_t n_headers;
	abri_http_header h[ABRI_HTTP_HEADERS_MAX];
	abri_buf head; /* raw header block, split in place */
	abri_buf body; /* de-chunked */
} abri_http_response;

void abri_http_response_init(abri_http_response *r);
void abri_http_response_free(abri_http_response *r);
/* First header of that name (case-insensitive), NULL if absent. */
const char *abri_http_header_get(const abri_http_response *r, const char *name);

/* Incremental response parser: feed bytes as they arrive. Status line,
 * headers (no obs-fold), Content-Length, chunked (no other transfer
 * coding) or read-to-EOF bodies; 1xx answers are skipped; 204/304 have no
 * body. Bare LF line ends are accepted. Limits: header block (and
 * trailers) <= header_max, body <= body_max. */
typedef struct abri_http_parser {
	abri_http_response *resp;
	size_t header_max;
	size_t body_max;
	int state;
	int error;          /* sticky once state is the error state */
	uint64_t remaining; /* Content-Length or current chunk */
	size_t trailer_bytes;
	unsigned informational;
	char line[ABRI_HTTP_CHUNK_LINE_MAX];
	size_t line_len;
} abri_http_parser;

/* resp must be initialised (abri_http_response_init). 0 for a limit =
 * the default above. */
void abri_http_parser_init(abri_http_parser *p, abri_http_response *resp, size_t header_max,
                           size_t body_max);
/* Returns 1 when the response is complete (extra bytes are ignored), 0 when
 * more is needed, < 0 on an error (ABRI_CLIENT_ERR_PROTOCOL,
 * ABRI_ERR_TOO_BIG, ABRI_ERR_NOMEM). */
int abri_http_parser_feed(abri_http_parser *p, const uint8_t *data, size_t len);
/* The peer closed the connection: 1 if that completes the response (a
 * read-to-EOF body, or already complete), else ABRI_CLIENT_ERR_TRUNCATED. */
int abri_http_parser_eof(abri_http_parser *p);

/* Where abrid listens: "http://host[:port][/]" (IPv6 as [addr]) or
 * "unix:/path/to/socket". https:// is refused (no TLS, see above). */
typedef struct abri_endpoint {
	int is_unix;
	char path[108];
	char host[256];
	char port[8];
	char host_header[272];
} abri_endpoint;

int abri_endpoint_parse(abri_endpoint *e, const char *server);

/* One request on a fresh connection (Connection: close). extra_headers:
 * "Name: value\r\n" lines or NULL. A body (may be empty) is sent with
 * Content-Length and Content-Type: application/json when body != NULL.
 * timeout_ms bounds the connect and every wait for the peer; the whole
 * exchange is bounded by 4 * timeout_ms. */
int abri_http_exchange(const abri_endpoint *e, const char *method, const char *target,
                       const char *extra_headers, const uint8_t *body, size_t body_len,
                       int timeout_ms, abri_http_response *resp);

/* The same with another Content-Type for the body (upload chunks:
 * "application/octet-stream"). */
int abri_http_exchange_ct(const abri_endpoint *e, const char *method, const char *target,
                          const char *extra_headers, const uint8_t *body, size_t body_len,
                          const char *content_type, int timeout_ms, abri_http_response *resp);

/* ================= JSON calls ================= */

#define ABRI_ORIGIN_MAX        255u
#define ABRI_CLIENT_TIMEOUT_MS 30000
#define ABRI_ERROR_CODE_MAX    64u /* error.code is ^[a-z_]{1,64}$ (docs/api.md) */

typedef struct abri_client {
	abri_endpoint ep;
	char origin[ABRI_ORIGIN_MAX + 1]; /* abrid's public_origin */
	char tenant[ABRI_TENANT_MAX + 1]; /* pinned deployment id */
	int timeout_ms;
	const abri_keypair *staff; /* signs requests when set */
	int last_status;           /* of the last answer, 0 if none */
	char last_error[ABRI_ERROR_CODE_MAX + 1]; /* its error.code, "" if none or invalid */
	int last_error_invalid; /* an error.code not matching ^[a-z_]{1,64}$ was refused */
	char last_message[256]; /* its error.message (for humans; print with abri_fputs_safe_line) */
} abri_client;

/* origin may be NULL (only needed for signed requests). */
int abri_client_init(abri_client *c, const char *server, const char *origin, const char *tenant);

/* Sends body (borrowed, NULL = no body; GET never has one), signed with
 * c->staff when sign != 0. *status gets the HTTP status; *out the parsed
 * JSON answer (NULL if the body is empty) — the caller json_decref()s it.
 * Returns 0 whenever an HTTP answer with a JSON (or empty) body arrived,
 * whatever its status. */
int abri_client_call(abri_client *c, const char *method, const char *target, const json_t *body,
                     int sign, int *status, json_t **out);

/* A call with a raw body (NULL = none) of content_type and a raw answer:
 * *out gets the answer body (caller abri_buf_free); on a 4xx/5xx JSON error
 * answer last_error/last_message are set. Returns 0 whenever an HTTP answer
 * arrived, whatever its status. */
int abri_client_call_raw(abri_client *c, const char *method, const char *target,
                         const uint8_t *body, size_t body_len, const char *content_type,
                         int sign, int *status, abri_buf *out);

/* "error.code" of an error answer, or NULL (also when it is not
 * ^[a-z_]{1,64}$: a server's code is never trusted to be printable). */
const char *abri_client_error_code(const json_t *answer);
/* 1 if code matches ^[a-z_]{1,64}$. */
int abri_error_code_valid(const char *code);

/* Percent-encodes everything but unreserved characters; malloc'd. */
char *abri_url_escape(const char *s);

/* GET /v1/config. */
typedef struct abri_server_config {
	char deployment_id[ABRI_TENANT_MAX + 1];
	size_t max_padded;
	unsigned difficulty;
	uint64_t max_upload_bytes; /* limits.max_upload_bytes; 0 if not given */
	unsigned retention_days;   /* limits.retention_days (closing -> purge); 0 if not given */
	json_t *recipients; /* {"list","sig"} or NULL; owned */
} abri_server_config;

int abri_client_get_config(abri_client *c, abri_server_config *cfg);
void abri_server_config_free(abri_server_config *cfg);

/* Proof of work: asks POST /v1/challenge and solves it for hash (an
 * envelope's hash, chunks 0; or an upload's announced hash with its chunk
 * count, whose work must reach abri_pow_upload_bits of the challenge's
 * difficulty). *pow gets {"challenge","counter"} (caller decrefs). */
int abri_client_pow(abri_client *c, const uint8_t hash[ABRI_HASH_BYTES], uint64_t chunks,
                    json_t **pow);
/* 1 when an answer says the proof of work must be done again (403
 * bad_pow: the difficulty rose since the challenge, or none was sent;
 * 403 challenge_expired). */
int abri_client_needs_work(int status, const json_t *answer);

/* ================= recipient lists ================= */

#define ABRI_LISTS_CACHE 32u

/* Verified lists by version. state_dir (may be NULL: nothing remembered)
 * holds recipients/highest and recipients/v<N>.json (the signed form, so
 * every load is verified again). */
typedef struct abri_lists {
	abri_client *client;
	const char *state_dir;
	uint8_t org_pk[ABRI_ED25519_PK];
	abri_recipients *current; /* points into cache */
	size_t n;
	abri_recipients *cache[ABRI_LISTS_CACHE];
} abri_lists;

typedef struct abri_list_change {
	int first_seen;       /* nothing remembered before */
	int changed;          /* first_seen, or another version than last seen */
	uint32_t old_version; /* 0 when first_seen */
	uint32_t new_version;
	int64_t not_after;
	int expired;
	int expires_soon; /* within ABRI_RECIPIENTS_WARN_BEFORE */
	size_t n_added, n_removed;
	abri_member added[ABRI_RECIPIENTS_MAX];
	abri_member removed[ABRI_RECIPIENTS_MAX];
} abri_list_change;

void abri_lists_init(abri_lists *L, abri_client *c, const char *state_dir,
                     const uint8_t org_pk[ABRI_ED25519_PK]);
void abri_lists_free(abri_lists *L);

/* Verify the server's current list ({"list","sig"}), compare with what the
 * state directory remembers: ABRI_CLIENT_ERR_ROLLBACK for a lower version
 * (or the same version with other content), ABRI_ERR_CRYPTO for a bad
 * signature. On success L->current is set, the state is updated and chg
 * (may be NULL) says what changed and whether the list expired — callers
 * that seal must refuse an expired list. */
int abri_lists_accept_current(abri_lists *L, const json_t *signed_list, int64_t now,
                              abri_list_change *chg);
/* A list by version: cache, state directory, or GET /v1/recipients/{v};
 * always verified. */
int abri_lists_get(abri_lists *L, uint32_t version, const abri_recipients **out);

/* Parse + verify a {"list","sig"} object. */
int abri_signed_list_verify(abri_recipients *out, const json_t *signed_list, const char *tenant,
                            const uint8_t org_pk[ABRI_ED25519_PK]);

/* Prints the member diff / a member table (names sanitised). */
void abri_list_change_print(FILE *f, const abri_list_change *chg);
void abri_member_print(FILE *f, const char *prefix, const abri_member *m);

/* Organisation public key: base64 of 32 bytes inline, or a file holding
 * either that base64 or a JSON object with "ed25519". */
int abri_org_pk_load(uint8_t pk[ABRI_ED25519_PK], const char *value_or_path);

/* ================= composing ================= */

/* Position of a new message in its author's chain. */
typedef struct abri_chain_pos {
	uint64_t counter;
	uint8_t prev[ABRI_HASH_BYTES];
	uint8_t seen[ABRI_HASH_BYTES];
} abri_chain_pos;

typedef struct abri_compose {
	int kind;
	const char *tenant;
	const abri_recipients *list; /* sealed to every listener in it */
	const uint8_t *thread;       /* 32 */
	const uint8_t *author_kid;   /* 16, Ed25519 key id */
	const uint8_t *author_sk;    /* 64 */
	abri_chain_pos chain;
	const uint8_t *reporter_x25519_pk; /* reporter stanza; NULL = none */
	const uint8_t *carry_x25519_pk;    /* report only: reporter keys */
	const uint8_t *carry_ed25519_pk;
	const char *body; /* JSON object text */
	size_t body_len;
	size_t max_padded;
	int to_role; /* keyed stanzas for members of this role; 0 = listeners */
	abri_buf *inner_out; /* optional: gets a copy of the signed inner plaintext
	                      * (the acknowledgement file keeps it) */
} abri_compose;

int abri_compose_seal(abri_buf *env, const abri_compose *c);

/* {"text": text[, "lang": lang]} as compact JSON; malloc'd. */
char *abri_body_json(const char *text, const char *lang);

/* ================= case verification ================= */

/* Findings per message (besides abri_chain_flag bits in .chain). */
enum {
	ABRI_MSG_BAD_ENVELOPE = 1 << 0, /* does not parse */
	ABRI_MSG_WRONG_TENANT = 1 << 1, /* names another deployment */
	ABRI_MSG_OPEN_FAILED = 1 << 2,  /* sealed to me but cannot be opened */
	ABRI_MSG_BAD_INNER = 1 << 3,    /* plaintext does not decode */
	ABRI_MSG_BAD_SIGNATURE = 1 << 4,
	ABRI_MSG_UNKNOWN_AUTHOR = 1 << 5,   /* author not a listener of that list */
	ABRI_MSG_LIST_MISMATCH = 1 << 6,    /* inner and outer list versions differ */
	ABRI_MSG_LIST_UNAVAILABLE = 1 << 7, /* the list it names cannot be had */
	ABRI_MSG_FUTURE_LIST = 1 << 8,      /* names a list newer than the current */
	ABRI_MSG_BAD_KIND = 1 << 9,         /* kind not allowed here (report not first...) */
	ABRI_MSG_BAD_BODY = 1 << 10,        /* body is not a JSON object */
	ABRI_MSG_UNVERIFIABLE = 1 << 11,    /* reporter key unknown (report unreadable) */
	ABRI_MSG_WRONG_REPORTER = 1 << 12,  /* report carries other keys than ours */
	ABRI_MSG_NOT_LISTENERS = 1 << 13,   /* a keyed stanza for a non-listener of its list */
};
/* Everything above is an alarm; not being addressed to the reader is not. */

typedef struct abri_case_msg {
	uint32_t pos;
	uint8_t *env; /* envelope bytes (malloc'd) */
	size_t env_len;
	uint8_t hash[ABRI_HASH_BYTES];
	abri_envelope_info info; /* valid unless ABRI_MSG_BAD_ENVELOPE */
	int for_me;              /* carries a stanza for the reader */
	int opened;              /* plaintext decoded */
	int verified;            /* signature verified */
	uint8_t *pt;             /* plaintext (wiped on free) */
	size_t pt_len;
	abri_inner inner;   /* valid when opened; body points into pt */
	int by_reporter;    /* author is the reporter (when verified) */
	int by_reader;      /* author is the reader */
	abri_member author; /* listener author (when verified, !by_reporter) */
	json_t *body;       /* parsed body object or NULL */
	unsigned problems;  /* ABRI_MSG_* */
	unsigned chain;     /* abri_chain_flag bits (after the checks below) */
} abri_case_msg;

typedef struct abri_case {
	char case_ref[ABRI_CASE_REF_CHARS + 1];
	char state[16];
	char week[16];
	size_t n;
	abri_case_msg *msgs;
	int have_thread;
	uint8_t thread[ABRI_HASH_BYTES];
	uint8_t reporter_x25519_pk[ABRI_X25519_PK];
	uint8_t reporter_ed25519_pk[ABRI_ED25519_PK];
	unsigned problems; /* OR of every message's problems */
	unsigned chain;    /* OR of every message's chain flags */
} abri_case;

/* Who reads: a listener (keys from a key file) or the reporter. */
typedef struct abri_reader {
	const abri_keypair *listener;
	const abri_reporter_keys *reporter;
} abri_reader;

/* Fill from an answer {"case_ref","state","week","envelopes":[{pos,
 * envelope}]} (staff or reporter open). */
int abri_case_load(abri_case *cs, const json_t *answer);
/* Open every envelope the reader can open; verify commitments (by
 * opening), signatures against the member of the list each message names
 * (fetched through L), the reporter's messages against the key in the
 * first report; then abri_chain_check. Links to envelopes the reader
 * cannot open (notes for the reporter, messages sealed before a listener
 * joined) are accepted when the hash is present earlier in the case.
 * Returns 0 when the checks ran (look at cs->problems / cs->chain). */
int abri_case_verify(abri_case *cs, const abri_reader *rd, abri_lists *L, size_t max_padded);
void abri_case_free(abri_case *cs);
/* 1 if any alarm was raised. */
int abri_case_alarming(const abri_case *cs);
/* Human explanation of the first few alarms of a message, into buf. */
void abri_case_msg_explain(const abri_case_msg *m, char *buf, size_t n);

/* Next position in author_kid's chain: counter = last own + 1, prev = hash
 * of the last own message, seen = hash of the last verified message by
 * anyone else. */
void abri_case_next(const abri_case *cs, const uint8_t author_kid[ABRI_KEY_ID_BYTES],
                    abri_chain_pos *out);

/* ================= reporter side ================= */

typedef struct abri_submit_result {
	char case_ref[ABRI_CASE_REF_CHARS + 1];
	char week[9];
	uint32_t pos;
	uint8_t envelope_hash[ABRI_HASH_BYTES];
	/* The verified receipt as received, to keep as proof (abri verify-receipt). */
	uint8_t receipt_sig[ABRI_SIG_BYTES];
	uint8_t receipt_key_id[ABRI_KEY_ID_BYTES]; /* the list's server key */
} abri_submit_result;

/* The caller fetched the config (abri_client_get_config) and accepted its
 * list (abri_lists_accept_current, printing any change). Seals the report
 * (body JSON) to every listener of L->current + the reporter, solves the
 * PoW when asked, POST /v1/cases (retried with the same submission id
 * after a transport error), verifies the receipt with the list's server
 * key. ABRI_CLIENT_ERR_RETRY on recipients_changed: fetch again, re-seal.
 * ABRI_ERR_EXPIRED when the list has expired. */
int abri_reporter_submit(abri_client *c, const abri_lists *L, const abri_server_config *cfg,
                         const abri_reporter_keys *k, const char *body_json,
                         abri_submit_result *res);
/* The report alone: sealed to every listener of list + the reporter. */
int abri_reporter_seal_report(const abri_client *c, const abri_recipients *list,
                              const abri_server_config *cfg, const abri_reporter_keys *k,
                              const char *body_json, abri_buf *env);
/* {"envelope", "lookup_key", "submission_id" (fresh)} for POST /v1/cases
 * and /v1/cases/messages; NULL on allocation failure. */
json_t *abri_submission_json(const abri_buf *env, const abri_reporter_keys *k);
/* POST /v1/cases/open and verify the case as the reporter. */
int abri_reporter_open(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                       const abri_reporter_keys *k, abri_case *cs);
/* Follow-up with the reporter's chain; verifies the case first and refuses
 * (ABRI_ERR_CRYPTO) when it is alarming. */
int abri_reporter_message(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                          const abri_reporter_keys *k, const char *body_json,
                          abri_submit_result *res);

/* The same with "uploads": [ids] in the request (attachments named in
 * body_json, uploaded first with abri_attach_upload; NULL = none). */
int abri_reporter_submit_uploads(abri_client *c, const abri_lists *L,
                                 const abri_server_config *cfg, const abri_reporter_keys *k,
                                 const char *body_json, const json_t *uploads,
                                 abri_submit_result *res);
int abri_reporter_message_uploads(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                                  const abri_reporter_keys *k, const char *body_json,
                                  const json_t *uploads, abri_submit_result *res);

/* ================= attachments (docs/api.md, Uploads) ================= */

/* Encrypts the file at path under a fresh key (read chunk by chunk: only
 * the ciphertext is held), announces it (POST /v1/uploads, always with a
 * proof of work that grows with the size; done again once when the
 * difficulty rose meanwhile), sends every chunk (a transport error is
 * retried once per chunk; an upload_hash_mismatch starts over once) and
 * fills ref (name = the file's base name, type and kind as given).
 * ABRI_ERR_TOO_BIG beyond max_bytes (the server's max_upload_bytes; 0 =
 * no local limit). */
int abri_attach_upload(abri_client *c, const char *path, const char *type, const char *kind,
                       uint64_t max_bytes, abri_attach_ref *ref);

/* Downloads an attachment of case_ref (signed GET
 * /v1/staff/cases/{ref}/uploads/{id}) into *ct (caller abri_buf_free). */
int abri_attach_download(abri_client *c, const char *case_ref, const abri_attach_ref *ref,
                         abri_buf *ct);

/* Receipt object {"fields","sig","key_id"} against the list's server key. */
int abri_receipt_check(const json_t *receipt, const char *tenant, const abri_recipients *list,
                       abri_receipt *out);

/* Random submission id, base64 (malloc'd). */
char *abri_submission_id_new(void);

/* ================= statistics (docs/protocol.md, Statistics batch) ================= */

#define ABRI_TAXONOMY_MAX (256u * 1024u)
#define ABRI_STATS_RECORD_V 1

/* The coding taxonomy (conf/taxonomy.json): {"version": "2026.1",
 * "kind"|"context"|"interpreter"|"referral"|"outcome": {code: {"en","fr"[,"nl"]}}}. */
typedef struct abri_taxonomy {
	json_t *doc;
	char version[32];
} abri_taxonomy;

/* Parses and checks the shape (every dimension an object of code ->
 * {"en","fr"} strings). */
int abri_taxonomy_parse(abri_taxonomy *t, const char *text, size_t len);
int abri_taxonomy_load(abri_taxonomy *t, const char *path);
void abri_taxonomy_free(abri_taxonomy *t);
/* 1 if code is allowed in dim. "interpreter" also allows any ISO 639 code
 * (2 or 3 lowercase letters) without a label. */
int abri_taxonomy_has(const abri_taxonomy *t, const char *dim, const char *code);
/* Label in lang ("en", "fr"), falling back to "en", then NULL. */
const char *abri_taxonomy_label(const abri_taxonomy *t, const char *dim, const char *code,
                                const char *lang);

/* "YYYY-MM" with a month 01..12 and a year 2000..9999. */
int abri_month_valid(const char *s);

/* A statistics record: exactly the keys of the contract, codes of t,
 * referred a subset of consent, no duplicates, month valid. ABRI_OK or
 * ABRI_ERR_INVALID. */
int abri_stats_record_check(const abri_taxonomy *t, const json_t *rec);

/* Shuffles the array in place (Fisher-Yates with randombytes_uniform). */
int abri_json_shuffle(json_t *array);

/* One monthly batch: body {"month","taxonomy","records"} signed by author
 * (purpose "stats-batch", thread zero, counter 1), sealed to every auditor
 * of list (no reporter stanza). ABRI_ERR_INVALID when the list has no
 * auditor. records is used as given (shuffle it first). */
int abri_stats_batch_seal(abri_buf *env, const char *tenant, const abri_recipients *list,
                          const abri_keypair *author, const char *month,
                          const char *taxonomy_version, const json_t *records,
                          size_t max_padded);
/* Opens a batch with an auditor key, checks the signature against the
 * listener of list (which must be the version the batch names: see
 * abri_stats_batch_list_version) and returns the body object (*body, caller
 * decrefs) and the author (may be NULL). */
int abri_stats_batch_open(const uint8_t *env, size_t len, const char *tenant,
                          const abri_keypair *auditor, const abri_recipients *list,
                          size_t max_padded, json_t **body, abri_member *author);
/* The list version named by a batch's header (0 if it does not parse). */
uint32_t abri_stats_batch_list_version(const uint8_t *env, size_t len, size_t max_padded);

/* ================= survey (include/abri/survey.h) ================= */

/* The reporter's survey answer: normalises the typed code, seals answers
 * to the auditors of the current list L->current (refusing an expired
 * one: ABRI_ERR_EXPIRED) and POSTs {"code", "envelope"} to /v1/survey.
 * *status gets the HTTP status (201 stored, 200 a retry, 403 a bad code).
 * body_out (may be NULL) gets the request body instead of sending it. */
int abri_reporter_survey(abri_client *c, const abri_lists *L, const abri_server_config *cfg,
                         const char *code, const json_t *answers, int *status,
                         json_t **body_out);

#endif
