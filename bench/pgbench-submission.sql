-- SPDX-License-Identifier: AGPL-3.0-or-later
-- PostgreSQL's own ceiling for one POST /v1/cases (docs/benchmarks.md,
-- "Server"): the statements abrid's create_txn runs (src/abrid/h_cases_create.c,
-- src/abrid/envcheck.c, src/abrid/db/pg_*.c), in one SERIALIZABLE
-- transaction, one round trip each, with the same rows written:
--   - a cases row: random 10-character Crockford base32 reference, a
--     32-byte lookup hash, the week (Monday of the current UTC week);
--   - an envelopes row at pos 1, kind 1 (report), the envelope bytes
--     (:env, a real sealed 4 KiB-bucket report given with
--     -D env=\x<hex>), a 32-byte envelope hash and a 32-byte submission tag.
-- The hashes are fresh per transaction (SHA-256 of pgbench random numbers:
-- unique, and they satisfy the CHECKs); the reads probe the same indexes
-- with the same keys as abrid's (dedupe by tag, case by lookup hash,
-- envelope by hash), and find nothing, as for a new report. Durability is
-- the cluster's (synchronous_commit = on, fsync = on in src/scripts/pg.sh).
-- Run with -M prepared (abrid prepares its statements) and as many clients
-- as abrid has worker threads (each holds one connection):
--   pgbench -n -M prepared -c THREADS -j THREADS -T 20 \
--     -D env='\x…' -f bench/pgbench-submission.sql DSN
\set s1 random(0, 4611686018427387903)
\set s2 random(0, 4611686018427387903)
\set l1 random(0, 4611686018427387903)
\set l2 random(0, 4611686018427387903)
\set h1 random(0, 4611686018427387903)
\set h2 random(0, 4611686018427387903)
\set c0 random(1, 32)
\set c1 random(1, 32)
\set c2 random(1, 32)
\set c3 random(1, 32)
\set c4 random(1, 32)
\set c5 random(1, 32)
\set c6 random(1, 32)
\set c7 random(1, 32)
\set c8 random(1, 32)
\set c9 random(1, 32)
BEGIN ISOLATION LEVEL SERIALIZABLE;
-- dedupe: a retry of this submission id?
SELECT c.case_ref, c.state, to_char(c.week, 'IYYY-"W"IW'), to_char(c.purge_after, 'YYYY-MM-DD'),
       e.pos, e.envelope_hash, c.lookup_hash
  FROM envelopes e JOIN cases c ON c.case_ref = e.case_ref
 WHERE e.submission_tag = sha256(int8send(:s1) || int8send(:s2));
-- the current recipient list
SELECT version, not_after FROM recipient_lists ORDER BY version DESC LIMIT 1;
-- this envelope already stored?
SELECT 1 FROM envelopes WHERE envelope_hash = sha256(int8send(:h1) || int8send(:h2));
-- a case with this lookup key?
SELECT c.case_ref, c.state, to_char(c.week, 'IYYY-"W"IW'), to_char(c.purge_after, 'YYYY-MM-DD')
  FROM cases c WHERE c.lookup_hash = sha256(int8send(:l1) || int8send(:l2));
INSERT INTO cases (case_ref, lookup_hash, week)
  VALUES (substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c0, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c1, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c2, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c3, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c4, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c5, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c6, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c7, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c8, 1) ||
          substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', :c9, 1),
          sha256(int8send(:l1) || int8send(:l2)),
          date_trunc('week', now() AT TIME ZONE 'UTC')::date)
  ON CONFLICT DO NOTHING
  RETURNING case_ref, to_char(week, 'IYYY-"W"IW') AS week \gset
INSERT INTO envelopes (case_ref, pos, kind, envelope, envelope_hash, submission_tag)
  SELECT :case_ref::text, coalesce(max(pos), 0) + 1, 1::smallint, :env::bytea,
         sha256(int8send(:h1) || int8send(:h2)), sha256(int8send(:s1) || int8send(:s2))
    FROM envelopes WHERE case_ref = :case_ref::text
  ON CONFLICT DO NOTHING
  RETURNING pos;
COMMIT;
