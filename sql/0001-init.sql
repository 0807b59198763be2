-- SPDX-License-Identifier: AGPL-3.0-or-later
-- abri schema, version 1.
--
-- Why there is no timestamp anywhere: a seized database, its WAL or a
-- backup must not tell when a person reported, wrote or erased, nor let
-- anyone line up a case with a visit to the safe place or a network log.
-- So no table has a created_at/updated_at column and no state change is
-- dated. The only dates are the creation week of a case (the Monday of
-- its ISO week, which the proof of receipt also states) and purge_after,
-- a coarse retention date. Case references are random (libabri), never
-- sequential, and no identifier column uses a sequence, so keys do not
-- reveal insertion order either. Expiry columns of the replay and
-- challenge tables are unix seconds in the near future and hold no case
-- link. What PostgreSQL records by itself (commit timestamps in WAL,
-- physical row order) is covered in docs/operations.md and SECURITY.md:
-- run with track_commit_timestamp = off and keep no long-term WAL archive.
--
-- Nothing here holds an address, user agent, token, lookup key or
-- submission id: lookups and submission ids are stored only as BLAKE2b
-- hashes keyed with the pepper, a key file outside the database.

-- No BEGIN/COMMIT: the runner (abri admin migrate) wraps each file in one
-- transaction under an advisory lock.

CREATE TABLE abri_patches (
  version int PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE cases (
  -- 10 Crockford base32 characters, random.
  case_ref text PRIMARY KEY
    CHECK (case_ref ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
  -- BLAKE2b-256(key = pepper, lookup key).
  lookup_hash bytea NOT NULL UNIQUE CHECK (octet_length(lookup_hash) = 32),
  state text NOT NULL DEFAULT 'new'
    CHECK (state IN ('new', 'open', 'closed', 'erased')),
  -- Monday of the ISO week the case was created.
  week date NOT NULL CHECK (extract(isodow FROM week) = 1),
  purge_after date NULL
);

CREATE INDEX cases_week_ref ON cases (week DESC, case_ref);

CREATE TABLE envelopes (
  case_ref text NOT NULL REFERENCES cases (case_ref) ON DELETE CASCADE,
  -- Position in the case, 1 = the report.
  pos int NOT NULL CHECK (pos >= 1),
  kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 7),
  envelope bytea NOT NULL,
  -- BLAKE2b-256 of the envelope.
  envelope_hash bytea NOT NULL UNIQUE CHECK (octet_length(envelope_hash) = 32),
  -- BLAKE2b-256(key = pepper, "sub" || submission id), never the raw id:
  -- retries are deduplicated without storing a client-chosen identifier.
  submission_tag bytea NOT NULL UNIQUE CHECK (octet_length(submission_tag) = 32),
  PRIMARY KEY (case_ref, pos)
);

-- Every recipient list ever accepted (old messages stay verifiable); the
-- current list is the highest version. fields/sig are stored verbatim as
-- signed by the organisation key.
CREATE TABLE recipient_lists (
  version int PRIMARY KEY CHECK (version >= 1),
  fields bytea NOT NULL,
  sig bytea NOT NULL CHECK (octet_length(sig) = 64),
  not_after bigint NOT NULL
);

-- Nonces of signed staff requests, kept until expiry (unix seconds) so a
-- replay fails on every instance. No case reference, no request content.
CREATE TABLE request_replay (
  key_id bytea NOT NULL CHECK (octet_length(key_id) = 16),
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 16),
  expires_at bigint NOT NULL,
  PRIMARY KEY (key_id, nonce)
);

CREATE INDEX request_replay_expires ON request_replay (expires_at);

-- Proof-of-work challenges already used, until they expire.
CREATE TABLE spent_challenges (
  tag bytea PRIMARY KEY CHECK (octet_length(tag) = 32),
  expires_at bigint NOT NULL
);

CREATE INDEX spent_challenges_expires ON spent_challenges (expires_at);

-- Sealed monthly statistics batches (a later issue fills this). The id
-- is random, chosen by the inserting code; month is the first day of the
-- month the batch covers.
CREATE TABLE stats_batches (
  id uuid PRIMARY KEY,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  envelope bytea NOT NULL
);

INSERT INTO abri_patches (version, name) VALUES (1, 'init');
