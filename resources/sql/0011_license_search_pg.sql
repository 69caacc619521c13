-- LMO Desk schema, version 11, on PostgreSQL: nothing yet. The license search's substring index
-- is SQLite's FTS5 trigram table (0011_license_search.sql). pg_trgm GIN indexes on name, account
-- name and org id served the search here (8 ms for a license name at 1M instead of 1.3 s), but
-- made an import into a table with licenses crawl (20,000 rows of varied text: 56 s instead of
-- under 2 s, each row's trigrams inserted into three GIN indexes); until that is solved a team
-- database searches with ILIKE, reading every license, as before.
SELECT 1;
