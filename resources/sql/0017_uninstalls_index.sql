-- LMO Desk schema, version 17: the index of the uninstalls holds the uninstalls alone.
-- audit_log_field_value (record_type, field, new_value, record_ref, changed_at) came with schema 7
-- for one read: each license's last change of Status to Uninstalled (the uninstall day of the
-- dashboard, of a past day's figures and of the image). It held every audit row, 2.7M of them in
-- a demo of 1M licenses (156 MB), and took six seconds to build there, the slowest index of the
-- whole schema. A partial index of those changes alone (one audit row in seven there, 23 MB, built
-- in 0.7 s) serves the same read in the same order, by license, then time: both engines use it for
-- a WHERE that names the same three values. Its columns are the old index's, the three the WHERE
-- fixes first: SQLite 3.40 reads a partial index alone only where it holds every column the
-- statement names, and on a database never analysed its planner prefers an index whose leading
-- columns the WHERE matches by equality. Every other audit row written (each edit, import and
-- sync) no longer updates it.
-- (A bulk load stopped before building the old index may still list it: that entry goes too.)
DROP INDEX IF EXISTS audit_log_field_value;
DELETE FROM deferred_indexes WHERE name = 'audit_log_field_value';
CREATE INDEX audit_log_uninstalls ON audit_log (record_type, field, new_value, record_ref, changed_at)
    WHERE record_type = 'license' AND field = 'Status' AND new_value = 'Uninstalled';
