#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

namespace lmo {

// True when SQLite (or the server) said the database is busy or locked by someone else.
bool isLockedError(const QSqlError &error);

// True when the database refused a row because a unique key is taken.
bool isUniqueViolation(const QSqlError &error);

// An Error saying what we were doing and what the database answered.
Error sqlError(const QSqlError &error, const QString &doing);
// The same from an SQLite result code (extended or not) and its message, for the code that
// talks to SQLite directly: a full disk is DiskFull, an I/O error DiskIo, busy or locked
// Locked, the rest Sql.
Error sqliteError(int resultCode, const QString &message, const QString &doing);

// "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)…": `head` up to and with "VALUES ", then `rows`
// rows of `columns` parameters each. Many rows a statement spare SQLite the work of starting
// and finishing one per row, most of a bulk insert's cost.
QByteArray insertRowsSql(const char *head, int columns, int rows);

// Runs one statement, checked.
Result<void> execSql(QSqlDatabase &db, const QString &sql, const QString &doing);

// Runs a query that answers one number, checked.
Result<qint64> queryNumber(QSqlDatabase &db, const QString &sql, const QString &doing);

// A transaction that rolls back unless committed: a failed or interrupted write leaves nothing.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    Result<void> begin(const QString &doing);
    // For a transaction that will write: on SQLite it takes the write lock at once (BEGIN
    // IMMEDIATE), waiting for another connection's as long as the busy timeout allows. A
    // deferred BEGIN that reads first and writes later fails at once instead if another
    // connection wrote in between (its snapshot is stale).
    Result<void> beginWrite(const QString &doing);
    Result<void> commit(const QString &doing);

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace lmo
