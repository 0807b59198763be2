/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Proof of work on reporter submissions (include/abri/pow.h). */
#include <sodium.h>
#include <time.h>

#include "abrid.h"
#include "load.h"
#include "reqjson.h"
#include "submit.h"

unsigned pow_difficulty_now(void)
{
	unsigned max = abrid.cfg.pow_max_difficulty;

	if (max < abrid.cfg.pow_difficulty)
		max = abrid.cfg.pow_difficulty;
	return load_pow_difficulty(abrid.cfg.pow_difficulty, abrid.cfg.pow_load_threshold, max);
}

/* The least difficulty a challenge may carry when it is spent: what is in
 * force now, less POW_SLACK_BITS for a client that asked just before a
 * rise, never less than the configured base. A challenge issued at a low
 * difficulty cannot be stockpiled for a flood, when the difficulty rises. */
static unsigned pow_required(void)
{
	unsigned now = pow_difficulty_now();
	unsigned req = now > POW_SLACK_BITS ? now - POW_SLACK_BITS : 0;

	return req > abrid.cfg.pow_difficulty ? req : abrid.cfg.pow_difficulty;
}

enum ec pow_check(json_t *pow, const uint8_t hash[ABRI_HASH_BYTES], uint64_t chunks,
                  struct pow_spend *out)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES];
	int64_t counter, expiry;
	uint8_t difficulty;
	struct rj_field spec[] = {
	    RJ_B64("challenge", ch, sizeof ch, .code = EC_BAD_POW),
	    RJ_INT("counter", &counter, 0, INT64_MAX, .code = EC_BAD_POW),
	    RJ_END,
	};
	struct rj_result res;
	int rc;

	out->spend = false;
	if (pow == NULL) /* no work: as good as difficulty 0, never enough for an upload */
		return (chunks == 0 && pow_required() == 0) ? EC_NONE : EC_BAD_POW;
	if (rj_parse(pow, spec, &res) != 0)
		return res.code;
	rc = abri_challenge_check(ch, abrid.challenge_key, abri_now(), &expiry,
	                          &difficulty);
	if (rc == ABRI_ERR_EXPIRED)
		return EC_CHALLENGE_EXPIRED;
	if (rc != ABRI_OK)
		return EC_BAD_POW;
	if (difficulty < pow_required() ||
	    abri_pow_bits(ch, hash, (uint64_t)counter) <
	        (chunks == 0 ? difficulty : abri_pow_upload_bits(difficulty, chunks)))
		return EC_BAD_POW;
	/* The challenge's own MAC makes it unique: hash it as the spent tag. */
	abri_hash(out->tag, ch, sizeof ch);
	out->expires = expiry;
	out->spend = true;
	return EC_NONE;
}
