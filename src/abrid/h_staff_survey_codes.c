/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/staff/survey-codes: a listener registers a batch of fresh
 * survey codes. abrid keeps only their peppered hashes with an expiry:
 * not who registered which code, not for which case. What it does keep
 * per listener is how many codes they registered this month: at most
 * survey_codes_per_month (a listener answering the survey themselves
 * would need many), and the auditors see the counts
 * (GET /v1/audit/survey-codes). */
#include <string.h>

#include "abri/survey.h"
#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"

#define SURVEY_CODES_MAX 100u

struct codes_post {
	uint8_t (*tags)[ABRI_HASH_BYTES];
	size_t n;
	const uint8_t *key_id; /* the registering listener */
	enum ec err;
};

static enum pg_qs codes_txn(struct pg *pg, void *cls)
{
	struct codes_post *c = cls;
	int64_t added = 0, total;
	enum pg_qs qs;

	c->err = EC_NONE;
	for (size_t i = 0; i < c->n; i++) {
		qs = pg_insert_survey_code(pg, c->tags[i]);
		if (qs < 0)
			return qs;
		added += (qs == PG_OK); /* a retried request registers nothing new */
	}
	if (added == 0)
		return PG_OK;
	if ((qs = pg_add_survey_code_count(pg, c->key_id, added, &total)) < 0)
		return qs;
	if (total > (int64_t)abrid.cfg.survey_codes_per_month) {
		c->err = EC_SURVEY_CODE_QUOTA;
		return PG_NONE; /* rolled back: nothing registered */
	}
	return PG_OK;
}

/* {"codes": [1..100 canonical codes]}; the message never names a value. */
static enum ec parse_codes(const json_t *body, uint8_t tags[][ABRI_HASH_BYTES], size_t *n)
{
	const json_t *codes = json_object_get(body, "codes");
	size_t i;
	json_t *v;

	if (!json_is_array(codes) || json_array_size(codes) == 0 ||
	    json_array_size(codes) > SURVEY_CODES_MAX)
		return EC_BAD_FIELD;
	json_array_foreach(codes, i, v)
	{
		if (!abri_survey_code_valid(json_string_value(v)))
			return EC_BAD_SURVEY_CODE;
		survey_code_tag(tags[i], json_string_value(v));
	}
	*n = json_array_size(codes);
	return EC_NONE;
}

enum MHD_Result h_staff_survey_codes(struct request *rq)
{
	uint8_t tags[SURVEY_CODES_MAX][ABRI_HASH_BYTES];
	struct codes_post c = {.tags = tags, .key_id = rq->member->ed_kid};
	struct pg *pg;
	enum pg_qs qs;
	enum ec err = parse_codes(rq->json, tags, &c.n);

	if (err == EC_BAD_FIELD)
		return reply_error(rq, err, "Field \"codes\" must be an array of 1 to 100 codes.");
	if (err != EC_NONE)
		return reply_error(rq, err,
		                   "Each code must be 12 canonical Crockford base32 "
		                   "characters.");
	pg = pg_get();
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, codes_txn, &c) : PG_SOFT;
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (c.err != EC_NONE)
		return reply_error(rq, c.err, NULL);
	return reply_json(rq, MHD_HTTP_CREATED, json_pack("{s:I}", "registered", (json_int_t)c.n));
}
