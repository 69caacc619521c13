#pragma once

#include "storage/backend.h"
#include "storage/bulkwrite.h"
#include "util/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QList>
#include <QPair>

#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <string_view>

struct pg_conn;

namespace lmo::pg {

// libpq's connection under a QPSQL connection; nullptr for any other driver.
pg_conn *connectionOf(const QSqlDatabase &db);


// Rows for PostgreSQL's COPY (the BulkRows PgBackend::bulkRows makes), built in memory for
// copyIn() or a CopyStream, in one of its two formats:
// - text: a tab between values, \N for NULL, a newline after each row, and the four characters
//   the format gives a meaning (backslash, tab, newline, carriage return) escaped in a value;
// - binary: each value in its column type's binary form (a length, then the bytes), which the
//   server stores with no parsing: a large load's dates, times and numbers cost it nothing to
//   read (in text, parsing them was a third of a COPY of licenses).
class CopyRows final : public BulkRows
{
public:
    explicit CopyRows(Format format = Format::Text) : m_format(format) {}

    Format format() const override { return m_format; }
    void text(std::string_view utf8) override;
    void text(const QString &value) override;
    void bigint(qint64 value) override;
    void smallint(qint64 value) override;
    bool date(std::string_view iso) override;
    bool timestamp(std::string_view iso) override;
    void null() override;
    void endRow() override;

    qint64 rows() const override { return m_rows; }
    std::string_view data() const { return m_data; }
    void clear() override;

    // What a binary COPY begins and ends with (CopyStream sends them).
    static std::string_view binaryHeader();
    static std::string_view binaryTrailer();

private:
    void separate()
    {
        if (m_format == Format::Binary) {
            if (!m_inRow) {
                m_rowStart = m_data.size();
                m_data.append(2, '\0'); // the row's field count, written by endRow()
                m_fields = 0;
            }
            ++m_fields;
        } else if (m_inRow) {
            m_data.push_back('\t');
        }
        m_inRow = true;
    }
    void putInt(quint64 value, int bytes);
    // A std::string: its appends grow it geometrically, a value at a time at little cost (a
    // QByteArray's reserve() per value reallocated the whole buffer).
    std::string m_data;
    Format m_format = Format::Text;
    qint64 m_rows = 0;
    bool m_inRow = false;
    size_t m_rowStart = 0;
    int m_fields = 0;
};

// Runs `COPY <target> FROM STDIN` with `rows` (a CopyRows) through libpq on the QPSQL driver's
// own connection, inside whatever transaction that connection has open: one statement for all
// the rows, not a round trip each. `target` is the table and its column list ("licenses (sf_id,
// name, ...)"). A unique key taken is Error::Code::Conflict, a full disk DiskFull; `doing` words
// the error.
Result<void> copyIn(QSqlDatabase &db, const char *target, const BulkRows &rows, const QString &doing);

// A `COPY <target> FROM STDIN` kept open across many sends (the BulkRowStream
// PgBackend::rowStream makes; see there): one COPY from the first send() to finish().
class CopyStream final : public BulkRowStream
{
public:
    // `target` as for copyIn(); `doing` words the errors. Every CopyRows sent must be of `format`.
    CopyStream(QSqlDatabase db, QByteArray target, QString doing, CopyRows::Format format = CopyRows::Format::Text);
    ~CopyStream() override;
    CopyStream(const CopyStream &) = delete;
    CopyStream &operator=(const CopyStream &) = delete;

    // Sends the rows (a CopyRows), opening the COPY first if it is not open.
    Result<void> send(const BulkRows &rows) override;
    Result<void> finish() override;
    void abandon() override;
    bool isOpen() const override { return m_open; }
    qint64 rowsSent() const override { return m_rowsSent; }

private:
    Result<void> open();
    QSqlDatabase m_db;
    QByteArray m_target;
    QString m_doing;
    CopyRows::Format m_format;
    void *m_conn = nullptr; // PGconn, while open
    bool m_open = false;
    // On a team database the rows go to a temporary table first and from there into the
    // target by one INSERT: PostgreSQL refuses COPY FROM into a table under row-level security.
    QByteArray m_stageInsert; // empty: straight into the target
    qint64 m_rowsSent = 0;
};

// Sets the id sequences of `tables` back to just past their highest id, as SQLite numbers a
// row: for after a rollback to a savepoint, which takes the rows back but not the ids they used
// (a sequence is not transactional). Only for tables nobody else writes meanwhile (the import
// holds the BulkWriteLock over packages, versions and licenses).
Result<void> rewindSequences(QSqlDatabase &db, const QStringList &tables);

// Takes a table's foreign keys off for a bulk load into it and puts them back once the rows are
// in (the KeySuspension PgBackend::keySuspension makes; see there): each key then costs one check
// over the whole table (a join) instead of one per row (a trigger each, a third of a COPY's
// time). With `primaryKey`, the table's primary key goes as well, to be built once from the
// sorted ids instead of one insertion per row.
// restore() puts the keys back at once but leaves their checks to the deferred builds that run
// after the commit (deferred_indexes, buildDeferredIndexes): each foreign key comes back NOT VALID
// (enforced from then on for every write) with its VALIDATE CONSTRAINT recorded, and the primary
// key as a unique index built then and made the key. What they would check holds by
// construction (the load found or made each referenced row and its sequence gave each id), and
// the load holds the BulkWriteLock, which the builds take too: no other import can come between.
class ForeignKeySuspension final : public KeySuspension
{
public:
    explicit ForeignKeySuspension(QSqlDatabase db) : m_db(std::move(db)) {}
    Result<void> suspend(const QString &table, bool primaryKey) override;
    // Adds them again, their checks recorded for after the commit (see above).
    Result<void> restore() override;
    void forget() override { m_definitions.clear(); }

private:
    QSqlDatabase m_db;
    QString m_table;
    QList<QPair<QString, QString>> m_definitions; // name, definition
};

// A SELECT read as `COPY (<select>) TO STDOUT` through libpq on the driver's own connection: the
// rows stream in as text and each value is read in place, with no QVariant and no conversion
// (a FastCursor; PgBackend::prepareCursor makes one). COPY takes no parameters: the ":name"
// ones bound are written into the statement as literals (text quoted by libpq). The statement
// runs at the first next() after a bind; a bind after that starts it again. While rows are being
// read nothing else may run on the connection: read to the end (next() false), or bind again,
// or destroy the cursor, which reads what is left (the connection is then ready again).
// Values read as the text format gives them: a DATE as "2026-03-31", a TIMESTAMPTZ in the
// session's zone, UTC, as "2026-03-31 10:15:00+00".
class CopyCursor final : public FastCursor
{
public:
    CopyCursor(QSqlDatabase db, QByteArray sql);
    ~CopyCursor() override;
    CopyCursor(const CopyCursor &) = delete;
    CopyCursor &operator=(const CopyCursor &) = delete;

    void bindUtf8(const char *name, const QByteArray &value) override;
    void bindInteger(const char *name, qint64 value) override;
    bool next() override;
    Result<void> error() const override { return m_error ? Result<void>(*m_error) : Result<void>(); }
    bool isNull(int column) const override;
    qint64 integer(int column) const override;
    std::string_view utf8(int column) const override;

private:
    void bind(const char *name, QByteArray literal);
    bool start();
    void drain();
    bool parseRow(const char *line, int size);

    QSqlDatabase m_db;
    QByteArray m_sql;
    std::vector<std::pair<QByteArray, QByteArray>> m_binds; // ":name", literal
    void *m_conn = nullptr; // PGconn, while rows are coming
    bool m_started = false;
    bool m_done = false;
    std::optional<Error> m_error;
    std::string m_row;                      // the current row's values, unescaped, one after another
    std::vector<std::pair<int, int>> m_cells; // offset and length in m_row; length -1: NULL
};

// True when `db` is a connection of Qt's PostgreSQL driver, which copyIn() can use.
bool canCopy(const QSqlDatabase &db);

} // namespace lmo::pg
