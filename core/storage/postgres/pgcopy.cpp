#include "storage/postgres/pgcopy.h"

#include "storage/sqlutil.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

namespace lmo::pg {

void CopyRows::text(std::string_view utf8)
{
    separate();
    const qsizetype start = m_data.size();
    m_data.reserve(start + qsizetype(utf8.size()));
    const char *p = utf8.data();
    const char *end = p + utf8.size();
    const char *run = p; // the stretch since the last character that needed escaping
    for (; p < end; ++p) {
        const char c = *p;
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r')
            continue;
        m_data.append(run, p - run);
        m_data.append('\\');
        m_data.append(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
        run = p + 1;
    }
    m_data.append(run, end - run);
}

void CopyRows::text(const QString &value)
{
    if (value.isEmpty()) {
        null();
        return;
    }
    const QByteArray utf8 = value.toUtf8();
    text(std::string_view(utf8.constData(), size_t(utf8.size())));
}

void CopyRows::integer(qint64 value)
{
    separate();
    char digits[24];
    char *end = digits + sizeof digits;
    char *p = end;
    const bool negative = value < 0;
    quint64 v = negative ? quint64(0) - quint64(value) : quint64(value);
    do {
        *--p = char('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative)
        *--p = '-';
    m_data.append(p, end - p);
}

void CopyRows::null()
{
    separate();
    m_data.append("\\N", 2);
}

void CopyRows::endRow()
{
    m_data.append('\n');
    m_inRow = false;
    ++m_rows;
}

void CopyRows::clear()
{
    m_data.clear(); // keeps its capacity for the next rows
    m_rows = 0;
    m_inRow = false;
}

namespace {

// The driver's handle names its type "PGconn*" or, as Qt 6.4 registers it, "pg_conn*".
PGconn *connectionOf(const QSqlDatabase &db)
{
    if (!db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    const char *type = handle.typeName();
    if (!type || (qstrcmp(type, "PGconn*") != 0 && qstrcmp(type, "pg_conn*") != 0))
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

Error copyError(const QString &sqlState, const QString &message, const QString &doing)
{
    Error::Code code = Error::Code::Sql;
    if (sqlState == QLatin1String("23505"))
        code = Error::Code::Conflict;
    else if (sqlState == QLatin1String("53100"))
        code = Error::Code::DiskFull;
    else if (sqlState.startsWith(QLatin1String("08")))
        code = Error::Code::ConnectionLost;
    return Error::make(code, QStringLiteral("Database error while %1: %2").arg(doing, message.trimmed()));
}

QString resultError(const PGresult *res, PGconn *conn, QString *sqlState)
{
    if (const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE))
        *sqlState = QString::fromLatin1(state);
    const char *message = PQresultErrorMessage(res);
    return QString::fromUtf8(message && *message ? message : PQerrorMessage(conn));
}

} // namespace

Result<void> ForeignKeySuspension::suspend(const QString &table)
{
    m_table = table;
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND "
                                  "conrelid = to_regclass(?) ORDER BY conname")))
        return sqlError(q.lastError(), QStringLiteral("preparing the bulk load"));
    q.addBindValue(table);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("listing the foreign keys of %1").arg(table));
    QList<QPair<QString, QString>> found;
    while (q.next())
        found.append({q.value(0).toString(), q.value(1).toString()});
    q.finish();
    for (const auto &[name, definition] : std::as_const(found)) {
        if (auto r = execSql(m_db, QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT \"%2\"").arg(table, name),
                             QStringLiteral("preparing the bulk load"));
            !r)
            return r;
        m_definitions.append({name, definition});
    }
    return {};
}

Result<void> ForeignKeySuspension::restore()
{
    for (const auto &[name, definition] : std::as_const(m_definitions)) {
        if (auto r = execSql(m_db, QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT \"%2\" %3").arg(m_table, name, definition),
                             QStringLiteral("checking the references of the new %1").arg(m_table));
            !r)
            return r;
    }
    m_definitions.clear();
    return {};
}

Result<void> rewindSequences(QSqlDatabase &db, const QStringList &tables)
{
    for (const QString &table : tables) {
        if (auto r = execSql(db,
                             QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), COALESCE((SELECT MAX(id) FROM "
                                            "%1), 0) + 1, false)")
                                 .arg(table),
                             QStringLiteral("numbering the %1 again").arg(table));
            !r)
            return r;
    }
    return {};
}

bool canCopy(const QSqlDatabase &db)
{
    return db.driverName().startsWith(QLatin1String("QPSQL")) && connectionOf(db) != nullptr;
}

Result<void> copyIn(QSqlDatabase &db, const char *target, const CopyRows &rows, const QString &doing)
{
    if (rows.empty())
        return {};
    PGconn *conn = connectionOf(db);
    if (!conn)
        return Error::make(Error::Code::ConnectionLost, QStringLiteral("Database error while %1: not connected").arg(doing));

    const QByteArray sql = QByteArray("COPY ") + target + " FROM STDIN";
    PGresult *res = PQexec(conn, sql.constData());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        QString state;
        const QString message = resultError(res, conn, &state);
        PQclear(res);
        return copyError(state, message, doing);
    }
    PQclear(res);

    // In pieces, so that libpq's output buffer stays small whatever the batch.
    constexpr qsizetype kPiece = 256 * 1024;
    const QByteArray &data = rows.data();
    bool sent = true;
    for (qsizetype at = 0; at < data.size() && sent; at += kPiece)
        sent = PQputCopyData(conn, data.constData() + at, int(std::min(kPiece, data.size() - at))) == 1;
    // On a failed send the COPY is ended with an error, so that the connection is usable again
    // (for the rollback) and the server keeps nothing of it.
    const QString sendError = sent ? QString() : QString::fromUtf8(PQerrorMessage(conn));
    PQputCopyEnd(conn, sent ? nullptr : "the rows could not be sent");

    QString state, message;
    while ((res = PQgetResult(conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && message.isEmpty())
            message = resultError(res, conn, &state);
        PQclear(res);
    }
    if (!sent)
        return copyError(state, sendError, doing);
    if (!message.isEmpty())
        return copyError(state, message, doing);
    return {};
}

} // namespace lmo::pg
