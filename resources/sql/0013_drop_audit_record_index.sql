-- LMO Desk schema, version 13: one index fewer on the audit log.
-- audit_log_record (record_type, record_ref, changed_at) is the first two columns of
-- audit_log_history (schema 7) followed by the time. Every read of the log is of one record's
-- changes (its history, its last change, whether it has been Active) or of the uninstalls
-- (audit_log_field_value), so audit_log_history finds the same rows; one record's few changes
-- are then put in time order by a sort of those rows alone. Every audit row written (each edit,
-- import and sync) no longer updates a third index, and a demo of 1M licenses (2.7M audit rows)
-- builds one 1.7-second index fewer.
DROP INDEX IF EXISTS audit_log_record;
