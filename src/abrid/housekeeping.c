/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include <time.h>

#include "db/queries.h"
#include "housekeeping.h"
#include "log.h"

#define HOUSEKEEPING_EVERY 128u

static _Thread_local unsigned counter;

void housekeeping_tick(struct pg *pg)
{
	int64_t now;

	if (++counter % HOUSEKEEPING_EVERY != 0)
		return;
	now = (int64_t)time(NULL);
	if (pg_delete_expired_replay(pg, now) < 0 || pg_delete_expired_challenges(pg, now) < 0 ||
	    pg_delete_expired_survey_codes(pg) < 0)
		alog(ALOG_WARN, "deleting expired nonces, challenges and survey codes failed");
}
