-- LMO Desk schema, version 1: the License Management App's objects, the audit log.
-- Tokens ${...} are filled in by lmo::Dialect. Statements end with a semicolon at end of line.
-- Record ids are stored in their 18-character form (case-insensitive safe); the subscriber org
-- id in its 15-character form, the key that groups licenses into subscriber orgs.

CREATE TABLE packages (
    id ${ID},
    sf_id ${TEXT},
    name ${TEXT} NOT NULL,
    package_id ${TEXT},
    developer_name ${TEXT},
    developer_org_id ${TEXT},
    latest_version ${TEXT},
    release_date ${DATE},
    lead_manager ${TEXT},
    last_license_refresh ${TIMESTAMP},
    next_available_refresh ${TIMESTAMP}
);
CREATE UNIQUE INDEX packages_sf_id ON packages (sf_id);
CREATE UNIQUE INDEX packages_name ON packages (name);

CREATE TABLE package_versions (
    id ${ID},
    sf_id ${TEXT},
    package_ref ${BIGINT} NOT NULL REFERENCES packages (id),
    name ${TEXT},
    version ${TEXT},
    version_number ${TEXT} NOT NULL,
    version_id ${TEXT},
    is_beta ${BOOL} NOT NULL DEFAULT 0,
    release_date ${DATE},
    sequence ${BIGINT}
);
CREATE UNIQUE INDEX package_versions_sf_id ON package_versions (sf_id);
CREATE UNIQUE INDEX package_versions_number ON package_versions (package_ref, version_number);

CREATE TABLE licenses (
    id ${ID},
    sf_id ${TEXT},
    name ${TEXT},
    account_id ${TEXT},
    account_name ${TEXT},
    contact_id ${TEXT},
    lead_id ${TEXT},
    package_ref ${BIGINT} NOT NULL REFERENCES packages (id),
    package_version_ref ${BIGINT} REFERENCES package_versions (id),
    version_number ${TEXT},
    status ${TEXT} NOT NULL CHECK (status IN ('Trial', 'Active', 'Suspended', 'Uninstalled')),
    license_status ${TEXT},
    seats ${BIGINT} NOT NULL CHECK (seats = -1 OR seats >= 0),
    used_licenses ${BIGINT} NOT NULL DEFAULT 0,
    expiration ${DATE},
    install_date ${DATE},
    org_id ${TEXT} NOT NULL,
    org_edition ${TEXT},
    org_instance ${TEXT},
    org_status ${TEXT},
    org_trial_expiration ${DATE},
    is_sandbox ${BOOL} NOT NULL DEFAULT 0,
    package_license_id ${TEXT},
    proxy_user ${TEXT},
    license_type ${TEXT},
    last_modified ${TIMESTAMP}
);
CREATE UNIQUE INDEX licenses_sf_id ON licenses (sf_id);
CREATE UNIQUE INDEX licenses_org_package ON licenses (org_id, package_ref);
CREATE INDEX licenses_package ON licenses (package_ref, install_date);
CREATE INDEX licenses_status ON licenses (status, expiration);
CREATE INDEX licenses_expiration ON licenses (expiration);
CREATE INDEX licenses_install_date ON licenses (install_date);
CREATE INDEX licenses_name ON licenses (name);
CREATE INDEX licenses_account_name ON licenses (account_name);

CREATE TABLE audit_log (
    id ${ID},
    changed_at ${TIMESTAMP} NOT NULL,
    changed_by ${TEXT} NOT NULL,
    record_type ${TEXT} NOT NULL,
    record_ref ${BIGINT},
    record_sf_id ${TEXT},
    field ${TEXT} NOT NULL,
    old_value ${TEXT},
    new_value ${TEXT},
    source ${TEXT} NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_ref, changed_at);
