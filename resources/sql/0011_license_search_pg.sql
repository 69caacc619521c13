-- LMO Desk schema, version 11, on PostgreSQL: nothing yet. The license search's substring index
-- is SQLite's FTS5 trigram table (0011_license_search.sql); a team database searches with
-- ILIKE as before (pg_trgm is the counterpart to add).
SELECT 1;
