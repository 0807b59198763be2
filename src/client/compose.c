/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Composing a message: body JSON, signed inner message, envelope sealed to
 * every listener of the list (and the reporter's stanza when asked). */
#include <stdlib.h>
#include <string.h>

#include "abri/client.h"

char *abri_body_json(const char *text, const char *lang)
{
	json_t *o = json_object();
	char *out = NULL;
	if (o == NULL || text == NULL)
		goto done;
	if (json_object_set_new(o, "text", json_string(text)) < 0)
		goto done;
	if (lang != NULL && json_object_set_new(o, "lang", json_string(lang)) < 0)
		goto done;
	out = json_dumps(o, JSON_COMPACT);
done:
	json_decref(o);
	return out; /* NULL also for text that is not valid UTF-8 */
}

/* Every member of the role (listeners for cases: auditors and the server
 * read no case; auditors for statistics batches). */
static size_t members(const abri_recipients *list, int role, abri_stanza_to *to)
{
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++) {
		if ((int)list->m[i].role != role)
			continue;
		memcpy(to[n].kid, list->m[i].x_kid, ABRI_KEY_ID_BYTES);
		memcpy(to[n].x25519_pk, list->m[i].x25519_pk, ABRI_X25519_PK);
		n++;
	}
	return n;
}

static void inner_from(abri_inner *m, const abri_compose *c)
{
	memset(m, 0, sizeof *m);
	memcpy(m->thread, c->thread, ABRI_HASH_BYTES);
	memcpy(m->author_kid, c->author_kid, ABRI_KEY_ID_BYTES);
	m->counter = c->chain.counter;
	memcpy(m->prev, c->chain.prev, ABRI_HASH_BYTES);
	memcpy(m->seen, c->chain.seen, ABRI_HASH_BYTES);
	m->list_version = c->list->version;
	if (c->carry_x25519_pk != NULL && c->carry_ed25519_pk != NULL) {
		m->has_reporter_keys = 1;
		memcpy(m->reporter_x25519_pk, c->carry_x25519_pk, ABRI_X25519_PK);
		memcpy(m->reporter_ed25519_pk, c->carry_ed25519_pk, ABRI_ED25519_PK);
	}
	m->body = (const uint8_t *)c->body;
	m->body_len = c->body_len;
}

int abri_compose_seal(abri_buf *env, const abri_compose *c)
{
	abri_stanza_to *to = calloc(ABRI_RECIPIENTS_MAX, sizeof *to);
	abri_inner m;
	abri_buf pt;
	int rc;

	if (to == NULL)
		return ABRI_ERR_NOMEM;
	size_t n_to = members(c->list, c->to_role ? c->to_role : ABRI_ROLE_LISTENER, to);
	if (n_to == 0 || c->chain.counter == 0) {
		free(to);
		return ABRI_ERR_INVALID;
	}
	inner_from(&m, c);
	abri_buf_init(&pt);
	rc = abri_inner_encode(&pt, &m, c->kind, c->tenant, c->author_sk);
	if (rc == ABRI_OK)
		rc =
		    abri_envelope_seal(env, (uint8_t)c->kind, c->tenant, c->list->version, to, n_to,
		                       c->reporter_x25519_pk, pt.data, pt.len, c->max_padded);
	if (rc == ABRI_OK && c->inner_out != NULL) {
		abri_buf_init(c->inner_out);
		rc = abri_buf_append(c->inner_out, pt.data, pt.len);
	}
	abri_buf_free(&pt); /* wipes the plaintext */
	free(to);
	return rc;
}
