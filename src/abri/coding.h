/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Coding a case (abri code, abri console): check the codes against the
 * taxonomy, refuse a referral without consent, build the statistics record
 * and the coding note's body, queue the record. Quiet: callers say what
 * went wrong (the CLI on stderr, the console as a JSON error). */
#ifndef ABRI_CLI_CODING_H
#define ABRI_CLI_CODING_H

#include "common.h"

typedef struct cli_coding {
	const char *kind, *context, *interpreter, *outcome;
	int listened, informed, complaint_filed;
	const json_t *consent, *referred; /* arrays of referral codes */
} cli_coding;

typedef enum cli_coding_refusal {
	CLI_CODING_OK = 0,
	CLI_CODING_UNKNOWN,    /* a code not in its dimension */
	CLI_CODING_NO_CONSENT, /* referred without consent */
	CLI_CODING_INVALID,    /* any other shape problem (a code twice...) */
} cli_coding_refusal;

typedef struct cli_coding_problem {
	cli_coding_refusal refusal;
	const char *dimension; /* UNKNOWN: kind, context, interpreter, outcome, referral */
	const char *value;     /* UNKNOWN, NO_CONSENT: the code (points into the coding) */
} cli_coding_problem;

/* Checks c against t; on a refusal *p says which and returns it. */
cli_coding_refusal cli_coding_check(const abri_taxonomy *t, const cli_coding *c,
                                    cli_coding_problem *p);
/* The statistics record of c for month (the record check passed), or NULL. */
json_t *cli_coding_record(const abri_taxonomy *t, const cli_coding *c, const char *month);
/* The coding note's body {"coding": record without "v" and "month"}:
 * malloc'd JSON text, NULL on allocation failure. */
char *cli_coding_note_body(const json_t *rec);
/* The valid codes of a dimension, sorted; NULL on allocation failure. */
json_t *cli_coding_valid(const abri_taxonomy *t, const char *dimension);

/* Puts the record of case ref in the local queue (one entry per case,
 * replaced until uploaded, never queued again after). month_opt: the month
 * to record (NULL: keep the queued one, else the record's). *queued (may
 * be NULL): 0 already uploaded, 1 queued, 2 replaced; rec's "month" is then
 * the month of the entry. Returns an exit code. */
int cli_coding_queue(const cli_config *cfg, const char *ref, json_t *rec, const char *month_opt,
                     int *queued);

#endif
