/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <time.h>

#include "abrid.h"
#include "auth.h"
#include "db/queries.h"
#include "rlist.h"

/* A nonce must be remembered as long as its timestamp can be accepted. */
#define REPLAY_KEEP (2 * ABRI_REQUEST_MAX_SKEW)

static const char *header(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static enum ec pg_ec(enum pg_qs qs)
{
	return (qs == PG_SOFT) ? EC_UNAVAILABLE : EC_INTERNAL;
}

/* The nonce is kept as a keyed hash with the key id, never the key id
 * itself, and an hour-rounded expiry (db/pg_insert_replay.c). */
static enum ec record_nonce(struct pg *pg, const abri_request_auth *a)
{
	uint8_t tag[ABRI_HASH_BYTES];
	enum pg_qs qs;

	replay_tag(tag, a->key_id, a->nonce);
	qs = pg_insert_replay(pg, tag, a->timestamp + REPLAY_KEEP);
	if (qs < 0)
		return pg_ec(qs);
	if (qs == PG_NONE)
		return EC_REPLAYED_REQUEST;
	return EC_NONE;
}

enum ec auth_staff(struct request *rq, abri_role role)
{
	const char *kid = header(rq, "Abri-Key-Id"), *ts = header(rq, "Abri-Timestamp"),
	           *nonce = header(rq, "Abri-Nonce"), *sig = header(rq, "Abri-Signature");
	const struct rlist *list;
	const abri_member *m;
	abri_request_auth a;
	struct pg *pg;
	enum pg_qs qs;
	enum ec ec;
	int rc;

	if (kid == NULL || ts == NULL || nonce == NULL || sig == NULL)
		return EC_AUTH_MISSING;
	if (abri_request_auth_parse(&a, kid, ts, nonce, sig) != ABRI_OK)
		return EC_BAD_REQUEST_SIGNATURE;
	pg = pg_get();
	if (pg == NULL)
		return EC_UNAVAILABLE;
	qs = rlist_current_in_force(pg, &list, &ec);
	if (qs < 0)
		return pg_ec(qs);
	if (ec == EC_RECIPIENTS_EXPIRED)
		return ec;
	m = (qs == PG_OK) ? abri_recipients_by_ed_kid(&list->r, a.key_id) : NULL;
	if (m == NULL)
		return EC_UNKNOWN_KEY;
	rc = abri_request_verify(&a, abrid.cfg.deployment_id, abrid.cfg.public_origin, rq->method,
	                         rq->raw_target, rq->body.data, rq->body.len, abri_now(),
	                         m->ed25519_pk);
	if (rc == ABRI_ERR_EXPIRED)
		return EC_STALE_REQUEST;
	if (rc != ABRI_OK)
		return EC_BAD_REQUEST_SIGNATURE;
	if (m->role != role)
		return EC_WRONG_ROLE;
	rq->member = m;
	rq->list = list;
	return record_nonce(pg, &a);
}
