-- SPDX-License-Identifier: AGPL-3.0-or-later
-- abri schema, version 2: attachment uploads (docs/protocol.md,
-- Attachments; docs/api.md, Uploads).
--
-- An upload is a file's ciphertext (crypto_secretstream, key inside the
-- referencing envelope, never here), sent chunk by chunk before the report
-- or message that references it, then attached to the case in the same
-- transaction as that envelope.
--
-- Why no timestamps, as in 0001: the time a person sent a photo or a voice
-- note is as telling as the time they reported. So no created_at, no
-- received_at per chunk. The only date is expires_at, kept only while an
-- upload is unattached (so the purge can drop abandoned ones), rounded up
-- to the hour so it does not date the upload to the second, and set to
-- NULL the moment the upload is attached: an attached upload carries no
-- date at all and lives exactly as long as its case (ON DELETE CASCADE).
-- The client's upload id is never stored: only BLAKE2b-256(key = pepper,
-- "upl" || id), so the database alone cannot be used to fetch an upload
-- with an id seen elsewhere (a log, a phone). Uploads are keyed by that
-- random-looking tag, never by a sequence.

CREATE TABLE uploads (
  -- BLAKE2b-256(key = pepper, "upl" || upload id).
  tag bytea PRIMARY KEY CHECK (octet_length(tag) = 32),
  -- Number of 65553-byte chunks; the ciphertext is 24 + chunks * 65553.
  chunks int NOT NULL CHECK (chunks >= 1),
  -- The secretstream header (first 24 bytes of the ciphertext).
  header bytea NOT NULL CHECK (octet_length(header) = 24),
  -- BLAKE2b-256 of the whole ciphertext, as announced by the client.
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  -- Every chunk received and the hash checked.
  complete boolean NOT NULL DEFAULT false,
  -- The case it is attached to; NULL while unattached.
  case_ref text NULL REFERENCES cases (case_ref) ON DELETE CASCADE,
  -- Unix seconds (a whole hour) after which an unattached upload is
  -- purged; NULL once attached.
  expires_at bigint NULL,
  CHECK ((case_ref IS NULL) <> (expires_at IS NULL)),
  CHECK (case_ref IS NULL OR complete)
);

CREATE INDEX uploads_case ON uploads (case_ref);
CREATE INDEX uploads_expires ON uploads (expires_at);

CREATE TABLE upload_chunks (
  tag bytea NOT NULL REFERENCES uploads (tag) ON DELETE CASCADE,
  idx int NOT NULL CHECK (idx >= 0),
  chunk bytea NOT NULL CHECK (octet_length(chunk) = 65553),
  PRIMARY KEY (tag, idx)
);

-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE upload_chunks ALTER COLUMN chunk SET STORAGE EXTERNAL;

INSERT INTO abri_patches (version, name) VALUES (2, 'uploads');
