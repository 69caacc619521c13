-- LMO Desk schema, version 6: the LMO each license came from.
-- lmo_ref is the id of the LMO's row in lmo_profiles. A database's first LMO is row 1, which is
-- also what every license recorded before this version, or before any LMO was designated,
-- belongs to: the default. A switch of LMO adds a row; the licenses imported from the new org
-- carry its id. The LMA keeps one license per package per org in each LMO: an org that
-- reinstalls a package after the switch has a license in both, so the pair is unique per LMO.
-- The subscriber summary keeps which LMOs an org has licenses from as bits (bit n-1: LMO n), so
-- that Subscribers can show one LMO without reading every license.

ALTER TABLE licenses ADD COLUMN lmo_ref ${BIGINT} NOT NULL DEFAULT 1;
DROP INDEX IF EXISTS licenses_org_package;
DELETE FROM deferred_indexes WHERE name = 'licenses_org_package';
CREATE UNIQUE INDEX licenses_org_package ON licenses (org_id, package_ref, lmo_ref);
ALTER TABLE subscribers ADD COLUMN lmo_mask ${BIGINT} NOT NULL DEFAULT 1;
