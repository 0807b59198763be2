/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* statsdump: opens a statistics batch as an auditor (tests only).
 *   statsdump KEY PASSFILE LIST.json ORG.pub.json DEPLOYMENT BATCH.b64
 * verifies the signed list with the organisation key, opens the batch
 * with the auditor key, checks the listener's signature and prints the
 * body JSON {"month","taxonomy","records"} on stdout. Exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abri/client.h"

static int load_list(abri_recipients *r, const char *path, const char *org, const char *tenant)
{
	uint8_t pk[ABRI_ED25519_PK];
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	int rc = (doc != NULL && abri_org_pk_load(pk, org) == 0)
	             ? abri_signed_list_verify(r, doc, tenant, pk)
	             : ABRI_ERR_INVALID;
	json_decref(doc);
	return rc;
}

static char *first_line(const char *path)
{
	uint8_t *d;
	size_t len;
	if (abri_file_read(path, 1u << 24, &d, &len) < 0)
		return NULL;
	d[strcspn((char *)d, "\r\n")] = '\0';
	return (char *)d;
}

int main(int argc, char **argv)
{
	abri_recipients *list = calloc(1, sizeof *list);
	abri_keypair *k = NULL;
	uint8_t *env = NULL;
	size_t env_len = 0;
	json_t *body = NULL;
	char *pass = NULL, *b64 = NULL;
	int rc = ABRI_ERR_INVALID;

	if (argc != 7 || list == NULL || abri_init() < 0) {
		fprintf(stderr, "usage: statsdump KEY PASSFILE LIST.json ORG.pub.json DEPLOYMENT "
		                "BATCH.b64\n");
		return 1;
	}
	k = abri_keypair_new();
	pass = first_line(argv[2]);
	b64 = first_line(argv[6]);
	if (k != NULL && pass != NULL && b64 != NULL &&
	    (rc = abri_keyfile_read(argv[1], k, pass)) == 0 &&
	    (rc = load_list(list, argv[3], argv[4], argv[5])) == 0 &&
	    (rc = abri_b64_decode(b64, &env, &env_len)) == 0)
		rc = abri_stats_batch_open(env, env_len, argv[5], k, list, 16u * 1024u * 1024u,
		                           &body, NULL);
	if (rc == 0) {
		json_dumpf(body, stdout, JSON_COMPACT | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else {
		fprintf(stderr, "statsdump: %s\n", abri_strerror(rc));
	}
	json_decref(body);
	free(env);
	free(b64);
	free(pass);
	free(list);
	abri_keypair_free(k);
	return rc == 0 ? 0 : 1;
}
