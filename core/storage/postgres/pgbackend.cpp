#include "storage/postgres/pgbackend.h"
#include "storage/postgres/pgstandby.h"

#include "storage/postgres/pgadvisorylock.h"
#include "storage/postgres/pgbatchupdate.h"
#include "storage/postgres/pgcopy.h"
#include "storage/postgres/pgteam.h"
#include "storage/sqlutil.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

#include <libpq-fe.h>

#include <memory>
#include <QSqlQuery>

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

std::function<void()> PgBackend::interrupter(QSqlDatabase &db) const
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    // QPSQL hands its PGconn* out under the struct's own name.
    if (!handle.isValid()
        || (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0))
        return {};
    PGconn *conn = *static_cast<PGconn *const *>(handle.constData());
    std::shared_ptr<PGcancel> cancel(conn ? PQgetCancel(conn) : nullptr, [](PGcancel *c) {
        if (c)
            PQfreeCancel(c);
    });
    if (!cancel)
        return {};
    // PQcancel is safe from any thread; it returns once the server has taken the request, and
    // a session that is idle by then ignores it.
    return [cancel] {
        char why[256];
        PQcancel(cancel.get(), why, int(sizeof why));
    };
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
    return QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = ") + pg::baseSchemaSql()
           + QStringLiteral(" ORDER BY tablename");
}

QString PgBackend::licensesEstimateSql() const
{
    // The table's rows as its last ANALYZE or VACUUM counted them (in the tables' schema, not
    // a role's view of it); a table never analyzed (-1) is counted. COALESCE evaluates its
    // second subquery only when the first is NULL.
    return QStringLiteral("SELECT COALESCE((SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %1 AND c.relname = 'licenses'), "
                          "(SELECT COUNT(*) FROM licenses))")
        .arg(pg::baseSchemaSql());
}

QString PgBackend::listIndexesSql() const
{
    return QStringLiteral("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table AND schemaname = ")
           + pg::baseSchemaSql() + QStringLiteral(" AND indexname NOT LIKE '%_pkey'");
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

std::unique_ptr<BulkRows> PgBackend::bulkRows(BulkRows::Format format) const
{
    return std::make_unique<pg::CopyRows>(format);
}

Result<void> PgBackend::copyIn(QSqlDatabase &db, const char *target, const BulkRows &rows, const QString &doing) const
{
    return pg::copyIn(db, target, rows, doing);
}

std::unique_ptr<BulkRowStream> PgBackend::rowStream(QSqlDatabase db, QByteArray target, QString doing,
                                                    BulkRows::Format format) const
{
    if (!pg::canCopy(db))
        return nullptr;
    return std::make_unique<pg::CopyStream>(std::move(db), std::move(target), std::move(doing), format);
}

std::unique_ptr<BulkUpdate> PgBackend::bulkUpdate(QSqlDatabase db, QString table, QStringList columns) const
{
    return std::make_unique<pg::BatchUpdate>(std::move(db), std::move(table), std::move(columns));
}

std::unique_ptr<KeySuspension> PgBackend::keySuspension(QSqlDatabase db) const
{
    return std::make_unique<pg::ForeignKeySuspension>(std::move(db));
}

Result<void> PgBackend::rewindSequences(QSqlDatabase &db, const QStringList &tables) const
{
    return pg::rewindSequences(db, tables);
}

QString PgBackend::serverLockKey(const QSqlDatabase &db) const
{
    return pg::AdvisoryLock::processKey(db);
}

Result<std::unique_ptr<ServerLock>> PgBackend::connectServerLock(const QSqlDatabase &like, const QString &shown) const
{
    auto connected = pg::AdvisoryLock::connect(like, shown);
    if (!connected)
        return connected.error();
    return std::unique_ptr<ServerLock>(std::move(connected).value());
}

Result<std::unique_ptr<ChangeFeed>> PgBackend::listenForChanges(const ConnectionSpec &spec, const QString &connectionName) const
{
    return pg::listenForChanges(spec, connectionName);
}

bool PgBackend::ownsTable(QSqlDatabase &db, const QString &table) const
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = to_regclass(?)")))
        return false;
    q.addBindValue(table);
    return q.exec() && q.next() && q.value(0).toBool();
}

bool PgBackend::auditsOnServer(const QSqlDatabase &db) const
{
    return pg::isTeamSession(db);
}

Result<void> PgBackend::setChangeSource(QSqlDatabase &db, const QString &source) const
{
    if (!pg::isTeamSession(db))
        return {};
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT set_config('lmodesk.source', ?, false)")))
        return sqlError(q.lastError(), QStringLiteral("naming the source of the changes"));
    q.addBindValue(source);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("naming the source of the changes"));
    return {};
}

Result<void> PgBackend::noteOnServer(QSqlDatabase &db, const QString &kind, const QString &summary, const QString &source) const
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT team_note(?, ?, ?)")))
        return sqlError(q.lastError(), QStringLiteral("recording the import in the audit log"));
    q.addBindValue(kind);
    q.addBindValue(summary);
    q.addBindValue(source);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording the import in the audit log"));
    return {};
}

} // namespace lmo
