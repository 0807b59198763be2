-- SPDX-License-Identifier: AGPL-3.0-or-later
-- abri schema, version 3: the satisfaction survey (docs/protocol.md,
-- Survey; docs/api.md, POST /v1/staff/survey-codes, POST /v1/survey,
-- GET /v1/audit/surveys).
--
-- Why these tables hold so little: a survey answer must not be linkable
-- to a case, to the listener who handed out its code, or to the moment
-- it arrived. So a code is stored only as BLAKE2b-256(key = pepper,
-- "svc" || code) — no case reference, no registering listener — with a
-- day-rounded expiry, and it is deleted when spent (nothing remembers
-- which code was used). An answer is stored under its envelope hash
-- (random-looking, so the key says nothing about insertion order) with
-- the month it arrived in; auditors get a month only after it has ended,
-- sorted by hash. There is no timestamp, no sequence and no column
-- shared with cases or envelopes.

CREATE TABLE survey_codes (
  -- BLAKE2b-256(key = pepper, "svc" || the 12-character code).
  tag bytea PRIMARY KEY CHECK (octet_length(tag) = 32),
  -- Last day the code may be spent (180 days after registration).
  expires date NOT NULL
);

CREATE INDEX survey_codes_expires ON survey_codes (expires);

CREATE TABLE survey_answers (
  -- BLAKE2b-256 of the envelope: deduplicates a retried answer.
  envelope_hash bytea PRIMARY KEY CHECK (octet_length(envelope_hash) = 32),
  -- First day of the (UTC) month the answer arrived in.
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  -- Sealed to the auditors only (kind survey, unsigned).
  envelope bytea NOT NULL
);

CREATE INDEX survey_answers_month ON survey_answers (month, envelope_hash);

INSERT INTO abri_patches (version, name) VALUES (3, 'survey');
