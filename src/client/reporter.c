/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Reporter-side flows (what the web app does, in C): submit a report,
 * open the case, send a follow-up. Used by the reporter test client. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "abri/client.h"

int abri_receipt_check(const json_t *receipt, const char *tenant, const abri_recipients *list,
                       abri_receipt *out)
{
	const char *f64 = json_string_value(json_object_get(receipt, "fields"));
	const char *s64 = json_string_value(json_object_get(receipt, "sig"));
	const char *k64 = json_string_value(json_object_get(receipt, "key_id"));
	const abri_member *server = abri_recipients_server(list);
	uint8_t sig[ABRI_SIG_BYTES], kid[ABRI_KEY_ID_BYTES], *fields = NULL;
	size_t flen;

	if (server == NULL || f64 == NULL || s64 == NULL ||
	    abri_b64_decode_exact(s64, sig, sizeof sig) < 0)
		return ABRI_ERR_INVALID;
	if (k64 != NULL && (abri_b64_decode_exact(k64, kid, sizeof kid) < 0 ||
	                    memcmp(kid, server->ed_kid, sizeof kid) != 0))
		return ABRI_ERR_CRYPTO; /* signed by a key that is not the list's server */
	if (abri_b64_decode(f64, &fields, &flen) < 0)
		return ABRI_ERR_INVALID;
	int rc = abri_receipt_verify(out, fields, flen, sig, tenant, server->ed25519_pk);
	free(fields);
	return rc;
}

static int set_b64(json_t *o, const char *key, const uint8_t *p, size_t n)
{
	char *s = abri_b64_encode(p, n);
	int rc = (s == NULL || json_object_set_new(o, key, json_string(s)) < 0) ? ABRI_ERR_NOMEM
	                                                                        : ABRI_OK;
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
	return rc;
}

json_t *abri_submission_json(const abri_buf *env, const abri_reporter_keys *k)
{
	json_t *req = json_object();
	char *sid = abri_submission_id_new();
	if (req == NULL || sid == NULL || set_b64(req, "envelope", env->data, env->len) < 0 ||
	    set_b64(req, "lookup_key", k->lookup_key, sizeof k->lookup_key) < 0 ||
	    json_object_set_new(req, "submission_id", json_string(sid)) < 0) {
		json_decref(req);
		req = NULL;
	}
	free(sid);
	return req;
}

static int is_transport_error(int rc)
{
	return rc == ABRI_CLIENT_ERR_TIMEOUT || rc == ABRI_CLIENT_ERR_TRUNCATED ||
	       rc == ABRI_CLIENT_ERR_CONNECT || rc == ABRI_ERR_IO;
}

/* POST with the PoW when needed. A transport error is retried once with the
 * same submission id (abrid deduplicates), a PoW refusal once with a fresh
 * challenge. */
static int post_submission(abri_client *c, const char *target, json_t *req, unsigned difficulty,
                           const uint8_t env_hash[ABRI_HASH_BYTES], int *status, json_t **ans)
{
	int rc = ABRI_OK, tries = 0, pow_tries = 0;
	json_t *pow = NULL;

	if (difficulty > 0 && ((rc = abri_client_pow(c, env_hash, 0, &pow)) < 0 ||
	                       json_object_set_new(req, "pow", pow) < 0))
		return rc < 0 ? rc : ABRI_ERR_NOMEM;
	for (;;) {
		rc = abri_client_call(c, "POST", target, req, 0, status, ans);
		if (is_transport_error(rc) && tries++ < 1)
			continue;
		if (rc < 0 || !abri_client_needs_work(*status, *ans) || pow_tries++ > 0)
			return rc;
		json_decref(*ans);
		*ans = NULL;
		if ((rc = abri_client_pow(c, env_hash, 0, &pow)) < 0 ||
		    json_object_set_new(req, "pow", pow) < 0)
			return rc < 0 ? rc : ABRI_ERR_NOMEM;
	}
}

/* 201 answer: case ref, receipt signed by the list's server key over this
 * very envelope. */
static int accept_receipt(abri_client *c, const abri_recipients *list, const json_t *ans,
                          const uint8_t env_hash[ABRI_HASH_BYTES], int check_week,
                          abri_submit_result *res)
{
	abri_receipt r;
	const char *ref = json_string_value(json_object_get(ans, "case_ref"));
	const char *week = json_string_value(json_object_get(ans, "week"));
	json_t *pos = json_object_get(ans, "pos");
	int rc = abri_receipt_check(json_object_get(ans, "receipt"), c->tenant, list, &r);

	if (rc < 0)
		return rc == ABRI_ERR_INVALID ? ABRI_CLIENT_ERR_SERVER : ABRI_ERR_CRYPTO;
	if (ref == NULL || strcmp(ref, r.case_ref) != 0 ||
	    memcmp(r.envelope_hash, env_hash, ABRI_HASH_BYTES) != 0 ||
	    (check_week && (week == NULL || strcmp(week, r.week) != 0)))
		return ABRI_ERR_CRYPTO;
	memcpy(res->case_ref, r.case_ref, sizeof res->case_ref);
	memcpy(res->week, r.week, sizeof res->week);
	memcpy(res->envelope_hash, env_hash, ABRI_HASH_BYTES);
	memcpy(res->receipt_key_id, abri_recipients_server(list)->ed_kid, ABRI_KEY_ID_BYTES);
	if (abri_b64_decode_exact(
	        json_string_value(json_object_get(json_object_get(ans, "receipt"), "sig")),
	        res->receipt_sig, ABRI_SIG_BYTES) < 0)
		return ABRI_CLIENT_ERR_SERVER; /* cannot happen: the receipt verified */
	res->pos = json_is_integer(pos) ? (uint32_t)json_integer_value(pos) : 1;
	return ABRI_OK;
}

/* Post a sealed envelope and check the answer — shared by the report and
 * follow-ups. */
static int send_sealed(abri_client *c, const abri_recipients *list, const abri_server_config *cfg,
                       const abri_buf *env, const abri_reporter_keys *k, const char *target,
                       int kind, const json_t *uploads, abri_submit_result *res)
{
	uint8_t h[ABRI_HASH_BYTES];
	json_t *req = NULL, *ans = NULL;
	int status = 0, rc;

	abri_hash(h, env->data, env->len);
	if ((req = abri_submission_json(env, k)) == NULL)
		return ABRI_ERR_NOMEM;
	if (uploads != NULL && json_object_set(req, "uploads", (json_t *)uploads) < 0) {
		json_decref(req);
		return ABRI_ERR_NOMEM;
	}
	rc = post_submission(c, target, req, cfg->difficulty, h, &status, &ans);
	if (rc == ABRI_OK && status == 409 && abri_client_error_code(ans) &&
	    strcmp(abri_client_error_code(ans), "recipients_changed") == 0)
		rc = ABRI_CLIENT_ERR_RETRY;
	else if (rc == ABRI_OK && status != 201)
		rc = ABRI_CLIENT_ERR_SERVER;
	else if (rc == ABRI_OK)
		rc = accept_receipt(c, list, ans, h, kind == ABRI_KIND_REPORT, res);
	json_decref(req);
	json_decref(ans);
	return rc;
}

/* Seal (refusing an expired list), then send. */
static int seal_and_send(abri_client *c, const abri_server_config *cfg, const abri_compose *cmp,
                         const abri_reporter_keys *k, const char *target, const json_t *uploads,
                         abri_submit_result *res)
{
	abri_buf env;
	int rc;

	memset(res, 0, sizeof *res);
	if (abri_recipients_check_time(cmp->list, abri_now()) < 0)
		return ABRI_ERR_EXPIRED;
	abri_buf_init(&env);
	rc = abri_compose_seal(&env, cmp);
	if (rc == ABRI_OK)
		rc = send_sealed(c, cmp->list, cfg, &env, k, target, cmp->kind, uploads, res);
	abri_buf_free(&env);
	return rc;
}

static void report_compose(abri_compose *cmp, const abri_client *c, const abri_recipients *list,
                           const abri_server_config *cfg, const abri_reporter_keys *k,
                           const char *body_json)
{
	*cmp = (abri_compose){
	    .kind = ABRI_KIND_REPORT,
	    .tenant = c->tenant,
	    .list = list,
	    .thread = k->thread,
	    .author_kid = k->ed_kid,
	    .author_sk = k->ed25519_sk,
	    .chain = {.counter = 1},
	    .reporter_x25519_pk = k->x25519_pk,
	    .carry_x25519_pk = k->x25519_pk,
	    .carry_ed25519_pk = k->ed25519_pk,
	    .body = body_json,
	    .body_len = strlen(body_json),
	    .max_padded = cfg->max_padded,
	};
}

int abri_reporter_seal_report(const abri_client *c, const abri_recipients *list,
                              const abri_server_config *cfg, const abri_reporter_keys *k,
                              const char *body_json, abri_buf *env)
{
	abri_compose cmp;
	report_compose(&cmp, c, list, cfg, k, body_json);
	return abri_compose_seal(env, &cmp);
}

int abri_reporter_submit_uploads(abri_client *c, const abri_lists *L,
                                 const abri_server_config *cfg, const abri_reporter_keys *k,
                                 const char *body_json, const json_t *uploads,
                                 abri_submit_result *res)
{
	abri_compose cmp;
	if (L->current == NULL)
		return ABRI_CLIENT_ERR_NO_LIST;
	report_compose(&cmp, c, L->current, cfg, k, body_json);
	return seal_and_send(c, cfg, &cmp, k, "/v1/cases", uploads, res);
}

int abri_reporter_submit(abri_client *c, const abri_lists *L, const abri_server_config *cfg,
                         const abri_reporter_keys *k, const char *body_json,
                         abri_submit_result *res)
{
	return abri_reporter_submit_uploads(c, L, cfg, k, body_json, NULL, res);
}

int abri_reporter_open(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                       const abri_reporter_keys *k, abri_case *cs)
{
	json_t *req = json_object(), *ans = NULL;
	abri_reader rd = {.reporter = k};
	int status = 0, rc;

	memset(cs, 0, sizeof *cs);
	if (req == NULL || set_b64(req, "lookup_key", k->lookup_key, sizeof k->lookup_key) < 0) {
		json_decref(req);
		return ABRI_ERR_NOMEM;
	}
	rc = abri_client_call(c, "POST", "/v1/cases/open", req, 0, &status, &ans);
	json_decref(req);
	if (rc == ABRI_OK && status != 200)
		rc = ABRI_CLIENT_ERR_SERVER;
	if (rc == ABRI_OK)
		rc = abri_case_load(cs, ans);
	json_decref(ans);
	if (rc == ABRI_OK)
		rc = abri_case_verify(cs, &rd, L, cfg->max_padded);
	return rc;
}

int abri_reporter_message(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                          const abri_reporter_keys *k, const char *body_json,
                          abri_submit_result *res)
{
	return abri_reporter_message_uploads(c, L, cfg, k, body_json, NULL, res);
}

int abri_reporter_message_uploads(abri_client *c, abri_lists *L, const abri_server_config *cfg,
                                  const abri_reporter_keys *k, const char *body_json,
                                  const json_t *uploads, abri_submit_result *res)
{
	abri_case cs;
	int rc = abri_reporter_open(c, L, cfg, k, &cs);

	if (rc == ABRI_OK && abri_case_alarming(&cs))
		rc = ABRI_ERR_CRYPTO; /* never extend a chain we cannot trust */
	if (rc < 0) {
		abri_case_free(&cs);
		return rc;
	}
	abri_compose cmp = {
	    .kind = ABRI_KIND_MESSAGE,
	    .tenant = c->tenant,
	    .list = L->current,
	    .thread = k->thread,
	    .author_kid = k->ed_kid,
	    .author_sk = k->ed25519_sk,
	    .reporter_x25519_pk = k->x25519_pk,
	    .body = body_json,
	    .body_len = strlen(body_json),
	    .max_padded = cfg->max_padded,
	};
	abri_case_next(&cs, k->ed_kid, &cmp.chain);
	abri_case_free(&cs);
	return seal_and_send(c, cfg, &cmp, k, "/v1/cases/messages", uploads, res);
}
