-- SPDX-License-Identifier: AGPL-3.0-or-later
-- abri schema, version 5: recipient list versions up to 2^32 - 1.
--
-- docs/protocol.md lets a list version be any integer 1 … 2^32 − 1, but
-- recipient_lists.version was an int (signed 32 bits), so a list signed
-- with a version of 2^31 or more could not be stored (abrid answered 500).
-- bigint holds the whole range; the CHECK keeps the protocol's bounds so
-- the column never holds what no verifier accepts. Nothing else refers to
-- the column (envelopes carry their list version inside the sealed
-- header, not in a column). The type change rewrites the table, which
-- holds one row per list ever accepted: a moment's lock.

ALTER TABLE recipient_lists ALTER COLUMN version TYPE bigint;
ALTER TABLE recipient_lists DROP CONSTRAINT recipient_lists_version_check;
ALTER TABLE recipient_lists ADD CONSTRAINT recipient_lists_version_check
  CHECK (version >= 1 AND version <= 4294967295);

INSERT INTO abri_patches (version, name) VALUES (5, 'list-version-bigint');
