-- LMO Desk schema, version 12, on SQLite: a compact column image of the licenses for the
-- dashboard (storage/licenseimage.h). One BLOB per chunk of 65,536 row ids (chunk = id >> 16):
-- the columns the dashboard counts, fixed width, with small dictionaries. The triggers delete the
-- chunk a change touches, in the change's own transaction, so a stored chunk is never stale; a
-- missing one is built again from the licenses when the dashboard next reads the image.
-- format: the BLOB's first four bytes (its layout's version, or "read from the table").
CREATE TABLE IF NOT EXISTS license_image (chunk INTEGER PRIMARY KEY, format INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS license_image_insert AFTER INSERT ON licenses BEGIN DELETE FROM license_image WHERE chunk = new.id >> 16; END;
CREATE TRIGGER IF NOT EXISTS license_image_update AFTER UPDATE ON licenses BEGIN DELETE FROM license_image WHERE chunk IN (old.id >> 16, new.id >> 16); END;
CREATE TRIGGER IF NOT EXISTS license_image_delete AFTER DELETE ON licenses BEGIN DELETE FROM license_image WHERE chunk = old.id >> 16; END;
CREATE TRIGGER IF NOT EXISTS license_image_audit_insert AFTER INSERT ON audit_log WHEN new.record_type = 'license' AND new.field = 'Status' BEGIN DELETE FROM license_image WHERE chunk = new.record_ref >> 16; END;
CREATE TRIGGER IF NOT EXISTS license_image_audit_delete AFTER DELETE ON audit_log WHEN old.record_type = 'license' AND old.field = 'Status' BEGIN DELETE FROM license_image WHERE chunk = old.record_ref >> 16; END;
CREATE TRIGGER IF NOT EXISTS license_image_audit_update AFTER UPDATE ON audit_log BEGIN DELETE FROM license_image WHERE chunk IN (old.record_ref >> 16, new.record_ref >> 16); END;
