#include "storage/subscribersummary.h"

#include "domain/subscriber.h"
#include "storage/bulkload.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

namespace lmo::SubscriberSummary {

namespace {

// Every org the query's rows (licenses ordered by org id) cover, worked out by the domain rule
// (Subscriber::fromLicenses) one org at a time: memory stays flat whatever the size, and the
// summary cannot disagree with the rule.
Result<void> summarise(QSqlDatabase db, QSqlQuery &licenses)
{
    QHash<qint64, QString> packageNames;
    {
        QSqlQuery p(db);
        p.setForwardOnly(true);
        if (!p.exec(QStringLiteral("SELECT id, name FROM packages")))
            return sqlError(p.lastError(), QStringLiteral("summarising subscriber orgs"));
        while (p.next())
            packageNames.insert(p.value(0).toLongLong(), p.value(1).toString());
    }
    QSqlQuery insert(db);
    if (!insert.prepare(QStringLiteral(
            "INSERT INTO subscribers (org_id, account_name, org_edition, org_instance, org_status, is_sandbox, licenses, "
            "installed, packages, seats, site_licenses, used, first_install, last_change, lmo_mask) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        return sqlError(insert.lastError(), QStringLiteral("summarising subscriber orgs"));
    std::vector<License> group;
    QString groupOrg;
    auto flush = [&]() -> Result<void> {
        if (group.empty())
            return {};
        const Subscriber s = Subscriber::fromLicenses(group.front().subscriberOrgId, group);
        insert.addBindValue(groupOrg);
        insert.addBindValue(sqlValue(s.accountName));
        insert.addBindValue(sqlValue(s.orgEdition));
        insert.addBindValue(sqlValue(s.orgInstance));
        insert.addBindValue(sqlValue(s.orgStatus));
        insert.addBindValue(s.isSandbox ? 1 : 0);
        insert.addBindValue(s.licenses);
        insert.addBindValue(s.activeLicenses);
        insert.addBindValue(sqlValue(s.packages));
        insert.addBindValue(s.seatsLicensed);
        insert.addBindValue(s.hasSiteLicense ? 1 : 0);
        insert.addBindValue(s.seatsUsed);
        insert.addBindValue(sqlValue(s.firstInstall));
        insert.addBindValue(sqlValue(s.lastChange));
        insert.addBindValue(s.lmoMask);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("summarising subscriber org %1").arg(groupOrg));
        group.clear();
        return {};
    };
    while (licenses.next()) {
        const QString org = licenses.value(1).toString();
        if (org != groupOrg) {
            if (auto r = flush(); !r)
                return r;
            groupOrg = org;
        }
        License l;
        l.rowId = licenses.value(0).toLongLong();
        l.subscriberOrgId = group.empty() ? SalesforceId::fromString(org) : group.front().subscriberOrgId;
        l.accountName = licenses.value(2).toString();
        l.orgEdition = licenses.value(3).toString();
        l.orgInstance = licenses.value(4).toString();
        l.orgStatus = licenses.value(5).toString();
        l.isSandbox = licenses.value(6).toInt() != 0;
        l.status = statusFromString(licenses.value(7).toString()).value_or(Status::Active);
        l.seats = licenses.value(8).toInt();
        l.usedLicenses = licenses.value(9).toInt();
        l.installDate = dateFromSql(licenses.value(10));
        l.lastModified = dateTimeFromSql(licenses.value(11));
        l.packageName = packageNames.value(licenses.value(12).toLongLong());
        l.lmoRef = licenses.value(13).toLongLong();
        group.push_back(std::move(l));
    }
    if (licenses.lastError().isValid())
        return sqlError(licenses.lastError(), QStringLiteral("summarising subscriber orgs"));
    return flush();
}

const QString kLicenseColumns = QStringLiteral(
    "SELECT id, org_id, account_name, org_edition, org_instance, org_status, is_sandbox, status, seats, used_licenses, "
    "install_date, last_modified, package_ref, lmo_ref FROM licenses");

} // namespace

Result<void> rebuild(QSqlDatabase db, Dialect dialect)
{
    if (auto r = execSql(db, QStringLiteral("DELETE FROM subscribers"), QStringLiteral("summarising subscriber orgs")); !r)
        return r;
    // Rows go in in key order; the other indexes are built once at the end from sorted keys.
    IndexSuspension indexes(db, dialect);
    if (auto r = indexes.suspend(QStringLiteral("subscribers"), IndexSuspension::Keep::Nothing); !r)
        return r;
    QSqlQuery licenses(db);
    licenses.setForwardOnly(true);
    // Read in org order through the (org_id, package_ref) index.
    if (!licenses.exec(kLicenseColumns + QStringLiteral(" ORDER BY org_id")))
        return sqlError(licenses.lastError(), QStringLiteral("summarising subscriber orgs"));
    if (auto r = summarise(db, licenses); !r)
        return r;
    licenses.finish();
    return indexes.restore();
}

Result<void> refresh(QSqlDatabase db, Dialect dialect, const QStringList &orgIds)
{
    Q_UNUSED(dialect);
    for (const QString &org : orgIds) {
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM subscribers WHERE org_id = ?"));
        remove.addBindValue(org);
        if (!remove.exec())
            return sqlError(remove.lastError(), QStringLiteral("updating subscriber org %1").arg(org));
        QSqlQuery licenses(db);
        licenses.setForwardOnly(true);
        licenses.prepare(kLicenseColumns + QStringLiteral(" WHERE org_id = ? ORDER BY org_id"));
        licenses.addBindValue(org);
        if (!licenses.exec())
            return sqlError(licenses.lastError(), QStringLiteral("updating subscriber org %1").arg(org));
        if (auto r = summarise(db, licenses); !r)
            return r;
    }
    return {};
}

Result<void> markStale(QSqlDatabase db)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?"));
    q.addBindValue(QString::fromLatin1(kDeferredName));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    if (q.value(0).toLongLong() > 0)
        return {};
    q.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)"));
    insert.addBindValue(QString::fromLatin1(kDeferredName));
    insert.addBindValue(QString::fromLatin1(kDeferredMarker));
    if (!insert.exec())
        return sqlError(insert.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    return {};
}

} // namespace lmo::SubscriberSummary
