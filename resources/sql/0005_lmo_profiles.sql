-- LMO Desk schema, version 5: the LMO this database belongs to, as the setup wizard records it.
-- One current profile (being set up, or designated); the LMOs it replaced are kept with the day
-- they were replaced, for the switching history.

CREATE TABLE lmo_profiles (
    id ${ID},
    data ${TEXT} NOT NULL,
    is_current ${BOOL} NOT NULL DEFAULT 0,
    replaced_on ${DATE}
);
