/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* GET /v1/recipients/{version}: any list ever accepted, so old messages
 * stay verifiable. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "reply.h"
#include "rlist.h"

/* Decimal without sign or leading zero, 1..UINT32_MAX. */
static int parse_version(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	size_t len = strlen(s);

	if (len == 0 || len > 10 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

enum MHD_Result h_recipients_get(struct request *rq)
{
	const struct rlist *l;
	uint32_t version;
	struct pg *pg;
	enum pg_qs qs;

	if (parse_version(rq->arg, &version) != 0)
		return reply_error(rq, EC_NOT_FOUND, NULL);
	pg = pg_get();
	if (pg == NULL)
		return reply_error(rq, EC_UNAVAILABLE, NULL);
	qs = rlist_get(pg, version, &l);
	if (qs < 0)
		return reply_pg_error(rq, qs);
	if (qs == PG_NONE)
		return reply_error(rq, EC_NOT_FOUND, NULL);
	return reply_json(rq, MHD_HTTP_OK,
	                  json_pack("{s:s,s:s}", "list", l->fields_b64, "sig", l->sig_b64));
}
