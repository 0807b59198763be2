/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Uploads named by a submission: parsed to tags, then attached to the case
 * in the submission's own transaction (upload.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abrid.h"
#include "db/queries.h"
#include "upload.h"

int64_t upload_expiry(unsigned ttl)
{
	int64_t t = abri_now() + (int64_t)ttl;

	return (t + 3599) / 3600 * 3600;
}

void upload_tag(uint8_t out[ABRI_HASH_BYTES], const uint8_t id[ABRI_UPLOAD_ID_BYTES])
{
	uint8_t in[3 + ABRI_UPLOAD_ID_BYTES];

	memcpy(in, "upl", 3);
	memcpy(in + 3, id, ABRI_UPLOAD_ID_BYTES);
	/* Fixed, valid lengths: cannot fail (see submission_tag). */
	if (crypto_generichash(out, ABRI_HASH_BYTES, in, sizeof in, abrid.pepper, 32) != 0)
		abort();
}

enum ec upload_set_parse(const json_t *request, struct upload_set *set)
{
	uint8_t ids[100][ABRI_UPLOAD_ID_BYTES];
	unsigned max = abrid.cfg.max_attachments;
	enum ec ec;

	if (max > 100)
		max = 100;
	ec = upload_ids_parse(json_object_get(request, "uploads"), max, ids, &set->n);
	if (ec != EC_NONE) {
		set->n = 0;
		return ec;
	}
	for (size_t i = 0; i < set->n; i++)
		upload_tag(set->tags[i], ids[i]);
	return EC_NONE;
}

/* Why one upload cannot be attached (EC_NONE if it can). */
static enum pg_qs attachable(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t *chunks,
                             enum ec *err)
{
	struct db_upload u;
	enum pg_qs qs = pg_select_upload(pg, tag, &u);

	if (qs == PG_NONE)
		*err = EC_UNKNOWN_UPLOAD;
	else if (qs == PG_OK && u.case_ref[0] != '\0')
		*err = EC_UPLOAD_ATTACHED;
	else if (qs == PG_OK && !u.complete)
		*err = EC_UPLOAD_INCOMPLETE;
	*chunks = u.chunks;
	return qs < 0 ? qs : (*err != EC_NONE ? PG_NONE : PG_OK);
}

enum pg_qs upload_set_attach(struct pg *pg, const struct upload_set *set, const char *case_ref,
                             enum ec *err)
{
	int64_t total = 0, chunks;
	enum pg_qs qs;

	if (set->n == 0)
		return PG_OK;
	for (size_t i = 0; i < set->n; i++) {
		if ((qs = attachable(pg, set->tags[i], &chunks, err)) != PG_OK)
			return qs;
		total += chunks;
	}
	if ((qs = pg_select_case_upload_chunks(pg, case_ref, &chunks)) < 0)
		return qs;
	if ((uint64_t)(total + chunks) * ABRI_ATTACH_CHUNK > abrid.cfg.max_case_upload_bytes) {
		*err = EC_CASE_UPLOADS_TOO_LARGE;
		return PG_NONE;
	}
	for (size_t i = 0; i < set->n; i++) {
		qs = pg_update_upload_attach(pg, set->tags[i], case_ref);
		/* Checked just above in this serializable transaction. */
		if (qs <= 0)
			return qs == PG_NONE ? PG_SOFT : qs;
	}
	return PG_OK;
}

enum pg_qs upload_set_same(struct pg *pg, const struct upload_set *set, const char *case_ref,
                           enum ec *err)
{
	struct db_upload u;
	enum pg_qs qs;

	for (size_t i = 0; i < set->n; i++) {
		qs = pg_select_upload(pg, set->tags[i], &u);
		if (qs < 0)
			return qs;
		if (qs == PG_NONE || strcmp(u.case_ref, case_ref) != 0) {
			*err = EC_SUBMISSION_CONFLICT;
			return PG_NONE;
		}
	}
	return PG_OK;
}
