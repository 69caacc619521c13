#include "storage/sqlutil.h"

#include "storage/backend.h"

namespace lmo {

namespace {

// Qt's PostgreSQL driver puts its name in its own half of the message; its native code is the
// server's SQLSTATE ("23505"), which must not be read as an SQLite result code.
bool isPostgresError(const QSqlError &error)
{
    return error.driverText().startsWith(QLatin1String("QPSQL"));
}

bool isConnectionLost(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    if (state.startsWith(QLatin1String("08")) || state == QLatin1String("57P01") || state == QLatin1String("57P02")
        || state == QLatin1String("57P03"))
        return true;
    const QString text = error.databaseText();
    return text.contains(QLatin1String("server closed the connection"), Qt::CaseInsensitive)
           || text.contains(QLatin1String("no connection to the server"), Qt::CaseInsensitive)
           || text.contains(QLatin1String("terminating connection"), Qt::CaseInsensitive)
           || text.contains(QLatin1String("connection to server was lost"), Qt::CaseInsensitive);
}

Error postgresError(const QSqlError &error, const QString &doing)
{
    const QString state = error.nativeErrorCode();
    QString detail = error.databaseText().trimmed();
    if (detail.isEmpty())
        detail = error.text().trimmed();
    if (isConnectionLost(error))
        return Error::make(Error::Code::ConnectionLost,
                           QStringLiteral("The connection to the database server was lost while %1 (%2). Nothing of "
                                          "it was saved. LMO Desk connects again on the next try: check that the "
                                          "server is up and reachable, then try again.")
                               .arg(doing, detail));
    if (state == QLatin1String("53100"))
        return Error::make(Error::Code::DiskFull,
                           QStringLiteral("The database server's disk is full while %1: nothing was saved. Ask the "
                                          "server's owner to free space. (%2)")
                               .arg(doing, detail));
    if (state == QLatin1String("25006"))
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("The database server accepts no changes while %1: it is a read-only standby "
                                          "(a replica), or its owner made this database read-only. Connect to the "
                                          "primary server, or ask the database's owner, to change anything. (%2)")
                               .arg(doing, detail));
    if (state == QLatin1String("42501"))
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("This login may not do that on the database server while %1 (%2). Ask the "
                                          "database's owner for the access you need.")
                               .arg(doing, detail));
    if (state == QLatin1String("40001") && detail.contains(QLatin1String("conflict with recovery"), Qt::CaseInsensitive))
        return Error::make(Error::Code::Locked,
                           QStringLiteral("The standby (a replica) cancelled this read while %1, to apply the primary's "
                                          "changes it was holding up. Nothing was changed: try again. If it keeps "
                                          "happening, ask the server's owner to turn on hot_standby_feedback or raise "
                                          "max_standby_streaming_delay. (%2)")
                               .arg(doing, detail));
    if (state == QLatin1String("40P01") || state == QLatin1String("55P03"))
        return Error::make(Error::Code::Locked,
                           QStringLiteral("Another client holds what this needs while %1 (%2). Try again in a moment.")
                               .arg(doing, detail));
    return Error::make(Error::Code::Sql, QStringLiteral("Database error while %1: %2").arg(doing, detail));
}

} // namespace

bool isLockedError(const QSqlError &error)
{
    if (isPostgresError(error))
        return error.nativeErrorCode() == QLatin1String("55P03");
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    if (ok && ((code & 0xff) == 5 /* SQLITE_BUSY */ || (code & 0xff) == 6 /* SQLITE_LOCKED */))
        return true;
    const QString text = error.text();
    return text.contains(QStringLiteral("database is locked"), Qt::CaseInsensitive)
           || text.contains(QStringLiteral("database table is locked"), Qt::CaseInsensitive);
}

bool isUniqueViolation(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return code == QLatin1String("2067") /* SQLite: CONSTRAINT_UNIQUE */ || code == QLatin1String("23505") /* PostgreSQL: unique_violation */
           || error.text().contains(QStringLiteral("UNIQUE constraint"), Qt::CaseInsensitive);
}

namespace {

// SQLite's primary result codes that say something a user can act on.
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteFull = 13;

Error::Code codeOfSqliteResult(int resultCode)
{
    switch (resultCode & 0xff) {
    case kSqliteFull: return Error::Code::DiskFull;
    case kSqliteIoErr: return Error::Code::DiskIo;
    default: return Error::Code::Sql;
    }
}

} // namespace

Error sqliteError(int resultCode, const QString &message, const QString &doing)
{
    if ((resultCode & 0xff) == 5 /* SQLITE_BUSY */ || (resultCode & 0xff) == 6 /* SQLITE_LOCKED */)
        return Error::make(Error::Code::Locked,
                           QStringLiteral("The database is locked by another program while %1. Close the other "
                                          "program (or wait for it to finish) and try again.")
                               .arg(doing));
    return Error::make(codeOfSqliteResult(resultCode), QStringLiteral("Database error while %1: %2").arg(doing, message));
}

Error sqlError(const QSqlError &error, const QString &doing)
{
    if (isPostgresError(error))
        return postgresError(error, doing);
    if (isLockedError(error))
        return Error::make(Error::Code::Locked,
                           QStringLiteral("The database is locked by another program while %1. Close the other "
                                          "program (or wait for it to finish) and try again.")
                               .arg(doing));
    QString detail = error.text().trimmed();
    if (detail.isEmpty())
        detail = QStringLiteral("no detail given");
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok); // SQLite's result code, as its driver gives it
    return Error::make(ok ? codeOfSqliteResult(code) : Error::Code::Sql,
                       QStringLiteral("Database error while %1: %2").arg(doing, detail));
}

Result<void> execSql(QSqlDatabase &db, const QString &sql, const QString &doing)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        return sqlError(q.lastError(), doing);
    return {};
}

Result<qint64> queryNumber(QSqlDatabase &db, const QString &sql, const QString &doing)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        return sqlError(q.lastError(), doing);
    if (!q.next())
        return qint64(0);
    return q.value(0).toLongLong();
}

Transaction::Transaction(QSqlDatabase db) : m_db(std::move(db)) {}

Transaction::~Transaction()
{
    if (m_open)
        m_db.rollback();
}

QByteArray insertRowsSql(const char *head, int columns, int rows)
{
    QByteArray row = "(?";
    for (int c = 1; c < columns; ++c)
        row += ", ?";
    row += ')';
    QByteArray sql = head;
    for (int r = 0; r < rows; ++r) {
        if (r > 0)
            sql += ", ";
        sql += row;
    }
    return sql;
}

Result<void> Transaction::begin(const QString &doing)
{
    if (!m_db.transaction())
        return sqlError(m_db.lastError(), doing);
    m_open = true;
    return {};
}

Result<void> Transaction::beginWrite(const QString &doing)
{
    const QString sql = StorageBackend::of(m_db).beginWriteSql();
    if (sql.isEmpty())
        return begin(doing);
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return sqlError(q.lastError(), doing);
    m_open = true;
    return {};
}

Result<void> Transaction::commit(const QString &doing)
{
    if (!m_db.commit())
        return sqlError(m_db.lastError(), doing);
    m_open = false;
    StorageBackend::of(m_db).committed(m_db); // readers on a replica wait for it
    return {};
}

} // namespace lmo
