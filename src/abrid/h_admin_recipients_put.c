/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* PUT /v1/admin/recipients: a new recipient list, authenticated by the
 * organisation's signature alone (the key holders are offline; the
 * operator only uploads). The operator cannot add a reader: a list that
 * does not verify with the configured organisation key is refused. */
#include <stdlib.h>
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "log.h"
#include "reply.h"
#include "reqjson.h"
#include "rlist.h"
#include "reqspec.h"

struct put_list {
	const abri_recipients *r;
	const struct rj_bytes *fields;
	const uint8_t *sig;
	enum ec err;
};

static enum pg_qs put_txn(struct pg *pg, void *cls)
{
	struct put_list *p = cls;
	uint32_t current;
	int64_t not_after;
	enum pg_qs qs;

	p->err = EC_NONE;
	qs = pg_select_current_list(pg, &current, &not_after);
	if (qs < 0)
		return qs;
	if (qs == PG_OK && p->r->version <= current) {
		p->err = EC_VERSION_NOT_HIGHER;
		return PG_NONE;
	}
	qs = pg_insert_list(pg, p->r->version, p->fields->p, p->fields->len, p->sig,
	                    p->r->not_after);
	if (qs == PG_NONE)
		p->err = EC_VERSION_NOT_HIGHER;
	return qs;
}

/* Signature first: nothing about an unsigned list is looked at. */
static enum ec verify(abri_recipients *r, const struct rj_bytes *fields, const uint8_t *sig)
{
	int64_t now = abri_now();
	int rc = abri_recipients_verify(r, fields->p, fields->len, sig, abrid.cfg.deployment_id,
	                                abrid.org_pk);

	if (rc == ABRI_ERR_CRYPTO)
		return EC_BAD_LIST_SIGNATURE;
	if (rc != ABRI_OK)
		return EC_BAD_LIST;
	if (r->not_after <= now || r->not_after > now + ABRI_RECIPIENTS_MAX_LIFETIME)
		return EC_BAD_NOT_AFTER;
	if (!rlist_server_is_us(r))
		return EC_LIST_SERVER_KEY_MISMATCH;
	return EC_NONE;
}

enum MHD_Result h_admin_recipients_put(struct request *rq)
{
	uint8_t sig[ABRI_SIG_BYTES];
	struct rj_bytes fields;
	struct rj_field spec[] = {
	    SPEC_ADMIN_RECIPIENTS(fields, sig),
	    RJ_END,
	};
	struct put_list p = {.fields = &fields, .sig = sig};
	const struct rlist *added;
	struct rj_result res;
	abri_recipients *r;
	enum MHD_Result ret;
	struct pg *pg;
	enum pg_qs qs;

	if (rj_parse(rq->json, spec, &res) != 0)
		return reply_rj_error(rq, &res);
	r = malloc(sizeof *r);
	if (r == NULL) {
		rj_free(spec);
		return reply_error(rq, EC_INTERNAL, NULL);
	}
	p.r = r;
	p.err = verify(r, &fields, sig);
	pg = (p.err == EC_NONE) ? pg_get() : NULL;
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, put_txn, &p) : PG_SOFT;
	if (p.err != EC_NONE)
		ret = reply_error(rq, p.err, NULL);
	else if (qs < 0)
		ret = reply_pg_error(rq, qs);
	else if (rlist_add(r, fields.p, fields.len, sig, &added) != 0)
		ret = reply_error(rq, EC_INTERNAL, NULL); /* committed; the cache reloads it */
	else {
		alog(ALOG_INFO, "recipient list version %u accepted", r->version);
		ret = reply_json(rq, MHD_HTTP_CREATED,
		                 json_pack("{s:I}", "version", (json_int_t)r->version));
	}
	free(r);
	rj_free(spec);
	return ret;
}
