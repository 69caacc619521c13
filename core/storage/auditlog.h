#pragma once

#include "util/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <vector>

class QSqlQuery;

namespace lmo {

class BulkRows;
class Database;
class FastInsert;
class StorageBackend;

// One changed field of one record: who, when, what it was, what it became, and through what
// (a dialog, an import file, the command line).
struct AuditEntry
{
    QDateTime changedAt;
    QString changedBy;
    QString recordType; // "license", "package", ...
    qint64 recordRef = 0;
    QString recordSfId;
    QString field;
    QString oldValue;
    QString newValue;
    QString source;
};

class AuditLog
{
public:
    explicit AuditLog(QSqlDatabase db) : m_db(std::move(db)) {}

    // The operating-system user, which is who changed it when nobody signed in.
    static QString currentUser();

    Result<void> record(const AuditEntry &entry);
    Result<std::vector<AuditEntry>> history(const QString &recordType, qint64 recordRef);

private:
    QSqlDatabase m_db;
};

// Appends audit rows in bulk (a demo's history, a load's): rows wait in a buffer, and where the
// backend has a fast statement (SQLite's C API) go in kRowsPerStatement at a time through it, as
// LicenseWriter writes licenses; where it copies rows (StorageBackend::copiesRows: PostgreSQL)
// kCopyRows at a time in one COPY (StorageBackend::copyIn); the portable path is one prepared
// QSqlQuery. The rows are written as AuditLog::record writes them
// (empty values as NULL). Use inside the caller's transaction, and flush() before committing:
// rows still in the buffer when the writer goes are not written.
class AuditWriter
{
public:
    explicit AuditWriter(const Database &database);
    // Forces the portable QSqlQuery path (what a server database uses); tests compare both.
    AuditWriter(const Database &database, bool portableOnly);
    ~AuditWriter();
    AuditWriter(const AuditWriter &) = delete;
    AuditWriter &operator=(const AuditWriter &) = delete;

    Result<void> add(const AuditEntry &entry);
    // Writes what waits in the buffer.
    Result<void> flush();
    qint64 written() const { return m_written; }

    static constexpr int kRowsPerStatement = 32;
    static constexpr int kCopyRows = 8192;

private:
    Result<void> prepare();
    Result<void> write(size_t first, size_t count);

    QSqlDatabase m_db;
    const StorageBackend *m_storage = nullptr; // null: the portable path
    std::unique_ptr<BulkRows> m_copy; // the rows of each COPY, where rows go by COPY (PostgreSQL)
    std::unique_ptr<FastInsert> m_one;  // the backend's fast statement: one row
    std::unique_ptr<FastInsert> m_many; // kRowsPerStatement rows
    std::unique_ptr<QSqlQuery> m_query;
    std::vector<AuditEntry> m_rows;
    std::vector<QString> m_times; // each buffered row's changed_at as written, alive until its step
    qint64 m_written = 0;
};

} // namespace lmo
