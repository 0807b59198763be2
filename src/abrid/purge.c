/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "abrid.h"
#include "db/queries.h"
#include "log.h"
#include "purge.h"

struct purge_counts {
	int64_t cases;   /* with their envelopes and attached uploads (cascade) */
	int64_t uploads; /* never attached, past their expiry */
};

static enum pg_qs purge_txn(struct pg *pg, void *cls)
{
	struct purge_counts *c = cls;
	enum pg_qs qs = pg_delete_purgeable_cases(pg, &c->cases);

	if (qs < 0)
		return qs;
	qs = pg_delete_expired_uploads(pg, abri_now(), &c->uploads);
	return qs < 0 ? qs : PG_OK;
}

int purge_run(int64_t *n)
{
	struct pg *pg = pg_get();
	struct purge_counts c = {0};
	enum pg_qs qs;

	*n = 0;
	qs = (pg != NULL) ? pg_txn(pg, PG_TXN_WRITE, purge_txn, &c) : PG_SOFT;
	if (qs < 0) {
		alog(ALOG_WARN, "purge failed (database %s)",
		     qs == PG_SOFT ? "unavailable" : "error");
		return -1;
	}
	*n = c.cases;
	alog(ALOG_INFO, "purged %lld cases, %lld unattached uploads", (long long)c.cases,
	     (long long)c.uploads);
	return 0;
}
