-- LMO Desk schema, version 7: the audit log read as history.
-- The figures of a past day take each license as the audit log says it was then (the old value
-- of each field's first change after the day), and an uninstall is dated by the change of
-- Status to Uninstalled. These two indexes serve those reads without sorting the log: each
-- license's changes field by field in time order (with the old value, so the log itself is not
-- read), and the uninstalls.
CREATE INDEX audit_log_history ON audit_log (record_type, record_ref, field, changed_at, old_value);
CREATE INDEX audit_log_field_value ON audit_log (record_type, field, new_value, record_ref, changed_at);
