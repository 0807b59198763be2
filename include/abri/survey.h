/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The satisfaction survey (docs/protocol.md, Survey).
 *
 * Survey code: 12 Crockford base32 characters (0-9 A-H J K M N P-T V-Z),
 * shown grouped XXXX-XXXX-XXXX. People type them: clients normalise
 * (upper case; spaces and dashes dropped; O -> 0, I and L -> 1) and send
 * the 12-character canonical form. abrid stores only
 * BLAKE2b-256(key = pepper, "svc" || code).
 *
 * Answer: an envelope of kind survey (7) sealed to the auditors only, no
 * reporter stanza, no inner message, no signature. Its plaintext (padded
 * to a bucket like any other) is exactly
 *   {"survey": 1, "answers": {"listened": "yes"|"partly"|"no",
 *    "informed": ..., "language": ..., "safe": ...,
 *    "recommend": "yes"|"no"|"unsure", "overall": 1..5}}
 * with every answer optional and nothing else: no free text, no date. */
#ifndef ABRI_SURVEY_H
#define ABRI_SURVEY_H

#include <jansson.h>

#include "abri/common.h"
#include "abri/recipients.h"

#define ABRI_SURVEY_CODE_CHARS   12u
#define ABRI_SURVEY_CODE_GROUPED 14u /* XXXX-XXXX-XXXX */
#define ABRI_SURVEY_V            1
#define ABRI_SURVEY_QUESTIONS    6u

/* The six questions in report order, and the answers each allows
 * (NULL-terminated); "overall" takes the integers 1..5. */
extern const char *const abri_survey_questions[ABRI_SURVEY_QUESTIONS];
const char *const *abri_survey_choices(const char *question);

void abri_survey_code_new(char out[ABRI_SURVEY_CODE_CHARS + 1]);
/* 1 if s is exactly 12 canonical characters. */
int abri_survey_code_valid(const char *s);
/* Typed input -> canonical form; ABRI_ERR_INVALID for anything else. */
int abri_survey_code_normalise(const char *in, char out[ABRI_SURVEY_CODE_CHARS + 1]);
/* "XXXX-XXXX-XXXX" of a canonical code. */
void abri_survey_code_group(char out[ABRI_SURVEY_CODE_GROUPED + 1],
                            const char code[ABRI_SURVEY_CODE_CHARS + 1]);

/* The plaintext document above: ABRI_OK or ABRI_ERR_INVALID. */
int abri_survey_doc_check(const json_t *doc);
/* Parses (duplicate keys refused) and checks an unpadded plaintext;
 * *doc (may be NULL) gets the document, caller decrefs. */
int abri_survey_plaintext_parse(const uint8_t *pt, size_t len, json_t **doc);

/* Seals {"survey": 1, "answers": answers} to every auditor of list
 * (ABRI_ERR_INVALID without an auditor or for bad answers). */
int abri_survey_seal(abri_buf *env, const char *tenant, const abri_recipients *list,
                     const json_t *answers, size_t max_padded);
/* Opens an answer with an auditor's X25519 key pair and checks it: kind
 * survey, tenant, no reporter stanza, the document. */
int abri_survey_open(const uint8_t *env, size_t len, const char *tenant,
                     const uint8_t kid[ABRI_KEY_ID_BYTES], const uint8_t x_pk[ABRI_X25519_PK],
                     const uint8_t x_sk[ABRI_X25519_SK], size_t max_padded, json_t **doc);

#endif
