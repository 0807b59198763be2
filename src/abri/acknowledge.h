/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The written acknowledgement (cmd_acknowledge.c), shared by abri
 * acknowledge and abri console: compose its body from a verified case,
 * send it with cli_case_write (kind ABRI_KIND_ACK, inner_out), and make
 * the acknowledgement file from the signed inner message. */
#ifndef ABRI_CLI_ACKNOWLEDGE_H
#define ABRI_CLI_ACKNOWLEDGE_H

#include "common.h"

enum {
	CLI_ACK_OK = 0,
	CLI_ACK_NO_CODING,    /* no verified coding note in the case */
	CLI_ACK_NOT_LISTENER, /* our key is not a listener of the current list */
	CLI_ACK_UNCOMPOSABLE, /* the coding does not fit the taxonomy, or no memory */
};

/* *body: the message body {"ack": {...}} (malloc'd JSON text) from the
 * latest coding note and the report of cs. Returns a CLI_ACK_* code. */
int cli_ack_compose(const cli_session *s, const abri_case *cs, const abri_taxonomy *t, char **body);
/* The acknowledgement file's text (as `abri acknowledge --out` writes it)
 * for the signed inner message sent; malloc'd, NULL on failure. */
char *cli_ack_file(const cli_session *s, const abri_buf *inner);

#endif
