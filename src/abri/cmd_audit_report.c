/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* abri audit report: the annual report (docs/report.md). Fetches the
 * year's statistics batches (GET /v1/audit/stats, signed as the auditor),
 * opens each with the auditor's key, verifies the uploading listener's
 * signature against the recipient list the batch names, and hands the
 * records to the aggregation core (audit/). --records FILE skips the
 * network: for tests and for re-running on exported data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "abri/survey.h"
#include "audit/audit.h"
#include "cmd.h"

static const char usage[] =
    "Usage: abri audit report --year Y [--out DIR] [--threshold N] [--epsilon E]\n"
    "                         [--records FILE.json] [--surveys FILE.json] [--taxonomy FILE]\n"
    "Writes DIR/report.html (self-contained) and one CSV per table (DIR defaults\n"
    "to report-Y). Counts below N (default 10) are suppressed, the rest rounded\n"
    "to 5. --epsilon adds two-sided geometric noise with total budget E, drawn\n"
    "once per year from a seed sealed in the state directory (needs --key).\n"
    "--records reads a JSON array of statistics records instead of the server,\n"
    "--surveys a JSON array of survey answers ({\"survey\": 1, \"answers\": {...}}).\n"
    "--taxonomy: the labels (default: the installed conf/taxonomy.json).\n";

#ifndef ABRI_TAXONOMY_DEFAULT
#define ABRI_TAXONOMY_DEFAULT "/etc/abri/taxonomy.json"
#endif

enum { O_YEAR = OPT_CMD, O_OUT, O_THRESHOLD, O_EPSILON, O_RECORDS, O_SURVEYS, O_TAXONOMY };

#define RECORDS_MAX (256u * 1024u * 1024u)
#define SEED_MAGIC  "abri-audit-seed-v1"

typedef struct opts {
	uint32_t year, threshold;
	const char *out, *epsilon, *records, *surveys, *taxonomy;
} opts;

/* ---- the year's noise seed, sealed to the auditor's own key ---- */

static void seed_key(uint8_t key[crypto_secretbox_KEYBYTES], const abri_keypair *k, uint32_t year)
{
	char msg[64];
	int n = snprintf(msg, sizeof msg, "%s/%u", SEED_MAGIC, (unsigned)year);
	crypto_generichash(key, crypto_secretbox_KEYBYTES, (const uint8_t *)msg, (size_t)n,
	                   k->x25519_sk, ABRI_X25519_SK);
}

static int seed_open(const char *path, const uint8_t *key, uint8_t seed[AUDIT_SEED_BYTES])
{
	uint8_t *d;
	size_t len;
	int rc = abri_file_read(path, 4096, &d, &len);
	if (rc < 0)
		return errno == ENOENT ? 1 : -1;
	rc = len == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + AUDIT_SEED_BYTES
	         ? crypto_secretbox_open_easy(seed, d + crypto_secretbox_NONCEBYTES,
	                                      len - crypto_secretbox_NONCEBYTES, d, key)
	         : -1;
	free(d);
	return rc < 0 ? -2 : 0;
}

static int seed_create(const char *dir, const char *path, const uint8_t *key,
                       uint8_t seed[AUDIT_SEED_BYTES])
{
	uint8_t box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + AUDIT_SEED_BYTES];
	randombytes_buf(seed, AUDIT_SEED_BYTES);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, AUDIT_SEED_BYTES, box, key);
	if (abri_mkdir_p(dir, 0700) < 0 || abri_file_write_atomic(path, box, sizeof box, 0600) < 0)
		return -1;
	return 0;
}

static int year_seed(cli_config *cfg, uint32_t year, uint8_t seed[AUDIT_SEED_BYTES])
{
	char dir[4096], path[4200];
	uint8_t key[crypto_secretbox_KEYBYTES];
	abri_keypair *k = NULL;
	int ex, rc;

	if (cfg->key == NULL || cfg->state_dir == NULL) {
		cli_err("--epsilon needs the auditor's key (--key) and a state directory: the "
		        "year's noise seed is sealed there");
		return CLI_USAGE;
	}
	if ((ex = cli_key_load(cfg, cfg->key, &k)) != CLI_OK)
		return ex;
	seed_key(key, k, year);
	abri_keypair_free(k);
	snprintf(dir, sizeof dir, "%s/audit", cfg->state_dir);
	snprintf(path, sizeof path, "%s/seed-%u.sealed", dir, (unsigned)year);
	rc = seed_open(path, key, seed);
	if (rc == 1 && seed_create(dir, path, key, seed) == 0) {
		fprintf(stderr,
		        "abri: created the noise seed for %u in %s (keep it: it makes "
		        "re-runs give the same figures)\n",
		        (unsigned)year, path);
		rc = 0;
	}
	sodium_memzero(key, sizeof key);
	if (rc == -2)
		cli_err("the noise seed %s does not open with this key", path);
	else if (rc != 0)
		cli_err("cannot read or write the noise seed %s", path);
	return rc == 0 ? CLI_OK : CLI_LOCAL;
}

/* ---- records ---- */

static int records_file(const char *path, json_t **out);

/* ---- survey answers: a month's, once it has ended ---- */

static int fetch_survey_month(cli_session *s, const char *month, json_t *docs, size_t *skipped)
{
	char target[64];
	json_t *ans = NULL, *e;
	int status;
	size_t i;

	snprintf(target, sizeof target, "/v1/audit/surveys?month=%s", month);
	int rc = abri_client_call(&s->client, "GET", target, NULL, 1, &status, &ans);
	if (rc < 0 || status != 200 || !json_is_array(json_object_get(ans, "answers"))) {
		json_decref(ans);
		return cli_call_failed("fetching the survey answers", rc, &s->client);
	}
	json_array_foreach(json_object_get(ans, "answers"), i, e)
	{
		uint8_t *env = NULL;
		size_t len;
		json_t *doc = NULL;
		/* Answers are unsigned (anyone holding a code can send one): one
		 * that does not open or check is set aside, not an alarm. */
		if (abri_b64_decode(json_string_value(e) ? json_string_value(e) : "", &env, &len) <
		        0 ||
		    abri_survey_open(env, len, s->cfg->deployment_id, s->key->x_kid,
		                     s->key->x25519_pk, s->key->x25519_sk, s->scfg.max_padded,
		                     &doc) < 0 ||
		    json_array_append_new(docs, doc) < 0)
			(*skipped)++;
		free(env);
	}
	json_decref(ans);
	return CLI_OK;
}

/* Every month of the year that has ended (abrid answers 409 month_open
 * for the others). */
static int fetch_surveys(cli_session *s, uint32_t year, json_t *docs, size_t *skipped)
{
	char now[8], month[16];
	cli_month_now(now);
	for (unsigned m = 1; m <= 12; m++) {
		snprintf(month, sizeof month, "%04u-%02u", (unsigned)year % 10000, m);
		if (strcmp(month, now) >= 0)
			break;
		int ex = fetch_survey_month(s, month, docs, skipped);
		if (ex != CLI_OK)
			return ex;
	}
	return CLI_OK;
}

static int records_file(const char *path, json_t **out)
{
	uint8_t *d;
	size_t len;
	json_error_t jerr;
	if (abri_file_read(path, RECORDS_MAX, &d, &len) < 0) {
		cli_err("cannot read %s: %s", path, strerror(errno));
		return CLI_LOCAL;
	}
	*out = json_loadb((const char *)d, len, JSON_REJECT_DUPLICATES, &jerr);
	free(d);
	if (!json_is_array(*out)) {
		cli_err("%s: not a JSON array of statistics records (line %d)", path, jerr.line);
		json_decref(*out);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* Labels only: a missing default taxonomy falls back to labels made from
 * the codes; a file named with --taxonomy must load. */
static int labels_load(const opts *o, audit_report *r)
{
	json_error_t jerr;
	const char *path = o->taxonomy ? o->taxonomy : ABRI_TAXONOMY_DEFAULT;
	r->taxonomy_doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (r->taxonomy_doc != NULL && !json_is_object(r->taxonomy_doc)) {
		json_decref(r->taxonomy_doc);
		r->taxonomy_doc = NULL;
	}
	if (r->taxonomy_doc == NULL && o->taxonomy != NULL) {
		cli_err("cannot read the taxonomy %s", path);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* ---- batches from abrid ---- */

/* Opens one batch: sealed to this auditor, signed by a listener of the
 * list the batch names, purpose stats-batch, thread zero, counter 1. */
static int batch_open(cli_session *s, const uint8_t *env, size_t len, const char *month,
                      json_t **body)
{
	static const uint8_t zero[ABRI_HASH_BYTES];
	abri_envelope_info info;
	abri_inner m;
	const abri_recipients *list = NULL;
	const abri_member *author;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int rc = abri_envelope_open(env, len, s->key->x_kid, s->key->x25519_pk, s->key->x25519_sk,
	                            s->scfg.max_padded, &pt, &pt_len, &info);
	if (rc == ABRI_OK &&
	    (info.kind != ABRI_KIND_STATS || strcmp(info.tenant, s->cfg->deployment_id) != 0))
		rc = ABRI_ERR_INVALID;
	if (rc == ABRI_OK)
		rc = abri_inner_decode(&m, pt, pt_len);
	if (rc == ABRI_OK && (m.list_version != info.list_version || m.counter != 1 ||
	                      memcmp(m.thread, zero, sizeof zero) != 0))
		rc = ABRI_ERR_INVALID;
	if (rc == ABRI_OK)
		rc = abri_lists_get(&s->lists, info.list_version, &list);
	author = rc == ABRI_OK ? abri_recipients_by_ed_kid(list, m.author_kid) : NULL;
	if (rc == ABRI_OK && (author == NULL || author->role != ABRI_ROLE_LISTENER))
		rc = ABRI_ERR_CRYPTO;
	if (rc == ABRI_OK)
		rc =
		    abri_inner_verify(pt, pt_len, ABRI_KIND_STATS, info.tenant, author->ed25519_pk);
	if (rc == ABRI_OK) {
		json_error_t jerr;
		*body = json_loadb((const char *)m.body, m.body_len, JSON_REJECT_DUPLICATES, &jerr);
		const char *bm = json_string_value(json_object_get(*body, "month"));
		if (bm == NULL || strcmp(bm, month) != 0 ||
		    !json_is_array(json_object_get(*body, "records")))
			rc = ABRI_ERR_INVALID;
	}
	if (pt != NULL)
		abri_secure_free(pt, pt_len);
	return rc;
}

static int fetch_batches(cli_session *s, uint32_t year, json_t *records, size_t *n_batches)
{
	char target[64];
	json_t *ans = NULL, *b;
	int status, ex = CLI_OK;
	size_t i;

	snprintf(target, sizeof target, "/v1/audit/stats?year=%u", (unsigned)year);
	int rc = abri_client_call(&s->client, "GET", target, NULL, 1, &status, &ans);
	if (rc == ABRI_OK && status == 404) {
		cli_err("the server answered 404 to GET /v1/audit/stats: this abrid does not "
		        "serve statistics batches yet");
		json_decref(ans);
		return CLI_REFUSED;
	}
	if (rc < 0 || status != 200 || !json_is_array(json_object_get(ans, "batches"))) {
		json_decref(ans);
		return cli_call_failed("fetching the statistics batches", rc, &s->client);
	}
	json_array_foreach(json_object_get(ans, "batches"), i, b)
	{
		const char *month = json_string_value(json_object_get(b, "month"));
		const char *e64 = json_string_value(json_object_get(b, "envelope"));
		uint8_t *env = NULL;
		size_t len;
		json_t *body = NULL;
		rc = (month && e64) ? abri_b64_decode(e64, &env, &len) : ABRI_ERR_INVALID;
		if (rc == ABRI_OK)
			rc = batch_open(s, env, len, month, &body);
		free(env);
		if (rc == ABRI_OK &&
		    json_array_extend(records, json_object_get(body, "records")) < 0)
			rc = ABRI_ERR_NOMEM;
		json_decref(body);
		if (rc < 0) {
			cli_alarm("statistics batch %zu does not open or verify (%s): refusing to "
			          "report on it",
			          i + 1, abri_client_strerror(rc));
			ex = rc == ABRI_ERR_NOMEM ? CLI_LOCAL : CLI_ALARM;
			break;
		}
		(*n_batches)++;
	}
	json_decref(ans);
	return ex;
}

static int report(cli_config *cfg, const opts *o)
{
	audit_report r = {.year = (int)o->year, .threshold = o->threshold};
	uint8_t seed[AUDIT_SEED_BYTES];
	char out[4096], html[4200];
	json_t *records = NULL;
	int ex = CLI_OK;

	if (o->epsilon != NULL) {
		snprintf(r.epsilon_text, sizeof r.epsilon_text, "%s", o->epsilon);
		if (audit_epsilon_parse(o->epsilon, &r.eps_num, &r.eps_den) < 0) {
			cli_err(
			    "--epsilon: a positive decimal number, at most 100 (like 1 or 0.5)");
			return CLI_USAGE;
		}
		if ((ex = year_seed(cfg, o->year, seed)) != CLI_OK)
			return ex;
	}
	size_t survey_skipped = 0;
	json_t *surveys = NULL;
	if (o->records != NULL) {
		ex = records_file(o->records, &records);
		if (ex == CLI_OK)
			ex = o->surveys ? records_file(o->surveys, &surveys)
			                : ((surveys = json_array()) ? CLI_OK : CLI_LOCAL);
	} else {
		cli_session s;
		records = json_array();
		surveys = json_array();
		ex = (records && surveys) ? cli_session_open(&s, cfg, CLI_NEED_KEY) : CLI_LOCAL;
		if (ex == CLI_OK)
			ex = fetch_batches(&s, o->year, records, &r.n_batches);
		if (ex == CLI_OK)
			ex = fetch_surveys(&s, o->year, surveys, &survey_skipped);
		cli_session_close(&s);
	}
	if (ex == CLI_OK)
		ex = labels_load(o, &r);
	if (ex == CLI_OK &&
	    (audit_aggregate(&r, records) < 0 || audit_aggregate_surveys(&r, surveys) < 0))
		ex = CLI_LOCAL;
	r.n_survey_skipped += survey_skipped;
	json_decref(records);
	json_decref(surveys);
	if (ex == CLI_OK) {
		if (r.eps_num > 0)
			audit_noise(&r, seed);
		else
			audit_no_noise(&r);
		audit_suppress(&r);
		snprintf(out, sizeof out, "%s", o->out);
		snprintf(html, sizeof html, "%s/report.html", out);
		if (abri_mkdir_p(out, 0700) < 0 || audit_write_csv(&r, out) < 0 ||
		    audit_write_html(&r, html) < 0) {
			cli_err("cannot write the report in %s: %s", out, strerror(errno));
			ex = CLI_LOCAL;
		} else {
			size_t shown = 0;
			for (size_t k = 0; k < r.n_tables; k++)
				shown += !r.tables[k].hidden;
			printf("Wrote %s and %zu CSV files: %zu record(s) of %u, %zu set aside.\n",
			       html, shown, r.n_records, (unsigned)o->year, r.n_skipped);
			if (r.surveys_shown)
				printf("Survey: %zu answer(s), %zu set aside.\n", r.n_surveys,
				       r.n_survey_skipped);
			else
				printf("Survey: fewer than %ld answers: not shown.\n", r.threshold);
		}
	}
	sodium_memzero(seed, sizeof seed);
	audit_report_free(&r);
	return ex;
}

int cmd_audit_report(int argc, char **argv, cli_config *cfg)
{
	static const struct option lopts[] = {
	    {"year", required_argument, NULL, O_YEAR},
	    {"out", required_argument, NULL, O_OUT},
	    {"threshold", required_argument, NULL, O_THRESHOLD},
	    {"epsilon", required_argument, NULL, O_EPSILON},
	    {"records", required_argument, NULL, O_RECORDS},
	    {"surveys", required_argument, NULL, O_SURVEYS},
	    {"taxonomy", required_argument, NULL, O_TAXONOMY},
	    CLI_GLOBAL_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	opts o = {.threshold = AUDIT_THRESHOLD_DEFAULT};
	char defout[32];
	int c, ex;

	while ((c = cli_next_opt(argc, argv, "h", lopts, cfg, usage, &ex)) != -1) {
		if (c == CLI_OPT_EXIT)
			return ex;
		if ((c == O_YEAR && cli_parse_u32(optarg, 2000, 9999, &o.year) < 0) ||
		    (c == O_THRESHOLD && cli_parse_u32(optarg, 2, 1000000, &o.threshold) < 0)) {
			cli_err("--year: 2000..9999; --threshold: 2 or more");
			return CLI_USAGE;
		}
		if (c == O_OUT)
			o.out = optarg;
		else if (c == O_EPSILON)
			o.epsilon = optarg;
		else if (c == O_RECORDS)
			o.records = optarg;
		else if (c == O_SURVEYS)
			o.surveys = optarg;
		else if (c == O_TAXONOMY)
			o.taxonomy = optarg;
	}
	if (optind != argc || o.year == 0) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	snprintf(defout, sizeof defout, "report-%u", (unsigned)o.year);
	if (o.out == NULL)
		o.out = defout;
	if ((ex = cli_config_load(cfg)) != CLI_OK)
		return ex;
	return report(cfg, &o);
}
