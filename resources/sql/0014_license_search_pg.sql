-- LMO Desk schema, version 14, on PostgreSQL: the license search's substring index. One pg_trgm
-- GIN index over the three texts a search reads, joined by spaces, so that ILIKE '%text%' finds
-- its candidates through it instead of reading every license (the exact ILIKE on each column
-- still decides). One index over an expression, not one per column as first tried in schema 11:
-- with a GIN trigram index on org_id itself, the planner chose it for the importer's
-- "org_id = ?" lookups (pg_trgm serves "=" too), whose common trigrams ("00D", "D5f", "000")
-- are in every row, and a careful import of 20,000 rows took 56 s. No lookup is written
-- against the joined expression, so none can pick this index.
-- pg_trgm is a trusted extension: a login that may create in the database installs it, into a
-- schema of its own (lmodesk_ext) that no LMO Desk schema's removal takes with it. Where it
-- cannot be installed the search reads every license, as before, and nothing else changes.
-- (Statements inside the block end in a comment: the migration splits at lines ending in ";".)
DO $$
DECLARE
    ext_schema text; -- where pg_trgm is
BEGIN
    PERFORM pg_advisory_xact_lock(7201101); -- two schemas migrated at once install it once
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; -- installed already?
    IF ext_schema IS NULL THEN
        BEGIN
            CREATE SCHEMA IF NOT EXISTS lmodesk_ext; -- the extension's own
            CREATE EXTENSION pg_trgm SCHEMA lmodesk_ext; -- trusted: CREATE on the database is enough
            ext_schema := 'lmodesk_ext'; -- installed
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm could not be installed (%): the license search reads every license', SQLERRM; -- not fatal
            RETURN; -- no trigram index
        END; -- the install
    END IF; -- installed
    EXECUTE format('CREATE INDEX IF NOT EXISTS licenses_search_trgm ON licenses USING gin '
                   '((coalesce(name, '''') || '' '' || coalesce(account_name, '''') || '' '' || coalesce(org_id, '''')) %I.gin_trgm_ops)',
                   ext_schema); -- the three texts
END $$;
