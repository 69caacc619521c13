#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>

#include <functional>
#include <utility>

namespace lmo {

// Drops a table's secondary indexes for a bulk load and builds them again afterwards: building
// an index once over sorted keys is far cheaper than updating it a million times. Use inside the
// load's transaction, so that a failed load gets its indexes back with the rollback.
class IndexSuspension
{
public:
    enum class Keep { Nothing, UniqueIndexes };

    IndexSuspension(QSqlDatabase db, Dialect dialect) : m_db(std::move(db)), m_dialect(dialect) {}

    Result<void> suspend(const QString &table, Keep keep);
    // Builds them now, inside the load's transaction.
    Result<void> restore();
    // Records them in deferred_indexes, inside the load's transaction, for
    // buildDeferredIndexes() to build once the load is saved. Until then the data is complete
    // and right, only slower to search, and nothing may write to the table but a load into it
    // when it is empty: importFile() and the app build the deferred indexes first.
    Result<void> defer();

private:
    QSqlDatabase m_db;
    Dialect m_dialect;
    QStringList m_names;
    QStringList m_recreate;
    bool m_search = false; // the license search index's triggers were dropped (licensesearch.h)
    bool m_image = false;  // the dashboard image's triggers were dropped (licenseimage.h)
};

// One bulk writer at a time on a database file, across processes. An import holds it from
// before it looks at the database (is the table empty? are indexes left to build?) until its
// rows are saved, and `lmodesk import` until the indexes it left are built too, so that a second
// import waits its turn and then works on what the first one saved, indexes and all, instead of
// deciding from what it saw before the first one wrote. The index builds take it as well.
//
// It is a lock file beside the database (the database's name with "-lock" added; see
// lockFilePath()), which names the holding process; one left by a process that died is taken
// over. The process holds it, not the thread or the object: taking it again for the same file
// while this process holds it (importFile() inside `lmodesk import`, the window's index build
// beside its import dialog) succeeds at once and only counts, and the file goes with the last
// holder. Readers never take it: they read the last saved state meanwhile (the write-ahead log).
//
// On a team database (PostgreSQL) it is a lock on the server (StorageBackend::connectServerLock:
// a session advisory lock, one per schema), held on a connection of its own for the lock's
// lifetime, so that it spans every process on every machine; the holder is told from
// pg_stat_activity ("alice from 10.0.0.5 (LMO Desk)"). It is shared within the process in the
// same way.
class BulkWriteLock
{
public:
    // Called before each wait of about 200 ms while another process holds the lock, with who
    // holds it ("process 4242 (lmodesk)"); returning false gives up (Error::Code::Cancelled).
    using Waiting = std::function<bool(const QString &holder)>;

    // Waits as long as `waiting` returns true; without it, up to `waitMs`, then Locked.
    static Result<BulkWriteLock> acquire(const QString &databasePath, const Waiting &waiting = {}, int waitMs = 2000);
    // The lock of the database under a connection: the SQLite file's, or the team database's
    // advisory lock (`shown` names it in messages; by default the server says who and where). A
    // database in memory, which no other process can write, has nothing to lock.
    static Result<BulkWriteLock> acquire(const QSqlDatabase &db, const Waiting &waiting = {}, int waitMs = 2000,
                                         const QString &shown = {});
    static QString lockFilePath(const QString &databasePath);

    BulkWriteLock(BulkWriteLock &&other) noexcept : m_key(std::exchange(other.m_key, QString())) {}
    BulkWriteLock &operator=(BulkWriteLock &&other) noexcept;
    ~BulkWriteLock() { release(); }
    void release();

private:
    explicit BulkWriteLock(QString key) : m_key(std::move(key)) {}
    QString m_key; // empty once released
};

// Gives the query planner row counts for our tables: SQLite's ANALYZE; on PostgreSQL the
// tables of the database's schema by name (a plain ANALYZE would try every catalog as well,
// and warn for each that an ordinary login may not analyse).
Result<void> analyzeTables(QSqlDatabase db);

// A longer busy timeout on one connection while it does bulk work under the BulkWriteLock: the
// other writers it may meet then (an edit, a profile saved) are short, and the work should wait
// for them rather than fail after SQLite's usual two seconds. Put back as it was afterwards.
class LongBusyTimeout
{
public:
    static constexpr int kMs = 60'000;
    explicit LongBusyTimeout(QSqlDatabase db);
    ~LongBusyTimeout();
    LongBusyTimeout(const LongBusyTimeout &) = delete;
    LongBusyTimeout &operator=(const LongBusyTimeout &) = delete;

private:
    QSqlDatabase m_db;
    int m_was = -1;
};

// How many indexes wait to be built.
Result<int> deferredIndexCount(QSqlDatabase db);

// Builds the deferred indexes, each in its own transaction (a kill loses at most the one being
// built), under the BulkWriteLock. `progress(done, total)` is called before each and after the
// last, and with done 0 while it waits for another process's lock; returning false stops
// between two indexes (or the wait) with Error::Code::Cancelled, the rest still deferred.
// Without `progress`, the wait for the lock lasts at most two seconds (Locked after).
Result<void> buildDeferredIndexes(QSqlDatabase db, const std::function<bool(int done, int total)> &progress = {});

} // namespace lmo
