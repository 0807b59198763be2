/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* POST /v1/challenge: a stateless, MAC'd challenge; only spending it is
 * recorded (with the submission, in the same transaction). Its difficulty
 * is the configured one, raised while verified submissions come faster
 * than pow_load_threshold per minute (load.h). Asking costs nothing, so it
 * counts nothing towards the load, and the challenge is judged again when
 * it is spent, against the difficulty then in force (powcheck.c). */
#include <stdlib.h>
#include <time.h>

#include "abrid.h"
#include "handlers.h"
#include "reply.h"
#include "submit.h"

enum MHD_Result h_challenge(struct request *rq)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES];
	int64_t expires = abri_now() + abrid.cfg.challenge_ttl;
	unsigned d = pow_difficulty_now();
	char *b64;
	json_t *j;

	if (abri_challenge_new(ch, abrid.challenge_key, (uint8_t)d, expires) != ABRI_OK)
		return reply_error(rq, EC_INTERNAL, NULL);
	b64 = abri_b64_encode(ch, sizeof ch);
	if (b64 == NULL)
		return reply_error(rq, EC_INTERNAL, NULL);
	j = json_pack("{s:s,s:i,s:I}", "challenge", b64, "difficulty",
	              (int)d, "expires", (json_int_t)expires);
	free(b64);
	return reply_json(rq, MHD_HTTP_OK, j);
}
