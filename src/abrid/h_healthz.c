/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /healthz: database reachable, schema, and the list's expiry, so
 * monitoring warns the key holders before reporters are refused: a week
 * ahead (expires_soon), and once expired whether abrid still serves it
 * (in_grace) and until when (grace_until). */
#include <time.h>

#include "abrid.h"
#include "db/queries.h"
#include "handlers.h"
#include "reply.h"
#include "rlist.h"

enum MHD_Result h_healthz(struct request *rq)
{
	struct pg *pg = pg_get();
	uint32_t version;
	int64_t not_after, now = abri_now();
	json_t *recipients;
	enum pg_qs qs;

	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = pg_select_current_list(pg, &version, &not_after);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (qs == PG_NONE)
		recipients = json_null();
	else
		recipients = json_pack(
		    "{s:I,s:I,s:b,s:b,s:b,s:I}", "version", (json_int_t)version, "not_after",
		    (json_int_t)not_after, "expires_soon",
		    (int)(not_after - now <= ABRI_RECIPIENTS_WARN_BEFORE), "expired",
		    (int)rlist_expired(not_after, now), "in_grace",
		    (int)rlist_in_grace(not_after, now), "grace_until",
		    (json_int_t)(not_after + (int64_t)abrid.cfg.list_grace));
	return reply_json(rq, MHD_HTTP_OK,
	                  json_pack("{s:s,s:i,s:o}", "status", "ok", "schema", abrid.schema,
	                            "recipients", recipients));
}
