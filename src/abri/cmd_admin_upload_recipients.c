/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri admin upload-recipients: the operator carries a list signed offline
 * to abrid. The organisation signature alone authenticates it; we check it
 * locally first when the organisation key is pinned. */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"

static const char usage[] = "Usage: abri admin upload-recipients LIST.json\n"
                            "PUT /v1/admin/recipients. Needs server and deployment_id; with\n"
                            "org_public_key set, the list is verified before it is sent.\n";

static int verify_locally(const cli_config *cfg, const json_t *list)
{
	uint8_t org_pk[ABRI_ED25519_PK];
	abri_recipients *r;

	if (cfg->org_public_key == NULL) {
		cli_err("warning: org_public_key not set, the list is not verified before upload");
		return CLI_OK;
	}
	if (abri_org_pk_load(org_pk, cfg->org_public_key) < 0) {
		cli_err("cannot load the organisation public key");
		return CLI_LOCAL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL)
		return CLI_LOCAL;
	int rc = abri_signed_list_verify(r, list, cfg->deployment_id, org_pk);
	if (rc == ABRI_OK) {
		printf("Recipient list version %" PRIu32 " verified. Members:\n", r->version);
		for (size_t i = 0; i < r->n; i++)
			abri_member_print(stdout, "  ", &r->m[i]);
	} else {
		cli_alarm("the list does not verify with the pinned organisation key for '%s'",
		          cfg->deployment_id);
	}
	free(r);
	return rc == ABRI_OK ? CLI_OK : CLI_ALARM;
}

/* The uploader has now seen this list: remember it in the state directory
 * (when the organisation key is pinned) so that a later rollback alarms. */
static int remember(const cli_config *cfg, abri_client *client, const json_t *list)
{
	uint8_t org_pk[ABRI_ED25519_PK];
	abri_lists L;
	abri_list_change *chg;

	if (cfg->org_public_key == NULL || cfg->state_dir == NULL ||
	    abri_org_pk_load(org_pk, cfg->org_public_key) < 0 ||
	    abri_mkdir_p(cfg->state_dir, 0700) < 0)
		return CLI_OK;
	if ((chg = calloc(1, sizeof *chg)) == NULL)
		return CLI_LOCAL;
	abri_lists_init(&L, client, cfg->state_dir, org_pk);
	int rc = abri_lists_accept_current(&L, list, abri_now(), chg);
	abri_lists_free(&L);
	free(chg);
	if (rc == ABRI_CLIENT_ERR_ROLLBACK) {
		cli_alarm("this workstation has seen a higher recipient list version than the one "
		          "just uploaded");
		return CLI_ALARM;
	}
	return CLI_OK;
}

int cmd_admin_upload_recipients(int argc, char **argv, cli_config *cfg)
{
	static const struct option opts[] = {CLI_GLOBAL_LONGOPTS, {NULL, 0, NULL, 0}};
	abri_client client;
	json_error_t jerr;
	json_t *list, *ans = NULL;
	int c, ex, status, rc;

	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1)
		if (c == CLI_OPT_EXIT)
			return ex;
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if (cfg->server == NULL || cfg->deployment_id == NULL ||
	    abri_client_init(&client, cfg->server, NULL, cfg->deployment_id) < 0) {
		cli_err("need a valid server and deployment_id (config file or --server, "
		        "--deployment-id)");
		return CLI_USAGE;
	}
	if ((list = json_load_file(argv[optind], JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		cli_err("%s: %s", argv[optind], jerr.text);
		return CLI_LOCAL;
	}
	if ((ex = verify_locally(cfg, list)) != CLI_OK) {
		json_decref(list);
		return ex;
	}
	rc = abri_client_call(&client, "PUT", "/v1/admin/recipients", list, 0, &status, &ans);
	if (rc == ABRI_OK && status == 201) {
		printf("Uploaded: the server's recipient list is now version %lld\n",
		       (long long)json_integer_value(json_object_get(ans, "version")));
		ex = remember(cfg, &client, list);
	} else {
		ex = cli_call_failed("upload", rc, &client);
	}
	json_decref(ans);
	json_decref(list);
	return ex;
}
