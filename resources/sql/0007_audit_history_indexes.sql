-- LMO Desk schema, version 7: the audit log read as history.
-- The figures of a past day take each license as the audit log says it was then (the old value
-- of each field's first change after the day), and an uninstall is dated by the change of
-- Status to Uninstalled. These two indexes serve those reads: the changes after a day, and the
-- uninstalls, without reading the whole log.
CREATE INDEX audit_log_time ON audit_log (record_type, changed_at);
CREATE INDEX audit_log_field_value ON audit_log (record_type, field, new_value, record_ref, changed_at);
