-- LMO Desk schema, version 8, on PostgreSQL: each sort's index ends in id.
-- The license list breaks ties by id (ORDER BY seats, id), and places a NULL in a later key
-- first (ORDER BY status, expiration NULLS FIRST, id), so that it reads the same on both
-- engines. A PostgreSQL index on (seats) alone gives the rows in seats order but not in id order
-- within a seat count: the first 256 rows of a sort then meant sorting every license of the
-- first value (a fifth of the table for a status, half of it for a sandbox flag). Each index
-- below keeps its name and leading columns and ends in the sort's full key; the id list of the
-- default order (install date, newest first) is then one index-only scan. (licenses_name too:
-- names are all but unique, but the licenses without one are a segment of their own, sorted by
-- id. licenses_org_package stays: (org_id, package_ref, lmo_ref) is unique, and the org sort has
-- no tie-break.) (SQLite's indexes end in the rowid already: its script for this version
-- changes nothing.)
-- The indexes of the columns the license list filters by also carry install_date (INCLUDE): the
-- default order splits the list into its dated and undated licenses, so each count of a filter
-- asks install_date IS [NOT] NULL too, and is then answered from the index alone rather than by
-- reading a tenth of the table's pages for a tenth of its rows.
-- An index still waiting in deferred_indexes (a bulk load stopped before building it) is built
-- here, in its new form, rather than later in its old one.
DROP INDEX IF EXISTS licenses_name;
DELETE FROM deferred_indexes WHERE name = 'licenses_name';
CREATE INDEX licenses_name ON licenses (name, id);
DROP INDEX IF EXISTS licenses_account_name;
DELETE FROM deferred_indexes WHERE name = 'licenses_account_name';
CREATE INDEX licenses_account_name ON licenses (account_name, id);
DROP INDEX IF EXISTS licenses_package;
DELETE FROM deferred_indexes WHERE name = 'licenses_package';
CREATE INDEX licenses_package ON licenses (package_ref, install_date, id);
DROP INDEX IF EXISTS licenses_version;
DELETE FROM deferred_indexes WHERE name = 'licenses_version';
CREATE INDEX licenses_version ON licenses (version_number, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_status;
DELETE FROM deferred_indexes WHERE name = 'licenses_status';
CREATE INDEX licenses_status ON licenses (status, expiration NULLS FIRST, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_seats;
DELETE FROM deferred_indexes WHERE name = 'licenses_seats';
CREATE INDEX licenses_seats ON licenses (seats, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_used;
DELETE FROM deferred_indexes WHERE name = 'licenses_used';
CREATE INDEX licenses_used ON licenses (used_licenses, id);
DROP INDEX IF EXISTS licenses_expiration;
DELETE FROM deferred_indexes WHERE name = 'licenses_expiration';
CREATE INDEX licenses_expiration ON licenses ((expiration IS NULL), expiration NULLS FIRST, id);
DROP INDEX IF EXISTS licenses_install_date;
DELETE FROM deferred_indexes WHERE name = 'licenses_install_date';
CREATE INDEX licenses_install_date ON licenses (install_date, id);
DROP INDEX IF EXISTS licenses_edition;
DELETE FROM deferred_indexes WHERE name = 'licenses_edition';
CREATE INDEX licenses_edition ON licenses (org_edition, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_instance;
DELETE FROM deferred_indexes WHERE name = 'licenses_instance';
CREATE INDEX licenses_instance ON licenses (org_instance, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_org_status;
DELETE FROM deferred_indexes WHERE name = 'licenses_org_status';
CREATE INDEX licenses_org_status ON licenses (org_status, id) INCLUDE (install_date);
DROP INDEX IF EXISTS licenses_sandbox;
DELETE FROM deferred_indexes WHERE name = 'licenses_sandbox';
CREATE INDEX licenses_sandbox ON licenses (is_sandbox, id) INCLUDE (install_date);
