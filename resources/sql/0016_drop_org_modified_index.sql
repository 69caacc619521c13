-- LMO Desk schema, version 16: one license index fewer.
-- licenses_org_modified (org_id, last_modified) came with the subscriber summary (schema 4), for
-- an org's most recent license. The summary is now worked out from each org's licenses read in
-- org order, which licenses_org_package (org_id, package_ref, lmo_ref) gives as well, and no
-- other statement reads last_modified by org. Every license written no longer updates it, and an
-- import of a million licenses builds one 0.7-second index fewer.
-- (A bulk load stopped before building it may still list it: that entry goes too.)
DROP INDEX IF EXISTS licenses_org_modified;
DELETE FROM deferred_indexes WHERE name = 'licenses_org_modified';
