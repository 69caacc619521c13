#include "storage/postgres/pgadvisorylock.h"

#include <libpq-fe.h>

namespace lmo::pg {

namespace {

// The first key of every BulkWriteLock ("LMOB"); the schema migration's lock is of another kind
// (a one-key transaction lock), so the two never meet.
constexpr qint64 kClassKey = 0x4C4D4F42;

// libpq's key='value' form of the driver's options: the driver itself turns ';' into spaces
// (PgLocation::driverOptions keeps ';' out of values).
QByteArray conninfoOf(const QSqlDatabase &db)
{
    auto quoted = [](QString v) {
        v.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        v.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        return QStringLiteral("'%1'").arg(v);
    };
    QString info = db.connectOptions();
    info.replace(QLatin1Char(';'), QLatin1Char(' '));
    if (!db.hostName().isEmpty())
        info += QStringLiteral(" host=") + quoted(db.hostName());
    if (db.port() > 0)
        info += QStringLiteral(" port=%1").arg(db.port());
    if (!db.databaseName().isEmpty())
        info += QStringLiteral(" dbname=") + quoted(db.databaseName());
    if (!db.userName().isEmpty())
        info += QStringLiteral(" user=") + quoted(db.userName());
    if (!db.password().isEmpty())
        info += QStringLiteral(" password=") + quoted(db.password());
    return info.toUtf8();
}

// Runs a query answering one row; its first value, or an error.
Result<QString> one(PGconn *conn, const QByteArray &sql, const QString &doing)
{
    PGresult *res = PQexec(conn, sql.constData());
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1) {
        const QString message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        PQclear(res);
        return Error::make(PQstatus(conn) == CONNECTION_OK ? Error::Code::Sql : Error::Code::ConnectionLost,
                           QStringLiteral("Database error while %1: %2").arg(doing, message));
    }
    QString value = QString::fromUtf8(PQgetvalue(res, 0, 0));
    PQclear(res);
    return value;
}

} // namespace

Result<std::unique_ptr<AdvisoryLock>> AdvisoryLock::connect(const QSqlDatabase &like, const QString &shown)
{
    std::unique_ptr<AdvisoryLock> lock(new AdvisoryLock);
    lock->m_shown = shown;
    lock->m_conn = PQconnectdb(conninfoOf(like).constData());
    if (PQstatus(lock->m_conn) != CONNECTION_OK)
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("Cannot open a second connection to %1, which keeps two imports from writing "
                                          "at the same time: %2")
                               .arg(shown, QString::fromUtf8(PQerrorMessage(lock->m_conn)).trimmed()));
    // The schema's key: the same on every connection whose search_path leads to it.
    auto key = one(lock->m_conn, "SELECT hashtext('lmodesk bulk write ' || current_schema()) & 2147483647",
                   QStringLiteral("preparing the import lock of %1").arg(shown));
    if (!key)
        return key.error();
    lock->m_objectKey = key->toLongLong();
    return lock;
}

AdvisoryLock::~AdvisoryLock()
{
    // The session's end frees its advisory locks.
    if (m_conn)
        PQfinish(m_conn);
}

Result<bool> AdvisoryLock::tryLock()
{
    const QByteArray sql = QByteArray("SELECT pg_try_advisory_lock(") + QByteArray::number(kClassKey) + ", "
                           + QByteArray::number(m_objectKey) + ")";
    auto taken = one(m_conn, sql, QStringLiteral("taking the import lock of %1").arg(m_shown));
    if (!taken)
        return taken.error();
    return taken.value() == QLatin1String("t");
}

QString AdvisoryLock::holder()
{
    // Two-key advisory locks show their keys as classid and objid, with objsubid 2.
    const QByteArray sql =
        QByteArray("SELECT a.usename, host(a.client_addr), a.application_name FROM pg_locks l "
                   "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                   "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                   "AND l.classid = ")
        + QByteArray::number(kClassKey) + " AND l.objid = " + QByteArray::number(m_objectKey) + " AND l.objsubid = 2";
    PGresult *res = PQexec(m_conn, sql.constData());
    QString holder;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
        auto value = [res](int column) {
            return PQgetisnull(res, 0, column) ? QString() : QString::fromUtf8(PQgetvalue(res, 0, column));
        };
        holder = value(0).isEmpty() ? QStringLiteral("another login") : value(0);
        if (const QString from = value(1); !from.isEmpty())
            holder += QStringLiteral(" from ") + from;
        if (const QString app = value(2); !app.isEmpty())
            holder += QStringLiteral(" (%1)").arg(app);
    }
    PQclear(res);
    return holder.isEmpty() ? QStringLiteral("another connection") : holder;
}

QString AdvisoryLock::processKey(const QSqlDatabase &db)
{
    return QStringLiteral("postgresql|%1|%2|%3|%4|%5")
        .arg(db.hostName(), QString::number(db.port()), db.databaseName(), db.userName(), db.connectOptions());
}

} // namespace lmo::pg
