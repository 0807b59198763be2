/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Token normalisation of arbitrary bytes: never crashes, and a "valid"
 * answer is always 24 ASCII digits passing Damm. */
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[ABRI_TOKEN_DIGITS + 1];
	abri_token_status st = abri_token_normalise((const char *)data, size, out);
	size_t i;

	if (st > ABRI_TOKEN_BAD_UTF8)
		abort();
	if (st != ABRI_TOKEN_VALID) {
		if (out[0] != '\0')
			abort(); /* no partial token left behind */
		return 0;
	}
	for (i = 0; i < ABRI_TOKEN_DIGITS; i++)
		if (out[i] < '0' || out[i] > '9')
			abort();
	if (out[ABRI_TOKEN_DIGITS] != '\0' || !abri_damm_valid(out, ABRI_TOKEN_DIGITS))
		abort();
	/* Normalising the normal form is the identity. */
	{
		char again[ABRI_TOKEN_DIGITS + 1];
		if (abri_token_normalise(out, ABRI_TOKEN_DIGITS, again) != ABRI_TOKEN_VALID ||
		    memcmp(out, again, sizeof again) != 0)
			abort();
	}
	return 0;
}
