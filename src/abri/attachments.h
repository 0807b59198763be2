/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachments in `abri show`: listing them, and --save DIR. */
#ifndef ABRI_CLI_ATTACHMENTS_H
#define ABRI_CLI_ATTACHMENTS_H

#include "common.h"

/* One line per entry of a message body's "attachments": kind, name, size,
 * type (sanitised); a malformed entry says so. */
void cli_attachments_print(const json_t *list);

/* Every attachment of every verified message of cs: download, check the
 * hash, decrypt, write DIR/<pos>-<n>-<safe name> with mode 0600 (never over
 * an existing file). Prints each file name and "hash verified" to out
(stderr when stdout carries JSON). Returns
 * CLI_ALARM if any hash or decryption check failed (nothing written for
 * it), else CLI_OK or the first other error's exit code. */
int cli_attachments_save(cli_session *s, const abri_case *cs, const char *dir, FILE *out);

/* Parses an entry of a message's "attachments" and downloads its
 * ciphertext: CLI_OK with *r (abri_attach_ref_wipe it) and *ct
 * (abri_buf_free it), CLI_ALARM for a malformed reference, or the exit
 * code of a failed download (said on stderr). */
int cli_attachment_fetch(cli_session *s, const char *case_ref, const json_t *entry,
                         abri_attach_ref *r, abri_buf *ct);
/* Checks the hash, then decrypts into sink: CLI_OK, CLI_ALARM (hash or
 * decryption failed: discard what the sink got) or CLI_LOCAL. */
int cli_attachment_open(const abri_buf *ct, const abri_attach_ref *r, abri_attach_sink sink,
                        void *cls);

#endif
