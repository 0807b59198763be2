/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abrid's declared request parsing on arbitrary bytes, with the shapes the
 * submission endpoints use (a nested proof-of-work object included). */
#include <stdint.h>
#include <stdlib.h>

#include "abri/abri.h"
#include "reqjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_pow(json_t *pow)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES];
	int64_t counter;
	struct rj_field spec[] = {
	    RJ_B64("challenge", ch, sizeof ch, .code = EC_BAD_POW),
	    RJ_INT("counter", &counter, 0, INT64_MAX, .code = EC_BAD_POW),
	    RJ_END,
	};
	struct rj_result res;

	if (rj_parse(pow, spec, &res) == 0)
		rj_free(spec);
	else if (res.code == EC_NONE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	uint8_t lookup_key[ABRI_LOOKUP_KEY_BYTES], sid[ABRI_SUBMISSION_ID_BYTES];
	struct rj_bytes env;
	const char *state;
	json_t *pow = NULL, *j;
	int64_t n;
	bool has_pow;
	struct rj_field spec[] = {
	    RJ_VAR("envelope", &env, 65536, .code = EC_BAD_ENVELOPE,
	           .too_long = EC_ENVELOPE_TOO_LARGE),
	    RJ_B64("lookup_key", lookup_key, sizeof lookup_key, .code = EC_BAD_LOOKUP_KEY),
	    RJ_B64("submission_id", sid, sizeof sid, .optional = true),
	    RJ_STR("state", &state, 16, .optional = true),
	    RJ_INT("n", &n, -1000, 1000, .optional = true),
	    RJ_OBJ("pow", &pow, .optional = true, .present = &has_pow),
	    RJ_END,
	};
	struct rj_result res;

	if (!initialised) {
		if (abri_init() != ABRI_OK)
			abort();
		initialised = 1;
	}
	if (rj_load((const char *)data, size, size % 2 == 0, &j, &res) != 0) {
		if (res.code != EC_BAD_JSON)
			abort();
		return 0;
	}
	/* A body refused for an integer out of range never parses. */
	if (rj_parse(j, spec, &res) == 0 && rj_refused(j))
		abort();
	if (res.code == EC_NONE) {
		if (env.p == NULL || env.len > 65536 || (has_pow && pow == NULL))
			abort();
		if (has_pow)
			parse_pow(pow);
		rj_free(spec);
	}
	json_decref(j);
	return 0;
}
