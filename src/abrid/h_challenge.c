/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/challenge: a stateless, MAC'd challenge; only spending it is
 * recorded (with the submission, in the same transaction). */
#include <stdlib.h>
#include <time.h>

#include "abrid.h"
#include "handlers.h"
#include "reply.h"

enum MHD_Result h_challenge(struct request *rq)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES];
	int64_t expires = (int64_t)time(NULL) + abrid.cfg.challenge_ttl;
	char *b64;
	json_t *j;

	if (abri_challenge_new(ch, abrid.challenge_key, (uint8_t)abrid.cfg.pow_difficulty,
	                       expires) != ABRI_OK)
		return reply_error(rq, EC_INTERNAL, NULL);
	b64 = abri_b64_encode(ch, sizeof ch);
	if (b64 == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	j = json_pack("{s:s,s:i,s:I}", "challenge", b64, "difficulty",
	              (int)abrid.cfg.pow_difficulty, "expires", (json_int_t)expires);
	free(b64);
	return reply_json(rq, MHD_HTTP_OK, j);
}
