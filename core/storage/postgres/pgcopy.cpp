#include "storage/postgres/pgcopy.h"
#include "storage/postgres/pgteam.h"

#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <QDateTime>

#include <algorithm>
#include <ranges>
#include <utility>

namespace lmo::pg {

void CopyRows::putInt(quint64 value, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i)
        m_data.push_back(char((value >> (8 * i)) & 0xff)); // network order
}

void CopyRows::text(std::string_view utf8)
{
    separate();
    if (m_format == Format::Binary) {
        putInt(quint32(utf8.size()), 4);
        m_data.append(utf8);
        return;
    }
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

void CopyRows::bigint(qint64 value)
{
    separate();
    if (m_format == Format::Binary) {
        putInt(8, 4);
        putInt(quint64(value), 8);
        return;
    }
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

void CopyRows::smallint(qint64 value)
{
    if (m_format == Format::Text) {
        bigint(value); // the same digits
        return;
    }
    separate();
    putInt(2, 4);
    putInt(quint64(quint16(qint16(value))), 2);
}

namespace {

// PostgreSQL counts days and microseconds from 2000-01-01 (Julian day 2451545), UTC.
constexpr qint64 kPostgresEpochDay = 2451545;

} // namespace

bool CopyRows::date(std::string_view iso)
{
    if (m_format == Format::Text) {
        text(iso);
        return true;
    }
    const QDate d = plainSqlDate(iso);
    if (!d.isValid())
        return false;
    separate();
    putInt(4, 4);
    putInt(quint64(quint32(qint32(d.toJulianDay() - kPostgresEpochDay))), 4);
    return true;
}

bool CopyRows::timestamp(std::string_view iso)
{
    if (m_format == Format::Text) {
        text(iso);
        return true;
    }
    QDateTime t = plainSqlDateTime(iso);
    if (!t.isValid()) {
        // Any other ISO form with its offset (a time without one is UTC, as values.h reads it).
        t = dateTimeFromSql(QString::fromUtf8(iso.data(), qsizetype(iso.size())));
    }
    if (!t.isValid())
        return false;
    const QDateTime utc = t.toUTC();
    const qint64 days = utc.date().toJulianDay() - kPostgresEpochDay;
    const qint64 micros = days * 86400LL * 1000000LL + qint64(utc.time().msecsSinceStartOfDay()) * 1000LL;
    separate();
    putInt(8, 4);
    putInt(quint64(micros), 8);
    return true;
}

void CopyRows::null()
{
    separate();
    if (m_format == Format::Binary) {
        putInt(quint32(-1), 4);
        return;
    }
    m_data.append("\\N", 2);
}

void CopyRows::endRow()
{
    if (m_format == Format::Binary) {
        if (!m_inRow) { // a row of no values
            m_rowStart = m_data.size();
            m_data.append(2, '\0');
            m_fields = 0;
        }
        m_data[m_rowStart] = char((m_fields >> 8) & 0xff);
        m_data[m_rowStart + 1] = char(m_fields & 0xff);
    } else {
        m_data.push_back('\n');
    }
    m_inRow = false;
    ++m_rows;
}

std::string_view CopyRows::binaryHeader()
{
    // The signature, then flags (none) and the header extension's length (none).
    static constexpr char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    return std::string_view(header, 19);
}

std::string_view CopyRows::binaryTrailer()
{
    static constexpr char trailer[] = "\377\377";
    return std::string_view(trailer, 2);
}

void CopyRows::clear()
{
    m_data.clear(); // keeps its capacity for the next rows
    m_rows = 0;
    m_inRow = false;
}

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

namespace {

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

Result<void> ForeignKeySuspension::suspend(const QString &table, bool primaryKey)
{
    m_table = table;
    QSqlQuery q(m_db);
    // The foreign keys first, then the primary key: put back in the other order.
    if (!q.prepare(QStringLiteral("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE (contype = 'f' OR "
                                  "(contype = 'p' AND ?)) AND conrelid = to_regclass(?) ORDER BY contype = 'p', conname")))
        return sqlError(q.lastError(), QStringLiteral("preparing the bulk load"));
    q.addBindValue(primaryKey);
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
    QSqlQuery deferred(m_db);
    if (!deferred.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)")))
        return sqlError(deferred.lastError(), QStringLiteral("recording the checks of the new %1").arg(m_table));
    for (const auto &[name, definition] : std::views::reverse(std::as_const(m_definitions))) {
        QString later;
        if (definition.startsWith(QLatin1String("PRIMARY KEY"))) {
            // Built as a unique index (readers read meanwhile; writers wait for the build), then
            // made the key, which locks the table only for that last moment.
            later = QStringLiteral("CREATE UNIQUE INDEX \"%1\" ON %2 %3; ALTER TABLE %2 ADD CONSTRAINT \"%1\" PRIMARY KEY USING "
                                   "INDEX \"%1\"")
                        .arg(name, m_table, definition.mid(int(qstrlen("PRIMARY KEY"))).trimmed());
        } else {
            if (auto r = execSql(m_db, QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT \"%2\" %3 NOT VALID").arg(m_table, name, definition),
                                 QStringLiteral("restoring the references of the new %1").arg(m_table));
                !r)
                return r;
            later = QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT \"%2\"").arg(m_table, name);
        }
        deferred.addBindValue(name);
        deferred.addBindValue(later);
        if (!deferred.exec())
            return sqlError(deferred.lastError(), QStringLiteral("recording the checks of the new %1").arg(m_table));
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

CopyStream::CopyStream(QSqlDatabase db, QByteArray target, QString doing, CopyRows::Format format)
    : m_db(std::move(db)), m_target(std::move(target)), m_doing(std::move(doing)), m_format(format)
{
}

CopyStream::~CopyStream()
{
    abandon();
}

namespace {

// Runs one statement with no result rows on `conn`; its error, else empty.
QString runOn(PGconn *conn, const QByteArray &sql, QString *state)
{
    PGresult *res = PQexec(conn, sql.constData());
    QString message;
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        message = resultError(res, conn, state);
    PQclear(res);
    return message;
}

} // namespace

Result<void> CopyStream::open()
{
    PGconn *conn = connectionOf(m_db);
    if (!conn)
        return Error::make(Error::Code::ConnectionLost, QStringLiteral("Database error while %1: not connected").arg(m_doing));
    const bool binary = m_format == CopyRows::Format::Binary;
    QByteArray into = m_target;
    m_stageInsert.clear();
    if (isTeamSession(m_db)) {
        // "licenses (sf_id, name, ...)": a temporary table of just those columns, made once a
        // session, emptied by each transaction's end.
        const qsizetype paren = m_target.indexOf('(');
        const QByteArray table = m_target.left(paren).trimmed();
        const QByteArray columns = paren < 0 ? QByteArray("*") : m_target.mid(paren + 1, m_target.lastIndexOf(')') - paren - 1);
        const QByteArray stage = "pg_temp.lmodesk_stage_" + QByteArray::number(qHash(m_target), 16);
        QString state;
        const QString message = runOn(conn, "CREATE TEMPORARY TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT "
                                                + columns + " FROM " + table + " WITH NO DATA",
                                      &state);
        if (!message.isEmpty())
            return copyError(state, message, m_doing);
        into = stage + (paren < 0 ? QByteArray() : " (" + columns + ")");
        m_stageInsert = "INSERT INTO " + m_target + " SELECT " + columns + " FROM " + stage + "; TRUNCATE " + stage;
    }
    const QByteArray sql = QByteArray("COPY ") + into + " FROM STDIN" + (binary ? " WITH (FORMAT binary)" : "");
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
    if (binary) {
        const std::string_view header = CopyRows::binaryHeader();
        if (PQputCopyData(conn, header.data(), int(header.size())) != 1) {
            const QString message = QString::fromUtf8(PQerrorMessage(conn));
            abandon();
            return copyError(QString(), message, m_doing);
        }
    }
    return {};
}

Result<void> CopyStream::send(const BulkRows &bulk)
{
    if (bulk.empty())
        return {};
    // Rows another engine made would be in a form COPY cannot read (once a batch, not a value).
    const auto *copyRows = dynamic_cast<const CopyRows *>(&bulk);
    if (!copyRows)
        return Error::make(Error::Code::Sql, QStringLiteral("Database error while %1: rows not made for a COPY").arg(m_doing));
    const CopyRows &rows = *copyRows;
    if (rows.format() != m_format)
        return Error::make(Error::Code::Sql, QStringLiteral("Database error while %1: rows of the wrong COPY format").arg(m_doing));
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
    auto *conn = static_cast<PGconn *>(std::exchange(m_conn, nullptr));
    if (m_format == CopyRows::Format::Binary) {
        const std::string_view trailer = CopyRows::binaryTrailer();
        if (PQputCopyData(conn, trailer.data(), int(trailer.size())) != 1) {
            const QString message = QString::fromUtf8(PQerrorMessage(conn));
            (void)endCopy(conn, "the rows could not be sent", &state);
            return copyError(QString(), message, m_doing);
        }
    }
    const QString message = endCopy(conn, nullptr, &state);
    if (!message.isEmpty())
        return copyError(state, message, m_doing);
    if (!m_stageInsert.isEmpty()) {
        if (const QString failed = runOn(conn, m_stageInsert, &state); !failed.isEmpty())
            return copyError(state, failed, m_doing);
    }
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

CopyCursor::CopyCursor(QSqlDatabase db, QByteArray sql) : m_db(std::move(db)), m_sql(std::move(sql)) {}

CopyCursor::~CopyCursor()
{
    drain();
}

void CopyCursor::bind(const char *name, QByteArray literal)
{
    drain(); // a bind starts the statement again
    m_started = m_done = false;
    m_error.reset();
    const QByteArray key = QByteArray(name);
    for (auto &[bound, value] : m_binds) {
        if (bound == key) {
            value = std::move(literal);
            return;
        }
    }
    m_binds.emplace_back(key, std::move(literal));
}

void CopyCursor::bindUtf8(const char *name, const QByteArray &value)
{
    PGconn *conn = connectionOf(m_db);
    if (!conn) {
        bind(name, QByteArray("NULL"));
        return;
    }
    char *quoted = PQescapeLiteral(conn, value.constData(), size_t(value.size()));
    if (!quoted) {
        m_error = Error::make(Error::Code::Sql, QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        return;
    }
    QByteArray literal(quoted);
    PQfreemem(quoted);
    bind(name, std::move(literal));
}

void CopyCursor::bindInteger(const char *name, qint64 value)
{
    bind(name, QByteArray::number(value));
}

namespace {

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `sql` with each bound ":name" (not "::", not inside a quoted literal) written as its literal.
QByteArray withLiterals(const QByteArray &sql, const std::vector<std::pair<QByteArray, QByteArray>> &binds)
{
    QByteArray out;
    out.reserve(sql.size() + 64);
    bool quoted = false;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'') {
            quoted = !quoted;
        } else if (!quoted && c == ':' && i + 1 < sql.size() && isNameChar(sql[i + 1]) && (i == 0 || sql[i - 1] != ':')) {
            qsizetype end = i + 1;
            while (end < sql.size() && isNameChar(sql[end]))
                ++end;
            const QByteArray name = sql.mid(i, end - i);
            const auto found = std::find_if(binds.begin(), binds.end(), [&](const auto &b) { return b.first == name; });
            if (found != binds.end()) {
                out += found->second;
                i = end - 1;
                continue;
            }
        }
        out += c;
    }
    return out;
}

} // namespace

bool CopyCursor::start()
{
    m_started = true;
    PGconn *conn = connectionOf(m_db);
    if (!conn) {
        m_error = Error::make(Error::Code::ConnectionLost, QStringLiteral("not connected"));
        return false;
    }
    const QByteArray sql = "COPY (" + withLiterals(m_sql, m_binds) + ") TO STDOUT";
    PGresult *res = PQexec(conn, sql.constData());
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        QString state;
        const QString message = resultError(res, conn, &state);
        PQclear(res);
        const Error e = copyError(state, message, QStringLiteral("reading"));
        m_error = Error::make(e.code, message.trimmed());
        return false;
    }
    PQclear(res);
    m_conn = conn;
    return true;
}

// The rest of a COPY under way read and dropped, and its end: the connection is free again.
void CopyCursor::drain()
{
    auto *conn = static_cast<PGconn *>(std::exchange(m_conn, nullptr));
    if (!conn)
        return;
    char *buffer = nullptr;
    while (PQgetCopyData(conn, &buffer, 0) > 0)
        PQfreemem(buffer);
    while (PGresult *res = PQgetResult(conn))
        PQclear(res);
}

bool CopyCursor::parseRow(const char *line, int size)
{
    m_row.clear();
    m_cells.clear();
    int end = size;
    if (end > 0 && line[end - 1] == '\n')
        --end;
    int i = 0;
    while (true) {
        const int start = int(m_row.size());
        if (end - i >= 2 && line[i] == '\\' && line[i + 1] == 'N' && (i + 2 == end || line[i + 2] == '\t')) {
            m_cells.emplace_back(start, -1);
            i += 2;
        } else {
            while (i < end && line[i] != '\t') {
                char c = line[i++];
                if (c == '\\' && i < end) {
                    const char e = line[i++];
                    switch (e) {
                    case 'n': c = '\n'; break;
                    case 't': c = '\t'; break;
                    case 'r': c = '\r'; break;
                    case 'b': c = '\b'; break;
                    case 'f': c = '\f'; break;
                    case 'v': c = '\v'; break;
                    default: c = e; break; // "\\" and any other character as itself
                    }
                }
                m_row.push_back(c);
            }
            m_cells.emplace_back(start, int(m_row.size()) - start);
        }
        if (i >= end)
            break;
        ++i; // the tab
    }
    return true;
}

bool CopyCursor::next()
{
    if (m_done || m_error)
        return false;
    if (!m_started && !start())
        return false;
    auto *conn = static_cast<PGconn *>(m_conn);
    char *buffer = nullptr;
    const int n = PQgetCopyData(conn, &buffer, 0);
    if (n > 0) {
        parseRow(buffer, n);
        PQfreemem(buffer);
        return true;
    }
    // The end (-1), or a failure (-2): the statement's own result says which.
    m_conn = nullptr;
    m_done = true;
    QString message = n == -2 ? QString::fromUtf8(PQerrorMessage(conn)) : QString();
    QString state;
    while (PGresult *res = PQgetResult(conn)) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && message.isEmpty())
            message = resultError(res, conn, &state);
        PQclear(res);
    }
    if (!message.isEmpty()) {
        const Error e = copyError(state, message, QStringLiteral("reading"));
        m_error = Error::make(e.code, message.trimmed());
    }
    return false;
}

bool CopyCursor::isNull(int column) const
{
    return column < 0 || size_t(column) >= m_cells.size() || m_cells[size_t(column)].second < 0;
}

qint64 CopyCursor::integer(int column) const
{
    const std::string_view v = utf8(column);
    qint64 value = 0;
    bool negative = false;
    size_t i = 0;
    if (!v.empty() && v[0] == '-') {
        negative = true;
        i = 1;
    }
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i)
        value = value * 10 + (v[i] - '0');
    return negative ? -value : value;
}

std::string_view CopyCursor::utf8(int column) const
{
    if (isNull(column))
        return {};
    const auto &[offset, length] = m_cells[size_t(column)];
    return std::string_view(m_row.data() + offset, size_t(length));
}

Result<void> copyIn(QSqlDatabase &db, const char *target, const BulkRows &rows, const QString &doing)
{
    if (rows.empty())
        return {};
    CopyStream stream(db, QByteArray(target), doing, rows.format());
    if (auto r = stream.send(rows); !r)
        return r;
    return stream.finish();
}

} // namespace lmo::pg
