#pragma once

#include <QSqlDatabase>
#include <QString>

// SQLite's connection settings for bulk work (PRAGMAs). Each is tuning only, and does nothing on
// a connection of another driver: a PostgreSQL server tunes itself, and a statement it does not
// know would abort the transaction it is in.
namespace lmo::sqlite {

bool isSqlite(const QSqlDatabase &db);

// The page cache, in KiB, for this connection (SQLite's default is 2,000).
void setCacheKib(QSqlDatabase db, int kib);
// Folds the write-ahead log back into the file, after a bulk load.
void checkpoint(QSqlDatabase db);
// How long a statement waits for another connection's lock (PRAGMA busy_timeout), in ms; -1
// when it cannot be read (or the connection is not SQLite's). setBusyTimeoutMs says whether it
// was set.
int busyTimeoutMs(QSqlDatabase db);
bool setBusyTimeoutMs(QSqlDatabase db, int ms);

// Settings for the length of one bulk load.
class BulkPragmas
{
public:
    // A load into an empty table only appends, and needs few pages at hand; one that updates
    // looks licenses up all over the table and its indexes, and keeps more of them in memory.
    BulkPragmas(QSqlDatabase db, bool appendOnly);
    ~BulkPragmas();
    void setAppendOnly(bool appendOnly);
    BulkPragmas(const BulkPragmas &) = delete;
    BulkPragmas &operator=(const BulkPragmas &) = delete;

private:
    void exec(const QString &sql);
    QSqlDatabase m_db;
    bool m_sqlite;
};

// A connection setting for the length of a load into an empty table, put back as it was after.
// Set before the load's transaction begins: foreign_keys is a no-op inside a transaction, and
// ignore_check_constraints is compiled into statements (setting it makes SQLite prepare them
// again). switched() is false on another driver.
class PragmaForLoad
{
public:
    PragmaForLoad(QSqlDatabase db, const char *name, bool value);
    ~PragmaForLoad();
    bool switched() const { return m_switched; }
    PragmaForLoad(const PragmaForLoad &) = delete;
    PragmaForLoad &operator=(const PragmaForLoad &) = delete;

private:
    QSqlDatabase m_db;
    QString m_name;
    bool m_was = false;
    bool m_switched = false;
};

// The settings while CREATE INDEX statements run; put back as they were after (so that scopes
// nest). SQLite sorts an index's keys in runs the size of the page cache, each sorted in memory
// and written to a temporary file, then merged; with temp_store=MEMORY it sorts them all as one
// list in memory. Runs of 2 MiB stay in the processor's cache: at 1M licenses five of the
// license indexes took 2.1-2.8 s so, against 6.2-6.6 s with a 64 MiB cache or with
// temp_store=MEMORY (the sqlite3 shell, the same file and statements). A second thread sorts
// and merges runs beside the first. temp_store cannot change inside a transaction that has used
// temporary storage: there it stays as it was (tuning only).
class IndexBuildPragmas
{
public:
    explicit IndexBuildPragmas(QSqlDatabase db);
    ~IndexBuildPragmas();
    IndexBuildPragmas(const IndexBuildPragmas &) = delete;
    IndexBuildPragmas &operator=(const IndexBuildPragmas &) = delete;

    static constexpr int kSortRunKib = 2048;

private:
    QSqlDatabase m_db;
    bool m_sqlite = false;
    QString m_cacheSize, m_threads, m_tempStore; // as they were; empty where unread
};

} // namespace lmo::sqlite
