/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Envelope checks shared by every submission endpoint. abrid holds no key
 * that opens an envelope: it checks only what the header shows. */
#include <string.h>

#include "abrid.h"
#include "db/queries.h"
#include "submit.h"

static enum ec parse_error(int rc)
{
	switch (rc) {
	case ABRI_ERR_BUCKET: return EC_BAD_BUCKET;
	case ABRI_ERR_TOO_BIG: return EC_ENVELOPE_TOO_LARGE;
	default: return EC_BAD_ENVELOPE;
	}
}

enum ec envelope_check(const uint8_t *env, size_t len, unsigned kinds,
                       enum reporter_stanza reporter, abri_envelope_info *info)
{
	int rc = abri_envelope_parse(env, len, abrid.cfg.max_padded, info);

	if (rc != ABRI_OK)
		return parse_error(rc);
	if (0 != strcmp(info->tenant, abrid.cfg.deployment_id))
		return EC_BAD_TENANT;
	if (info->kind >= 32 || (kinds & KIND_BIT(info->kind)) == 0)
		return EC_BAD_KIND;
	if ((reporter == STANZA_REQUIRED && !info->has_reporter_stanza) ||
	    (reporter == STANZA_FORBIDDEN && info->has_reporter_stanza))
		return EC_BAD_ENVELOPE;
	if (info->n_keyed == 0)
		return EC_BAD_ENVELOPE; /* nobody on the staff could read it */
	return EC_NONE;
}

enum ec envelope_check_list(const abri_envelope_info *info, const struct rlist *current)
{
	if (info->list_version != current->version)
		return EC_RECIPIENTS_CHANGED;
	for (size_t i = 0; i < info->n_keyed; i++)
		if (abri_recipients_by_x_kid(&current->r, info->kids[i]) == NULL)
			return EC_UNKNOWN_RECIPIENT;
	return EC_NONE;
}

/* Reports, messages, replies, notes and acks are for listeners only: a
 * keyed stanza for the server's key would let the operator (or whoever
 * holds the server key) read the case, one for an auditor would show a
 * case to those who must only see codes. */
enum ec envelope_check_listeners(const abri_envelope_info *info, const struct rlist *cur)
{
	for (size_t i = 0; i < info->n_keyed; i++) {
		const abri_member *m = abri_recipients_by_x_kid(&cur->r, info->kids[i]);
		if (m == NULL || m->role != ABRI_ROLE_LISTENER)
			return EC_UNKNOWN_RECIPIENT;
	}
	return EC_NONE;
}

/* The keyed stanzas must be exactly the auditors of the list: a batch or
 * survey answer readable by a listener would let the staff tie it back to
 * a case, and one an auditor cannot open would be lost. Key ids are
 * distinct (abri_envelope_parse), so equal counts mean the same set. */
enum ec envelope_check_auditors(const abri_envelope_info *info, const struct rlist *cur)
{
	size_t auditors = 0;

	for (size_t i = 0; i < info->n_keyed; i++) {
		const abri_member *m = abri_recipients_by_x_kid(&cur->r, info->kids[i]);
		if (m == NULL || m->role != ABRI_ROLE_AUDITOR)
			return EC_UNKNOWN_RECIPIENT;
	}
	for (size_t i = 0; i < cur->r.n; i++)
		auditors += (cur->r.m[i].role == ABRI_ROLE_AUDITOR);
	return (auditors == info->n_keyed) ? EC_NONE : EC_UNKNOWN_RECIPIENT;
}

enum pg_qs submission_gate(struct pg *pg, const abri_envelope_info *info, json_t *pow,
                           unsigned flags, enum ec *err)
{
	const struct rlist *cur;
	struct pow_spend spend;
	enum pg_qs qs;

	qs = rlist_current_in_force(pg, &cur, err);
	if (qs != PG_OK || *err != EC_NONE)
		return (qs < 0) ? qs : PG_NONE;
	if ((flags & GATE_RECEIPT) && !cur->server_is_us)
		*err = EC_SERVER_KEY_MISMATCH;
	else if ((*err = envelope_check_list(info, cur)) == EC_NONE)
		*err = envelope_check_listeners(info, cur);
	if (*err != EC_NONE)
		return PG_NONE;
	if (flags & GATE_POW) {
		*err = pow_check(pow, info->hash, 0, &spend);
		if (*err != EC_NONE)
			return PG_NONE;
		if (spend.spend) {
			qs = pg_insert_spent_challenge(pg, spend.tag, spend.expires);
			if (qs == PG_NONE)
				*err = EC_CHALLENGE_SPENT;
			if (qs <= 0)
				return qs;
		}
	}
	qs = pg_select_envelope_hash(pg, info->hash);
	if (qs == PG_OK)
		*err = EC_ENVELOPE_EXISTS;
	return (qs == PG_NONE) ? PG_OK : ((qs < 0) ? qs : PG_NONE);
}

enum pg_qs auditor_gate(struct pg *pg, const abri_envelope_info *info, enum ec *err)
{
	const struct rlist *cur;
	enum pg_qs qs = rlist_current_in_force(pg, &cur, err);

	if (qs != PG_OK || *err != EC_NONE)
		return (qs < 0) ? qs : PG_NONE;
	if ((*err = envelope_check_list(info, cur)) == EC_NONE)
		*err = envelope_check_auditors(info, cur);
	return (*err != EC_NONE) ? PG_NONE : PG_OK;
}
