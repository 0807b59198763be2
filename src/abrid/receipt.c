/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Proof of receipt: signed by the server key, recomputed on every answer
 * (also for a deduplicated retry), never stored. */
#include <stdlib.h>
#include <string.h>

#include "abrid.h"
#include "submit.h"

json_t *receipt_json(const char *case_ref, const char *week,
                     const uint8_t env_hash[ABRI_HASH_BYTES])
{
	uint8_t sig[ABRI_SIG_BYTES];
	char *fields_b64 = NULL, *sig_b64 = NULL, *kid_b64 = NULL;
	abri_receipt r;
	abri_buf fields;
	json_t *j = NULL;

	memset(&r, 0, sizeof r);
	if (strlen(case_ref) != ABRI_CASE_REF_CHARS || strlen(week) != sizeof r.week - 1)
		return NULL;
	memcpy(r.case_ref, case_ref, ABRI_CASE_REF_CHARS + 1);
	memcpy(r.week, week, sizeof r.week);
	memcpy(r.envelope_hash, env_hash, ABRI_HASH_BYTES);
	abri_buf_init(&fields);
	if (abri_receipt_sign(&fields, sig, &r, abrid.cfg.deployment_id,
	                      abrid.server_key->ed25519_sk) != ABRI_OK)
		goto done;
	fields_b64 = abri_b64_encode(fields.data, fields.len);
	sig_b64 = abri_b64_encode(sig, sizeof sig);
	kid_b64 = abri_b64_encode(abrid.server_key->ed_kid, ABRI_KEY_ID_BYTES);
	if (fields_b64 != NULL && sig_b64 != NULL && kid_b64 != NULL)
		j = json_pack("{s:s,s:s,s:s}", "fields", fields_b64, "sig", sig_b64, "key_id",
		              kid_b64);
done:
	abri_buf_free(&fields);
	free(fields_b64);
	free(sig_b64);
	free(kid_b64);
	return j;
}
