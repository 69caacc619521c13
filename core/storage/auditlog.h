#pragma once

#include "util/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <vector>

namespace lmo {

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

} // namespace lmo
