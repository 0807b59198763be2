-- SPDX-License-Identifier: AGPL-3.0-or-later
-- abri schema, version 4: what a copy of the server shows (SECURITY.md,
-- "What a copy of the server shows"; docs/operations.md, "Housekeeping").
--
-- Rows carry no timestamp (0001), but PostgreSQL links rows by itself: the
-- id of the transaction that wrote a row (xmin) is shared by everything
-- that transaction wrote and is one more than the transaction before; rows
-- sit in the table files in the order they were written; values too large
-- for a page go to a TOAST table under an object id from one counter that
-- only grows. A row with a clock in it, written in or next to the
-- transaction that stored a case, dated the case; a row naming a staff
-- key, next to a state change, named the listener who made it. So:
--
--  * short-lived rows (replay nonces, spent challenges) hold no key id and
--    no time finer than the hour, and a timer deletes them and rewrites
--    their tables (no dead tuple stays);
--  * when a week ends, abrid's housekeeping re-stamps every row written
--    since the last re-stamp in one transaction, row by row in random
--    order (a new xmin shared by the whole week, new TOAST ids in random
--    order), then rewrites each table in primary-key order, which is
--    random (CLUSTER: no dead tuple, no trace of the old order or xmin);
--  * survey answers wait in survey_inbox and move to survey_answers in
--    one shuffled batch when their month ends, apart from the transaction
--    that spent their code; the spent codes' dead rows go with the batch;
--  * no autovacuum or autoanalyze on these tables: their run times would
--    follow activity and PostgreSQL records them (pg_stat_user_tables);
--    the housekeeping vacuums on its own timer; identifier columns get
--    no planner statistics (pg_statistic would keep sample values after
--    the rows are gone).
--
-- tests/integration/forensic.sh reads a copy of the data directory as an
-- attacker would and checks all of this.

-- Replay nonces of signed staff requests: a keyed hash of (key id, nonce),
-- never the key id, and the expiry rounded up to a whole hour. Existing
-- rows expire within minutes; they are dropped rather than converted.
DROP TABLE request_replay;
CREATE TABLE request_replay (
  -- BLAKE2b-256(key = pepper, "rpl" || key id || nonce).
  tag bytea PRIMARY KEY CHECK (octet_length(tag) = 32),
  -- Unix seconds, a whole hour, at or after the nonce may be forgotten.
  expires_at bigint NOT NULL CHECK (expires_at % 3600 = 0)
);
CREATE INDEX request_replay_expires ON request_replay (expires_at);

-- Spent challenges: the expiry rounded up to a whole hour.
UPDATE spent_challenges SET expires_at = (expires_at + 3599) / 3600 * 3600;
ALTER TABLE spent_challenges ADD CONSTRAINT spent_challenges_hour CHECK (expires_at % 3600 = 0);

-- Survey codes: the last day is a Sunday (registered week + 26 weeks), so
-- a code dates its registration to the week, not the day.
UPDATE survey_codes SET expires = date_trunc('week', expires)::date + 6
  WHERE extract(isodow FROM expires) <> 7;
ALTER TABLE survey_codes ADD CONSTRAINT survey_codes_sunday CHECK (extract(isodow FROM expires) = 7);

-- Survey answers of the current month, until the monthly batch moves them
-- to survey_answers (housekeeping).
CREATE TABLE survey_inbox (
  -- BLAKE2b-256 of the envelope: deduplicates a retried answer.
  envelope_hash bytea PRIMARY KEY CHECK (octet_length(envelope_hash) = 32),
  envelope bytea NOT NULL
);

-- Survey codes registered per listener and month: a quota against a
-- listener answering the survey themselves, and counts for the auditors.
CREATE TABLE survey_code_counts (
  -- The listener's Ed25519 key id.
  key_id bytea NOT NULL CHECK (octet_length(key_id) = 16),
  -- First day of the UTC month.
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  n int NOT NULL CHECK (n >= 0),
  PRIMARY KEY (key_id, month)
);

-- The housekeeping's own state, one row.
CREATE TABLE housekeeping (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  -- Monday of the week in which the last re-stamp ran: every row written
  -- before it has been re-stamped. NULL: never.
  restamped_week date NULL CHECK (extract(isodow FROM restamped_week) = 1),
  -- That re-stamp's transaction id: rows with a newer xmin were written
  -- since.
  restamp_xid xid8 NULL,
  -- The tables still to be rewritten after the last re-stamp.
  rewrite_pending boolean NOT NULL DEFAULT false,
  -- First day of the month in which the last survey batch ran.
  survey_month date NULL CHECK (extract(day FROM survey_month) = 1)
);
INSERT INTO housekeeping DEFAULT VALUES;

-- x (an xmin) is newer than the transaction since (NULL: everything is).
-- age() counts back from the current transaction; permanent ids (frozen
-- rows) are INT_MAX old.
CREATE FUNCTION abri_written_since(x xid, since xid8) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT since IS NULL
      OR age(x) < age(((since::text::numeric % 4294967296)::bigint)::text::xid)
$$;

-- The re-stamp: every row written since the last one, rewritten row by
-- row in an order drawn from the strong random generator, so the whole
-- batch shares this transaction's id and large values get new TOAST ids
-- in that order (`col || ''` makes a new value; `col = col` would keep
-- the old TOAST pointer). Runs in the caller's transaction; this_week is
-- the Monday of the current week by abrid's clock. Returns the number of
-- rows. The caller then rewrites each table (CLUSTER).
CREATE FUNCTION abri_restamp(this_week date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  since xid8;
  t record;
  r record;
  n bigint := 0;
BEGIN
  SELECT restamp_xid INTO since FROM housekeeping FOR UPDATE;
  FOR t IN SELECT * FROM (VALUES
      ('cases', 'state = state'),
      ('envelopes', 'envelope = envelope || ''''::bytea'),
      ('uploads', 'header = header'),
      ('upload_chunks', 'chunk = chunk || ''''::bytea'),
      ('stats_batches', 'envelope = envelope || ''''::bytea'),
      ('survey_answers', 'envelope = envelope || ''''::bytea'),
      ('survey_inbox', 'envelope = envelope || ''''::bytea'),
      ('survey_codes', 'expires = expires'),
      ('survey_code_counts', 'n = n'),
      ('recipient_lists', 'fields = fields || ''''::bytea')) AS v(tab, touch)
  LOOP
    FOR r IN EXECUTE format(
        'SELECT ctid FROM %I WHERE abri_written_since(xmin, $1) ORDER BY gen_random_uuid()',
        t.tab) USING since
    LOOP
      EXECUTE format('UPDATE %I SET %s WHERE ctid = $1', t.tab, t.touch) USING r.ctid;
      n := n + 1;
    END LOOP;
  END LOOP;
  UPDATE housekeeping SET restamp_xid = pg_current_xact_id(), rewrite_pending = true,
    restamped_week = this_week;
  RETURN n;
END
$$;

-- No autovacuum, no autoanalyze on abri's tables (and their TOAST): the
-- housekeeping vacuums and analyses on its timer. (PostgreSQL still runs
-- its anti-wraparound vacuum when it must.)
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cases', 'envelopes', 'recipient_lists', 'request_replay',
      'spent_challenges', 'stats_batches', 'uploads', 'upload_chunks', 'survey_codes',
      'survey_answers', 'survey_inbox', 'survey_code_counts', 'housekeeping']
  LOOP
    EXECUTE format('ALTER TABLE %I SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)', t);
  END LOOP;
END
$$;

-- No planner statistics on identifiers and blobs: ANALYZE would keep
-- sample values (lookup hashes, tags, references) in pg_statistic after
-- the rows themselves are deleted.
ALTER TABLE cases ALTER COLUMN case_ref SET STATISTICS 0,
  ALTER COLUMN lookup_hash SET STATISTICS 0;
ALTER TABLE envelopes ALTER COLUMN case_ref SET STATISTICS 0,
  ALTER COLUMN envelope SET STATISTICS 0, ALTER COLUMN envelope_hash SET STATISTICS 0,
  ALTER COLUMN submission_tag SET STATISTICS 0;
ALTER TABLE request_replay ALTER COLUMN tag SET STATISTICS 0;
ALTER TABLE spent_challenges ALTER COLUMN tag SET STATISTICS 0;
ALTER TABLE stats_batches ALTER COLUMN id SET STATISTICS 0,
  ALTER COLUMN envelope SET STATISTICS 0;
ALTER TABLE uploads ALTER COLUMN tag SET STATISTICS 0, ALTER COLUMN header SET STATISTICS 0,
  ALTER COLUMN hash SET STATISTICS 0, ALTER COLUMN case_ref SET STATISTICS 0;
ALTER TABLE upload_chunks ALTER COLUMN tag SET STATISTICS 0,
  ALTER COLUMN chunk SET STATISTICS 0;
ALTER TABLE survey_codes ALTER COLUMN tag SET STATISTICS 0;
ALTER TABLE survey_answers ALTER COLUMN envelope_hash SET STATISTICS 0,
  ALTER COLUMN envelope SET STATISTICS 0;
ALTER TABLE survey_inbox ALTER COLUMN envelope_hash SET STATISTICS 0,
  ALTER COLUMN envelope SET STATISTICS 0;
ALTER TABLE survey_code_counts ALTER COLUMN key_id SET STATISTICS 0;

-- Statistics already gathered by autoanalyze hold such samples: changing
-- a column's type (here to the same type: nothing is rewritten) drops its
-- statistics, and needs only ownership of the table.
ALTER TABLE cases ALTER COLUMN case_ref TYPE text, ALTER COLUMN lookup_hash TYPE bytea;
ALTER TABLE envelopes ALTER COLUMN case_ref TYPE text, ALTER COLUMN envelope TYPE bytea,
  ALTER COLUMN envelope_hash TYPE bytea, ALTER COLUMN submission_tag TYPE bytea;
ALTER TABLE spent_challenges ALTER COLUMN tag TYPE bytea;
ALTER TABLE stats_batches ALTER COLUMN id TYPE uuid, ALTER COLUMN envelope TYPE bytea;
ALTER TABLE uploads ALTER COLUMN tag TYPE bytea, ALTER COLUMN header TYPE bytea,
  ALTER COLUMN hash TYPE bytea, ALTER COLUMN case_ref TYPE text;
ALTER TABLE upload_chunks ALTER COLUMN tag TYPE bytea, ALTER COLUMN chunk TYPE bytea;
ALTER TABLE survey_codes ALTER COLUMN tag TYPE bytea;
ALTER TABLE survey_answers ALTER COLUMN envelope_hash TYPE bytea,
  ALTER COLUMN envelope TYPE bytea;

INSERT INTO abri_patches (version, name) VALUES (4, 'seized-copy');
