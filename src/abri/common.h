/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What every `abri` subcommand shares: configuration, options, exit codes,
 * passphrases, key files, the verified session with abrid, and the local
 * state directory. The subcommands themselves live in cmd_<name>.c. */
#ifndef ABRI_CLI_COMMON_H
#define ABRI_CLI_COMMON_H

#include <getopt.h>
#include <stdio.h>

#include "abri/caseview.h"
#include "abri/client.h"

/* Exit codes (docs/cli.md). */
enum {
	CLI_OK = 0,
	CLI_USAGE = 1,   /* bad command line or configuration */
	CLI_ALARM = 2,   /* verification failure / security alarm */
	CLI_SERVER = 3,  /* network error, unexpected or 5xx answer */
	CLI_LOCAL = 4,   /* local error: files, keys, passphrase */
	CLI_REFUSED = 5, /* the server refused the request (4xx) */
};

typedef struct cli_config {
	char *config_path;
	char *server;
	char *origin;
	char *deployment_id;
	char *key;
	char *org_public_key;
	char *state_dir;
	char *passphrase_file;
	char *console_idle_lock; /* abri console's --idle-lock default (seconds) */
	int config_explicit; /* --config given: the file must exist */
} cli_config;

/* Global options, accepted before and after the subcommand. */
enum {
	OPT_CONFIG = 1000,
	OPT_SERVER,
	OPT_ORIGIN,
	OPT_DEPLOYMENT_ID,
	OPT_KEY,
	OPT_ORG_PUBLIC_KEY,
	OPT_STATE_DIR,
	OPT_PASSPHRASE_FILE,
	OPT_CMD = 2000, /* first code free for subcommands */
};

/* clang-format off */
#define CLI_GLOBAL_LONGOPTS                                                         \
	{"config", required_argument, NULL, OPT_CONFIG},                            \
	    {"server", required_argument, NULL, OPT_SERVER},                        \
	    {"origin", required_argument, NULL, OPT_ORIGIN},                        \
	    {"deployment-id", required_argument, NULL, OPT_DEPLOYMENT_ID},          \
	    {"key", required_argument, NULL, OPT_KEY},                              \
	    {"org-public-key", required_argument, NULL, OPT_ORG_PUBLIC_KEY},        \
	    {"state-dir", required_argument, NULL, OPT_STATE_DIR},                  \
	    {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},      \
	    {"help", no_argument, NULL, 'h'}
/* clang-format on */

#define CLI_GLOBAL_USAGE                                                                           \
	"Global options: --config FILE, --server URL, --origin URL, --deployment-id ID,\n"         \
	"  --key FILE, --org-public-key B64|FILE, --state-dir DIR, --passphrase-file FILE\n"

/* getopt_long wrapper: applies global options to cfg and handles --help.
 * Returns the subcommand's own option, -1 at the end, or CLI_OPT_EXIT
 * with *exit_code set (help printed: 0; bad option: 1). */
#define CLI_OPT_EXIT (-2)
int cli_next_opt(int argc, char **argv, const char *shortopts, const struct option *opts,
                 cli_config *cfg, const char *usage, int *exit_code);
/* Stores a global option; 1 if opt was one. */
int cli_global_option(cli_config *cfg, int opt, const char *arg);

/* Reads the configuration file (flags win over it) and fills defaults. */
int cli_config_load(cli_config *cfg);
void cli_config_free(cli_config *cfg);

/* Messages on stderr, prefixed "abri: ". */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Offline verifiers (verify-receipt, verify-ack): `[--list LIST.json]...
 * FILE` and a configuration naming the deployment and organisation key.
 * CLI_OK with lists[0..*n) and *file set, or the exit code. */
#define CLI_LISTS_MAX 16
int cli_verify_args(int argc, char **argv, cli_config *cfg, const char *usage,
                    char *lists[CLI_LISTS_MAX], size_t *n, const char **file);
/* A signed list file, verified with the organisation key for the configured
 * deployment: CLI_OK, CLI_LOCAL (unreadable) or CLI_ALARM (does not verify). */
int cli_list_file_load(const cli_config *cfg, const uint8_t org_pk[ABRI_ED25519_PK],
                       const char *path, abri_recipients *r);
/* Write a JSON document atomically, mode 0600; says why on failure.
 * CLI_OK or CLI_LOCAL. */
int cli_json_save(const char *path, const json_t *doc);
void cli_alarm(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit code for an error of the client library. */
int cli_exit_for(int rc);
/* Explains a failed call (network error or the server's refusal) and
 * returns the exit code. */
int cli_call_failed(const char *what, int rc, const abri_client *c);

int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* REF check before it is used in a URL or a file name. A reference is
 * accepted as typed (lower case, spaces or dashes, O for 0, I/L for 1) and
 * rewritten in place in its normal form: ref must be writable (argv). */
int cli_ref_ok(const char *ref);

/* Passphrase from --passphrase-file (first line) or the terminal with echo
 * off (asked twice when confirm). sodium_malloc'd; free with
 * cli_passphrase_free. NULL on failure (message printed). */
char *cli_passphrase_get(const cli_config *cfg, const char *prompt, int confirm);
void cli_passphrase_free(char *p);

/* Reads a key file, asking for the passphrase when it is encrypted.
 * Returns an exit code. */
int cli_key_load(const cli_config *cfg, const char *path, abri_keypair **out);
void cli_print_key(FILE *f, const abri_keypair *k);

/* Writing a new key pair: <key_path> (0600) and <pub_path>. */
typedef struct cli_keygen {
	int role; /* abri_role or ABRI_ROLE_ORG */
	const char *name;
	uint32_t epoch;
	int no_passphrase; /* the server key is always unencrypted */
	int kdf_fast;      /* tiny Argon2id costs: tests only */
	char key_path[4096];
	char pub_path[4096];
} cli_keygen;

/* PREFIX.key + PREFIX.pub.json, or DIR/server.key + DIR/server.pub.json. */
int cli_keygen_paths(cli_keygen *g, const char *prefix_or_dir, int server_dir);
/* Refuses to overwrite; asks the passphrase (twice) unless none; prints
 * the fingerprints. *out (may be NULL) keeps the key pair. */
int cli_keygen_write(const cli_config *cfg, cli_keygen *g, abri_keypair **out);

/* A verified session with abrid: config fetched, recipient list verified
 * with the pinned organisation key, rollback refused, changes printed. */
typedef struct cli_session {
	cli_config *cfg;
	abri_keypair *key;
	abri_client client;
	abri_lists lists;
	abri_server_config scfg;
	uint8_t org_pk[ABRI_ED25519_PK];
} cli_session;

/* Pages through GET /v1/staff/cases (state: filter or NULL), at most
 * `limit` cases in all (UINT32_MAX: every case), calling on_page with each
 * page's "cases" array; on_page returns CLI_OK to go on. `what` names the
 * action in error messages. */
int cli_cases_pages(cli_session *s, const char *state, uint32_t limit, const char *what,
                    int (*on_page)(const json_t *cases, void *cls), void *cls);

enum {
	CLI_NEED_KEY = 1,    /* signed staff requests */
	CLI_FOR_SEALING = 2, /* refuse an expired list */
};
int cli_session_open(cli_session *s, cli_config *cfg, unsigned flags);
/* The same with a key already opened (abri console: the passphrase comes
 * from its page): key (may be NULL) belongs to the session from the call
 * on, even when it fails. chg (may be NULL) gets the recipient list's
 * change as accepted. */
int cli_session_open_key(cli_session *s, cli_config *cfg, unsigned flags, abri_keypair *key,
                         abri_list_change *chg);
void cli_session_close(cli_session *s);
/* Signed GET of a staff case, loaded and verified as this listener. */
int cli_case_fetch(cli_session *s, const char *ref, abri_case *cs, json_t **answer);

/* A listener's message in a case: kind note (listeners only) or reply
 * (with the reporter's stanza). */
typedef struct cli_case_msg {
	const char *ref;
	int note;
	int force;        /* write even when the case raises alarms */
	const char *body; /* JSON object text */
	const char *what; /* for the confirmation; NULL = "note"/"reply" */
	int kind;         /* 0: note or reply as above; ABRI_KIND_ACK: an acknowledgement */
	abri_buf *inner_out; /* optional: the signed inner plaintext sent */
} cli_case_msg;
/* Fetches and verifies the case, refuses when messages seen here
 * disappeared (or on alarms unless force), seals the message as the next of
 * our chain, POSTs it, updates the local case state. Returns an exit code. */
int cli_case_send(cli_session *s, const cli_case_msg *m);

/* Why cli_case_write did not send (CLI_WRITE_SENT when it did, or when it
 * failed for another reason: network, local files). */
typedef enum cli_write_refusal {
	CLI_WRITE_SENT = 0,
	CLI_WRITE_FETCH,              /* the case could not be fetched or verified */
	CLI_WRITE_DISAPPEARED,        /* messages seen here are gone */
	CLI_WRITE_NO_THREAD,          /* the first report cannot be read with our key */
	CLI_WRITE_ALARMING,           /* the case raises alarms (and not force) */
	CLI_WRITE_RECIPIENTS_CHANGED, /* abrid's list changed: fetch it, re-seal */
} cli_write_refusal;

typedef struct cli_write_result {
	cli_write_refusal refusal;
	int sent;          /* abrid stored it (the local state may still have failed) */
	long long pos;     /* its position in the case */
	uint64_t counter;  /* its counter in our chain */
	char state[16];    /* the case's state when it was written */
} cli_write_result;

/* cli_case_send without its own messages (those of cli_case_fetch and the
 * local state check still go to stderr): the core shared by the CLI and
 * abri console. Returns an exit code; *r says what happened. */
int cli_case_write(cli_session *s, const cli_case_msg *m, cli_write_result *r);

/* POST /v1/staff/cases/{ref}/state (cmd_state.c): the call's result
 * (abri_client_call), *status and *ans (caller decrefs) as answered. */
int cli_state_set(cli_session *s, const char *ref, const char *state, int *status, json_t **ans);

/* Local statistics queue (statsqueue.c): <state_dir>/stats/queue.json,
 * {"cases": {"<REF>": {"month", "record"} | {"month", "uploaded": true}}}. */
int cli_stats_queue_load(const cli_config *cfg, json_t **doc);
int cli_stats_queue_save(const cli_config *cfg, const json_t *doc);
/* The current UTC month, "YYYY-MM". */
void cli_month_now(char out[8]);

/* The next unused survey code kept in <state_dir>/survey/codes.json, as
 * "XXXX-XXXX-XXXX" (15 bytes with the NUL), removed from the file before
 * it is handed out. Returns an exit code (CLI_USAGE when none is left). */
int cli_survey_code_take(const cli_config *cfg, char out[15]);

/* Messages from the person in case ref that this workstation has not seen:
 * 0 without a request when the remembered count is not below envelopes
 * (abrid's count) or when the case was never opened here; otherwise the
 * case is fetched and verified. *fewer: abrid shows fewer envelopes than
 * were seen here. *seen (may be NULL): the count remembered, -1 when the
 * case was never opened here. Returns an exit code. */
int cli_case_new_from_person(cli_session *s, const char *ref, long long envelopes,
                             long long *fresh, int *fewer, long long *seen);

/* Local per-case state: <state_dir>/cases/<REF>.json
 * {"seen": [b64 hash...], "count": N, "own": {"<b64 kid>": {"counter": N,
 *  "hash": b64}}}. Seen/unseen never lives on the server. */
int cli_case_state_load(const cli_config *cfg, const char *ref, json_t **doc);
int cli_case_state_save(const cli_config *cfg, const char *ref, json_t *doc);
/* Adds the hash of every unflagged envelope to "seen", sets "count". */
int cli_case_state_merge(json_t *doc, const abri_case *cs);
/* Compares the case with what this workstation saw before: messages that
 * disappeared, our own counter gone backwards. Prints an alarm for each
 * and returns how many; *lc (may be NULL) gets the comparison itself. */
size_t cli_case_state_check(const json_t *doc, const abri_case *cs, const abri_keypair *me,
                            abri_local_check *lc);
/* Merges what was seen now (hashes, count, our highest counter) into doc
 * and saves it. */
int cli_case_state_update(const cli_config *cfg, json_t *doc, const abri_case *cs,
                          const abri_keypair *me);
/* The counter recorded for our own key (0 if none). */
uint64_t cli_case_state_own(const json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES]);
int cli_case_state_set_own(json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES], uint64_t counter,
                           const uint8_t hash[ABRI_HASH_BYTES]);

#endif
