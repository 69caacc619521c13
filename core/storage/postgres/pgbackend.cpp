#include "storage/postgres/pgbackend.h"
#include "storage/postgres/pgstandby.h"

#include "storage/postgres/pgcopy.h"

namespace lmo {

Result<std::unique_ptr<Database>> PgBackend::open(const QString &location, const Database::OpenOptions &options) const
{
    return Database::openPostgres(location, options);
}

Result<QSqlDatabase> PgBackend::openConnection(const ConnectionSpec &spec, const QString &connectionName) const
{
    return Database::openPostgresConnection(spec, connectionName);
}

bool PgBackend::reconnectIfDropped(QSqlDatabase &db) const
{
    return db.isOpen() || Database::reopenPostgres(db);
}

void PgBackend::committed(QSqlDatabase &db) const
{
    pg::noteCommitted(db);
}

void PgBackend::catchUp(QSqlDatabase &db, const std::function<bool()> &stopped) const
{
    pg::awaitCommitted(db, 5000, stopped);
}

QString PgBackend::listTablesSql() const
{
    return QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename");
}

QString PgBackend::listIndexesSql() const
{
    return QStringLiteral("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table "
                          "AND schemaname = current_schema() AND indexname NOT LIKE '%_pkey'");
}

Result<std::unique_ptr<FastCursor>> PgBackend::prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const
{
    if (on != ReadOn::Same || !pg::canCopy(db))
        return std::unique_ptr<FastCursor>();
    return std::unique_ptr<FastCursor>(std::make_unique<pg::CopyCursor>(std::move(db), sql));
}

bool PgBackend::copiesRows(const QSqlDatabase &db) const
{
    return pg::canCopy(db);
}

} // namespace lmo
