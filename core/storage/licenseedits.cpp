#include "storage/licenseedits.h"

#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"
#include "storage/values.h"

#include <QSqlQuery>

namespace lmo {

namespace {

LicenseTerms termsOf(const License &l)
{
    return {l.status, l.seats, l.isPerpetual() ? QDate() : l.expiration};
}

// As the audit log writes values (the same text as an import's).
QString expirationText(const QDate &d)
{
    return d.isValid() ? dateToSql(d) : QString();
}

} // namespace

Result<bool> hasBeenActive(Database &database, qint64 rowId)
{
    QSqlQuery q(database.connection());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND record_ref = ? "
                             "AND field = 'Status' AND (old_value = 'Active' OR new_value = 'Active')"));
    q.addBindValue(rowId);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading the license's history"));
    return q.value(0).toLongLong() > 0;
}

Result<ModificationPlan> planModification(Database &database, const std::vector<qint64> &rowIds,
                                          const std::function<LicenseChange(const License &)> &edit, const QDate &today)
{
    ModificationPlan plan;
    LicenseRepository repository(database);
    for (qint64 rowId : rowIds) {
        auto found = repository.findByRowId(rowId);
        if (!found)
            return found.error();
        if (!found->has_value()) {
            plan.refusals << QStringLiteral("License #%1 is no longer in the database.").arg(rowId);
            continue;
        }
        const License &current = **found;
        const LicenseChange change = edit(current);
        if (change.isEmpty()) { // nothing applies to this one ("30 days later" of one that does not expire)
            ++plan.unchanged;
            continue;
        }
        auto active = hasBeenActive(database, rowId);
        if (!active)
            return active.error();
        const ChangeVerdict verdict = ModifyLicenseRules::check(current, change, today, active.value() || current.status == Status::Active);
        const QString who = current.name.isEmpty() ? QStringLiteral("License #%1").arg(rowId) : current.name;
        for (const QString &r : verdict.refusals)
            plan.refusals << QStringLiteral("%1: %2").arg(who, r);
        if (!verdict.allowed())
            continue;
        for (const QString &w : verdict.warnings)
            plan.warnings << QStringLiteral("%1: %2").arg(who, w);
        const LicenseTerms before = termsOf(current);
        const LicenseTerms after = termsOf(ModifyLicenseRules::applied(current, change));
        if (before == after) {
            ++plan.unchanged;
            continue;
        }
        plan.changes.push_back({rowId, current.name, before, after});
    }
    return plan;
}

Result<void> writeTerms(Database &database, const std::vector<TermsChange> &changes, bool undo, const QString &source,
                        const QString &changedBy)
{
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("%1 is read-only (%2): licenses cannot be modified.")
                               .arg(database.path(), database.readOnlyReason()));
    QSqlDatabase db = database.connection();
    Transaction t(db);
    if (auto r = t.begin(QStringLiteral("modifying licenses")); !r)
        return r;
    QSqlQuery update(db);
    if (!update.prepare(QStringLiteral("UPDATE licenses SET status = ?, seats = ?, expiration = ? WHERE id = ?")))
        return sqlError(update.lastError(), QStringLiteral("modifying licenses"));
    QSqlQuery sfId(db);
    sfId.prepare(QStringLiteral("SELECT sf_id FROM licenses WHERE id = ?"));
    AuditLog audit(db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString who = changedBy.isEmpty() ? AuditLog::currentUser() : changedBy;
    for (const TermsChange &c : changes) {
        const LicenseTerms &from = undo ? c.after : c.before;
        const LicenseTerms &to = undo ? c.before : c.after;
        update.addBindValue(statusName(to.status));
        update.addBindValue(to.seats);
        update.addBindValue(sqlValue(to.expiration));
        update.addBindValue(c.rowId);
        if (!update.exec())
            return sqlError(update.lastError(), QStringLiteral("modifying license %1").arg(c.name));
        if (update.numRowsAffected() != 1)
            return Error::make(Error::Code::Conflict,
                               QStringLiteral("License %1 is no longer in the database; nothing was changed.").arg(c.name));
        sfId.addBindValue(c.rowId);
        const QString recordSfId = sfId.exec() && sfId.next() ? sfId.value(0).toString() : QString();
        sfId.finish();
        auto record = [&](const char *field, const QString &oldValue, const QString &newValue) -> Result<void> {
            if (oldValue == newValue)
                return {};
            AuditEntry e;
            e.changedAt = now;
            e.changedBy = who;
            e.recordType = QStringLiteral("license");
            e.recordRef = c.rowId;
            e.recordSfId = recordSfId;
            e.field = QString::fromLatin1(field);
            e.oldValue = oldValue;
            e.newValue = newValue;
            e.source = source;
            return audit.record(e);
        };
        if (auto r = record("Status", statusName(from.status), statusName(to.status)); !r)
            return r;
        if (auto r = record("Seats", QString::number(from.seats), QString::number(to.seats)); !r)
            return r;
        if (auto r = record("Expiration", expirationText(from.expiration), expirationText(to.expiration)); !r)
            return r;
    }
    // The orgs of these licenses: their seats and statuses are summed on the Subscribers page.
    QStringList orgs;
    QSqlQuery org(db);
    org.prepare(QStringLiteral("SELECT org_id FROM licenses WHERE id = ?"));
    for (const TermsChange &c : changes) {
        org.addBindValue(c.rowId);
        if (org.exec() && org.next() && !orgs.contains(org.value(0).toString()))
            orgs << org.value(0).toString();
        org.finish();
    }
    if (auto r = SubscriberSummary::refresh(db, database.dialect(), orgs); !r)
        return r;
    return t.commit(QStringLiteral("modifying licenses"));
}

} // namespace lmo
