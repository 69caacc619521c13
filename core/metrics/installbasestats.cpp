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

namespace {

// The day an Uninstalled license was uninstalled, per license: its last change of Status to
// Uninstalled in the audit log (before `before`, a bind, when given).
QString uninstallDaysSql(const QString &before)
{
    return QStringLiteral("(SELECT record_ref, DATE(MAX(changed_at)) AS day FROM audit_log "
                          "WHERE record_type = 'license' AND field = 'Status' AND new_value = 'Uninstalled'%1 "
                          "GROUP BY record_ref)")
        .arg(before.isEmpty() ? QString() : QStringLiteral(" AND changed_at < %1").arg(before));
}

} // namespace

QString InstallBaseFilter::sourceSql() const
{
    // The last change as a day: the LMA's "Information Current As Of", a timestamp (ISO text in
    // SQLite, TIMESTAMPTZ read in UTC in PostgreSQL; DATE() is both engines' way to its day).
    const QString lastChange = QStringLiteral("DATE(x.last_modified)");
    const QString common = QStringLiteral("x.id, x.install_date, x.last_modified, x.is_sandbox, x.org_edition, x.org_instance, "
                                          "x.package_ref, x.org_id, x.lmo_ref");
    if (!isPast()) {
        return QStringLiteral("(SELECT %1, x.version_number, x.status, x.seats, x.used_licenses, x.expiration, "
                              "CASE WHEN x.status = 'Uninstalled' THEN %2 END AS uninstall_day, "
                              "0 AS as_of_unknown, 0 AS as_of_changed FROM licenses x)")
            .arg(common, lastChange);
    }
    // Each field's first change after the day, per license: its old value is what it was then.
    // The audit log keeps values as text, so the day's expiration is ISO text on both engines
    // (a DATE column cast to TEXT in PostgreSQL reads the same, and compares the same).
    // Read in the order of the audit_log_history index (no sort); two changes of one field in the
    // same millisecond fall in the order they were written.
    // Every field's changes count towards "the history says what happened after the day".
    const QString firstChanges = QStringLiteral(
        "(SELECT record_ref, "
        "MAX(CASE WHEN field = 'Status' THEN 1 ELSE 0 END) AS has_status, MAX(CASE WHEN field = 'Status' THEN old_value END) AS status, "
        "MAX(CASE WHEN field = 'Seats' THEN 1 ELSE 0 END) AS has_seats, MAX(CASE WHEN field = 'Seats' THEN old_value END) AS seats, "
        "MAX(CASE WHEN field = 'Used Licenses' THEN 1 ELSE 0 END) AS has_used, MAX(CASE WHEN field = 'Used Licenses' THEN old_value END) AS used, "
        "MAX(CASE WHEN field = 'Expiration' THEN 1 ELSE 0 END) AS has_expiration, MAX(CASE WHEN field = 'Expiration' THEN old_value END) AS expiration, "
        "MAX(CASE WHEN field = 'Version Number' THEN 1 ELSE 0 END) AS has_version, MAX(CASE WHEN field = 'Version Number' THEN old_value END) AS version "
        "FROM (SELECT record_ref, field, old_value, ROW_NUMBER() OVER (PARTITION BY record_ref, field ORDER BY changed_at) AS n "
        "FROM audit_log WHERE record_type = 'license' AND changed_at >= :f_next_day) c WHERE n = 1 GROUP BY record_ref)");
    const QString uninstallDay = QStringLiteral("COALESCE(u.day, %1)").arg(lastChange);
    // Uninstalled now, uninstalled after the day, and no history of what it was before: it was
    // installed then, in a status nobody recorded; counted as Active (and as unknown).
    const QString status = QStringLiteral("(CASE WHEN h.has_status = 1 THEN h.status "
                                          "WHEN x.status = 'Uninstalled' AND %1 >= :f_next_day THEN 'Active' "
                                          "ELSE x.status END)")
                               .arg(uninstallDay);
    return QStringLiteral("(SELECT %1, %2 AS status, "
                          "CASE WHEN h.has_version = 1 THEN h.version ELSE x.version_number END AS version_number, "
                          "CASE WHEN h.has_seats = 1 THEN CAST(NULLIF(h.seats, '') AS BIGINT) ELSE x.seats END AS seats, "
                          "CASE WHEN h.has_used = 1 THEN CAST(NULLIF(h.used, '') AS BIGINT) ELSE x.used_licenses END AS used_licenses, "
                          "CASE WHEN h.has_expiration = 1 THEN NULLIF(h.expiration, '') ELSE CAST(x.expiration AS TEXT) END AS expiration, "
                          "CASE WHEN %2 = 'Uninstalled' THEN %3 END AS uninstall_day, "
                          "CASE WHEN h.record_ref IS NULL AND %4 >= :f_next_day THEN 1 ELSE 0 END AS as_of_unknown, "
                          "CASE WHEN h.record_ref IS NOT NULL OR %4 >= :f_next_day THEN 1 ELSE 0 END AS as_of_changed "
                          "FROM licenses x LEFT JOIN %5 u ON u.record_ref = x.id LEFT JOIN %6 h ON h.record_ref = x.id "
                          "WHERE x.install_date < :f_next_day)")
        .arg(common, status, uninstallDay, lastChange, uninstallDaysSql(QStringLiteral(":f_next_day")), firstChanges);
}

void InstallBaseFilter::bind(QSqlQuery &query) const
{
    if (isPast())
        query.bindValue(QStringLiteral(":f_next_day"), dateToSql(asOf.addDays(1)));
    if (!package.isEmpty())
        query.bindValue(QStringLiteral(":f_package"), package);
    if (installedFrom.isValid())
        query.bindValue(QStringLiteral(":f_from"), dateToSql(installedFrom));
    if (installedTo.isValid())
        query.bindValue(QStringLiteral(":f_to"), dateToSql(installedTo));
    if (lmo)
        query.bindValue(QStringLiteral(":f_lmo"), *lmo);
}

QString auditUninstallDaysSql()
{
    return QStringLiteral("SELECT u.record_ref, u.day FROM %1 u ORDER BY u.record_ref").arg(uninstallDaysSql(QString()));
}

Result<qint64> countUndatedLicenses(QSqlDatabase db, const InstallBaseFilter &filter)
{
    if (!filter.isPast())
        return qint64(0);
    InstallBaseFilter plain = filter;
    plain.asOf = QDate();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses l WHERE l.install_date IS NULL AND %1").arg(plain.whereSql(QStringLiteral("l")))))
        return sqlError(q.lastError(), QStringLiteral("counting licenses without an install date"));
    plain.bind(q);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("counting licenses without an install date"));
    return q.value(0).toLongLong();
}

QString InstallBaseStats::asOfCaveat() const
{
    if (!reconstructed || (asOfUnknown == 0 && asOfUndated == 0))
        return QString();
    const QString day = asOf.toString(Qt::ISODate);
    QStringList parts;
    if (asOfUnknown == 1)
        parts << QStringLiteral("1 license changed after %1 with no record of what it was that day, so it is counted as it "
                                "is now (as Active if it was uninstalled since)").arg(day);
    else if (asOfUnknown > 1)
        parts << QStringLiteral("%1 licenses changed after %2 with no record of what they were that day, so they are counted "
                                "as they are now (as Active if uninstalled since)").arg(groupedNumber(asOfUnknown), day);
    if (asOfUndated == 1)
        parts << QStringLiteral("1 license without an install date is left out");
    else if (asOfUndated > 1)
        parts << QStringLiteral("%1 licenses without an install date are left out").arg(groupedNumber(asOfUndated));
    return parts.join(QStringLiteral("; ")) + QLatin1Char('.');
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
    const QString where = filter.whereSql(QStringLiteral("l"));
    const QString source = filter.sourceSql();

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
                              "AND expiration >= :as_of AND expiration <= :window_end THEN 1 ELSE 0 END)")
            << QStringLiteral("SUM(as_of_unknown)") << QStringLiteral("SUM(as_of_changed)");

    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT %1 FROM %2 l WHERE %3").arg(columns.join(QStringLiteral(", ")), source, where)))
        return sqlError(q.lastError(), QStringLiteral("computing the install-base summary"));
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
    stats.asOfUnknown = q.value(c++).toLongLong();
    stats.asOfChanged = q.value(c++).toLongLong();
    q.finish();
    stats.reconstructed = filter.isPast();
    auto undated = countUndatedLicenses(db, filter);
    if (!undated)
        return undated.error();
    stats.asOfUndated = undated.value();

    // Counted over the (org_id, package_ref) index: a distinct count in the big query above would
    // sort a million ids instead.
    auto count = [&](const QString &sql, const QString &doing) -> Result<qint64> {
        QSqlQuery c(db);
        c.setForwardOnly(true);
        if (!c.prepare(sql))
            return sqlError(c.lastError(), doing);
        filter.bind(c);
        if (!c.exec() || !c.next())
            return sqlError(c.lastError(), doing);
        return c.value(0).toLongLong();
    };
    // Which licenses count does not depend on what they were on the day, only on their install
    // day: these read the table itself, not the rebuilt licenses (built once, above).
    const QString members = filter.isPast() ? QStringLiteral("l.install_date < :f_next_day AND ") + where : where;
    auto orgs = count(QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses l WHERE %1 GROUP BY org_id) o").arg(members),
                      QStringLiteral("counting subscriber orgs"));
    if (!orgs)
        return orgs.error();
    stats.subscriberOrgs = orgs.value();
    auto packages = count(QStringLiteral("SELECT COUNT(*) FROM packages p WHERE EXISTS (SELECT 1 FROM licenses l WHERE "
                                         "l.package_ref = p.id AND %1)")
                              .arg(members),
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
        {QStringLiteral("as_of_reconstructed"), reconstructed},
        {QStringLiteral("as_of_unknown"), asOfUnknown},
        {QStringLiteral("as_of_changed"), asOfChanged},
        {QStringLiteral("as_of_undated"), asOfUndated},
        {QStringLiteral("as_of_note"), asOfCaveat()},
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
    if (const QString caveat = asOfCaveat(); !caveat.isEmpty())
        out += QStringLiteral("Note: ") + caveat + QLatin1Char('\n');
    return out;
}

} // namespace lmo
