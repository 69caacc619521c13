-- LMO Desk schema, version 12, on PostgreSQL: nothing. The dashboard's image of the licenses
-- (0012_license_image.sql) is for SQLite files; a team database sums the dashboard's figures on
-- the server, where each login sees only the licenses its row-level policies let it see, which
-- one shared image could not respect.
SELECT 1;
