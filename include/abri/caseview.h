/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The case model shared by `abri show`, `abri cases`, `abri watch` and
 * `abri console`: what a listener's workstation remembers of a case (seen
 * messages, its own chain), and the view of a verified case (report form,
 * thread, alarms by name) built from abri_case (include/abri/client.h) —
 * one decryption and verification path (abri_case_verify), one model.
 *
 * Local memory: <state_dir>/cases/<REF>.json
 *   {"seen": [b64 envelope hash...], "count": N,
 *    "own": {"<b64 kid>": {"counter": N, "hash": b64}}}
 * Hashes and counters only, never plaintext. Seen/unseen never lives on
 * the server. The view's JSON shape is documented in docs/console-api.md
 * ("Case view"). */
#ifndef ABRI_CASEVIEW_H
#define ABRI_CASEVIEW_H

#include <jansson.h>

#include "abri/client.h"

/* ================= local memory of a case ================= */

/* *doc gets the remembered state ({} when nothing is remembered).
 * ABRI_ERR_INVALID for an unreadable or corrupt file, ABRI_ERR_IO. */
int abri_casestate_load(const char *state_dir, const char *ref, json_t **doc);
/* Atomic write, mode 0600, creating <state_dir>/cases (0700). */
int abri_casestate_save(const char *state_dir, const char *ref, const json_t *doc);

/* What differs between the case as served and this workstation's memory. */
typedef struct abri_local_check {
	size_t disappeared; /* remembered hashes absent from the case */
	uint8_t first_disappeared[ABRI_HASH_BYTES];
	uint64_t own_recorded; /* our last counter remembered here */
	uint64_t own_present;  /* our highest counter in the case */
	int own_gone;          /* own_recorded > own_present: our messages vanished */
} abri_local_check;

void abri_casestate_check(const json_t *doc, const abri_case *cs,
                          const uint8_t kid[ABRI_KEY_ID_BYTES], abri_local_check *out);
/* 1 if the hash is remembered as seen. */
int abri_casestate_seen(const json_t *doc, const uint8_t hash[ABRI_HASH_BYTES]);
/* "count" as remembered, -1 if the case was never opened here. */
long long abri_casestate_count(const json_t *doc);
/* Remembers every unflagged envelope as seen, the count, and our highest
 * counter in the case (never lowers it). */
int abri_casestate_merge(json_t *doc, const abri_case *cs, const uint8_t kid[ABRI_KEY_ID_BYTES]);
uint64_t abri_casestate_own(const json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES]);
int abri_casestate_set_own(json_t *doc, const uint8_t kid[ABRI_KEY_ID_BYTES], uint64_t counter,
                           const uint8_t hash[ABRI_HASH_BYTES]);

/* Verified messages of the person (the reporter) not remembered as seen. */
size_t abri_case_new_from_person(const abri_case *cs, const json_t *doc);

/* ================= the view ================= */

/* The case view (docs/console-api.md, "Case view") of a verified case:
 * answer is abrid's staff answer (for purge_after; may be NULL), doc the
 * local memory (may be NULL: nothing is "new"), lc the local check (may be
 * NULL), chg a recipient-list change to report (may be NULL). Strings are
 * the authors' text as written: escaping is the printer's job (terminal:
 * abri_fputs_safe; page: textContent). NULL on allocation failure. */
json_t *abri_case_view(const abri_case *cs, const json_t *answer, const json_t *doc,
                       const abri_local_check *lc);

/* The inbox entry (docs/console-api.md, "Inbox") of a view; envelopes is
 * the count abrid's list gave. */
json_t *abri_case_summary(const json_t *view, long long envelopes);

/* Alarm codes of one message (docs/console-api.md), appended to arr once
 * each (casecheck.c: one table names and explains every finding). */
int abri_case_msg_alarms(const abri_case_msg *m, json_t *arr);

/* ISO week "YYYY-Www" -> its Monday: abri_week_monday (abri/ack.h). */

/* 1 if the JSON array holds the string s. */
int abri_json_has_string(const json_t *arr, const char *s);

/* A case reference as typed: trimmed, upper-cased; ABRI_ERR_INVALID when
 * it is still not a valid reference. */
int abri_case_ref_normalise(const char *in, char out[ABRI_CASE_REF_CHARS + 1]);

#endif
