/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri stats upload|status: the local statistics queue. A month's records
 * leave this workstation once, after the month has ended, as one batch
 * shuffled and sealed to the auditors, so no record can be tied to a case
 * by when it arrived. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "Usage: abri stats upload [--month YYYY-MM] [--force]\n"
    "       abri stats status\n"
    "upload: sends each ended month's queued records (or only --month) as one shuffled\n"
    "batch sealed to the auditors; --force also sends the current month (tests).\n"
    "status: queued and uploaded records per month (no case references).\n";

enum { O_MONTH = OPT_CMD, O_FORCE };

typedef struct stats_opts {
	const char *action, *month;
	int force, done;
} stats_opts;

/* POST one sealed batch; CLI_OK on 201 (also a retry of stored bytes). */
static int post_batch(cli_session *s, const char *month, const char *env_b64)
{
	json_t *req = json_pack("{s:s, s:s}", "envelope", env_b64, "month", month), *ans = NULL;
	int status = 0, rc = req ? ABRI_OK : ABRI_ERR_NOMEM;
	for (int tries = 0; rc == ABRI_OK && tries < 2; tries++) {
		json_decref(ans);
		ans = NULL;
		rc = abri_client_call(&s->client, "POST", "/v1/staff/stats", req, 1, &status, &ans);
		if (rc != ABRI_CLIENT_ERR_TIMEOUT && rc != ABRI_CLIENT_ERR_TRUNCATED)
			break;
		rc = ABRI_OK;
	}
	json_decref(req);
	json_decref(ans);
	if (rc == ABRI_OK && status == 201)
		return CLI_OK;
	return cli_call_failed("uploading the statistics batch", rc, &s->client);
}

/* Seals the month's pending records; remembers the envelope and its cases
 * under "sending" before the POST, so a retry sends the same bytes (abrid
 * answers a stored batch again) and never a second copy. */
static int prepare(cli_session *s, json_t *doc, const char *month)
{
	json_t *records = json_array(), *refs = json_array(), *e;
	const char *ref, *tax = NULL;
	abri_buf env;
	int ex = CLI_OK, rc;

	json_object_foreach(json_object_get(doc, "cases"), ref, e)
	{
		json_t *rec = json_object_get(e, "record");
		const char *m = json_string_value(json_object_get(e, "month"));
		if (rec == NULL || m == NULL || strcmp(m, month) != 0)
			continue;
		tax = tax ? tax : json_string_value(json_object_get(rec, "taxonomy"));
		if (json_array_append(records, rec) < 0 ||
		    json_array_append_new(refs, json_string(ref)) < 0)
			ex = CLI_LOCAL;
	}
	if (ex != CLI_OK || json_array_size(records) == 0 || tax == NULL ||
	    abri_json_shuffle(records) < 0) {
		json_decref(records);
		json_decref(refs);
		return ex;
	}
	rc = abri_stats_batch_seal(&env, s->client.tenant, s->lists.current, s->key, month, tax,
	                           records, s->scfg.max_padded);
	json_decref(records);
	char *b64 = rc == ABRI_OK ? abri_b64_encode(env.data, env.len) : NULL;
	abri_buf_free(&env);
	if (rc == ABRI_ERR_INVALID)
		cli_err("the current recipient list has no auditor: nothing can be uploaded");
	else if (b64 == NULL)
		cli_err("cannot seal the batch: %s", abri_strerror(rc));
	json_t *sending = json_object_get(doc, "sending");
	if (b64 != NULL && !json_is_object(sending) &&
	    json_object_set_new(doc, "sending", sending = json_object()) < 0)
		sending = NULL;
	if (b64 == NULL || sending == NULL ||
	    json_object_set_new(sending, month,
	                        json_pack("{s:s, s:o}", "envelope", b64, "cases", refs)) < 0)
		ex = rc == ABRI_ERR_INVALID ? CLI_USAGE : CLI_LOCAL;
	else
		refs = NULL;
	json_decref(refs);
	free(b64);
	return ex == CLI_OK ? cli_stats_queue_save(s->cfg, doc) : ex;
}

/* Sends what "sending" holds for month and marks its cases uploaded. */
static int send_month(cli_session *s, json_t *doc, const char *month)
{
	json_t *sending = json_object_get(doc, "sending");
	json_t *b = json_object_get(sending, month), *cases = json_object_get(doc, "cases"), *r;
	const char *env = json_string_value(json_object_get(b, "envelope"));
	size_t i, n = json_array_size(json_object_get(b, "cases"));
	int ex;

	if (env == NULL)
		return CLI_OK;
	if ((ex = post_batch(s, month, env)) != CLI_OK)
		return ex;
	json_array_foreach(json_object_get(b, "cases"), i, r)
	{
		const char *ref = json_string_value(r);
		if (ref != NULL &&
		    json_object_set_new(cases, ref,
		                        json_pack("{s:s, s:b}", "month", month, "uploaded", 1)) < 0)
			return CLI_LOCAL;
	}
	json_object_del(sending, month);
	printf("Uploaded %zu record(s) for %s.\n", n, month);
	return cli_stats_queue_save(s->cfg, doc);
}

/* Months with pending records (or an unfinished upload), ended unless
 * force, restricted to only when given. */
static json_t *months_due(const json_t *doc, const char *only, int force)
{
	json_t *months = json_object(), *e;
	const char *ref, *m;
	char now[8];

	cli_month_now(now);
	json_object_foreach(json_object_get(doc, "cases"), ref, e)
	{
		m = json_string_value(json_object_get(e, "month"));
		if (m != NULL && json_object_get(e, "record") != NULL)
			json_object_set_new(months, m, json_true());
	}
	json_object_foreach(json_object_get(doc, "sending"), m, e)
	    json_object_set_new(months, m, json_true());
	void *tmp;
	json_object_foreach_safe(months, tmp, m, e) if ((only && strcmp(m, only) != 0) ||
	                                                (!force && strcmp(m, now) >= 0))
	    json_object_del(months, m);
	return months;
}

static int upload(cli_config *cfg, const stats_opts *o)
{
	json_t *doc, *months, *e;
	const char *m;
	cli_session s;
	int ex = cli_stats_queue_load(cfg, &doc);

	if (ex != CLI_OK)
		return ex;
	months = months_due(doc, o->month, o->force);
	if (json_object_size(months) == 0) {
		printf("Nothing to upload.\n");
	} else if ((ex = cli_session_open(&s, cfg, CLI_NEED_KEY | CLI_FOR_SEALING)) == CLI_OK) {
		json_object_foreach(months, m, e)
		{
			/* First an unfinished upload (same bytes), then what is left. */
			if ((ex = send_month(&s, doc, m)) != CLI_OK ||
			    (ex = prepare(&s, doc, m)) != CLI_OK ||
			    (ex = send_month(&s, doc, m)) != CLI_OK)
				break;
		}
		cli_session_close(&s);
	} else {
		cli_session_close(&s);
	}
	json_decref(months);
	json_decref(doc);
	return ex;
}

static int status(cli_config *cfg)
{
	json_t *doc, *counts = json_object(), *e, *c;
	const char *ref, *m;
	int ex = cli_stats_queue_load(cfg, &doc);

	if (ex != CLI_OK || counts == NULL) {
		json_decref(counts);
		return ex != CLI_OK ? ex : CLI_LOCAL;
	}
	json_object_foreach(json_object_get(doc, "cases"), ref, e)
	{
		m = json_string_value(json_object_get(e, "month"));
		if (m == NULL)
			continue;
		if ((c = json_object_get(counts, m)) == NULL)
			json_object_set_new(
			    counts, m, c = json_pack("{s:i, s:i}", "queued", 0, "uploaded", 0));
		const char *k = json_object_get(e, "record") ? "queued" : "uploaded";
		json_object_set_new(c, k,
		                    json_integer(json_integer_value(json_object_get(c, k)) + 1));
	}
	printf("%-8s %7s %9s\n", "month", "queued", "uploaded");
	json_object_foreach(counts, m, c) printf(
	    "%-8s %7lld %9lld\n", m, (long long)json_integer_value(json_object_get(c, "queued")),
	    (long long)json_integer_value(json_object_get(c, "uploaded")));
	json_decref(counts);
	json_decref(doc);
	return CLI_OK;
}

static int parse(int argc, char **argv, cli_config *cfg, stats_opts *o)
{
	static const struct option opts[] = {
	    {"month", required_argument, NULL, O_MONTH},
	    {"force", no_argument, NULL, O_FORCE},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c, ex;
	while ((c = cli_next_opt(argc, argv, "h", opts, cfg, usage, &ex)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: o->done = 1; return ex;
		case O_MONTH: o->month = optarg; break;
		case O_FORCE: o->force = 1; break;
		}
	}
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "upload") != 0 && strcmp(argv[optind], "status") != 0) ||
	    (o->month != NULL && !abri_month_valid(o->month))) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	o->action = argv[optind];
	return CLI_OK;
}

int cmd_stats(int argc, char **argv, cli_config *cfg)
{
	stats_opts o = {0};
	int ex;

	if ((ex = parse(argc, argv, cfg, &o)) != CLI_OK || o.done ||
	    (ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	if (cfg->state_dir == NULL) {
		cli_err("missing setting 'state_dir' (config file, or --state-dir)");
		return CLI_USAGE;
	}
	return strcmp(o.action, "upload") == 0 ? upload(cfg, &o) : status(cfg);
}
