#include "storage/packagerepository.h"

#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlQuery>
#include <QSqlRecord>

namespace lmo {

Result<void> PackageRepository::insert(Package &p)
{
    QSqlQuery q(m_db);
    const bool prepared = q.prepare(QStringLiteral(
        "INSERT INTO packages (sf_id, name, package_id, developer_name, developer_org_id, latest_version, "
        "release_date, lead_manager, last_license_refresh, next_available_refresh) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!prepared)
        return sqlError(q.lastError(), QStringLiteral("saving package \"%1\"").arg(p.name));
    q.addBindValue(sqlValue(p.id));
    q.addBindValue(p.name);
    q.addBindValue(sqlValue(p.packageId));
    q.addBindValue(sqlValue(p.developerName));
    q.addBindValue(sqlValue(p.developerOrgId));
    q.addBindValue(sqlValue(p.latestVersion));
    q.addBindValue(sqlValue(p.releaseDate));
    q.addBindValue(sqlValue(p.leadManager));
    q.addBindValue(sqlValue(p.lastLicenseRefresh));
    q.addBindValue(sqlValue(p.nextAvailableRefresh));
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("saving package \"%1\"").arg(p.name));
    p.rowId = q.lastInsertId().toLongLong();
    return {};
}

Result<void> PackageRepository::insertVersion(PackageVersion &v)
{
    QSqlQuery q(m_db);
    const bool prepared = q.prepare(QStringLiteral(
        "INSERT INTO package_versions (sf_id, package_ref, name, version, version_number, version_id, is_beta, "
        "release_date, sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!prepared)
        return sqlError(q.lastError(), QStringLiteral("saving package version %1").arg(v.versionNumber));
    q.addBindValue(sqlValue(v.id));
    q.addBindValue(v.packageRowId);
    q.addBindValue(sqlValue(v.name));
    q.addBindValue(sqlValue(v.version));
    q.addBindValue(v.versionNumber);
    q.addBindValue(sqlValue(v.versionId));
    q.addBindValue(v.isBeta ? 1 : 0);
    q.addBindValue(sqlValue(v.releaseDate));
    q.addBindValue(v.sequence);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("saving package version %1").arg(v.versionNumber));
    v.rowId = q.lastInsertId().toLongLong();
    return {};
}

Result<std::vector<Package>> PackageRepository::all()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral(
            "SELECT id, sf_id, name, package_id, developer_name, developer_org_id, latest_version, release_date, "
            "lead_manager, last_license_refresh, next_available_refresh FROM packages ORDER BY name")))
        return sqlError(q.lastError(), QStringLiteral("reading packages"));
    std::vector<Package> out;
    while (q.next()) {
        Package p;
        p.rowId = q.value(0).toLongLong();
        p.id = SalesforceId::fromString(q.value(1).toString());
        p.name = q.value(2).toString();
        p.packageId = SalesforceId::fromString(q.value(3).toString());
        p.developerName = q.value(4).toString();
        p.developerOrgId = SalesforceId::fromString(q.value(5).toString());
        p.latestVersion = q.value(6).toString();
        p.releaseDate = dateFromSql(q.value(7));
        p.leadManager = q.value(8).toString();
        p.lastLicenseRefresh = dateTimeFromSql(q.value(9));
        p.nextAvailableRefresh = dateTimeFromSql(q.value(10));
        out.push_back(std::move(p));
    }
    return out;
}

Result<std::vector<PackageVersion>> PackageRepository::versionsOf(qint64 packageRowId)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT id, sf_id, package_ref, name, version, version_number, version_id, is_beta, "
                                  "release_date, sequence FROM package_versions WHERE package_ref = ? "
                                  "ORDER BY sequence, release_date")))
        return sqlError(q.lastError(), QStringLiteral("reading package versions"));
    q.addBindValue(packageRowId);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading package versions"));
    std::vector<PackageVersion> out;
    while (q.next()) {
        PackageVersion v;
        v.rowId = q.value(0).toLongLong();
        v.id = SalesforceId::fromString(q.value(1).toString());
        v.packageRowId = q.value(2).toLongLong();
        v.name = q.value(3).toString();
        v.version = q.value(4).toString();
        v.versionNumber = q.value(5).toString();
        v.versionId = SalesforceId::fromString(q.value(6).toString());
        v.isBeta = q.value(7).toInt() != 0;
        v.releaseDate = dateFromSql(q.value(8));
        v.sequence = q.value(9).toInt();
        out.push_back(std::move(v));
    }
    return out;
}

} // namespace lmo
