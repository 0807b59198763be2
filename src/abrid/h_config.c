/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/config: what the web app needs before sealing a report. */
#include "abrid.h"
#include "handlers.h"
#include "reply.h"
#include "submit.h"
#include "rlist.h"

enum MHD_Result h_config(struct request *rq)
{
	struct pg *pg = pg_get();
	const struct rlist *l;
	json_t *recipients;
	enum pg_qs qs;

	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = rlist_current(pg, &l);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	recipients = (qs == PG_OK)
	                 ? json_pack("{s:s,s:s}", "list", l->fields_b64, "sig", l->sig_b64)
	                 : json_null();
	return reply_json(
	    rq, MHD_HTTP_OK,
	    json_pack("{s:s,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:i},s:s}", "deployment_id",
	              abrid.cfg.deployment_id, "recipients", recipients, "limits", "max_padded",
	              (json_int_t)abrid.cfg.max_padded, "bucket_min", (json_int_t)ABRI_BUCKET_MIN,
	              "max_body", (json_int_t)abrid.cfg.max_body, "max_upload_bytes",
	              (json_int_t)abrid.cfg.max_upload_bytes, "max_case_upload_bytes",
	              (json_int_t)abrid.cfg.max_case_upload_bytes, "max_attachments",
	              (json_int_t)abrid.cfg.max_attachments, "upload_chunk_bytes",
	              (json_int_t)ABRI_ATTACH_CHUNK, "retention_days",
	              (json_int_t)abrid.cfg.retention_days, "pow", "difficulty",
	              (int)pow_difficulty_now(), "quick_exit_url", abrid.cfg.quick_exit_url));
}
