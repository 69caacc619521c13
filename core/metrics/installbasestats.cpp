#include "metrics/installbasestats.h"

#include "storage/sqlutil.h"
#include "storage/values.h"
#include "util/format.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <QStringList>

namespace lmo {

QString effectiveStatusSql(const QString &asOf, const QString &alias)
{
    const QString p = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
    return QStringLiteral("(CASE WHEN %1status IN ('Uninstalled', 'Suspended') THEN %1status "
                          "WHEN %1expiration IS NOT NULL AND %1expiration < %2 THEN 'Expired' "
                          "ELSE %1status END)")
        .arg(p, asOf);
}

QString InstallBaseFilter::describe() const
{
    QStringList parts;
    if (!package.isEmpty())
        parts << QStringLiteral("package %1").arg(package);
    if (installedFrom.isValid() && installedTo.isValid())
        parts << QStringLiteral("installed %1 to %2").arg(installedFrom.toString(Qt::ISODate), installedTo.toString(Qt::ISODate));
    else if (installedFrom.isValid())
        parts << QStringLiteral("installed from %1").arg(installedFrom.toString(Qt::ISODate));
    else if (installedTo.isValid())
        parts << QStringLiteral("installed up to %1").arg(installedTo.toString(Qt::ISODate));
    if (lmo)
        parts << (lmoName.isEmpty() ? QStringLiteral("from LMO %1").arg(*lmo) : QStringLiteral("from %1").arg(lmoName));
    if (!includeSandboxes)
        parts << QStringLiteral("sandboxes left out");
    return parts.join(QStringLiteral(", "));
}

QString InstallBaseFilter::whereSql(const QString &alias) const
{
    const QString p = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
    QStringList where;
    if (!package.isEmpty())
        where << QStringLiteral("%1package_ref IN (SELECT id FROM packages WHERE name = :f_package)").arg(p);
    if (installedFrom.isValid())
        where << QStringLiteral("%1install_date >= :f_from").arg(p);
    if (installedTo.isValid())
        where << QStringLiteral("%1install_date <= :f_to").arg(p);
    // Unary plus keeps SQLite off the sandbox index: nearly every license passes this test, so
    // reading the table straight through beats reading it in index order.
    if (!includeSandboxes)
        where << QStringLiteral("+%1is_sandbox = 0").arg(p);
    if (lmo)
        where << QStringLiteral("%1lmo_ref = :f_lmo").arg(p);
    return where.isEmpty() ? QStringLiteral("1 = 1") : where.join(QStringLiteral(" AND "));
}

void InstallBaseFilter::bind(QSqlQuery &query) const
{
    if (!package.isEmpty())
        query.bindValue(QStringLiteral(":f_package"), package);
    if (installedFrom.isValid())
        query.bindValue(QStringLiteral(":f_from"), dateToSql(installedFrom));
    if (installedTo.isValid())
        query.bindValue(QStringLiteral(":f_to"), dateToSql(installedTo));
    if (lmo)
        query.bindValue(QStringLiteral(":f_lmo"), *lmo);
}

Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const QDate &asOf)
{
    InstallBaseFilter filter;
    filter.asOf = asOf;
    return computeInstallBaseStats(db, filter);
}

Result<InstallBaseStats> computeInstallBaseStats(QSqlDatabase db, const InstallBaseFilter &filter)
{
    InstallBaseStats stats;
    const QDate asOf = filter.day();
    stats.asOf = asOf;
    const QString where = filter.whereSql(QString());

    QStringList columns{QStringLiteral("COUNT(*)")};
    for (Status s : kAllStatuses)
        columns << QStringLiteral("SUM(CASE WHEN status = '%1' THEN 1 ELSE 0 END)").arg(statusName(s));
    const QString effective = effectiveStatusSql(QStringLiteral(":as_of"));
    for (EffectiveStatus s : kAllEffectiveStatuses)
        columns << QStringLiteral("SUM(CASE WHEN %1 = '%2' THEN 1 ELSE 0 END)").arg(effective, statusName(s));
    columns << QStringLiteral("SUM(is_sandbox)")
            << QStringLiteral("SUM(CASE WHEN seats = -1 THEN 1 ELSE 0 END)")
            << QStringLiteral("SUM(CASE WHEN expiration IS NULL THEN 1 ELSE 0 END)")
            << QStringLiteral("SUM(CASE WHEN seats <> -1 AND status <> 'Uninstalled' THEN seats ELSE 0 END)")
            << QStringLiteral("SUM(CASE WHEN status <> 'Uninstalled' THEN used_licenses ELSE 0 END)")
            // Not expired on as_of means expiration >= as_of, so the window alone decides.
            << QStringLiteral("SUM(CASE WHEN status IN ('Active', 'Trial') AND expiration IS NOT NULL "
                              "AND expiration >= :as_of AND expiration <= :window_end THEN 1 ELSE 0 END)");

    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM licenses WHERE %2").arg(columns.join(QStringLiteral(", ")), where));
    q.bindValue(QStringLiteral(":as_of"), dateToSql(asOf));
    filter.bind(q);
    q.bindValue(QStringLiteral(":window_end"), dateToSql(asOf.addDays(InstallBaseStats::kExpiringWindowDays)));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("computing the install-base summary"));
    int c = 0;
    stats.licenses = q.value(c++).toLongLong();
    for (Status s : kAllStatuses)
        stats.byStatus[s] = q.value(c++).toLongLong();
    for (EffectiveStatus s : kAllEffectiveStatuses)
        stats.byEffectiveStatus[s] = q.value(c++).toLongLong();
    stats.sandboxLicenses = q.value(c++).toLongLong();
    stats.siteLicenses = q.value(c++).toLongLong();
    stats.perpetualLicenses = q.value(c++).toLongLong();
    stats.seatsLicensed = q.value(c++).toLongLong();
    stats.seatsUsed = q.value(c++).toLongLong();
    stats.expiringWithin30Days = q.value(c++).toLongLong();
    q.finish();

    // Counted over the (org_id, package_ref) index: a distinct count in the big query above would
    // sort a million ids instead.
    auto count = [&](const QString &sql, const QString &doing) -> Result<qint64> {
        QSqlQuery c(db);
        c.setForwardOnly(true);
        c.prepare(sql);
        filter.bind(c);
        if (!c.exec() || !c.next())
            return sqlError(c.lastError(), doing);
        return c.value(0).toLongLong();
    };
    auto orgs = count(QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses WHERE %1 GROUP BY org_id) o").arg(where),
                      QStringLiteral("counting subscriber orgs"));
    if (!orgs)
        return orgs.error();
    stats.subscriberOrgs = orgs.value();
    auto packages = count(QStringLiteral("SELECT COUNT(*) FROM packages p WHERE EXISTS (SELECT 1 FROM licenses l WHERE "
                                         "l.package_ref = p.id AND %1)")
                              .arg(filter.whereSql(QStringLiteral("l"))),
                          QStringLiteral("counting packages"));
    if (!packages)
        return packages.error();
    stats.packages = packages.value();
    return stats;
}

QJsonObject InstallBaseStats::toJson() const
{
    QJsonObject byStatusJson;
    for (Status s : kAllStatuses)
        byStatusJson.insert(statusName(s), byStatus.value(s, 0));
    QJsonObject byEffectiveJson;
    for (EffectiveStatus s : kAllEffectiveStatuses)
        byEffectiveJson.insert(statusName(s), byEffectiveStatus.value(s, 0));
    return QJsonObject{
        {QStringLiteral("as_of"), asOf.toString(Qt::ISODate)},
        {QStringLiteral("licenses"), licenses},
        {QStringLiteral("packages"), packages},
        {QStringLiteral("subscriber_orgs"), subscriberOrgs},
        {QStringLiteral("by_status"), byStatusJson},
        {QStringLiteral("by_effective_status"), byEffectiveJson},
        {QStringLiteral("sandbox_licenses"), sandboxLicenses},
        {QStringLiteral("site_licenses"), siteLicenses},
        {QStringLiteral("perpetual_licenses"), perpetualLicenses},
        {QStringLiteral("seats_licensed"), seatsLicensed},
        {QStringLiteral("seats_used"), seatsUsed},
        {QStringLiteral("expiring_within_30_days"), expiringWithin30Days},
    };
}

QString InstallBaseStats::toText() const
{
    QList<QPair<QString, QString>> rows;
    auto n = [](qint64 v) { return groupedNumber(v); };
    rows << qMakePair(QStringLiteral("As of"), asOf.toString(Qt::ISODate))
         << qMakePair(QStringLiteral("Licenses"), n(licenses))
         << qMakePair(QStringLiteral("Packages"), n(packages))
         << qMakePair(QStringLiteral("Subscriber orgs"), n(subscriberOrgs));
    for (Status s : kAllStatuses)
        rows << qMakePair(QStringLiteral("  Status %1").arg(statusName(s)), n(byStatus.value(s, 0)));
    for (EffectiveStatus s : kAllEffectiveStatuses)
        rows << qMakePair(QStringLiteral("  Effective %1").arg(statusName(s)), n(byEffectiveStatus.value(s, 0)));
    rows << qMakePair(QStringLiteral("Sandbox licenses"), n(sandboxLicenses))
         << qMakePair(QStringLiteral("Site licenses"), n(siteLicenses))
         << qMakePair(QStringLiteral("Perpetual licenses"), n(perpetualLicenses))
         << qMakePair(QStringLiteral("Seats licensed"), n(seatsLicensed))
         << qMakePair(QStringLiteral("Seats used"), n(seatsUsed))
         << qMakePair(QStringLiteral("Expiring within 30 days"), n(expiringWithin30Days));
    qsizetype labelWidth = 0, valueWidth = 0;
    for (const auto &row : rows) {
        labelWidth = qMax(labelWidth, row.first.size());
        valueWidth = qMax(valueWidth, row.second.size());
    }
    QString out;
    for (const auto &row : rows)
        out += row.first.leftJustified(labelWidth + 2) + row.second.rightJustified(valueWidth) + QLatin1Char('\n');
    return out;
}

} // namespace lmo
