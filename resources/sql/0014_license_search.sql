-- LMO Desk schema, version 14, on SQLite: nothing. The substring index of a team database
-- (0014_license_search_pg.sql); an SQLite file has had its own since version 11 (FTS5).
SELECT 1;
