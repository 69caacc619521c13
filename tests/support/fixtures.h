#pragma once

#include "domain/license.h"
#include "storage/database.h"

#include <QDate>
#include <QString>

#include <memory>
#include <vector>

namespace lmo::test {

// Which engine this run of a test program tests. LMODESK_TEST_BACKEND=postgresql (set by ctest
// for the "@postgresql" copy of each test) runs it on the server LMODESK_TEST_PG names, which
// packaging/pg-test-cluster.sh starts; otherwise SQLite files.
bool onPostgres();
// The ordinary login's URI of the test server (LMODESK_TEST_PG); fails the process when a
// PostgreSQL run has none, saying how to get one.
QString postgresUri();

// Where a test keeps the database it would keep at `path` (a file in its temporary folder):
// that path on SQLite; on PostgreSQL a schema of the test server of its own, named after the
// path (the same path gives the same schema, as the same file would be the same database),
// created empty the first time, as a URI with options=-csearch_path. Use it wherever a test's
// point is not the file itself.
QString location(const QString &path);
// A URI for schema `schema` of the test server (created if missing) through `baseUri`.
QString schemaUri(const QString &baseUri, const QString &schema);

// The hand-made install base ("the stats fixture"): 15 licenses in 9 orgs, 3 packages (one
// without licenses), judged as of 2026-06-15. Its expected figures were worked out by hand and
// are written down in tst_stats.cpp.
inline const QDate kFixtureAsOf(2026, 6, 15);

std::vector<License> statsFixtureLicenses();

// Writes the fixture into an open database (packages first). Fails the calling test on error.
bool writeStatsFixture(Database &database);

// Creates a new database with the fixture in it, at location(path): the file, or on PostgreSQL
// the schema that stands for it.
std::unique_ptr<Database> createFixtureDatabase(const QString &path);
// The same, always at `path` itself (an SQLite file, for the tests whose point is the file).
std::unique_ptr<Database> createFixtureFile(const QString &path);

// A hash of every row of every LMO table, in key order: equal hashes mean equal contents.
QByteArray contentHash(Database &database);

// Whether the license search's trigram index belongs on this database: on a server where
// pg_trgm is installed (schema 14); never on SQLite, whose search has an FTS5 table instead.
bool hasSearchTrigramIndex(const Database &database);

// What a load into an empty licenses table leaves to build once its rows are saved
// (deferred_indexes): the table's 15 secondary indexes and the org summary; on a server also the
// primary key and the two foreign keys' checks (pg::ForeignKeySuspension) and, with pg_trgm, the
// search's trigram index; on SQLite the search's FTS5 table (storage/licensesearch.h).
inline int deferredAfterFreshLoad(const Database &database)
{
    return database.isTeamDatabase() ? 19 + (hasSearchTrigramIndex(database) ? 1 : 0) : 17;
}

// The licenses table's secondary indexes once built: the 15 for browsing, on either engine, and
// on a server with pg_trgm the search's trigram index (the search's index on SQLite is a table
// of its own, not an index of licenses).
inline int licenseIndexesBuilt(const Database &database)
{
    return 15 + (hasSearchTrigramIndex(database) ? 1 : 0);
}

// The licenses table's secondary indexes (all, or those named `name`), whatever the engine;
// -1 if they cannot be listed.
qint64 licenseIndexCount(Database &database, const QString &name = {});

// Writes a CLI-style license export of `rows` licenses of `package`, each in its own org: big
// enough to catch an import in the middle of its work.
bool writeLicenseCsv(const QString &path, int rows, const QString &package);

// The SHA-256 of a file's bytes.
QByteArray fileHash(const QString &path);

// Another program's exclusive lock on a database, as an SQLite tool in the middle of a write
// holds it, for as long as this object lives. isHeld() says whether taking it worked.
class ExclusiveLock
{
public:
    explicit ExclusiveLock(const QString &path);
    ~ExclusiveLock();
    bool isHeld() const { return m_held; }

private:
    QString m_connection;
    bool m_held = false;
};

// Makes `path` read-only. Root may write anything, so a test run as root checks read-only files
// as an ordinary user: it runs `testFunction` of a copy of this test program as nobody, with
// LMODESK_TEST_READONLY_DB=path, and returns that run's output in `output`. Returns false (and
// fails the calling test) if the child failed. When not root it returns true with an empty
// output, and the caller checks directly.
bool makeReadOnlyAndCheckAsUser(const QString &path, const QString &testFunction, QByteArray *output);
inline constexpr char kReadOnlyChildEnv[] = "LMODESK_TEST_READONLY_DB";

} // namespace lmo::test
