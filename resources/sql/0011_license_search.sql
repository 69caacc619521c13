-- LMO Desk schema, version 11, on SQLite: a substring index over what the license search reads
-- (name, account name, subscriber org id), so that "contains" finds its matches without reading
-- every license. FTS5's trigram tokenizer (SQLite 3.34 and later), external content (the text
-- stays in licenses only), detail=none (the smallest index: each trigram's rows, no positions),
-- columnsize=0 (no per-row sizes: they serve ranking, which the search does not do).
-- A search ANDs its text's trigrams, then checks each candidate with the LIKE it always ran, so
-- the answer is exactly LIKE's. The triggers keep it up to date; a bulk load into an empty table
-- drops them and rebuilds the index once after the load (storage/licensesearch.h).
CREATE VIRTUAL TABLE IF NOT EXISTS license_search USING fts5(name, account_name, org_id, content='licenses', content_rowid='id', tokenize='trigram', detail='none', columnsize=0);
INSERT INTO license_search(license_search) VALUES ('rebuild');
CREATE TRIGGER IF NOT EXISTS license_search_insert AFTER INSERT ON licenses BEGIN INSERT INTO license_search(rowid, name, account_name, org_id) VALUES (new.id, new.name, new.account_name, new.org_id); END;
CREATE TRIGGER IF NOT EXISTS license_search_delete AFTER DELETE ON licenses BEGIN INSERT INTO license_search(license_search, rowid, name, account_name, org_id) VALUES ('delete', old.id, old.name, old.account_name, old.org_id); END;
CREATE TRIGGER IF NOT EXISTS license_search_update AFTER UPDATE OF name, account_name, org_id ON licenses BEGIN INSERT INTO license_search(license_search, rowid, name, account_name, org_id) VALUES ('delete', old.id, old.name, old.account_name, old.org_id); INSERT INTO license_search(rowid, name, account_name, org_id) VALUES (new.id, new.name, new.account_name, new.org_id); END;
