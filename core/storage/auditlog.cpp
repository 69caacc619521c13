#include "storage/auditlog.h"

#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlQuery>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace lmo {

QString AuditLog::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME"); // Windows
#ifdef Q_OS_UNIX
    // Services, cron and `env -i` set no USER: the account is still known, and an audit row by
    // "unknown" tells nobody anything.
    if (user.isEmpty()) {
        const uid_t uid = geteuid();
        if (const passwd *pw = getpwuid(uid); pw && pw->pw_name && *pw->pw_name)
            user = QString::fromLocal8Bit(pw->pw_name);
        else
            user = QStringLiteral("uid %1").arg(uid); // an account without a name, still an account
    }
#endif
    return user.isEmpty() ? QStringLiteral("unknown") : user;
}

Result<void> AuditLog::record(const AuditEntry &e)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, "
                             "field, old_value, new_value, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(dateTimeToSql(e.changedAt.isValid() ? e.changedAt : QDateTime::currentDateTimeUtc()));
    q.addBindValue(e.changedBy.isEmpty() ? currentUser() : e.changedBy);
    q.addBindValue(e.recordType);
    q.addBindValue(e.recordRef);
    q.addBindValue(sqlValue(e.recordSfId));
    q.addBindValue(e.field);
    q.addBindValue(sqlValue(e.oldValue));
    q.addBindValue(sqlValue(e.newValue));
    q.addBindValue(e.source);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording the change of %1 in the audit log").arg(e.field));
    return {};
}

Result<std::vector<AuditEntry>> AuditLog::history(const QString &recordType, qint64 recordRef)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT changed_at, changed_by, record_sf_id, field, old_value, new_value, source "
                             "FROM audit_log WHERE record_type = ? AND record_ref = ? ORDER BY changed_at, id"));
    q.addBindValue(recordType);
    q.addBindValue(recordRef);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading the audit log"));
    std::vector<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.changedAt = dateTimeFromSql(q.value(0));
        e.changedBy = q.value(1).toString();
        e.recordType = recordType;
        e.recordRef = recordRef;
        e.recordSfId = q.value(2).toString();
        e.field = q.value(3).toString();
        e.oldValue = q.value(4).toString();
        e.newValue = q.value(5).toString();
        e.source = q.value(6).toString();
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace lmo
