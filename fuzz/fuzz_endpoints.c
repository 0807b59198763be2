/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The JSON body of every endpoint, parsed with the very spec its handler
 * uses (src/abrid/reqspec.h), plus the "uploads" list of the submission
 * endpoints (the survey codes array: fuzz_survey). Input: one byte choosing the
 * endpoint, then the body as sent. Invariants: a body is either refused
 * with a 4xx code or every required destination is filled; nothing leaks
 * (ASan), nothing is read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abrid.h"
#include "reqspec.h"
#include "upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { E_SUBMIT, E_LOOKUP, E_STAFF_MESSAGE, E_STATE, E_STATS, E_SURVEY, E_UPLOAD, E_LIST,
       E_COUNT };

static void setup(void)
{
	static uint8_t pepper[32];

	if (abri_init() != ABRI_OK)
		abort();
	abrid.cfg.max_body = 1u << 20;
	abrid.cfg.max_attachments = 10;
	abrid.pepper = pepper; /* upload tags are keyed hashes: any key will do */
}

/* A refusal must carry a client error from the table, never EC_NONE or a
 * 5xx. */
static void refused(const struct rj_result *res)
{
	unsigned status = ec_info(res->code)->http_status;

	if (res->code == EC_NONE || status < 400 || status >= 500)
		abort();
}

static void parse(int e, const json_t *j)
{
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES], sid[ABRI_SUBMISSION_ID_BYTES];
	uint8_t header[24], hash[32], sig[ABRI_SIG_BYTES];
	struct rj_bytes env = {0};
	const char *str = NULL;
	json_t *pow = NULL;
	int64_t chunks = 0;
	struct rj_field submit[] = {SPEC_REPORTER_SUBMIT(env, lookup_key, sid, pow), RJ_END};
	struct rj_field lookup[] = {SPEC_REPORTER_LOOKUP(lookup_key), RJ_END};
	struct rj_field staff_message[] = {SPEC_STAFF_MESSAGE(env, sid), RJ_END};
	struct rj_field state[] = {SPEC_STAFF_STATE(str), RJ_END};
	struct rj_field stats[] = {SPEC_STAFF_STATS(env, str), RJ_END};
	struct rj_field survey[] = {SPEC_SURVEY(env, str), RJ_END};
	struct rj_field upload[] = {SPEC_UPLOAD_CREATE(chunks, header, hash, pow), RJ_END};
	struct rj_field list[] = {SPEC_ADMIN_RECIPIENTS(env, sig), RJ_END};
	const struct rj_field *specs[E_COUNT] = {submit, lookup, staff_message, state,
	                                         stats,  survey, upload,        list};
	const struct rj_field *spec = specs[e];
	struct rj_result res;

	if (rj_parse(j, spec, &res) != 0) {
		refused(&res);
		return;
	}
	if (rj_refused(j)) /* a body refused for an integer out of range */
		abort();
	if ((e == E_STATE || e == E_STATS || e == E_SURVEY) && (str == NULL || str[0] == '\0'))
		abort();
	if (e == E_UPLOAD && (chunks < 1 || chunks > INT32_MAX))
		abort();
	if (env.len > abrid.cfg.max_body)
		abort();
	if (e == E_SUBMIT) {
		struct upload_set *set = malloc(sizeof *set);
		enum ec ec;

		if (set == NULL)
			abort();
		ec = upload_set_parse(j, set);
		if (ec != EC_NONE && ec_info(ec)->http_status >= 500)
			abort();
		if (ec == EC_NONE && set->n > abrid.cfg.max_attachments)
			abort();
		free(set);
	}
	rj_free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct rj_result res;
	json_t *j;

	if (!initialised) {
		setup();
		initialised = 1;
	}
	if (size < 1)
		return 0;
	if (rj_load((const char *)data + 1, size - 1, false, &j, &res) != 0)
		return 0;
	parse(data[0] % E_COUNT, j);
	json_decref(j);
	return 0;
}
