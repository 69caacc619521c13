#include "storage/database.h"

#include "storage/backend.h"
#include "storage/postgres/pglocation.h"

#include <QDir>
#include <QStandardPaths>

#include <algorithm>

namespace lmo {

QString Database::defaultPath()
{
    const QString dataHome = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(dataHome).filePath(QStringLiteral("lmodesk/lmodesk.") + localFileNames().suffix);
}

LocalFileNames Database::localFileNames()
{
    return StorageBackend::local().localFileNames();
}

bool LocalFileNames::isNamed(const QString &fileName) const
{
    return std::any_of(suffixes.begin(), suffixes.end(),
                       [&fileName](const QString &s) { return fileName.endsWith(QLatin1Char('.') + s); });
}

QString Database::resolvePath(const QString &commandLinePath)
{
    if (!commandLinePath.isEmpty())
        return commandLinePath;
    const QString fromEnv = qEnvironmentVariable("LMODESK_DB");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return defaultPath();
}

Database::Backend Database::backendOf(const QString &location)
{
    return PgLocation::isPostgres(location) ? Backend::PostgreSQL : Backend::SQLite;
}

Result<std::unique_ptr<Database>> Database::open(const QString &location, const OpenOptions &options)
{
    return StorageBackend::forLocation(location).open(location, options);
}

Result<QSqlDatabase> Database::openConnection(const ConnectionSpec &spec, const QString &connectionName)
{
    return StorageBackend::forKind(Dialect::forDriver(spec.driver).kind()).openConnection(spec, connectionName);
}

Error Database::abandonConnection(QSqlDatabase &db, const QString &connectionName, Error why)
{
    db.close();
    db = QSqlDatabase(); // the last handle goes before the name is removed
    QSqlDatabase::removeDatabase(connectionName);
    return why;
}

bool Database::reconnectIfDropped(QSqlDatabase &db)
{
    if (!db.isValid())
        return db.isOpen();
    return StorageBackend::of(db).reconnectIfDropped(db);
}

std::function<void()> Database::interrupter(QSqlDatabase &db, bool atOnce)
{
    if (!db.isValid() || !db.isOpen())
        return {};
    const StorageBackend &backend = StorageBackend::of(db);
    if (atOnce && !backend.interruptsAtOnce())
        return {};
    return backend.interrupter(db);
}

bool Database::interruptsAtOnce(const QSqlDatabase &db)
{
    return db.isValid() && StorageBackend::of(db).interruptsAtOnce();
}

void Database::catchUp(QSqlDatabase &db, const std::function<bool()> &stopped)
{
    if (db.isValid() && db.isOpen())
        StorageBackend::of(db).catchUp(db, stopped);
}

Database::~Database()
{
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::connection() const
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // A server that restarted, or a connection it dropped: the driver marks the connection
    // closed on the statement that found out (which failed, and said so). The next use connects
    // again, so that the work tried after the outage runs on a live session.
    if (m_storage && db.isValid() && !db.isOpen())
        m_storage->reconnectIfDropped(db);
    return db;
}

} // namespace lmo
