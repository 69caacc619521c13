-- LMO Desk schema, version 18: what the billing system charges, beside the licenses.
-- billing_sources: one row per billing source (a Stripe account's export, a Chargebee site's,
-- a spreadsheet), with the column mapping its files are read by. billing_subscriptions: each
-- subscription of a source by its own id, as its latest export said, with the status in the
-- one vocabulary every source maps onto and the source's own word beside it. billing_links: the
-- org a subscription pays for, where the export did not say and a user confirmed it.
CREATE TABLE billing_sources (
    name ${TEXT} PRIMARY KEY,
    format ${TEXT} NOT NULL CHECK (format IN ('stripe', 'chargebee', 'table')),
    mapping ${TEXT},
    last_import_at ${TEXT}
);
CREATE TABLE billing_subscriptions (
    id ${ID},
    source ${TEXT} NOT NULL REFERENCES billing_sources (name),
    subscription_id ${TEXT} NOT NULL,
    customer_id ${TEXT},
    customer_name ${TEXT},
    customer_email ${TEXT},
    plan ${TEXT},
    product ${TEXT},
    quantity ${BIGINT},
    status ${TEXT} NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'paused')),
    source_status ${TEXT} NOT NULL,
    current_period_end ${TEXT},
    cancel_at_period_end ${BOOL} NOT NULL DEFAULT 0,
    amount_hundredths ${BIGINT},
    currency ${TEXT},
    billing_interval ${TEXT} CHECK (billing_interval IN ('day', 'week', 'month', 'year')),
    interval_count ${BIGINT} NOT NULL DEFAULT 1,
    org_id ${TEXT},
    first_line ${BIGINT},
    imported_at ${TEXT} NOT NULL,
    UNIQUE (source, subscription_id)
);
CREATE INDEX billing_subscriptions_org ON billing_subscriptions (org_id);
CREATE TABLE billing_links (
    source ${TEXT} NOT NULL,
    subscription_id ${TEXT} NOT NULL,
    org_id ${TEXT} NOT NULL,
    linked_at ${TEXT} NOT NULL,
    linked_by ${TEXT},
    PRIMARY KEY (source, subscription_id)
);
