#pragma once

#include "storage/backend.h"
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

namespace lmo::pg {

// Rows for PostgreSQL's COPY, built in memory for copyIn() or a CopyStream, in one of its two
// formats:
// - text: a tab between values, \N for NULL, a newline after each row, and the four characters
//   the format gives a meaning (backslash, tab, newline, carriage return) escaped in a value;
// - binary: each value in its column type's binary form (a length, then the bytes), which the
//   server stores with no parsing: a large load's dates, times and numbers cost it nothing to
//   read (in text, parsing them was a third of a COPY of licenses). The caller gives each value
//   as its column's type: text(), bigint() for BIGINT, smallint() for SMALLINT, date() for
//   DATE, timestamp() for TIMESTAMPTZ.
class CopyRows
{
public:
    enum class Format { Text, Binary };
    explicit CopyRows(Format format = Format::Text) : m_format(format) {}

    Format format() const { return m_format; }
    void text(std::string_view utf8);
    void text(const QString &value); // empty is written as NULL, as the writers bind it
    void integer(qint64 value) { bigint(value); }
    void bigint(qint64 value);
    void smallint(qint64 value);
    // "YYYY-MM-DD", as dateToSql writes it; false (nothing written) for anything else.
    bool date(std::string_view iso);
    // "YYYY-MM-DDTHH:MM:SSZ" (UTC), as dateTimeToSql writes it, or any ISO form with an offset;
    // false (nothing written) for anything else.
    bool timestamp(std::string_view iso);
    void null();
    void endRow();

    qint64 rows() const { return m_rows; }
    bool empty() const { return m_rows == 0; }
    std::string_view data() const { return m_data; }
    void clear();

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

// Runs `COPY <target> FROM STDIN` with `rows` through libpq on the QPSQL driver's own connection,
// inside whatever transaction that connection has open: one statement for all the rows, not a
// round trip each. `target` is the table and its column list ("licenses (sf_id, name, ...)").
// A unique key taken is Error::Code::Conflict, a full disk DiskFull; `doing` words the error.
Result<void> copyIn(QSqlDatabase &db, const char *target, const CopyRows &rows, const QString &doing);

// A `COPY <target> FROM STDIN` kept open across many sends, so that the server saves one batch
// while the caller makes the next (a COPY per batch waits for each to be saved). Nothing else
// may run on the connection while it is open: finish() it first, then start again with the next
// send(). The server's answer to the rows (a broken rule, a full disk) comes from finish(). One
// abandoned, failed or destroyed while open is ended with an error, so that the server keeps
// none of its rows and the connection is ready for the rollback.
class CopyStream
{
public:
    // `target` as for copyIn(); `doing` words the errors. Every CopyRows sent must be of `format`.
    CopyStream(QSqlDatabase db, QByteArray target, QString doing, CopyRows::Format format = CopyRows::Format::Text);
    ~CopyStream();
    CopyStream(const CopyStream &) = delete;
    CopyStream &operator=(const CopyStream &) = delete;

    // Sends the rows, opening the COPY first if it is not open.
    Result<void> send(const CopyRows &rows);
    // Ends the COPY and waits for the server to have taken every row; nothing to do if not open.
    Result<void> finish();
    // Ends the COPY with an error: the server keeps none of the rows sent since it opened.
    void abandon();
    bool isOpen() const { return m_open; }
    // Rows sent since the stream was made, over every COPY it opened.
    qint64 rowsSent() const { return m_rowsSent; }

private:
    Result<void> open();
    QSqlDatabase m_db;
    QByteArray m_target;
    QString m_doing;
    CopyRows::Format m_format;
    void *m_conn = nullptr; // PGconn, while open
    bool m_open = false;
    qint64 m_rowsSent = 0;
};

// Sets the id sequences of `tables` back to just past their highest id, as SQLite numbers a
// row: for after a rollback to a savepoint, which takes the rows back but not the ids they used
// (a sequence is not transactional). Only for tables nobody else writes meanwhile (the import
// holds the BulkWriteLock over packages, versions and licenses).
Result<void> rewindSequences(QSqlDatabase &db, const QStringList &tables);

// Takes a table's foreign keys off for a bulk load into it and puts them back once the rows are
// in: each key then costs one check over the whole table (a join) instead of one per row (a
// trigger each, a third of a COPY's time). Only for a load that makes every reference itself,
// inside its transaction: a rollback brings the keys back too. With `primaryKey`, the table's
// primary key goes as well, to be built once from the sorted ids instead of one insertion per row
// (for a load into an empty table, whose ids the table's sequence numbers: nothing may refer to
// its rows yet).
// restore() puts the keys back at once but leaves their checks to the deferred builds that run
// after the commit (deferred_indexes, buildDeferredIndexes): each foreign key comes back NOT VALID
// (enforced from then on for every write) with its VALIDATE CONSTRAINT recorded, and the primary
// key as a unique index built then and made the key. What they would check holds by
// construction (the load found or made each referenced row and its sequence gave each id), and
// the load holds the BulkWriteLock, which the builds take too: no other import can come between.
class ForeignKeySuspension
{
public:
    explicit ForeignKeySuspension(QSqlDatabase db) : m_db(std::move(db)) {}
    Result<void> suspend(const QString &table, bool primaryKey = false);
    // Adds them again, their checks recorded for after the commit (see above).
    Result<void> restore();
    // After a rollback to before suspend(): they are back already.
    void forget() { m_definitions.clear(); }

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
