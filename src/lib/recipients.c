/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Recipient list (wire form in include/abri/recipients.h).
 *
 * Parsing rules for the document (jansson, JSON_REJECT_DUPLICATES):
 *   - top level: an object; unknown keys are ignored (forward
 *     compatibility), every known key is required with its type:
 *     deployment_id string == tenant; version integer 1..2^32-1;
 *     not_after integer >= 1 (unix seconds); members array of
 *     1..ABRI_RECIPIENTS_MAX objects.
 *   - member: role "listener" | "auditor" | "server"; name string, UTF-8,
 *     1..128 bytes, no control characters; x25519, ed25519 base64 of 32
 *     bytes (Ed25519 must be a valid prime-order point, X25519 not all
 *     zero); epoch integer 0..2^32-1; unknown keys ignored.
 *   - no X25519 or Ed25519 public key (hence key id) twice; exactly one
 *     member with role "server". */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "abri/recipients.h"
#include "abri/sign.h"
#include "internal.h"

static const char *const role_names[] = {NULL, "listener", "auditor", "server"};

const char *abri_role_name(abri_role r)
{
	if (r < ABRI_ROLE_LISTENER || r > ABRI_ROLE_SERVER)
		return NULL;
	return role_names[r];
}

int abri_role_parse(const char *s, abri_role *out)
{
	int r;

	if (!s)
		return ABRI_ERR_INVALID;
	for (r = ABRI_ROLE_LISTENER; r <= ABRI_ROLE_SERVER; r++) {
		if (strcmp(s, role_names[r]) == 0) {
			*out = (abri_role)r;
			return ABRI_OK;
		}
	}
	return ABRI_ERR_INVALID;
}

static int get_u32(json_t *obj, const char *key, json_int_t min, uint32_t *out)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!json_is_integer(v))
		return ABRI_ERR_INVALID;
	i = json_integer_value(v);
	if (i < min || i > (json_int_t)UINT32_MAX)
		return ABRI_ERR_INVALID;
	*out = (uint32_t)i;
	return ABRI_OK;
}

static int get_key32(json_t *obj, const char *key, uint8_t out[32])
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return ABRI_ERR_INVALID;
	return abri_b64_decode_exact(json_string_value(v), out, 32);
}

static int parse_member(abri_member *m, json_t *o)
{
	json_t *name = json_object_get(o, "name");
	json_t *role = json_object_get(o, "role");
	size_t len;

	if (!json_is_object(o) || !json_is_string(role) || !json_is_string(name))
		return ABRI_ERR_INVALID;
	if (abri_role_parse(json_string_value(role), &m->role))
		return ABRI_ERR_INVALID;
	len = json_string_length(name);
	if (!abri_name_valid(json_string_value(name), len))
		return ABRI_ERR_INVALID;
	memcpy(m->name, json_string_value(name), len);
	m->name[len] = '\0';
	if (get_key32(o, "x25519", m->x25519_pk) || get_key32(o, "ed25519", m->ed25519_pk) ||
	    get_u32(o, "epoch", 0, &m->epoch))
		return ABRI_ERR_INVALID;
	if (sodium_is_zero(m->x25519_pk, 32) || !crypto_core_ed25519_is_valid_point(m->ed25519_pk))
		return ABRI_ERR_INVALID;
	abri_key_id(m->x_kid, ABRI_KID_X25519, m->x25519_pk);
	abri_key_id(m->ed_kid, ABRI_KID_ED25519, m->ed25519_pk);
	return ABRI_OK;
}

static int check_members(const abri_recipients *r)
{
	size_t i, j, servers = 0;

	for (i = 0; i < r->n; i++) {
		servers += r->m[i].role == ABRI_ROLE_SERVER;
		for (j = 0; j < i; j++)
			if (memcmp(r->m[i].x_kid, r->m[j].x_kid, ABRI_KEY_ID_BYTES) == 0 ||
			    memcmp(r->m[i].ed_kid, r->m[j].ed_kid, ABRI_KEY_ID_BYTES) == 0)
				return ABRI_ERR_INVALID;
	}
	return servers == 1 ? ABRI_OK : ABRI_ERR_INVALID;
}

static int parse_root(abri_recipients *out, json_t *root, const char *tenant)
{
	json_t *dep = json_object_get(root, "deployment_id");
	json_t *na = json_object_get(root, "not_after");
	json_t *members = json_object_get(root, "members");
	size_t i;

	if (!json_is_object(root) || !json_is_string(dep) || !json_is_integer(na) ||
	    !json_is_array(members))
		return ABRI_ERR_INVALID;
	if (json_string_length(dep) > ABRI_TENANT_MAX ||
	    !abri_tenant_valid(json_string_value(dep)) ||
	    strcmp(json_string_value(dep), tenant) != 0)
		return ABRI_ERR_INVALID;
	strcpy(out->deployment_id, json_string_value(dep));
	if (get_u32(root, "version", 1, &out->version) || json_integer_value(na) < 1)
		return ABRI_ERR_INVALID;
	out->not_after = json_integer_value(na);
	out->n = json_array_size(members);
	if (out->n < 1 || out->n > ABRI_RECIPIENTS_MAX)
		return ABRI_ERR_INVALID;
	for (i = 0; i < out->n; i++)
		if (parse_member(&out->m[i], json_array_get(members, i)))
			return ABRI_ERR_INVALID;
	return check_members(out);
}

int abri_recipients_parse_doc(abri_recipients *out, const char *json, size_t len,
                              const char *tenant)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(out, 0, sizeof *out);
	if (!json || !abri_tenant_valid(tenant))
		return ABRI_ERR_INVALID;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return ABRI_ERR_INVALID;
	rc = parse_root(out, root, tenant);
	json_decref(root);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

int abri_recipients_sign(abri_buf *fields, uint8_t sig[ABRI_SIG_BYTES], const char *doc_json,
                         size_t doc_len, const char *tenant, const uint8_t org_sk[ABRI_ED25519_SK])
{
	abri_recipients *r;
	int rc;

	r = malloc(sizeof *r);
	if (!r)
		return ABRI_ERR_NOMEM;
	rc = abri_recipients_parse_doc(r, doc_json, doc_len, tenant);
	free(r);
	if (rc)
		return rc;
	abri_buf_init(fields);
	rc = abri_fields_add(fields, doc_json, doc_len);
	if (rc == ABRI_OK)
		rc = abri_sign(sig, ABRI_PURPOSE_RECIPIENTS, tenant, fields->data, fields->len,
		               org_sk);
	if (rc)
		abri_buf_free(fields);
	return rc;
}

int abri_recipients_verify(abri_recipients *out, const uint8_t *fields, size_t fields_len,
                           const uint8_t sig[ABRI_SIG_BYTES], const char *tenant,
                           const uint8_t org_pk[ABRI_ED25519_PK])
{
	abri_fields f;
	int rc;

	memset(out, 0, sizeof *out);
	rc = abri_verify(sig, ABRI_PURPOSE_RECIPIENTS, tenant, fields, fields_len, org_pk);
	if (rc)
		return rc;
	if (abri_fields_decode(fields, fields_len, 1, &f))
		return ABRI_ERR_INVALID;
	return abri_recipients_parse_doc(out, (const char *)f.p[0], f.len[0], tenant);
}

int abri_recipients_check_time(const abri_recipients *r, int64_t now)
{
	return now >= r->not_after ? ABRI_ERR_EXPIRED : ABRI_OK;
}

const abri_member *abri_recipients_by_x_kid(const abri_recipients *r,
                                            const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (memcmp(r->m[i].x_kid, kid, ABRI_KEY_ID_BYTES) == 0)
			return &r->m[i];
	return NULL;
}

const abri_member *abri_recipients_by_ed_kid(const abri_recipients *r,
                                             const uint8_t kid[ABRI_KEY_ID_BYTES])
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (memcmp(r->m[i].ed_kid, kid, ABRI_KEY_ID_BYTES) == 0)
			return &r->m[i];
	return NULL;
}

const abri_member *abri_recipients_server(const abri_recipients *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->m[i].role == ABRI_ROLE_SERVER)
			return &r->m[i];
	return NULL;
}
