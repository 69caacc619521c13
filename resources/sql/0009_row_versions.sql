-- LMO Desk schema, version 9: a version number on every license.
-- Each change to a license raises it by one (LMO Desk's own writes do; on a team database a
-- trigger does it for every client, psql included). Modify License reads it with the license and
-- writes only if it is still the same: two people editing the same license at once never
-- overwrite each other's change unseen; the second is told, and shown what the other did.
ALTER TABLE licenses ADD COLUMN row_version ${BIGINT} NOT NULL DEFAULT 1;
