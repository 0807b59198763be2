/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Test tool: prints the four Abri-* headers of a signed staff request, one
 * per line, so that shell tests can send (and replay, and spoil) signed
 * requests with curl. With --list-doc FILE it instead signs FILE, as is,
 * as a recipient list document ({"list","sig"} on stdout) without checking
 * it, so that tests can make lists no honest signer would (a version above
 * 2^32 - 1). Not part of the product. */
#include <abri/abri.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	abri_buf b;
	uint8_t chunk[4096];
	size_t n;

	if (!f)
		return -1;
	abri_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (abri_buf_append(&b, chunk, n) != 0) {
			fclose(f);
			abri_buf_free(&b);
			return -1;
		}
	}
	if (ferror(f)) {
		fclose(f);
		abri_buf_free(&b);
		return -1;
	}
	fclose(f);
	*out = b.data;
	*len = b.len;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: signreq --key FILE [--passphrase-file F] --deployment ID --origin URL\n"
	                "               --method M --target PATH [--body-file F] [--timestamp UNIX]\n"
	                "       signreq --key ORG.key --deployment ID --list-doc FILE\n");
	exit(1);
}

/* The document's bytes as the one field of a list, signed unchecked. */
static int sign_list_doc(const abri_keypair *org, const char *tenant, const uint8_t *doc,
                         size_t len)
{
	uint8_t sig[ABRI_SIG_BYTES];
	abri_buf fields;
	char *l64 = NULL, *s64 = NULL;
	int rc;

	abri_buf_init(&fields);
	rc = abri_fields_add(&fields, doc, len);
	if (rc == ABRI_OK)
		rc = abri_sign(sig, ABRI_PURPOSE_RECIPIENTS, tenant, fields.data, fields.len,
		               org->ed25519_sk);
	if (rc == ABRI_OK && ((l64 = abri_b64_encode(fields.data, fields.len)) == NULL ||
	                      (s64 = abri_b64_encode(sig, sizeof sig)) == NULL))
		rc = ABRI_ERR_NOMEM;
	if (rc == ABRI_OK)
		printf("{\"list\": \"%s\", \"sig\": \"%s\"}\n", l64, s64);
	free(l64);
	free(s64);
	abri_buf_free(&fields);
	return rc;
}

int main(int argc, char **argv)
{
	const char *key = NULL, *passfile = NULL, *tenant = NULL, *origin = NULL;
	const char *method = NULL, *target = NULL, *bodyfile = NULL, *listdoc = NULL;
	int64_t ts = (int64_t)time(NULL);
	static const struct option opts[] = {
		{"key", required_argument, 0, 'k'},        {"passphrase-file", required_argument, 0, 'p'},
		{"deployment", required_argument, 0, 'd'}, {"origin", required_argument, 0, 'o'},
		{"method", required_argument, 0, 'm'},     {"target", required_argument, 0, 't'},
		{"body-file", required_argument, 0, 'b'},  {"timestamp", required_argument, 0, 's'},
		{"list-doc", required_argument, 0, 'l'},   {0, 0, 0, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'p': passfile = optarg; break;
		case 'd': tenant = optarg; break;
		case 'o': origin = optarg; break;
		case 'm': method = optarg; break;
		case 't': target = optarg; break;
		case 'b': bodyfile = optarg; break;
		case 's': ts = strtoll(optarg, NULL, 10); break;
		case 'l': listdoc = optarg; break;
		default: usage();
		}
	}
	if (!key || !tenant || (!listdoc && (!origin || !method || !target)))
		usage();
	if (abri_init() != 0)
		return 1;

	char pass[256] = {0};
	if (passfile) {
		FILE *f = fopen(passfile, "r");
		if (!f || !fgets(pass, sizeof pass, f)) {
			fprintf(stderr, "signreq: cannot read passphrase file\n");
			return 1;
		}
		fclose(f);
		pass[strcspn(pass, "\n")] = 0;
	}
	abri_keypair *kp = abri_keypair_new();
	if (!kp || abri_keyfile_read(key, kp, passfile ? pass : NULL) != 0) {
		fprintf(stderr, "signreq: cannot read key %s\n", key);
		return 1;
	}
	uint8_t *body = NULL;
	size_t body_len = 0;
	if ((bodyfile || listdoc) && read_file(listdoc ? listdoc : bodyfile, &body, &body_len) != 0) {
		fprintf(stderr, "signreq: cannot read %s\n", listdoc ? "the document" : "body");
		return 1;
	}
	if (listdoc) {
		int rc = sign_list_doc(kp, tenant, body, body_len);
		free(body);
		abri_keypair_free(kp);
		if (rc != ABRI_OK)
			fprintf(stderr, "signreq: signing the list failed\n");
		return rc == ABRI_OK ? 0 : 1;
	}
	abri_request_auth auth;
	if (abri_request_sign(&auth, tenant, origin, method, target, body, body_len, ts, kp->ed_kid,
	                      kp->ed25519_sk) != 0) {
		fprintf(stderr, "signreq: signing failed\n");
		return 1;
	}
	char *kid = abri_b64_encode(auth.key_id, sizeof auth.key_id);
	char *nonce = abri_b64_encode(auth.nonce, sizeof auth.nonce);
	char *sig = abri_b64_encode(auth.sig, sizeof auth.sig);
	if (!kid || !nonce || !sig)
		return 1;
	printf("Abri-Key-Id: %s\nAbri-Timestamp: %" PRId64 "\nAbri-Nonce: %s\nAbri-Signature: %s\n", kid,
	       auth.timestamp, nonce, sig);
	free(kid);
	free(nonce);
	free(sig);
	free(body);
	abri_keypair_free(kp);
	return 0;
}
