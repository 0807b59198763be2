/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Signed-request headers: the input is split at NUL bytes into the four
 * header values Abri-Key-Id, Abri-Timestamp, Abri-Nonce, Abri-Signature
 * (fewer parts = missing headers); what parses is then verified. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[32];
	static int ready;
	const char *part[4] = {NULL, NULL, NULL, NULL};
	abri_request_auth a;
	char *buf;
	size_t i, n = 0, start = 0;

	if (!ready) {
		uint8_t sk[64];
		if (abri_init() != 0)
			abort();
		crypto_sign_keypair(pk, sk);
		ready = 1;
	}
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && n < 4; i++) {
		if (buf[i] == '\0') {
			part[n++] = buf + start;
			start = i + 1;
		}
	}
	if (abri_request_auth_parse(&a, part[0], part[1], part[2], part[3]) == ABRI_OK) {
		if (a.timestamp < 0)
			abort();
		if (abri_request_verify(&a, "safe-place-dev", "https://abri.example.org", "GET",
		                        "/v1/staff/cases", NULL, 0, a.timestamp, pk) == ABRI_OK)
			abort(); /* a random key cannot have signed it */
	}
	free(buf);
	return 0;
}
