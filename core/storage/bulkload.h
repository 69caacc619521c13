#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>

#include <functional>

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
};

// For bulk work on SQLite (a load into an empty table, the index builds after it): a rollback
// journal instead of the write-ahead log while it lasts, so that new pages are written once
// (into the file) rather than twice (the log, then the checkpoint). Pages added past the end of
// the file need no journal, and killed work is still rolled back (by the journal, when the file
// is next opened). SQLite allows the switch only when no other connection is open (the command
// line, not the window); otherwise the work keeps the log. Not inside a transaction.
class RollbackJournalWhileAlone
{
public:
    explicit RollbackJournalWhileAlone(QSqlDatabase db);
    ~RollbackJournalWhileAlone();
    RollbackJournalWhileAlone(const RollbackJournalWhileAlone &) = delete;
    RollbackJournalWhileAlone &operator=(const RollbackJournalWhileAlone &) = delete;
    bool switched() const { return m_switched; }

private:
    QSqlDatabase m_db;
    bool m_switched = false;
};

// How many indexes wait to be built.
Result<int> deferredIndexCount(QSqlDatabase db);

// Builds the deferred indexes, each in its own transaction (a kill loses at most the one being
// built). `progress(done, total)` is called before each and after the last; returning false
// stops between two indexes with Error::Code::Cancelled, the rest still deferred.
Result<void> buildDeferredIndexes(QSqlDatabase db, const std::function<bool(int done, int total)> &progress = {});

} // namespace lmo
