/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Recipient lists: the document parser on arbitrary JSON, and the signed
 * form (first 64 bytes = signature, the rest = fields blob) with the
 * organisation key of tests/vectors. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "abri/abri.h"
#include "fuzz.h"

static uint8_t org_pk[32];
static abri_recipients *r;

static void init(void)
{
	uint8_t seed[32], sk[64];

	if (abri_init() != 0)
		abort();
	crypto_generichash(seed, 32, (const uint8_t *)"abri-vectors/organisation/ed25519", 33, NULL,
	                   0);
	crypto_sign_seed_keypair(org_pk, sk, seed);
	sodium_memzero(sk, sizeof sk);
	r = malloc(sizeof *r);
	if (!r)
		abort();
}

static void check_parsed(const abri_recipients *l)
{
	size_t i, servers = 0;

	if (l->n < 1 || l->n > ABRI_RECIPIENTS_MAX || l->version < 1 ||
	    !abri_tenant_valid(l->deployment_id))
		abort();
	for (i = 0; i < l->n; i++) {
		servers += l->m[i].role == ABRI_ROLE_SERVER;
		if (!abri_role_name(l->m[i].role) || strlen(l->m[i].name) == 0 ||
		    strlen(l->m[i].name) > ABRI_NAME_MAX)
			abort();
	}
	if (servers != 1 || abri_recipients_server(l) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!r)
		init();
	if (abri_recipients_parse_doc(r, (const char *)data, size, "safe-place-dev") == ABRI_OK)
		check_parsed(r);
	if (size >= ABRI_SIG_BYTES &&
	    abri_recipients_verify(r, data + ABRI_SIG_BYTES, size - ABRI_SIG_BYTES, data,
	                           "safe-place-dev", org_pk) == ABRI_OK)
		check_parsed(r);
	return 0;
}
