-- LMO Desk schema, version 4: subscriber orgs, summarised.
-- The LMA has no subscriber object: an org is the set of licenses sharing one 15-character org
-- id, its details taken from its most recently changed license. Working that out for 750,000
-- orgs takes seconds, too long for a list that must scroll at once, so it is kept here: rebuilt
-- after an import (as deferred work, like the indexes), refreshed org by org after an edit.
-- Seats and used count the licenses still installed; site_licenses says how many of those are
-- site licenses (the org's seats then read "Site License").

CREATE TABLE subscribers (
    org_id ${TEXT} PRIMARY KEY,
    account_name ${TEXT},
    org_edition ${TEXT},
    org_instance ${TEXT},
    org_status ${TEXT},
    is_sandbox ${BOOL} NOT NULL DEFAULT 0,
    licenses ${BIGINT} NOT NULL,
    installed ${BIGINT} NOT NULL,
    packages ${TEXT},
    seats ${BIGINT} NOT NULL,
    site_licenses ${BIGINT} NOT NULL,
    used ${BIGINT} NOT NULL,
    first_install ${DATE},
    last_change ${TIMESTAMP}
);
CREATE INDEX subscribers_account ON subscribers (account_name);
CREATE INDEX subscribers_licenses ON subscribers (licenses);
CREATE INDEX subscribers_seats ON subscribers (seats);
CREATE INDEX subscribers_last_change ON subscribers (last_change);
-- Each org's most recent license, found without reading the org's rows.
CREATE INDEX licenses_org_modified ON licenses (org_id, last_modified);
INSERT INTO deferred_indexes (name, definition) VALUES ('~subscribers', 'REBUILD SUBSCRIBERS');
