/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Attachment uploads (docs/api.md, Uploads): what the four upload
 * endpoints and the two submission endpoints share. The parsers (first
 * block) need neither MHD nor the database, so fuzz/fuzz_upload.c runs
 * them alone. */
#ifndef ABRID_UPLOAD_H
#define ABRID_UPLOAD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "abri/abri.h"
#include "errors.h"

/* ---- parsers ---- */

/* URL arguments: the id as 22 base64url characters (anything else:
 * EC_UNKNOWN_UPLOAD, as for an id never issued), the index (idx_arg may be
 * NULL) as decimal 0..ABRI_ATTACH_MAX_CHUNKS-1 without leading zeros
 * (EC_BAD_CHUNK). */
enum ec upload_target_parse(const char *id_arg, const char *idx_arg,
                            uint8_t id[ABRI_UPLOAD_ID_BYTES], int64_t *idx);

/* A chunk for an upload of `chunks` chunks: index < chunks and exactly
 * 65553 bytes, else EC_BAD_CHUNK. */
enum ec upload_chunk_check(int64_t idx, size_t len, int64_t chunks);

/* The optional "uploads" field of a submission (NULL or JSON null =
 * absent, *n = 0): an array of at most max distinct standard-base64
 * 16-byte ids. ids must hold max entries. EC_BAD_FIELD otherwise. */
enum ec upload_ids_parse(const json_t *field, unsigned max, uint8_t (*ids)[ABRI_UPLOAD_ID_BYTES],
                         size_t *n);

/* ---- with the pepper and the database ---- */

#include "db/pg.h"

/* Unix seconds ttl from now, rounded up to the hour: the only date stored
 * with an unattached upload, coarse so that it does not date the upload
 * (or its latest chunk) to the second. */
int64_t upload_expiry(unsigned ttl);

/* BLAKE2b-256(key = pepper, "upl" || id): all the database knows. */
void upload_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t id[ABRI_UPLOAD_ID_BYTES]);

/* The uploads a submission names, as tags. */
struct upload_set {
	size_t n;
	uint8_t tags[100][ABRI_HASH_BYTES]; /* max_attachments <= 100 */
};

/* Parses the request's "uploads" field into set (tags). */
enum ec upload_set_parse(const json_t *request, struct upload_set *set);

/* In the submission transaction, after the envelope is stored: each upload
 * exists, is complete and unattached, and the case's total stays within
 * max_case_upload_bytes; then all are attached to case_ref. PG_NONE with
 * *err for the client's mistake (the caller rolls back). */
enum pg_qs upload_set_attach(struct pg *pg, const struct upload_set *set, const char *case_ref,
                             enum ec *err);

/* A retried submission: every named upload is attached to case_ref, else
 * *err = EC_SUBMISSION_CONFLICT (PG_NONE). */
enum pg_qs upload_set_same(struct pg *pg, const struct upload_set *set, const char *case_ref,
                           enum ec *err);

#endif
