#include "storage/bulkload.h"

#include "storage/sqlutil.h"

#include <QSqlQuery>

namespace lmo {

Result<void> IndexSuspension::suspend(const QString &table, Keep keep)
{
    QSqlQuery q(m_db);
    q.prepare(m_dialect.listIndexesSql());
    q.bindValue(QStringLiteral(":table"), table);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("listing the indexes of %1").arg(table));
    QStringList names;
    while (q.next()) {
        const QString sql = q.value(1).toString();
        if (keep == Keep::UniqueIndexes && sql.contains(QStringLiteral("UNIQUE"), Qt::CaseInsensitive))
            continue;
        names << q.value(0).toString();
        m_recreate << sql;
    }
    q.finish();
    for (const QString &name : std::as_const(names)) {
        if (auto r = execSql(m_db, QStringLiteral("DROP INDEX %1").arg(name), QStringLiteral("preparing the bulk load"));
            !r)
            return r;
    }
    return {};
}

Result<void> IndexSuspension::restore()
{
    for (const QString &statement : std::as_const(m_recreate)) {
        if (auto r = execSql(m_db, statement, QStringLiteral("rebuilding the indexes")); !r)
            return r;
    }
    m_recreate.clear();
    return {};
}

} // namespace lmo
