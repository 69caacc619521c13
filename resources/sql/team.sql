-- LMO Desk team database: what `lmodesk team init` adds to a schema of LMO Desk tables, run as
-- the NOLOGIN role lmo_owner that owns them. Every statement can run again and leaves the same
-- objects (init is idempotent). Its tokens (a dollar sign, braces and a name) are filled in by
-- core/storage/postgres/pgteam.cpp: S the schema as an identifier, SL as a literal, CHANNEL the
-- NOTIFY channel as a literal, LICENSE_AUDIT and PACKAGE_AUDIT the (label, old text, new text)
-- rows each audited column gives (from the one list of license fields).
-- Statements end with a line holding only "--;;" (function bodies hold semicolons of their own).

-- The policy in force, as the app and `team policy show` read it: one row.
CREATE TABLE IF NOT EXISTS ${S}.team_policy (
    id integer PRIMARY KEY CHECK (id = 1),
    policy jsonb NOT NULL,
    applied_at timestamptz NOT NULL,
    applied_by text NOT NULL
)
--;;

-- Saved views of the Licenses page kept in the team database: each person's own, and those shared
-- with their role. Only the one who saved a view changes or deletes it.
CREATE TABLE IF NOT EXISTS ${S}.team_views (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (name <> ''),
    owner text NOT NULL DEFAULT session_user,
    shared_with text[] NOT NULL DEFAULT '{}',
    definition jsonb NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, name)
)
--;;

-- Who the group roles are, by the names the app shows.
CREATE OR REPLACE FUNCTION ${S}.team_group(role_key text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE role_key WHEN 'partner_ops' THEN 'lmo_partner_ops'
                         WHEN 'customer_success' THEN 'lmo_customer_success'
                         WHEN 'support' THEN 'lmo_support' END
$$
--;;

-- Whether the session's login may change who sees what: partner ops, or the owner's members.
CREATE OR REPLACE FUNCTION ${S}.team_may_administer() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT pg_has_role(session_user, 'lmo_partner_ops', 'MEMBER') OR pg_has_role(session_user, 'lmo_owner', 'MEMBER')
$$
--;;

-- The statements that make a policy (jsonb, as AccessPolicy::toJson writes it) true of this
-- schema: row-level security enabled and forced on every table, one policy per role and command,
-- column privileges, and the security-invoker views of a role that may not read some columns.
-- Builds text only; team_apply_policy runs it. Refuses a column that is not a license column, and
-- hiding a column the app cannot work without.
CREATE OR REPLACE FUNCTION ${S}.team_policy_sql(p jsonb) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ${S} AS $fn$
DECLARE
    schema_name text := ${SL};
    tables text[] := ARRAY['licenses', 'packages', 'package_versions', 'subscribers', 'audit_log',
                           'deferred_indexes', 'lmo_profiles', 'schema_migrations', 'team_policy', 'team_views',
                           'sync_state', 'sync_runs', 'license_image_stamps',
                           'billing_sources', 'billing_subscriptions', 'billing_links', 'billing_plan_packages'];
    role_keys text[] := ARRAY['partner_ops', 'customer_success', 'support'];
    required text[] := ARRAY['id', 'org_id', 'package_ref', 'status', 'row_version', 'lmo_ref', 'name'];
    updatable text[] := ARRAY['status', 'seats', 'expiration'];
    t text; k text; g text; r jsonb; c text; pol record;
    license_columns text[]; subscriber_columns text[];
    modify_all boolean; sandbox boolean; reads_licenses boolean; reads_subscribers boolean; hidden text[]; modify text[]; packages text[];
    sub_hidden text[]; labels text[]; visible text[]; pred text; sub_pred text; pkg_pred text;
    version_pred text; audit_pred text; view_schema text; cols text; stamp_pred text;
BEGIN
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO license_columns
      FROM pg_attribute a WHERE a.attrelid = format('%I.licenses', schema_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO subscriber_columns
      FROM pg_attribute a WHERE a.attrelid = format('%I.subscribers', schema_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped;

    FOREACH t IN ARRAY tables LOOP
        RETURN NEXT format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', schema_name, t);
        RETURN NEXT format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', schema_name, t);
        RETURN NEXT format('REVOKE ALL ON %I.%I FROM PUBLIC, lmo_partner_ops, lmo_customer_success, lmo_support', schema_name, t);
    END LOOP;
    FOR pol IN SELECT tablename, policyname FROM pg_policies WHERE schemaname = schema_name AND tablename = ANY (tables)
               ORDER BY tablename, policyname LOOP
        RETURN NEXT format('DROP POLICY %I ON %I.%I', pol.policyname, schema_name, pol.tablename);
    END LOOP;
    -- The owner's migrations (which may move rows) see every row; no login is the owner.
    FOREACH t IN ARRAY tables LOOP
        RETURN NEXT format('CREATE POLICY lmo_owner_all ON %I.%I FOR ALL TO lmo_owner USING (true) WITH CHECK (true)', schema_name, t);
    END LOOP;

    FOREACH k IN ARRAY role_keys LOOP
        g := team_group(k);
        r := coalesce(p -> 'roles' -> k, '{}'::jsonb);
        modify_all := coalesce((r ->> 'modify_all')::boolean, false);
        sandbox := coalesce((r ->> 'sandbox')::boolean, true);
        reads_licenses := coalesce((r ->> 'reads_licenses')::boolean, true);
        reads_subscribers := coalesce((r ->> 'reads_subscribers')::boolean, true);
        hidden := ARRAY(SELECT jsonb_array_elements_text(coalesce(r -> 'hidden', '[]')));
        modify := ARRAY(SELECT jsonb_array_elements_text(coalesce(r -> 'modify', '[]')));
        packages := ARRAY(SELECT jsonb_array_elements_text(coalesce(r -> 'packages', '[]')));
        IF modify_all AND (cardinality(hidden) > 0 OR NOT sandbox OR cardinality(packages) > 0 OR NOT reads_licenses
                           OR NOT reads_subscribers) THEN
            RAISE EXCEPTION 'policy: % may modify everything, so it sees everything (no hidden columns, sandboxes, package limits or tables kept from it)', k
                USING ERRCODE = '22023';
        END IF;
        FOREACH c IN ARRAY hidden LOOP
            IF NOT c = ANY (license_columns) THEN
                RAISE EXCEPTION 'policy: % is not a column of the licenses table (hidden from %)', c, k USING ERRCODE = '22023';
            END IF;
            IF c = ANY (required) THEN
                RAISE EXCEPTION 'policy: % cannot be hidden from %: LMO Desk finds and groups licenses by it', c, k USING ERRCODE = '22023';
            END IF;
        END LOOP;
        FOREACH c IN ARRAY modify LOOP
            IF NOT c = ANY (updatable) THEN
                RAISE EXCEPTION 'policy: % may modify only status, seats and expiration (Modify License), not %', k, c USING ERRCODE = '22023';
            END IF;
            IF c = ANY (hidden) THEN
                RAISE EXCEPTION 'policy: % cannot modify %, which it may not read', k, c USING ERRCODE = '22023';
            END IF;
        END LOOP;

        -- Which rows: sandboxes kept from the role, the packages it is limited to.
        pkg_pred := CASE WHEN cardinality(packages) > 0
                         THEN format('(SELECT id FROM %I.packages WHERE name = ANY (%L::text[]))', schema_name, packages) END;
        pred := concat_ws(' AND ', CASE WHEN NOT sandbox THEN 'is_sandbox = 0' END,
                          CASE WHEN pkg_pred IS NOT NULL THEN 'package_ref IN ' || pkg_pred END);
        IF pred = '' THEN pred := 'true'; END IF;
        -- The dashboard image's stamps: a chunk is one package's production or sandbox licenses,
        -- so the same two tests say which chunks the role sees (and, writing, touches).
        stamp_pred := concat_ws(' AND ', CASE WHEN NOT sandbox THEN 'production' END,
                                CASE WHEN pkg_pred IS NOT NULL THEN 'package_ref IN ' || pkg_pred END);
        IF stamp_pred = '' THEN stamp_pred := 'true'; END IF;

        -- The org summary adds up an org's licenses of every package: a role limited to some
        -- packages may not read those sums, nor the fields of a column it may not read.
        sub_hidden := '{}';
        IF 'seats' = ANY (hidden) THEN sub_hidden := sub_hidden || ARRAY['seats', 'site_licenses']; END IF;
        IF 'used_licenses' = ANY (hidden) THEN sub_hidden := sub_hidden || ARRAY['used']; END IF;
        IF 'account_name' = ANY (hidden) THEN sub_hidden := sub_hidden || ARRAY['account_name']; END IF;
        IF cardinality(packages) > 0 THEN
            sub_hidden := sub_hidden || ARRAY['licenses', 'installed', 'packages', 'seats', 'site_licenses', 'used', 'lmo_mask'];
        END IF;
        sub_pred := concat_ws(' AND ', CASE WHEN NOT sandbox THEN 'is_sandbox = 0' END,
                              CASE WHEN pkg_pred IS NOT NULL
                                   THEN format('EXISTS (SELECT 1 FROM %I.licenses l WHERE l.org_id = subscribers.org_id)', schema_name) END);
        IF sub_pred = '' THEN sub_pred := 'true'; END IF;

        -- History: the changes of licenses the role sees, without the fields it may not read.
        labels := ARRAY(SELECT p -> 'audit_labels' ->> h FROM unnest(hidden) h WHERE jsonb_exists(p -> 'audit_labels', h));
        IF NOT reads_licenses AND cardinality(modify) > 0 THEN
            RAISE EXCEPTION 'policy: % cannot modify licenses it may not read', k USING ERRCODE = '22023';
        END IF;
        audit_pred := concat_ws(' AND ',
            CASE WHEN NOT reads_licenses THEN 'record_type <> ''license''' END,
            CASE WHEN pred <> 'true' AND reads_licenses THEN format('(record_type <> ''license'' OR EXISTS (SELECT 1 FROM %I.licenses l WHERE l.id = audit_log.record_ref))', schema_name) END,
            CASE WHEN cardinality(labels) > 0 THEN format('field <> ALL (%L::text[])', labels) END);
        IF audit_pred = '' THEN audit_pred := 'true'; END IF;
        version_pred := CASE WHEN pkg_pred IS NOT NULL THEN 'package_ref IN ' || pkg_pred ELSE 'true' END;

        IF modify_all THEN
            -- What the billing system charges is partner ops' alone: the other roles are granted
            -- nothing of it (no row, no column).
            FOREACH t IN ARRAY ARRAY['licenses', 'packages', 'package_versions', 'subscribers', 'deferred_indexes', 'lmo_profiles',
                                     'sync_state', 'sync_runs', 'license_image_stamps',
                                     'billing_sources', 'billing_subscriptions', 'billing_links', 'billing_plan_packages'] LOOP
                RETURN NEXT format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO %I', schema_name, t, g);
                RETURN NEXT format('CREATE POLICY %I ON %I.%I FOR ALL TO %I USING (true) WITH CHECK (true)', k || '_all', schema_name, t, g);
            END LOOP;
            RETURN NEXT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', schema_name, g);
        ELSE
          IF reads_licenses THEN
            visible := ARRAY(SELECT x FROM unnest(license_columns) x WHERE NOT x = ANY (hidden));
            RETURN NEXT format('GRANT SELECT (%s) ON %I.licenses TO %I',
                               (SELECT string_agg(quote_ident(x), ', ') FROM unnest(visible) x), schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.licenses FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g, pred);
            RETURN NEXT format('GRANT SELECT ON %I.license_image_stamps TO %I', schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.license_image_stamps FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g, stamp_pred);
            IF cardinality(modify) > 0 THEN
                -- An edit's trigger (license_image_touch, as the one editing) stamps its chunks.
                RETURN NEXT format('GRANT INSERT, UPDATE ON %I.license_image_stamps TO %I', schema_name, g);
                RETURN NEXT format('CREATE POLICY %I ON %I.license_image_stamps FOR INSERT TO %I WITH CHECK (%s)', k || '_insert', schema_name, g, stamp_pred);
                RETURN NEXT format('CREATE POLICY %I ON %I.license_image_stamps FOR UPDATE TO %I USING (%s) WITH CHECK (%s)',
                                   k || '_update', schema_name, g, stamp_pred, stamp_pred);
                RETURN NEXT format('GRANT UPDATE (%s) ON %I.licenses TO %I',
                                   (SELECT string_agg(quote_ident(x), ', ') FROM unnest(modify || ARRAY['row_version']) x), schema_name, g);
                RETURN NEXT format('CREATE POLICY %I ON %I.licenses FOR UPDATE TO %I USING (%s) WITH CHECK (%s)',
                                   k || '_update', schema_name, g, pred, pred);
            END IF;
          END IF;
          IF reads_subscribers THEN
            visible := ARRAY(SELECT x FROM unnest(subscriber_columns) x WHERE NOT x = ANY (sub_hidden));
            RETURN NEXT format('GRANT SELECT (%s) ON %I.subscribers TO %I',
                               (SELECT string_agg(quote_ident(x), ', ') FROM unnest(visible) x), schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.subscribers FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g, sub_pred);
          END IF;
            RETURN NEXT format('GRANT SELECT ON %I.packages, %I.package_versions, %I.deferred_indexes, %I.lmo_profiles TO %I',
                               schema_name, schema_name, schema_name, schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.packages FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g,
                               CASE WHEN cardinality(packages) > 0 THEN format('name = ANY (%L::text[])', packages) ELSE 'true' END);
            RETURN NEXT format('CREATE POLICY %I ON %I.package_versions FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g, version_pred);
            RETURN NEXT format('CREATE POLICY %I ON %I.deferred_indexes FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.lmo_profiles FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);
        END IF;
        -- When the org was last read, and what each sync did: everyone may see it; a role that
        -- may modify everything (partner ops) syncs, above.
        IF NOT modify_all THEN
            RETURN NEXT format('GRANT SELECT ON %I.sync_state, %I.sync_runs TO %I', schema_name, schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.sync_state FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);
            RETURN NEXT format('CREATE POLICY %I ON %I.sync_runs FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);
        END IF;
        -- Nobody writes the audit log but the database's own triggers.
        RETURN NEXT format('GRANT SELECT ON %I.audit_log, %I.schema_migrations, %I.team_policy TO %I', schema_name, schema_name, schema_name, g);
        RETURN NEXT format('CREATE POLICY %I ON %I.audit_log FOR SELECT TO %I USING (%s)', k || '_select', schema_name, g, audit_pred);
        RETURN NEXT format('CREATE POLICY %I ON %I.schema_migrations FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);
        RETURN NEXT format('CREATE POLICY %I ON %I.team_policy FOR SELECT TO %I USING (true)', k || '_select', schema_name, g);

        -- Saved views: one's own, and those shared with one's role; only one's own are changed.
        RETURN NEXT format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.team_views TO %I', schema_name, g);
        RETURN NEXT format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence(format('%I.team_views', schema_name), 'id'), g);
        RETURN NEXT format('CREATE POLICY %I ON %I.team_views FOR SELECT TO %I USING (owner = session_user OR %L = ANY (shared_with))',
                           k || '_select', schema_name, g, k);
        RETURN NEXT format('CREATE POLICY %I ON %I.team_views FOR INSERT TO %I WITH CHECK (owner = session_user)',
                           k || '_insert', schema_name, g);
        RETURN NEXT format('CREATE POLICY %I ON %I.team_views FOR UPDATE TO %I USING (owner = session_user) WITH CHECK (owner = session_user)',
                           k || '_update', schema_name, g);
        RETURN NEXT format('CREATE POLICY %I ON %I.team_views FOR DELETE TO %I USING (owner = session_user)',
                           k || '_delete', schema_name, g);

        -- A role that may not read some columns reads the tables through views of the same name
        -- in a schema of its own (first in its search_path), the hidden columns NULL, its own
        -- privileges and policies applied (security_invoker).
        view_schema := schema_name || '__' || k;
        RETURN NEXT format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', view_schema);
        RETURN NEXT format('GRANT USAGE ON SCHEMA %I TO %I', view_schema, g);
        IF modify_all OR cardinality(hidden) = 0 OR NOT reads_licenses THEN
            RETURN NEXT format('DROP VIEW IF EXISTS %I.licenses', view_schema);
        ELSE
            SELECT string_agg(CASE WHEN a.attname::text = ANY (hidden)
                                   THEN format('NULL::%s AS %I', format_type(a.atttypid, a.atttypmod), a.attname)
                                   ELSE quote_ident(a.attname) END, ', ' ORDER BY a.attnum) INTO cols
              FROM pg_attribute a WHERE a.attrelid = format('%I.licenses', schema_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
            RETURN NEXT format('CREATE OR REPLACE VIEW %I.licenses WITH (security_invoker = true) AS SELECT %s FROM %I.licenses',
                               view_schema, cols, schema_name);
            RETURN NEXT format('GRANT SELECT ON %I.licenses TO %I', view_schema, g);
        END IF;
        IF modify_all OR cardinality(sub_hidden) = 0 OR NOT reads_subscribers THEN
            RETURN NEXT format('DROP VIEW IF EXISTS %I.subscribers', view_schema);
        ELSE
            SELECT string_agg(CASE WHEN a.attname::text = ANY (sub_hidden)
                                   THEN format('NULL::%s AS %I', format_type(a.atttypid, a.atttypmod), a.attname)
                                   ELSE quote_ident(a.attname) END, ', ' ORDER BY a.attnum) INTO cols
              FROM pg_attribute a WHERE a.attrelid = format('%I.subscribers', schema_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
            RETURN NEXT format('CREATE OR REPLACE VIEW %I.subscribers WITH (security_invoker = true) AS SELECT %s FROM %I.subscribers',
                               view_schema, cols, schema_name);
            RETURN NEXT format('GRANT SELECT ON %I.subscribers TO %I', view_schema, g);
        END IF;
    END LOOP;
END
$fn$
--;;

-- What the policy objects are now, as one hash: equal before and after an apply means that the
-- apply changed nothing.
CREATE OR REPLACE FUNCTION ${S}.team_fingerprint() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(':', tablename, policyname, cmd, roles::text, qual, with_check), ';' ORDER BY tablename, policyname)
           FROM pg_policies WHERE schemaname IN (${SL}, ${SL} || '__partner_ops', ${SL} || '__customer_success', ${SL} || '__support')),
        (SELECT string_agg(concat_ws(':', n.nspname, c.relname, c.relacl::text, c.relrowsecurity, c.relforcerowsecurity,
                                     pg_get_viewdef(c.oid)), ';' ORDER BY n.nspname, c.relname)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN (${SL}, ${SL} || '__partner_ops', ${SL} || '__customer_success', ${SL} || '__support')
            AND c.relkind IN ('r', 'v', 'S')),
        (SELECT string_agg(concat_ws(':', c.relname, a.attname, a.attacl::text), ';' ORDER BY c.relname, a.attnum)
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ${SL} AND a.attacl IS NOT NULL)))
$$
--;;

-- Makes a policy true in one transaction (the caller's): partner ops only. True when anything
-- changed. The policy is kept as given, for the app to read.
CREATE OR REPLACE FUNCTION ${S}.team_apply_policy(p jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} SET client_min_messages = warning AS $fn$
DECLARE
    before text;
    statement text;
BEGIN
    IF NOT team_may_administer() THEN
        RAISE EXCEPTION 'only partner ops may change who sees what (% is not in lmo_partner_ops)', session_user
            USING ERRCODE = '42501';
    END IF;
    before := team_fingerprint();
    FOR statement IN SELECT team_policy_sql(p) LOOP
        EXECUTE statement;
    END LOOP;
    INSERT INTO team_policy (id, policy, applied_at, applied_by) VALUES (1, p, now(), session_user)
        ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, applied_at = excluded.applied_at, applied_by = excluded.applied_by
        WHERE team_policy.policy IS DISTINCT FROM excluded.policy;
    RETURN before IS DISTINCT FROM team_fingerprint();
END
$fn$
--;;

-- The people of the team: each login in one of the three groups.
CREATE OR REPLACE FUNCTION ${S}.team_users()
RETURNS TABLE (login text, role_key text, superuser boolean, bypassrls boolean, can_login boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT m.rolname::text, CASE g.rolname WHEN 'lmo_partner_ops' THEN 'partner_ops'
                                           WHEN 'lmo_customer_success' THEN 'customer_success' ELSE 'support' END,
           m.rolsuper, m.rolbypassrls, m.rolcanlogin
      FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
     WHERE g.rolname IN ('lmo_partner_ops', 'lmo_customer_success', 'lmo_support')
     ORDER BY 1, 2
$$
--;;

-- Puts a login in one role (and in no other): created if it does not exist (with a password
-- verifier, which the client computes, so no password crosses the wire or reaches a log), its
-- search_path in this database set to the schema (and the role's views, where it has any).
-- Refuses a superuser or the owner's members: policies do not bind them.
CREATE OR REPLACE FUNCTION ${S}.team_put_user(login text, role_key text, create_missing boolean, verifier text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
DECLARE
    g text := team_group(role_key);
    other text;
    existing record;
    created boolean := false;
    path text;
BEGIN
    IF NOT team_may_administer() THEN
        RAISE EXCEPTION 'only partner ops may add people or change their roles (% is not in lmo_partner_ops)', session_user
            USING ERRCODE = '42501';
    END IF;
    IF g IS NULL THEN
        RAISE EXCEPTION 'no such role: % (partner_ops, customer_success or support)', role_key USING ERRCODE = '22023';
    END IF;
    IF login IS NULL OR login = '' OR login IN ('lmo_owner', 'lmo_partner_ops', 'lmo_customer_success', 'lmo_support', 'public')
       OR login LIKE 'pg\_%' THEN
        RAISE EXCEPTION '% cannot be a person''s login', coalesce(login, 'an empty name') USING ERRCODE = '22023';
    END IF;
    SELECT rolsuper, rolbypassrls, rolcanlogin INTO existing FROM pg_roles WHERE rolname = login;
    IF NOT FOUND THEN
        IF NOT create_missing THEN
            RAISE EXCEPTION 'there is no login %: add them with team add-user', login USING ERRCODE = '42704';
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', login);
        created := true;
    ELSIF existing.rolsuper OR existing.rolbypassrls THEN
        RAISE EXCEPTION '% is a superuser or has BYPASSRLS: it sees everything, whatever the policy says; give each person an ordinary login', login
            USING ERRCODE = '42501';
    ELSIF pg_has_role(login, 'lmo_owner', 'MEMBER') THEN
        RAISE EXCEPTION '% is a member of lmo_owner, which owns the tables: give each person an ordinary login', login
            USING ERRCODE = '42501';
    ELSIF NOT existing.rolcanlogin THEN
        RAISE EXCEPTION '% is a role that cannot log in, not a person''s login', login USING ERRCODE = '22023';
    END IF;
    IF verifier IS NOT NULL AND verifier <> '' THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
    END IF;
    FOREACH other IN ARRAY ARRAY['lmo_partner_ops', 'lmo_customer_success', 'lmo_support'] LOOP
        IF other <> g AND EXISTS (SELECT 1 FROM pg_auth_members am WHERE am.roleid = other::regrole AND am.member = login::regrole) THEN
            EXECUTE format('REVOKE %I FROM %I', other, login);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members am WHERE am.roleid = g::regrole AND am.member = login::regrole) THEN
        EXECUTE format('GRANT %I TO %I', g, login);
    END IF;
    path := CASE WHEN EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                              WHERE n.nspname = ${SL} || '__' || role_key)
                 THEN format('%I, %I', ${SL} || '__' || role_key, ${SL}) ELSE quote_ident(${SL}) END;
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %s', login, current_database(), path);
    RETURN CASE WHEN created THEN 'created' ELSE 'updated' END;
END
$fn$
--;;

-- Takes a login out of every group: it then sees nothing. The login itself stays (it may be
-- used elsewhere on the server); its server owner drops it if need be.
CREATE OR REPLACE FUNCTION ${S}.team_remove_user(login text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
DECLARE
    g text;
    removed boolean := false;
BEGIN
    IF NOT team_may_administer() THEN
        RAISE EXCEPTION 'only partner ops may remove people (% is not in lmo_partner_ops)', session_user USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
        RAISE EXCEPTION 'there is no login %', login USING ERRCODE = '42704';
    END IF;
    FOREACH g IN ARRAY ARRAY['lmo_partner_ops', 'lmo_customer_success', 'lmo_support'] LOOP
        IF EXISTS (SELECT 1 FROM pg_auth_members am WHERE am.roleid = g::regrole AND am.member = login::regrole) THEN
            EXECUTE format('REVOKE %I FROM %I', g, login);
            removed := true;
        END IF;
    END LOOP;
    EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET search_path', login, current_database());
    RETURN removed;
END
$fn$
--;;

-- The audit log, written by the database: every change of an audited license field, by whoever
-- made it (session_user: only a superuser can change it), when, from where the client said
-- (lmodesk.source; a client that says nothing is named by its login and application).
CREATE OR REPLACE FUNCTION ${S}.team_source() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT coalesce(nullif(current_setting('lmodesk.source', true), ''),
                    'SQL by ' || session_user || coalesce(' (' || nullif(current_setting('application_name'), '') || ')', ''))
$$
--;;

CREATE OR REPLACE FUNCTION ${S}.team_audit_licenses() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
BEGIN
    INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, field, old_value, new_value, source)
    SELECT now(), session_user, 'license', n.id, n.sf_id, v.field, v.old_value, v.new_value, team_source()
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     CROSS JOIN LATERAL (VALUES ${LICENSE_AUDIT}) AS v (field, old_value, new_value)
     WHERE v.old_value IS DISTINCT FROM v.new_value;
    RETURN NULL;
END
$fn$
--;;

CREATE OR REPLACE FUNCTION ${S}.team_audit_packages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
BEGIN
    INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, field, old_value, new_value, source)
    SELECT now(), session_user, 'package', n.id, coalesce(n.sf_id, n.package_id), v.field, v.old_value, v.new_value, team_source()
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     CROSS JOIN LATERAL (VALUES ${PACKAGE_AUDIT}) AS v (field, old_value, new_value)
     WHERE v.old_value IS DISTINCT FROM v.new_value;
    RETURN NULL;
END
$fn$
--;;

-- A license removed (a sync found it gone from the org): one row naming it, by whoever removed it.
CREATE OR REPLACE FUNCTION ${S}.team_audit_license_deletes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
BEGIN
    INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, field, old_value, new_value, source)
    SELECT now(), session_user, 'license', o.id, o.sf_id, 'Deleted', o.name, NULL, team_source()
      FROM old_rows o;
    RETURN NULL;
END
$fn$
--;;

-- A note of an import (what it read and did), in the log by the login that ran it: partner ops
-- only, and only notes, never a field's change.
CREATE OR REPLACE FUNCTION ${S}.team_note(kind text, summary text, source text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
BEGIN
    IF NOT pg_has_role(session_user, 'lmo_partner_ops', 'MEMBER') AND NOT pg_has_role(session_user, 'lmo_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'only partner ops import (% is not in lmo_partner_ops)', session_user USING ERRCODE = '42501';
    END IF;
    INSERT INTO audit_log (changed_at, changed_by, record_type, field, new_value, source)
    VALUES (now(), session_user, 'import', kind, summary, coalesce(source, team_source()));
END
$fn$
--;;

-- Every change raises the license's version, whoever makes it (see schema version 9).
CREATE OR REPLACE FUNCTION ${S}.team_next_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    RETURN NEW;
END
$fn$
--;;

-- The org summary follows an edit of seats or status made by anyone (customer success may not
-- write the summary itself, and could not see every license of an org to sum it): the orgs
-- touched are summed again from their licenses, as LMO Desk sums them.
CREATE OR REPLACE FUNCTION ${S}.team_sum_orgs() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
BEGIN
    UPDATE subscribers s
       SET installed = x.installed, seats = x.seats, site_licenses = x.site_licenses, used = x.used, packages = x.packages
      FROM (SELECT l.org_id,
                   count(*) FILTER (WHERE l.status <> 'Uninstalled') AS installed,
                   coalesce(sum(l.seats) FILTER (WHERE l.status <> 'Uninstalled' AND l.seats <> -1), 0) AS seats,
                   CASE WHEN bool_or(l.status <> 'Uninstalled' AND l.seats = -1) THEN 1 ELSE 0 END AS site_licenses,
                   coalesce(sum(l.used_licenses) FILTER (WHERE l.status <> 'Uninstalled'), 0) AS used,
                   (SELECT string_agg(d.name, ', ' ORDER BY lower(d.name), d.name)
                      FROM (SELECT DISTINCT p.name FROM licenses l2 JOIN packages p ON p.id = l2.package_ref
                             WHERE l2.org_id = l.org_id AND l2.status <> 'Uninstalled') d) AS packages
              FROM licenses l
             WHERE l.org_id IN (SELECT n.org_id FROM old_rows o JOIN new_rows n ON n.id = o.id
                                 WHERE o.seats IS DISTINCT FROM n.seats OR o.status IS DISTINCT FROM n.status
                                    OR o.used_licenses IS DISTINCT FROM n.used_licenses)
             GROUP BY l.org_id) x
     WHERE s.org_id = x.org_id;
    RETURN NULL;
END
$fn$
--;;

-- Every open window hears of a change within about a second: the ids changed (never data; any
-- login may listen), or "*" when they would not fit in one notification.
CREATE OR REPLACE FUNCTION ${S}.team_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ${S} AS $fn$
DECLARE
    ids text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT string_agg(id::text, ',') INTO ids FROM (SELECT id FROM old_rows LIMIT 1001) x;
    ELSE
        SELECT string_agg(id::text, ',') INTO ids FROM (SELECT id FROM new_rows LIMIT 1001) x;
    END IF;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    IF length(ids) > 7000 OR array_length(string_to_array(ids, ','), 1) > 1000 THEN
        ids := '*';
    END IF;
    PERFORM pg_notify(${CHANNEL}, concat_ws(':', TG_TABLE_NAME, coalesce(current_setting('lmodesk.client', true), ''),
                                            session_user, ids));
    RETURN NULL;
END
$fn$
--;;

DROP TRIGGER IF EXISTS team_audit ON ${S}.licenses
--;;
CREATE TRIGGER team_audit AFTER UPDATE ON ${S}.licenses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_audit_licenses()
--;;
DROP TRIGGER IF EXISTS team_audit ON ${S}.packages
--;;
CREATE TRIGGER team_audit AFTER UPDATE ON ${S}.packages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_audit_packages()
--;;
DROP TRIGGER IF EXISTS team_audit_delete ON ${S}.licenses
--;;
CREATE TRIGGER team_audit_delete AFTER DELETE ON ${S}.licenses REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_audit_license_deletes()
--;;
DROP TRIGGER IF EXISTS team_version ON ${S}.licenses
--;;
CREATE TRIGGER team_version BEFORE UPDATE ON ${S}.licenses FOR EACH ROW EXECUTE FUNCTION ${S}.team_next_version()
--;;
DROP TRIGGER IF EXISTS team_sum_orgs ON ${S}.licenses
--;;
CREATE TRIGGER team_sum_orgs AFTER UPDATE ON ${S}.licenses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_sum_orgs()
--;;
DROP TRIGGER IF EXISTS team_notify_insert ON ${S}.licenses
--;;
CREATE TRIGGER team_notify_insert AFTER INSERT ON ${S}.licenses REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
DROP TRIGGER IF EXISTS team_notify_update ON ${S}.licenses
--;;
CREATE TRIGGER team_notify_update AFTER UPDATE ON ${S}.licenses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
DROP TRIGGER IF EXISTS team_notify_delete ON ${S}.licenses
--;;
DROP TRIGGER IF EXISTS team_notify_insert ON ${S}.lmo_profiles
--;;
CREATE TRIGGER team_notify_insert AFTER INSERT ON ${S}.lmo_profiles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
DROP TRIGGER IF EXISTS team_notify_update ON ${S}.lmo_profiles
--;;
CREATE TRIGGER team_notify_update AFTER UPDATE ON ${S}.lmo_profiles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
CREATE TRIGGER team_notify_delete AFTER DELETE ON ${S}.licenses REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
-- Packages too: a list searched or sorted by package names reads them again (a package renamed
-- or added elsewhere is otherwise not known to a client until it refreshes).
DROP TRIGGER IF EXISTS team_notify_insert ON ${S}.packages
--;;
CREATE TRIGGER team_notify_insert AFTER INSERT ON ${S}.packages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
DROP TRIGGER IF EXISTS team_notify_update ON ${S}.packages
--;;
CREATE TRIGGER team_notify_update AFTER UPDATE ON ${S}.packages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;
DROP TRIGGER IF EXISTS team_notify_delete ON ${S}.packages
--;;
CREATE TRIGGER team_notify_delete AFTER DELETE ON ${S}.packages REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${S}.team_notify()
--;;

-- Functions are executable by PUBLIC unless taken back: only the groups may call ours (and each
-- checks who is calling where it matters). Triggers fire whoever may execute their functions.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ${S} FROM PUBLIC
--;;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${S} TO lmo_partner_ops, lmo_customer_success, lmo_support
--;;
REVOKE ALL ON SCHEMA ${S} FROM PUBLIC
--;;
GRANT USAGE ON SCHEMA ${S} TO lmo_partner_ops, lmo_customer_success, lmo_support
--;;
