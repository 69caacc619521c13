-- LMO Desk schema, version 2: indexes a bulk load left to be built after it.
-- A load into an empty table saves its rows without indexes and records here the ones to build;
-- they are built right after (by the import, or by the app when it next opens the database),
-- one at a time, each removed from this table in the same transaction that creates it.

CREATE TABLE deferred_indexes (
    name ${TEXT} PRIMARY KEY,
    definition ${TEXT} NOT NULL
);
