#pragma once

#include "storage/backend.h"

namespace lmo {

// A team database on a PostgreSQL server (a schema of one of its databases). Many rows go in by
// COPY (pg::copyIn) and many come out by COPY (pg::CopyCursor); the dashboard is summed by the
// server; there is no row-by-row fast INSERT, which would cost a round trip per statement.
class PgBackend final : public StorageBackend
{
public:
    Dialect::Kind kind() const override { return Dialect::Kind::PostgreSQL; }
    Result<std::unique_ptr<Database>> open(const QString &location, const Database::OpenOptions &options) const override;
    Result<QSqlDatabase> openConnection(const ConnectionSpec &spec, const QString &connectionName) const override;
    bool reconnectIfDropped(QSqlDatabase &db) const override;
    void committed(QSqlDatabase &db) const override;
    void catchUp(QSqlDatabase &db, const std::function<bool()> &stopped) const override;
    QString listTablesSql() const override;
    QString listIndexesSql() const override;
    // A COPY (SELECT …) TO STDOUT read in place (pg::CopyCursor); on ReadOn::Second, none.
    Result<std::unique_ptr<FastCursor>> prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const override;
    bool copiesRows(const QSqlDatabase &db) const override;
    bool scansLicensesLocally() const override { return false; }
};

} // namespace lmo
