#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>

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
    Result<void> restore();

private:
    QSqlDatabase m_db;
    Dialect m_dialect;
    QStringList m_recreate;
};

} // namespace lmo
