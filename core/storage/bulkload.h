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

// How many indexes wait to be built.
Result<int> deferredIndexCount(QSqlDatabase db);

// Builds the deferred indexes, each in its own transaction (a kill loses at most the one being
// built). `progress(done, total)` is called before each and after the last; returning false
// stops between two indexes with Error::Code::Cancelled, the rest still deferred.
Result<void> buildDeferredIndexes(QSqlDatabase db, const std::function<bool(int done, int total)> &progress = {});

} // namespace lmo
