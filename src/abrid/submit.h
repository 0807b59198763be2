/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* What every submitted envelope goes through, reporter or listener:
 * structural checks without a key, the list check, proof of work, and the
 * proof of receipt in the answer. */
#ifndef ABRID_SUBMIT_H
#define ABRID_SUBMIT_H

#include <jansson.h>
#include <stdbool.h>

#include "abri/abri.h"
#include "errors.h"
#include "rlist.h"

#define KIND_BIT(k) (1u << (k))

/* The request fields the submission endpoints share, each with its own
 * error code (for an rj_field spec; the handler includes reqjson.h and
 * abrid.h). */
#define RJ_ENVELOPE(env)                                                                           \
	RJ_VAR("envelope", &(env), abrid.cfg.max_body, .code = EC_BAD_ENVELOPE,                    \
	       .too_long = EC_ENVELOPE_TOO_LARGE)
#define RJ_LOOKUP_KEY(key) RJ_B64("lookup_key", (key), sizeof(key), .code = EC_BAD_LOOKUP_KEY)
#define RJ_SUBMISSION_ID(sid)                                                                      \
	RJ_B64("submission_id", (sid), sizeof(sid), .code = EC_BAD_SUBMISSION_ID)
#define RJ_POW(pow) RJ_OBJ("pow", &(pow), .optional = true, .code = EC_BAD_POW)

enum reporter_stanza { STANZA_REQUIRED, STANZA_FORBIDDEN, STANZA_ANY };

/* Parses and checks an envelope: structure and bucket (size limit from the
 * config), deployment, kind in kinds (KIND_BIT mask), reporter stanza, at
 * least one keyed stanza. */
enum ec envelope_check(const uint8_t *env, size_t len, unsigned kinds,
                       enum reporter_stanza reporter, abri_envelope_info *info);

/* Against the current list: same version, every keyed stanza names a
 * member's X25519 key id. */
enum ec envelope_check_list(const abri_envelope_info *info, const struct rlist *current);

/* Reports, messages, replies, notes and acks: every keyed stanza names a
 * listener of the list (EC_UNKNOWN_RECIPIENT for the server's or an
 * auditor's key). */
enum ec envelope_check_listeners(const abri_envelope_info *info, const struct rlist *current);

/* Statistics batches and survey answers: the keyed stanzas are exactly
 * the auditors of the current list (EC_UNKNOWN_RECIPIENT otherwise). */
enum ec envelope_check_auditors(const abri_envelope_info *info, const struct rlist *current);

#include "db/pg.h"

/* What the submission transaction checks for every envelope, in order:
 * the current list exists (and, with GATE_RECEIPT, names this daemon's
 * server key), the envelope matches it (envelope_check_list) and is sealed
 * to listeners only (envelope_check_listeners), with
 * GATE_POW the proof of work is checked and its challenge spent, and the
 * envelope is not stored yet. Returns PG_OK to go on; PG_NONE with *err
 * set for the client's mistake; a negative pg_qs on a database error. */
enum submission_gate_flags { GATE_RECEIPT = 1u << 0, GATE_POW = 1u << 1 };
enum pg_qs submission_gate(struct pg *pg, const abri_envelope_info *info, json_t *pow, unsigned flags,
                           enum ec *err);

/* Statistics batches and survey answers, in their transaction: a current
 * list exists and the envelope is sealed under it to exactly its auditors.
 * PG_OK to go on; PG_NONE with *err; a negative pg_qs. */
enum pg_qs auditor_gate(struct pg *pg, const abri_envelope_info *info, enum ec *err);

/* A checked proof of work, ready to be spent in the transaction. */
struct pow_spend {
	bool spend; /* a challenge was given: record it */
	uint8_t tag[ABRI_HASH_BYTES];
	int64_t expires;
};

/* The difficulty a challenge asked for now gets: pow_difficulty, raised
 * under load (load.h). */
unsigned pow_difficulty_now(void);
/* How far below the difficulty in force a challenge may be when it is
 * spent: a client that asked just before a rise is not sent back. */
#define POW_SLACK_BITS 1u
/* pow: the request's "pow" object or NULL; hash: what the work is bound
 * to (the envelope's hash, or an upload's announced hash); chunks: 0 for
 * an envelope, else the announced chunk count of an upload. Checked
 * against the difficulty in force now: the challenge must carry at least
 * pow_difficulty and at least pow_difficulty_now() - POW_SLACK_BITS (a
 * missing pow counts as 0, and never does for an upload); the work must
 * reach the challenge's difficulty, for an upload abri_pow_upload_bits of
 * it. A given pow is always checked and spent. Counts nothing towards the
 * load: the caller does (load_note_submission) once the submission is
 * stored. */
enum ec pow_check(json_t *pow, const uint8_t hash[ABRI_HASH_BYTES], uint64_t chunks,
                  struct pow_spend *out);

/* {"fields", "sig", "key_id"}: the server's signed proof of receipt; NULL
 * on failure. */
json_t *receipt_json(const char *case_ref, const char *week,
                     const uint8_t env_hash[ABRI_HASH_BYTES]);

#endif
