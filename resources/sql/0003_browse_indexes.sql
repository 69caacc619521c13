-- LMO Desk schema, version 3: an index for every column the license list sorts or filters by,
-- so that the first rows of any sort, and the last, are read in index order rather than after
-- sorting a million rows.
-- Expiration sorts dated licenses first and "does not expire" (NULL) after them.

DROP INDEX licenses_expiration;
CREATE INDEX licenses_expiration ON licenses ((expiration IS NULL), expiration);
CREATE INDEX licenses_version ON licenses (version_number);
CREATE INDEX licenses_seats ON licenses (seats);
CREATE INDEX licenses_used ON licenses (used_licenses);
CREATE INDEX licenses_edition ON licenses (org_edition);
CREATE INDEX licenses_instance ON licenses (org_instance);
CREATE INDEX licenses_org_status ON licenses (org_status);
CREATE INDEX licenses_sandbox ON licenses (is_sandbox);
