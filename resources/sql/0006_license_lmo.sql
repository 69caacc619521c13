-- LMO Desk schema, version 6: the LMO each license came from.
-- lmo_ref is the id of the LMO's row in lmo_profiles. A database's first LMO is row 1, which is
-- also what every license recorded before this version, or before any LMO was designated,
-- belongs to: the default. A switch of LMO adds a row; the licenses imported from the new org
-- carry its id. The LMA keeps one license per package per org in each LMO: an org that
-- reinstalls a package after the switch has a license in both, so the pair is unique per LMO.
-- The subscriber summary keeps which LMOs an org has licenses from as bits (bit n-1: LMO n), so
-- that Subscribers can show one LMO without reading every license.

ALTER TABLE licenses ADD COLUMN lmo_ref ${BIGINT} NOT NULL DEFAULT 1;
-- The first LMO is a row from now on, described or not: the wizard fills it in.
INSERT INTO lmo_profiles (data, is_current) SELECT '{}', 1 WHERE NOT EXISTS (SELECT 1 FROM lmo_profiles);
-- A database that recorded a switch before this version: each license goes to the LMO of its
-- install day, as the LMA files them (installs before the switch stay in the old LMO).
UPDATE licenses SET lmo_ref = CASE WHEN install_date IS NULL THEN (SELECT MIN(id) FROM lmo_profiles) ELSE COALESCE((SELECT MIN(p.id) FROM lmo_profiles p WHERE p.replaced_on IS NOT NULL AND licenses.install_date < p.replaced_on), (SELECT MAX(id) FROM lmo_profiles)) END WHERE EXISTS (SELECT 1 FROM lmo_profiles WHERE replaced_on IS NOT NULL);
DROP INDEX IF EXISTS licenses_org_package;
DELETE FROM deferred_indexes WHERE name = 'licenses_org_package';
CREATE UNIQUE INDEX licenses_org_package ON licenses (org_id, package_ref, lmo_ref);
ALTER TABLE subscribers ADD COLUMN lmo_mask ${BIGINT} NOT NULL DEFAULT 1;
-- After such a split the org summary's bits are rebuilt (as deferred work).
INSERT INTO deferred_indexes (name, definition) SELECT '~subscribers', 'REBUILD SUBSCRIBERS' WHERE EXISTS (SELECT 1 FROM lmo_profiles WHERE replaced_on IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM deferred_indexes WHERE name = '~subscribers');
