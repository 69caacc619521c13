-- LMO Desk schema, version 19: what a user told LMO Desk about billing. billing_links gains how a
-- link was made (the customer's name, the email's domain, a user's choice); billing_plan_packages
-- says which package a source's plan (or product) pays for, where its name does not say it.
ALTER TABLE billing_links ADD COLUMN matched_by ${TEXT};
CREATE TABLE billing_plan_packages (
    source ${TEXT} NOT NULL REFERENCES billing_sources (name),
    plan_key ${TEXT} NOT NULL,
    plan ${TEXT} NOT NULL,
    package_ref ${BIGINT} NOT NULL REFERENCES packages (id),
    set_at ${TEXT} NOT NULL,
    set_by ${TEXT},
    PRIMARY KEY (source, plan_key)
);
