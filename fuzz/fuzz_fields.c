/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Fields blobs and the decoders built on them: generic decode, inner
 * message decode/verify, receipt verify. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[32];
	static int ready;
	abri_fields f;
	abri_inner m;
	size_t i, total;
	int kind;

	if (!ready) {
		uint8_t sk[64];
		if (abri_init() != 0)
			abort();
		crypto_sign_keypair(pk, sk);
		ready = 1;
	}
	if (abri_fields_decode(data, size, 0, &f) == ABRI_OK) {
		/* The fields tile the blob exactly. */
		for (i = 0, total = 0; i < f.n; i++) {
			if (f.p[i] != data + total + 4)
				abort();
			total += 4 + f.len[i];
		}
		if (total != size || f.n > ABRI_FIELDS_MAX)
			abort();
	}
	if (abri_inner_decode(&m, data, size) == ABRI_OK) {
		size_t sl = abri_inner_signed_len(data, size);
		if (m.counter == 0 || sl + 4 + ABRI_SIG_BYTES != size || m.body < data ||
		    m.body + m.body_len > data + size)
			abort();
		for (kind = 0; kind <= 8; kind++)
			if (abri_inner_verify(data, size, kind, "safe-place-dev", pk) == ABRI_OK)
				abort();
	}
	if (size >= ABRI_SIG_BYTES) {
		abri_receipt r;
		if (abri_receipt_verify(&r, data + ABRI_SIG_BYTES, size - ABRI_SIG_BYTES, data,
		                        "safe-place-dev", pk) == ABRI_OK)
			abort();
	}
	return 0;
}
