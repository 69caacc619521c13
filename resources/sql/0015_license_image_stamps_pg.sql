-- LMO Desk schema, version 15, on PostgreSQL: the stamps of the dashboard's image of the
-- licenses. Each client builds the image of the licenses it may see (its row-level policies
-- apply to what it reads) and keeps it in memory; the server keeps, per chunk, which
-- transaction last changed it. A chunk is the licenses of one package, production or sandbox,
-- whose ids share id >> 13, so that a role that sees a package (or production orgs only) sees
-- every license of each of its chunks and none of any other (the policy on this table mirrors
-- the licenses' own). 8,192 ids to a chunk, not a file's 65,536: a change makes its chunk be
-- read again, and a smaller one is read in a few milliseconds. The client reads the stamps (a
-- thousand rows at 1M licenses) and reads again only the chunks whose stamp is not the one it
-- built them at.
-- `gen` is the id of the last transaction that changed a license of the chunk (or its
-- uninstall day in the audit log): set in that transaction, it is seen when, and only when, the
-- change is. Two transactions never share an id, so a stamp equal to the one a copy was built
-- at means nothing changed since (a copy is built after its stamp was read).
-- (Statements inside the functions end in a comment: the migration splits at lines ending in ";".)
CREATE TABLE license_image_stamps (
    package_ref BIGINT NOT NULL,
    production BOOLEAN NOT NULL,
    chunk BIGINT NOT NULL,
    gen BIGINT NOT NULL,
    PRIMARY KEY (package_ref, production, chunk)
);
DO $$
BEGIN
    EXECUTE format($f$
CREATE FUNCTION %1$I.license_image_touch() RETURNS trigger LANGUAGE plpgsql SET search_path = %1$I, pg_catalog AS $fn$
DECLARE
    g bigint := pg_current_xact_id()::text::bigint; -- this transaction
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE license_image_stamps SET gen = g; -- every chunk
        RETURN NULL; -- statement trigger
    END IF; -- truncate
    IF TG_TABLE_NAME = 'licenses' THEN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO license_image_stamps AS s (package_ref, production, chunk, gen)
            SELECT DISTINCT n.package_ref, n.is_sandbox = 0, n.id >> 13, g FROM new_rows n ORDER BY 1, 2, 3
            ON CONFLICT (package_ref, production, chunk) DO UPDATE SET gen = excluded.gen; -- the rows as they are now
        END IF; -- insert or update
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO license_image_stamps AS s (package_ref, production, chunk, gen)
            SELECT DISTINCT o.package_ref, o.is_sandbox = 0, o.id >> 13, g FROM old_rows o ORDER BY 1, 2, 3
            ON CONFLICT (package_ref, production, chunk) DO UPDATE SET gen = excluded.gen; -- the rows as they were
        END IF; -- update or delete
    ELSE
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO license_image_stamps AS s (package_ref, production, chunk, gen)
            SELECT DISTINCT l.package_ref, l.is_sandbox = 0, l.id >> 13, g FROM new_rows a JOIN licenses l ON l.id = a.record_ref
             WHERE a.record_type = 'license' AND a.field = 'Status' ORDER BY 1, 2, 3
            ON CONFLICT (package_ref, production, chunk) DO UPDATE SET gen = excluded.gen; -- an uninstall day's row
        END IF; -- insert or update
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO license_image_stamps AS s (package_ref, production, chunk, gen)
            SELECT DISTINCT l.package_ref, l.is_sandbox = 0, l.id >> 13, g FROM old_rows a JOIN licenses l ON l.id = a.record_ref
             WHERE a.record_type = 'license' AND a.field = 'Status' ORDER BY 1, 2, 3
            ON CONFLICT (package_ref, production, chunk) DO UPDATE SET gen = excluded.gen; -- an uninstall day's row
        END IF; -- update or delete
    END IF; -- which table
    RETURN NULL; -- statement trigger
END
$fn$ $f$, current_schema()); -- the function
END $$;
CREATE TRIGGER license_image_insert AFTER INSERT ON licenses REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_update AFTER UPDATE ON licenses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_delete AFTER DELETE ON licenses REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_truncate AFTER TRUNCATE ON licenses
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_audit_insert AFTER INSERT ON audit_log REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_audit_update AFTER UPDATE ON audit_log REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
CREATE TRIGGER license_image_audit_delete AFTER DELETE ON audit_log REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION license_image_touch();
INSERT INTO license_image_stamps (package_ref, production, chunk, gen)
SELECT DISTINCT package_ref, is_sandbox = 0, id >> 13, pg_current_xact_id()::text::bigint FROM licenses;
