-- LMO Desk schema, version 10: licenses read straight from the org (lmodesk sync).
-- Each license keeps the org's SystemModstamp of the record it was last written from: a sync
-- overwrites a license only with a record at least as new. sync_state keeps, per LMO and object,
-- how far the org's changes have been read (the watermark, the org's own clock, saved in the
-- transaction that saved the rows it covers); sync_runs keeps what each sync did.
ALTER TABLE licenses ADD COLUMN system_modstamp ${TIMESTAMP};
CREATE TABLE sync_state (
    lmo_ref ${BIGINT} NOT NULL,
    object_name ${TEXT} NOT NULL,
    org_id ${TEXT} NOT NULL,
    watermark ${TEXT},
    read_until ${TEXT},
    full_done_at ${TEXT},
    full_pending ${BOOL} NOT NULL DEFAULT 0,
    PRIMARY KEY (lmo_ref, object_name)
);
CREATE TABLE sync_runs (
    id ${ID},
    lmo_ref ${BIGINT} NOT NULL,
    org_id ${TEXT} NOT NULL,
    started_at ${TEXT} NOT NULL,
    finished_at ${TEXT},
    synced_by ${TEXT},
    outcome ${TEXT} NOT NULL,
    report ${TEXT}
);
