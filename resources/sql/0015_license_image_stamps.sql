-- LMO Desk schema, version 15, on SQLite: nothing. A file keeps the image of the licenses itself
-- (schema 12); a team database keeps only the stamps its readers check their copies against
-- (0015_license_image_stamps_pg.sql).
SELECT 1;
