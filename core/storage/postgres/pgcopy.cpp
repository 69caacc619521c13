#include "storage/postgres/pgcopy.h"

#include "storage/sqlutil.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

namespace lmo::pg {

void CopyRows::text(std::string_view utf8)
{
    separate();
    const char *p = utf8.data();
    const char *end = p + utf8.size();
    const char *run = p; // the stretch since the last character that needed escaping
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c > '\r' && c != '\\')
            continue; // all but the four below: most bytes stop at the first test
        if (c != '\\' && c != '\t' && c != '\n' && c != '\r')
            continue;
        m_data.append(run, size_t(p - run));
        m_data.push_back('\\');
        m_data.push_back(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
        run = p + 1;
    }
    m_data.append(run, size_t(end - run));
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
    m_data.append(p, size_t(end - p));
}

void CopyRows::null()
{
    separate();
    m_data.append("\\N", 2);
}

void CopyRows::endRow()
{
    m_data.push_back('\n');
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

CopyStream::CopyStream(QSqlDatabase db, QByteArray target, QString doing)
    : m_db(std::move(db)), m_target(std::move(target)), m_doing(std::move(doing))
{
}

CopyStream::~CopyStream()
{
    abandon();
}

Result<void> CopyStream::open()
{
    PGconn *conn = connectionOf(m_db);
    if (!conn)
        return Error::make(Error::Code::ConnectionLost, QStringLiteral("Database error while %1: not connected").arg(m_doing));
    const QByteArray sql = QByteArray("COPY ") + m_target + " FROM STDIN";
    PGresult *res = PQexec(conn, sql.constData());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        QString state;
        const QString message = resultError(res, conn, &state);
        PQclear(res);
        return copyError(state, message, m_doing);
    }
    PQclear(res);
    m_conn = conn;
    m_open = true;
    return {};
}

Result<void> CopyStream::send(const CopyRows &rows)
{
    if (rows.empty())
        return {};
    if (!m_open) {
        if (auto r = open(); !r)
            return r;
    }
    auto *conn = static_cast<PGconn *>(m_conn);
    // In pieces, so that libpq's output buffer stays small whatever the batch; libpq sends each
    // as its buffer fills, and the server reads them as they come.
    constexpr size_t kPiece = 256 * 1024;
    const std::string_view data = rows.data();
    for (size_t at = 0; at < data.size(); at += kPiece) {
        if (PQputCopyData(conn, data.data() + at, int(std::min(kPiece, data.size() - at))) != 1) {
            const QString message = QString::fromUtf8(PQerrorMessage(conn));
            abandon();
            return copyError(QString(), message, m_doing);
        }
    }
    m_rowsSent += rows.rows();
    return {};
}

namespace {

// Ends the COPY under way on `conn` (with `failure` as its error, or none) and reads the
// server's answers; the first error found, else empty.
QString endCopy(PGconn *conn, const char *failure, QString *state)
{
    QString message;
    if (PQputCopyEnd(conn, failure) != 1)
        message = QString::fromUtf8(PQerrorMessage(conn));
    while (PGresult *res = PQgetResult(conn)) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && message.isEmpty())
            message = resultError(res, conn, state);
        PQclear(res);
    }
    return message;
}

} // namespace

Result<void> CopyStream::finish()
{
    if (!m_open)
        return {};
    m_open = false;
    QString state;
    const QString message = endCopy(static_cast<PGconn *>(std::exchange(m_conn, nullptr)), nullptr, &state);
    if (!message.isEmpty())
        return copyError(state, message, m_doing);
    return {};
}

void CopyStream::abandon()
{
    if (!m_open)
        return;
    m_open = false;
    QString state;
    (void)endCopy(static_cast<PGconn *>(std::exchange(m_conn, nullptr)), "the import was stopped", &state);
}

Result<void> copyIn(QSqlDatabase &db, const char *target, const CopyRows &rows, const QString &doing)
{
    if (rows.empty())
        return {};
    CopyStream stream(db, QByteArray(target), doing);
    if (auto r = stream.send(rows); !r)
        return r;
    return stream.finish();
}

} // namespace lmo::pg
