/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Every query abrid runs, one per db/pg_<verb>_<object>.c. Output strings
 * are copied into caller buffers; nothing here allocates unless it says. */
#ifndef ABRID_QUERIES_H
#define ABRID_QUERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "abri/attach.h"
#include "abri/common.h"
#include "pg.h"

#define WEEK_CHARS 8  /* "YYYY-Www" */
#define DATE_CHARS 10 /* "YYYY-MM-DD" */
#define STATE_MAX  7  /* "closed", "erased" */
#define MONTH_CHARS 7 /* "YYYY-MM" */

struct db_case {
	char case_ref[ABRI_CASE_REF_CHARS + 1];
	char state[STATE_MAX + 1];
	char week[WEEK_CHARS + 1];
	char purge_after[DATE_CHARS + 1]; /* "" when NULL */
};

/* The four columns CASE_COLUMNS select, starting at column col. */
#define CASE_COLUMNS                                                                               \
	"c.case_ref, c.state, to_char(c.week, 'IYYY-\"W\"IW'), to_char(c.purge_after, "            \
	"'YYYY-MM-DD')"
int db_case_from_row(const PGresult *r, int row, int col, struct db_case *c);

/* ---- recipient lists ---- */
/* Highest version and its not_after; PG_NONE when no list exists. */
enum pg_qs pg_select_current_list(struct pg *pg, uint32_t *version, int64_t *not_after);
/* One list as stored; *fields malloc'd (caller frees). */
enum pg_qs pg_select_list(struct pg *pg, uint32_t version, uint8_t **fields, size_t *fields_len,
                          uint8_t sig[ABRI_SIG_BYTES]);
/* All versions, ascending; *versions malloc'd. */
enum pg_qs pg_select_list_versions(struct pg *pg, uint32_t **versions, size_t *n);
/* PG_NONE if the version exists already. */
enum pg_qs pg_insert_list(struct pg *pg, uint32_t version, const uint8_t *fields, size_t fields_len,
                          const uint8_t sig[ABRI_SIG_BYTES], int64_t not_after);

/* ---- cases ---- */
/* Inserts a case in state new for the current week; PG_NONE on any
 * uniqueness conflict (reference or lookup hash). Fills week. */
enum pg_qs pg_insert_case(struct pg *pg, const char *case_ref,
                          const uint8_t lookup_hash[ABRI_HASH_BYTES], char week[WEEK_CHARS + 1]);
/* A case by lookup hash or reference; lock: FOR NO KEY UPDATE until the
 * transaction ends (db/pg_select_case.c). */
enum pg_qs pg_select_case_by_lookup(struct pg *pg, const uint8_t lookup_hash[ABRI_HASH_BYTES],
                                    bool lock, struct db_case *c);
enum pg_qs pg_select_case_by_ref(struct pg *pg, const char *case_ref, bool lock, struct db_case *c);
/* Closing sets purge_after retention_days on (rounded to a Monday); any
 * other state clears it. */
enum pg_qs pg_update_case_state(struct pg *pg, const char *case_ref, const char *state,
                                unsigned retention_days);
/* Sets erased and a coarse purge_after; PG_NONE if absent or erased. */
enum pg_qs pg_update_case_erase(struct pg *pg, const uint8_t lookup_hash[ABRI_HASH_BYTES]);

/* Deletes closed and erased cases past purge_after (envelopes cascade);
 * *n = how many. */
enum pg_qs pg_delete_purgeable_cases(struct pg *pg, int64_t *n);

struct db_case_row {
	struct db_case c;
	char cursor[8 + 1 + ABRI_CASE_REF_CHARS + 1]; /* "YYYYMMDD-REF" */
	int64_t envelopes;
};
/* Newest week first, then reference; state NULL = any; after_week/after_ref
 * NULL = from the start. *rows malloc'd. */
enum pg_qs pg_select_cases(struct pg *pg, const char *state, const char *after_week,
                           const char *after_ref, int limit, struct db_case_row **rows, size_t *n);

/* ---- envelopes ---- */
struct db_envelope_ref {
	char case_ref[ABRI_CASE_REF_CHARS + 1];
	int64_t pos;
	uint8_t envelope_hash[ABRI_HASH_BYTES];
	uint8_t lookup_hash[ABRI_HASH_BYTES];
	struct db_case c;
};
enum pg_qs pg_select_envelope_by_tag(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                     struct db_envelope_ref *out);
/* PG_OK if an envelope with this hash exists. */
enum pg_qs pg_select_envelope_hash(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES]);
/* Appends at the next position of the case; PG_NONE on a conflict. */
enum pg_qs pg_insert_envelope(struct pg *pg, const char *case_ref, int kind, const uint8_t *env,
                              size_t env_len, const uint8_t hash[ABRI_HASH_BYTES],
                              const uint8_t tag[ABRI_HASH_BYTES], int64_t *pos);
/* In position order; the result stays owned by the caller (PQclear):
 * column 0 pos (int4), column 1 envelope (bytea). */
enum pg_qs pg_select_envelopes(struct pg *pg, const char *case_ref, PGresult **res);

/* ---- statistics batches ---- */
/* month "YYYY-MM" (stored as its first day), random uuid id. */
enum pg_qs pg_insert_stats_batch(struct pg *pg, const char *month, const uint8_t *env,
                                 size_t env_len);
/* PG_OK with the month when a batch with these exact bytes is stored. */
enum pg_qs pg_select_stats_batch_month(struct pg *pg, const uint8_t *env, size_t env_len,
                                       char month[MONTH_CHARS + 1]);
/* The year's batches by month then id; the result stays owned by the
 * caller (PQclear): column 0 month "YYYY-MM" (text), column 1 envelope. */
enum pg_qs pg_select_stats_batches(struct pg *pg, int year, PGresult **res);

/* ---- survey (sql/0003-survey.sql, 0004-seized-copy.sql) ---- */
/* tag = BLAKE2b-256(key = pepper, "svc" || code); the last day is the
 * Sunday 26 weeks after this week's (at least 180 days). */
enum pg_qs pg_insert_survey_code(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES]);
/* Spends a code: PG_OK, or PG_NONE when unknown, spent or expired. */
enum pg_qs pg_delete_survey_code(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES]);
enum pg_qs pg_delete_expired_survey_codes(struct pg *pg);
/* Into the inbox, until the month's batch; PG_NONE if an answer with this
 * hash is there already. */
enum pg_qs pg_insert_survey_answer(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES],
                                   const uint8_t *env, size_t env_len);
/* PG_OK when an answer with this hash is stored, in the inbox or released. */
enum pg_qs pg_select_survey_answer(struct pg *pg, const uint8_t hash[ABRI_HASH_BYTES]);
/* The month's answers by envelope hash; column 0 envelope (bytea). */
enum pg_qs pg_select_survey_answers(struct pg *pg, const char *month, PGresult **res);

/* Adds n codes to the listener's count for this month; *total after. */
enum pg_qs pg_add_survey_code_count(struct pg *pg, const uint8_t key_id[ABRI_KEY_ID_BYTES],
                                    int64_t n, int64_t *total);
/* A month's counts ("YYYY-MM") by key id: column 0 key_id, 1 n (int4). */
enum pg_qs pg_select_survey_code_counts(struct pg *pg, const char *month, PGresult **res);

/* ---- replay and challenges ---- */
/* tag = replay_tag(key id, nonce); PG_NONE if seen before. The stored
 * expiry is rounded up to a whole hour. */
enum pg_qs pg_insert_replay(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t expires_at);
enum pg_qs pg_delete_expired_replay(struct pg *pg, int64_t now);
/* PG_NONE if the challenge was spent before. The stored expiry is rounded
 * up to a whole hour. */
enum pg_qs pg_insert_spent_challenge(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                     int64_t expires_at);
enum pg_qs pg_delete_expired_challenges(struct pg *pg, int64_t now);

/* ---- housekeeping (sql/0004-seized-copy.sql, housekeeping.c) ---- */
struct db_housekeeping {
	char restamped_week[DATE_CHARS + 1]; /* Monday "YYYY-MM-DD", "" = never */
	bool rewrite_pending;                /* re-stamped, tables not rewritten yet */
	char survey_month[DATE_CHARS + 1];   /* "YYYY-MM-01", "" = never */
};
enum pg_qs pg_select_housekeeping(struct pg *pg, struct db_housekeeping *h);
/* One pass at a time across instances (session advisory lock, tried). */
enum pg_qs pg_housekeeping_lock(struct pg *pg, bool *got);
enum pg_qs pg_housekeeping_unlock(struct pg *pg);
/* In the caller's transaction: re-stamps every row written since the last
 * re-stamp (*rows of them) and marks this week done, its tables pending. */
enum pg_qs pg_restamp(struct pg *pg, int64_t *rows);
/* The tables were rewritten after the re-stamp. */
enum pg_qs pg_restamp_rewritten(struct pg *pg);
/* In the caller's transaction: the inbox's answers into survey_answers
 * under month_first_day ("YYYY-MM-01"), shuffled; this month done. */
enum pg_qs pg_survey_batch(struct pg *pg, const char *month_first_day);
/* The WAL insert position in bytes; a switch to a new segment. */
enum pg_qs pg_wal_position(struct pg *pg, int64_t *pos);
enum pg_qs pg_wal_switch(struct pg *pg);

/* ---- uploads (sql/0002-uploads.sql); tag = BLAKE2b(pepper, "upl" || id) ---- */
struct db_upload {
	int64_t chunks;
	int64_t received; /* chunks stored */
	bool complete;    /* every chunk stored and the hash checked */
	char case_ref[ABRI_CASE_REF_CHARS + 1]; /* "" while unattached */
	uint8_t header[ABRI_ATTACH_HEADER_BYTES];
	uint8_t hash[ABRI_HASH_BYTES];
};
/* PG_NONE if the tag exists (a random 128-bit id: never in practice). */
enum pg_qs pg_insert_upload(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t chunks,
                            const uint8_t header[ABRI_ATTACH_HEADER_BYTES],
                            const uint8_t hash[ABRI_HASH_BYTES], int64_t expires_at);
enum pg_qs pg_select_upload(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], struct db_upload *u);
/* PG_NONE if this index is stored already. */
enum pg_qs pg_insert_upload_chunk(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t idx,
                                  const uint8_t *chunk, size_t len);
/* Column 0 chunk (bytea); the caller PQclears. */
enum pg_qs pg_select_upload_chunk(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES], int64_t idx,
                                  PGresult **res);
/* In index order: column 0 idx (int4), column 1 chunk (bytea). */
enum pg_qs pg_select_upload_chunks(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   PGresult **res);
/* Column 0 idx (int4), in order. */
enum pg_qs pg_select_upload_indices(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                    PGresult **res);
enum pg_qs pg_update_upload_complete(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES]);
/* An unattached upload's expiry, moved to expires_at if that is later. */
enum pg_qs pg_update_upload_expiry(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   int64_t expires_at);
enum pg_qs pg_delete_upload_chunks(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES]);
/* PG_NONE unless complete and unattached. */
enum pg_qs pg_update_upload_attach(struct pg *pg, const uint8_t tag[ABRI_HASH_BYTES],
                                   const char *case_ref);
/* Sum of the chunk counts of the uploads attached to the case; case_ref
 * NULL: of the uploads attached to no case. */
enum pg_qs pg_select_case_upload_chunks(struct pg *pg, const char *case_ref, int64_t *chunks);
/* Unattached uploads with expires_at <= now; *n = how many. */
enum pg_qs pg_delete_expired_uploads(struct pg *pg, int64_t now, int64_t *n);

#endif
