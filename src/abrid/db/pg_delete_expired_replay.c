/* SPDX-License-Identifier: AGPL-3.0-or-later */
#include "queries.h"

static const struct pg_stmt st = {
    "delete_expired_replay",
    "DELETE FROM request_replay WHERE expires_at < $1",
    1,
};

enum pg_qs pg_delete_expired_replay(struct pg *pg, int64_t now)
{
	struct pg_params p;

	pgp_init(&p);
	pgp_int(&p, now);
	return pg_exec(pg, &st, &p, NULL);
}
