/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The written acknowledgement of Directive 2012/29/EU art. 5
 * (docs/protocol.md, Written acknowledgement).
 *
 * A listener issues it as an envelope of kind ack (5), sealed to the
 * reporter and the listeners, whose signed inner message (purpose "ack")
 * has the body {"ack": {...}} checked by abri_ack_check.
 *
 * The acknowledgement file, what a person keeps and shows (JSON):
 *   {"abri_ack": 1, "tenant": "...", "list_version": N, "kind": 5,
 *    "inner": "<base64 of the signed inner plaintext, unpadded>"}
 * Anyone holding the recipient list of version N (verified with the
 * organisation key) can check it: the author is a listener of that list
 * and the signature verifies. */
#ifndef ABRI_ACK_H
#define ABRI_ACK_H

#include <jansson.h>

#include "abri/envelope.h"
#include "abri/recipients.h"

#define ABRI_ACK_V        1
#define ABRI_ACK_FILE_V   1
#define ABRI_ACK_FILE_MAX (1024u * 1024u)

/* The "ack" object: v 1, case_ref, received_week and issued
 * ("YYYY-MM-DD"), taxonomy, listener, lang (string or null), elements
 * {kind, context, when (string or null), where (string or null),
 * referrals [strings]}, fr (non-empty). ABRI_OK or ABRI_ERR_INVALID. */
int abri_ack_check(const json_t *ack);

/* "YYYY-MM-DD" with a real month and day, year 2000..9999. */
int abri_date_valid(const char *s);
/* The Monday of an ISO week "YYYY-Www" as "YYYY-MM-DD". */
int abri_week_monday(const char *week, char out[11]);

typedef struct abri_ack_file {
	char tenant[ABRI_TENANT_MAX + 1];
	uint32_t list_version;
	uint8_t *inner; /* the signed inner plaintext (malloc'd) */
	size_t inner_len;
	abri_inner m; /* decoded; m.body points into inner */
} abri_ack_file;

/* The file's JSON text (malloc'd, NUL-terminated). */
char *abri_ack_file_dump(const char *tenant, uint32_t list_version, const uint8_t *inner,
                         size_t inner_len);
/* Structure only: the JSON shape, a valid tenant, list version >= 1 equal
 * to the inner message's, an inner message that decodes without reporter
 * keys. Nothing is trusted until abri_ack_file_verify. */
int abri_ack_file_parse(abri_ack_file *f, const char *text, size_t len);
void abri_ack_file_free(abri_ack_file *f);
/* list must be the verified list of version f->list_version for f->tenant.
 * ABRI_ERR_CRYPTO: the author is not a listener of it or the signature
 * fails; ABRI_ERR_INVALID: the body is no acknowledgement. On success
 * *ack (caller decrefs) and *author (may be NULL). */
int abri_ack_file_verify(const abri_ack_file *f, const abri_recipients *list, json_t **ack,
                         abri_member *author);

#endif
