/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* JSON calls to abrid, signed staff requests, the public config and the
 * proof of work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "abri/client.h"

const char *abri_client_strerror(int err)
{
	switch (err) {
	case ABRI_CLIENT_ERR_CONNECT: return "cannot connect to the server";
	case ABRI_CLIENT_ERR_TIMEOUT: return "the server did not answer in time";
	case ABRI_CLIENT_ERR_PROTOCOL: return "malformed HTTP answer";
	case ABRI_CLIENT_ERR_TRUNCATED:
		return "the connection closed before the answer was complete";
	case ABRI_CLIENT_ERR_SERVER: return "unexpected answer from the server";
	case ABRI_CLIENT_ERR_ROLLBACK:
		return "the server serves an older recipient list than one already seen (rollback)";
	case ABRI_CLIENT_ERR_TENANT: return "the server serves another deployment";
	case ABRI_CLIENT_ERR_NO_LIST: return "the server has no recipient list yet";
	case ABRI_CLIENT_ERR_RETRY: return "the recipient list changed during the submission";
	default: return abri_strerror(err);
	}
}

int abri_client_init(abri_client *c, const char *server, const char *origin, const char *tenant)
{
	memset(c, 0, sizeof *c);
	c->timeout_ms = ABRI_CLIENT_TIMEOUT_MS;
	if (abri_endpoint_parse(&c->ep, server) < 0)
		return ABRI_ERR_INVALID;
	if (origin != NULL) {
		if (strlen(origin) > ABRI_ORIGIN_MAX)
			return ABRI_ERR_INVALID;
		memcpy(c->origin, origin, strlen(origin) + 1);
	}
	if (tenant == NULL || !abri_tenant_valid(tenant))
		return ABRI_ERR_INVALID;
	memcpy(c->tenant, tenant, strlen(tenant) + 1);
	return ABRI_OK;
}

/* The four Abri-* headers (docs/api.md) for this exact request. */
static int auth_headers(abri_client *c, const char *method, const char *target, const uint8_t *body,
                        size_t body_len, char *out, size_t out_size)
{
	abri_request_auth a;
	int rc;

	if (c->staff == NULL || c->origin[0] == '\0')
		return ABRI_ERR_INVALID;
	rc = abri_request_sign(&a, c->tenant, c->origin, method, target, body, body_len,
	                       abri_now(), c->staff->ed_kid, c->staff->ed25519_sk);
	if (rc < 0)
		return rc;
	char *kid = abri_b64_encode(a.key_id, sizeof a.key_id);
	char *nonce = abri_b64_encode(a.nonce, sizeof a.nonce);
	char *sig = abri_b64_encode(a.sig, sizeof a.sig);
	int n = -1;
	if (kid && nonce && sig)
		n = snprintf(out, out_size,
		             "Abri-Key-Id: %s\r\nAbri-Timestamp: %lld\r\nAbri-Nonce: %s\r\n"
		             "Abri-Signature: %s\r\n",
		             kid, (long long)a.timestamp, nonce, sig);
	free(kid);
	free(nonce);
	free(sig);
	return (n < 0 || (size_t)n >= out_size) ? ABRI_ERR_NOMEM : ABRI_OK;
}

int abri_error_code_valid(const char *code)
{
	size_t n = 0;
	if (code == NULL)
		return 0;
	for (; code[n] != '\0'; n++)
		if (n == ABRI_ERROR_CODE_MAX || !((code[n] >= 'a' && code[n] <= 'z') || code[n] == '_'))
			return 0;
	return n > 0;
}

/* The code only when valid; the message kept as sent (printed escaped). */
static void note_error(abri_client *c, const json_t *ans)
{
	const json_t *err = json_object_get(ans, "error");
	const json_t *code = json_object_get(err, "code");
	const char *msg = json_string_value(json_object_get(err, "message"));
	if (abri_error_code_valid(json_string_value(code)))
		snprintf(c->last_error, sizeof c->last_error, "%s", json_string_value(code));
	else
		c->last_error_invalid = code != NULL;
	snprintf(c->last_message, sizeof c->last_message, "%s", msg ? msg : "");
}

int abri_client_call(abri_client *c, const char *method, const char *target, const json_t *body,
                     int sign, int *status, json_t **out)
{
	char hdrs[512];
	char *text = NULL;
	size_t tlen = 0;
	abri_http_response resp;
	int rc;

	*out = NULL;
	*status = 0;
	c->last_status = 0;
	c->last_error[0] = c->last_message[0] = '\0';
	c->last_error_invalid = 0;
	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT);
		if (text == NULL)
			return ABRI_ERR_NOMEM;
		tlen = strlen(text);
	}
	hdrs[0] = '\0';
	rc = sign ? auth_headers(c, method, target, (const uint8_t *)(text ? text : ""), tlen, hdrs,
	                         sizeof hdrs)
	          : ABRI_OK;
	abri_http_response_init(&resp);
	if (rc == ABRI_OK)
		rc = abri_http_exchange(&c->ep, method, target, hdrs, (const uint8_t *)text, tlen,
		                        c->timeout_ms, &resp);
	if (text != NULL) {
		sodium_memzero(text, tlen); /* may hold a lookup key */
		free(text);
	}
	if (rc == ABRI_OK) {
		*status = c->last_status = resp.status;
		if (resp.body.len > 0) {
			json_error_t jerr;
			*out = json_loadb((const char *)resp.body.data, resp.body.len,
			                  JSON_REJECT_DUPLICATES, &jerr);
			if (*out == NULL || !json_is_object(*out))
				rc = ABRI_CLIENT_ERR_SERVER;
			else if (resp.status >= 400)
				note_error(c, *out);
		}
	}
	if (rc < 0 && *out != NULL) {
		json_decref(*out);
		*out = NULL;
	}
	abri_http_response_free(&resp);
	return rc;
}

int abri_client_call_raw(abri_client *c, const char *method, const char *target,
                         const uint8_t *body, size_t body_len, const char *content_type,
                         int sign, int *status, abri_buf *out)
{
	char hdrs[512];
	abri_http_response resp;
	int rc;

	abri_buf_init(out);
	*status = 0;
	c->last_status = 0;
	c->last_error[0] = c->last_message[0] = '\0';
	c->last_error_invalid = 0;
	hdrs[0] = '\0';
	rc = sign ? auth_headers(c, method, target, body ? body : (const uint8_t *)"", body_len,
	                         hdrs, sizeof hdrs)
	          : ABRI_OK;
	abri_http_response_init(&resp);
	if (rc == ABRI_OK)
		rc = abri_http_exchange_ct(&c->ep, method, target, hdrs, body, body_len,
		                           content_type ? content_type : "application/octet-stream",
		                           c->timeout_ms, &resp);
	if (rc == ABRI_OK) {
		*status = c->last_status = resp.status;
		if (resp.status >= 400 && resp.body.len > 0) {
			json_t *j = json_loadb((const char *)resp.body.data, resp.body.len, 0, NULL);
			note_error(c, j);
			json_decref(j);
		}
		*out = resp.body; /* handed over */
		abri_buf_init(&resp.body);
	}
	abri_http_response_free(&resp);
	return rc;
}

const char *abri_client_error_code(const json_t *answer)
{
	const char *code =
	    json_string_value(json_object_get(json_object_get(answer, "error"), "code"));
	return abri_error_code_valid(code) ? code : NULL;
}

char *abri_url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *o = out;
	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

void abri_server_config_free(abri_server_config *cfg)
{
	json_decref(cfg->recipients);
	cfg->recipients = NULL;
}

static int config_from_json(abri_client *c, abri_server_config *cfg, json_t *ans)
{
	const char *dep = json_string_value(json_object_get(ans, "deployment_id"));
	json_t *limits = json_object_get(ans, "limits");
	json_t *mp = json_object_get(limits, "max_padded");
	json_t *diff = json_object_get(json_object_get(ans, "pow"), "difficulty");
	json_t *rec = json_object_get(ans, "recipients");

	if (dep == NULL || !json_is_integer(mp) || (diff != NULL && !json_is_integer(diff)))
		return ABRI_CLIENT_ERR_SERVER;
	if (strcmp(dep, c->tenant) != 0)
		return ABRI_CLIENT_ERR_TENANT;
	json_int_t m = json_integer_value(mp), d = diff ? json_integer_value(diff) : 0;
	if (m < (json_int_t)ABRI_BUCKET_MIN || m > (json_int_t)ABRI_HTTP_BODY_MAX || d < 0 ||
	    d > (json_int_t)ABRI_POW_MAX_DIFFICULTY)
		return ABRI_CLIENT_ERR_SERVER;
	memcpy(cfg->deployment_id, dep, strlen(dep) + 1);
	cfg->max_padded = (size_t)m;
	cfg->difficulty = (unsigned)d;
	json_t *rd = json_object_get(limits, "retention_days");
	cfg->retention_days = (json_is_integer(rd) && json_integer_value(rd) > 0 &&
	                       json_integer_value(rd) <= 36500)
	                          ? (unsigned)json_integer_value(rd)
	                          : 0;
	json_t *mu = json_object_get(limits, "max_upload_bytes");
	cfg->max_upload_bytes = (json_is_integer(mu) && json_integer_value(mu) > 0)
	                            ? (uint64_t)json_integer_value(mu)
	                            : 0;
	if (json_is_object(rec))
		cfg->recipients = json_incref(rec);
	else if (rec != NULL && !json_is_null(rec))
		return ABRI_CLIENT_ERR_SERVER;
	return ABRI_OK;
}

int abri_client_get_config(abri_client *c, abri_server_config *cfg)
{
	json_t *ans = NULL;
	int status, rc;

	memset(cfg, 0, sizeof *cfg);
	rc = abri_client_call(c, "GET", "/v1/config", NULL, 0, &status, &ans);
	if (rc == ABRI_OK && status != 200)
		rc = ABRI_CLIENT_ERR_SERVER;
	if (rc == ABRI_OK)
		rc = config_from_json(c, cfg, ans);
	json_decref(ans);
	if (rc < 0)
		abri_server_config_free(cfg);
	return rc;
}

int abri_client_pow(abri_client *c, const uint8_t hash[ABRI_HASH_BYTES], uint64_t chunks,
                    json_t **pow)
{
	uint8_t ch[ABRI_CHALLENGE_BYTES];
	json_t *req = json_object(), *ans = NULL;
	int status, rc;

	*pow = NULL;
	if (req == NULL)
		return ABRI_ERR_NOMEM;
	rc = abri_client_call(c, "POST", "/v1/challenge", req, 0, &status, &ans);
	json_decref(req);
	if (rc == ABRI_OK && status != 200)
		rc = ABRI_CLIENT_ERR_SERVER;
	const char *b64 = json_string_value(json_object_get(ans, "challenge"));
	if (rc == ABRI_OK && (b64 == NULL || abri_b64_decode_exact(b64, ch, sizeof ch) < 0))
		rc = ABRI_CLIENT_ERR_SERVER;
	/* The difficulty byte inside the challenge is what abrid checks. */
	if (rc == ABRI_OK && ch[8] > ABRI_POW_MAX_DIFFICULTY)
		rc = ABRI_CLIENT_ERR_SERVER;
	if (rc == ABRI_OK) {
		unsigned bits = chunks == 0 ? ch[8] : abri_pow_upload_bits(ch[8], chunks);
		uint64_t counter = abri_pow_solve(ch, hash, (uint8_t)bits);
		*pow = json_pack("{s:s, s:I}", "challenge", b64, "counter", (json_int_t)counter);
		if (*pow == NULL)
			rc = ABRI_ERR_NOMEM;
	}
	json_decref(ans);
	return rc;
}

int abri_client_needs_work(int status, const json_t *answer)
{
	const char *code = abri_client_error_code(answer);

	return status == 403 && code != NULL &&
	       (strcmp(code, "bad_pow") == 0 || strcmp(code, "challenge_expired") == 0);
}

char *abri_submission_id_new(void)
{
	uint8_t id[ABRI_SUBMISSION_ID_BYTES];
	randombytes_buf(id, sizeof id);
	return abri_b64_encode(id, sizeof id);
}
