#include "storage/licenseedits.h"

#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"
#include "storage/values.h"

#include <QHash>
#include <QLocale>
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

QString termsSeatsText(int seats)
{
    return seats == License::kSiteLicenseSeats ? QStringLiteral("Site License") : QString::number(seats);
}

QString termsExpirationText(const QDate &expiration)
{
    return expiration.isValid() ? expiration.toString(Qt::ISODate) : QStringLiteral("Does not expire");
}

QString lastChange(QSqlDatabase db, qint64 rowId)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT changed_at, source, changed_by FROM audit_log WHERE record_type = 'license' "
                                  "AND record_ref = ? ORDER BY id DESC LIMIT 1")))
        return QString();
    q.addBindValue(rowId);
    if (!q.exec() || !q.next())
        return QString();
    const QDateTime at = dateTimeFromSql(q.value(0));
    const QString who = q.value(2).toString();
    return QStringLiteral("%1%2 on %3")
        .arg(who.isEmpty() ? QString() : who + QStringLiteral(" through "), q.value(1).toString(),
             QLocale().toString(at.toLocalTime(), QLocale::ShortFormat));
}

Result<bool> hasBeenActive(Database &database, qint64 rowId)
{
    return hasBeenActive(database.connection(), rowId);
}

Result<ModificationPlan> planModification(Database &database, const std::vector<qint64> &rowIds,
                                          const std::function<LicenseChange(const License &)> &edit, const QDate &today)
{
    return planModification(database.connection(), rowIds, edit, today);
}

Result<void> writeTerms(Database &database, const std::vector<TermsChange> &changes, bool undo, const QString &source,
                        const QString &changedBy)
{
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("%1 is read-only (%2): licenses cannot be modified.")
                               .arg(database.path(), database.readOnlyReason()));
    return writeTerms(database.connection(), database.dialect(), changes, undo, source, changedBy);
}

// What the three above do, on a connection of the caller's own (a job's or a worker's thread).
namespace {

Result<std::optional<License>> findLicenseOn(QSqlDatabase db, qint64 rowId)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(LicenseRepository::selectSql(QStringLiteral("l.id = ?"))))
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    q.addBindValue(rowId);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    std::optional<License> found;
    if (q.next())
        found = LicenseRepository::readLicense(q);
    q.finish();
    return found;
}

// Each planned change's license version, some hundred licenses a statement (on a server each
// statement is a round trip; the plan already reads every license once).
Result<void> readRowVersions(QSqlDatabase db, std::vector<TermsChange> &changes)
{
    constexpr size_t kAtOnce = 500;
    for (size_t from = 0; from < changes.size(); from += kAtOnce) {
        const size_t n = std::min(kAtOnce, changes.size() - from);
        QSqlQuery q(db);
        if (!q.prepare(QStringLiteral("SELECT id, row_version FROM licenses WHERE id IN (%1)")
                           .arg(QStringList(qsizetype(n), QStringLiteral("?")).join(QStringLiteral(", ")))))
            return sqlError(q.lastError(), QStringLiteral("reading the licenses' versions"));
        for (size_t i = 0; i < n; ++i)
            q.addBindValue(changes[from + i].rowId);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("reading the licenses' versions"));
        QHash<qint64, qint64> versions;
        while (q.next())
            versions.insert(q.value(0).toLongLong(), q.value(1).toLongLong());
        for (size_t i = 0; i < n; ++i)
            changes[from + i].version = versions.value(changes[from + i].rowId);
    }
    return {};
}

} // namespace

Result<bool> hasBeenActive(QSqlDatabase db, qint64 rowId)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND record_ref = ? "
                                  "AND field = 'Status' AND (old_value = 'Active' OR new_value = 'Active')")))
        return sqlError(q.lastError(), QStringLiteral("reading the license's history"));
    q.addBindValue(rowId);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading the license's history"));
    return q.value(0).toLongLong() > 0;
}

Result<ModificationPlan> planModification(QSqlDatabase db, const std::vector<qint64> &rowIds,
                                          const std::function<LicenseChange(const License &)> &edit, const QDate &today)
{
    ModificationPlan plan;
    for (qint64 rowId : rowIds) {
        auto found = findLicenseOn(db, rowId);
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
        auto active = hasBeenActive(db, rowId);
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
    if (auto r = readRowVersions(db, plan.changes); !r)
        return r.error();
    return plan;
}

Result<void> writeTerms(QSqlDatabase db, const Dialect &dialect, const std::vector<TermsChange> &changes, bool undo, const QString &source,
                        const QString &changedBy)
{
    Transaction t(db);
    if (auto r = t.beginWrite(QStringLiteral("modifying licenses")); !r)
        return r;
    if (auto r = StorageBackend::of(db).setChangeSource(db, source); !r)
        return r;
    QSqlQuery update(db);
    // Only the terms an edit changes are written (a role may be allowed to change only some:
    // a team database refuses a column it may not update, even to its own value).
    const auto termsSql = [&](const TermsChange &c) {
        const LicenseTerms &from = undo ? c.after : c.before;
        const LicenseTerms &to = undo ? c.before : c.after;
        QStringList sets;
        if (from.status != to.status)
            sets << QStringLiteral("status = ?");
        if (from.seats != to.seats)
            sets << QStringLiteral("seats = ?");
        if (from.expiration != to.expiration)
            sets << QStringLiteral("expiration = ?");
        sets << QStringLiteral("row_version = row_version + 1");
        return QStringLiteral("UPDATE licenses SET %1 WHERE id = ?%2")
            .arg(sets.join(QStringLiteral(", ")), !undo && c.version > 0 ? QStringLiteral(" AND row_version = ?") : QString());
    };
    QSqlQuery sfId(db);
    if (!sfId.prepare(QStringLiteral("SELECT sf_id FROM licenses WHERE id = ?")))
        return sqlError(sfId.lastError(), QStringLiteral("modifying licenses"));
    // Nothing is written over a change this edit did not make: every license must still hold
    // what the edit left (to undo it) or what it found (to make it, or redo it).
    for (const TermsChange &c : changes) {
        const LicenseTerms &expected = undo ? c.after : c.before;
        auto found = findLicenseOn(db, c.rowId);
        if (!found)
            return found.error();
        if (!found->has_value())
            return Error::make(Error::Code::Conflict,
                               QStringLiteral("License %1 is no longer in the database; nothing was changed.").arg(c.name));
        const LicenseTerms now = termsOf(**found);
        if (now == expected)
            continue;
        QStringList differences;
        auto differ = [&](const char *field, const QString &shownNow, const QString &shownExpected) {
            if (shownNow != shownExpected)
                differences << QStringLiteral("%1 is %2, not %3").arg(QString::fromLatin1(field), shownNow, shownExpected);
        };
        differ("its status", statusName(now.status), statusName(expected.status));
        differ("its seats", termsSeatsText(now.seats), termsSeatsText(expected.seats));
        differ("its expiration", termsExpirationText(now.expiration), termsExpirationText(expected.expiration));
        QString since;
        if (auto last = lastChange(db, c.rowId); !last.isEmpty())
            since = QStringLiteral(" It was last changed by %1.").arg(last);
        return Error::make(Error::Code::Conflict,
                           QStringLiteral("License %1 has changed since this edit %2: %3.%4 Nothing was changed; "
                                          "check the license and modify it again if need be.")
                               .arg(c.name.isEmpty() ? QStringLiteral("#%1").arg(c.rowId) : c.name,
                                    undo ? QStringLiteral("was made") : QStringLiteral("was planned or undone"),
                                    differences.join(QStringLiteral(", ")), since));
    }
    AuditLog audit(db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString who = changedBy.isEmpty() ? AuditLog::currentUser() : changedBy;
    for (const TermsChange &c : changes) {
        const LicenseTerms &from = undo ? c.after : c.before;
        const LicenseTerms &to = undo ? c.before : c.after;
        if (!update.prepare(termsSql(c)))
            return sqlError(update.lastError(), QStringLiteral("modifying licenses"));
        if (from.status != to.status)
            update.addBindValue(statusName(to.status));
        if (from.seats != to.seats)
            update.addBindValue(to.seats);
        if (from.expiration != to.expiration)
            update.addBindValue(sqlValue(to.expiration));
        update.addBindValue(c.rowId);
        if (!undo && c.version > 0)
            update.addBindValue(c.version);
        if (!update.exec())
            return sqlError(update.lastError(), QStringLiteral("modifying license %1").arg(c.name));
        if (update.numRowsAffected() != 1) {
            // Its terms are as this edit found them, but someone changed it since it was read.
            QString since;
            if (auto last = lastChange(db, c.rowId); !last.isEmpty())
                since = QStringLiteral(" It was last changed by %1.").arg(last);
            return Error::make(Error::Code::Conflict,
                               QStringLiteral("License %1 has changed since you read it, or is no longer in the database.%2 "
                                              "Nothing was changed: look at the license as it is now, and modify it again "
                                              "if need be.")
                                   .arg(c.name.isEmpty() ? QStringLiteral("#%1").arg(c.rowId) : c.name, since));
        }
        sfId.addBindValue(c.rowId);
        // A failed statement aborts a PostgreSQL transaction: say so here, not at the next one.
        if (!sfId.exec())
            return sqlError(sfId.lastError(), QStringLiteral("modifying license %1").arg(c.name));
        const QString recordSfId = sfId.next() ? sfId.value(0).toString() : QString();
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
    if (!org.prepare(QStringLiteral("SELECT org_id FROM licenses WHERE id = ?")))
        return sqlError(org.lastError(), QStringLiteral("modifying licenses"));
    for (const TermsChange &c : changes) {
        org.addBindValue(c.rowId);
        if (!org.exec())
            return sqlError(org.lastError(), QStringLiteral("modifying licenses"));
        if (org.next() && !orgs.contains(org.value(0).toString()))
            orgs << org.value(0).toString();
        org.finish();
    }
    // (On a team database its trigger sums them again, as whoever edits may not write the summary.)
    if (!StorageBackend::of(db).auditsOnServer(db)) {
        if (auto r = SubscriberSummary::refresh(db, dialect, orgs); !r)
            return r;
    }
    return t.commit(QStringLiteral("modifying licenses"));
}

} // namespace lmo
