/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Cache of verified recipient lists by version. Lists are immutable and
 * never removed, so a pointer handed out stays valid until shutdown; the
 * cache only saves re-verifying signatures. Which version is current is
 * always asked from the database (several instances share it). */
#ifndef ABRID_RLIST_H
#define ABRID_RLIST_H

#include <stdbool.h>

#include "abri/abri.h"
#include "db/pg.h"
#include "errors.h"

struct rlist {
	uint32_t version;
	abri_recipients r;
	char *fields_b64; /* as uploaded, for GET /v1/config and /v1/recipients */
	char *sig_b64;
	bool server_is_us; /* the list's server member is our receipt key */
};

/* A verified list by version, from the cache or the database. PG_NONE if
 * there is no such version. */
enum pg_qs rlist_get(struct pg *pg, uint32_t version, const struct rlist **out);
/* The current (highest) list; PG_NONE before any upload. */
enum pg_qs rlist_current(struct pg *pg, const struct rlist **out);
/* The current list for what it authorises: staff requests and
 * submissions. As rlist_current, and *err = EC_NO_RECIPIENTS before any
 * upload; EC_RECIPIENTS_EXPIRED (with PG_OK and *out set) once list_grace
 * seconds have passed since its not_after, until a fresh list is uploaded
 * (which is not gated); EC_NONE otherwise. */
enum pg_qs rlist_current_in_force(struct pg *pg, const struct rlist **out, enum ec *err);
/* Past not_after (now >= not_after), and whether still within list_grace. */
bool rlist_expired(int64_t not_after, int64_t now);
bool rlist_in_grace(int64_t not_after, int64_t now);
/* Adds a list verified by the caller (PUT, after commit). */
int rlist_add(const abri_recipients *r, const uint8_t *fields, size_t fields_len,
              const uint8_t sig[ABRI_SIG_BYTES], const struct rlist **out);
/* Startup: load and verify every stored list; -1 if one fails. */
int rlist_load_all(struct pg *pg);
void rlist_free_all(void);

/* Does the list's server member hold our receipt key? */
bool rlist_server_is_us(const abri_recipients *r);

#endif
