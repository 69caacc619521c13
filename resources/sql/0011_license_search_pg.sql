-- LMO Desk schema, version 11, on PostgreSQL: trigram indexes (pg_trgm) on what the license
-- search reads (name, account name, subscriber org id), so that ILIKE '%text%' finds its
-- matches through them instead of reading every license. pg_trgm is a trusted extension: a
-- login that may create in the database installs it, into a schema of its own (lmodesk_ext)
-- that no LMO Desk schema's removal takes with it. Where it cannot be installed, the search
-- reads every license, as before version 11, and nothing else changes.
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
            RETURN; -- no trigram indexes
        END; -- the install
    END IF; -- installed
    EXECUTE format('CREATE INDEX licenses_name_trgm ON licenses USING gin (name %I.gin_trgm_ops)', ext_schema); -- name
    EXECUTE format('CREATE INDEX licenses_account_name_trgm ON licenses USING gin (account_name %I.gin_trgm_ops)', ext_schema); -- account
    EXECUTE format('CREATE INDEX licenses_org_id_trgm ON licenses USING gin (org_id %I.gin_trgm_ops)', ext_schema); -- org id
END $$;
