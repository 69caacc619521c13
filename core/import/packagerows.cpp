// Package and package-version files: each row inserted, or compared and updated with its audit entries.
#include "import/fileimport.h"

#include "storage/auditlog.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

namespace lmo::importing {

using F = ImportField;

Result<void> FileImport::packageRow(const CsvRecord &record)
{
    QString why;
    auto fail = [&](ImportField f) { return rejectField(record, f, why); };
    const QString name = cell(record, F::Name).trimmed();
    if (name.isEmpty()) {
        why = QStringLiteral("the package name is blank");
        return fail(F::Name);
    }
    std::optional<SalesforceId> id = ValueParser::id(cell(record, F::Id), &why);
    if (!id)
        return fail(F::Id);
    std::optional<SalesforceId> packageId = ValueParser::id(cell(record, F::PackageId033), &why);
    if (!packageId)
        return fail(F::PackageId033);
    std::optional<SalesforceId> developerOrg = ValueParser::id(cell(record, F::DeveloperOrgId), &why);
    if (!developerOrg)
        return fail(F::DeveloperOrgId);
    auto release = ValueParser::date(cell(record, F::ReleaseDate), m_options.dateOrder, &why);
    if (!release)
        return fail(F::ReleaseDate);
    auto lastRefresh = ValueParser::dateTime(cell(record, F::LastLicenseRefresh), m_options.dateOrder, &why);
    if (!lastRefresh)
        return fail(F::LastLicenseRefresh);
    auto nextRefresh = ValueParser::dateTime(cell(record, F::NextAvailableRefresh), m_options.dateOrder, &why);
    if (!nextRefresh)
        return fail(F::NextAvailableRefresh);

    const std::pair<ImportField, std::pair<const char *, QVariant>> values[] = {
        {F::Id, {"sf_id", sqlValue(*id)}},
        {F::Name, {"name", QVariant(name)}},
        {F::PackageId033, {"package_id", sqlValue(*packageId)}},
        {F::DeveloperName, {"developer_name", sqlValue(cell(record, F::DeveloperName).trimmed())}},
        {F::DeveloperOrgId, {"developer_org_id", sqlValue(*developerOrg)}},
        {F::LatestVersion, {"latest_version", sqlValue(cell(record, F::LatestVersion).trimmed())}},
        {F::ReleaseDate, {"release_date", sqlValue(*release)}},
        {F::LeadManager, {"lead_manager", sqlValue(cell(record, F::LeadManager).trimmed())}},
        {F::LastLicenseRefresh, {"last_license_refresh", sqlValue(*lastRefresh)}},
        {F::NextAvailableRefresh, {"next_available_refresh", sqlValue(*nextRefresh)}},
    };
    // Known by its record id, else its 033 id, else its name (licenses may have named it first).
    std::optional<qint64> row;
    if (!id->isNull() && m_packageBySfId.contains(id->to18()))
        row = m_packageBySfId.value(id->to18());
    else if (!packageId->isNull() && m_packageBy033.contains(packageId->to18()))
        row = m_packageBy033.value(packageId->to18());
    else if (m_packageByName.contains(name))
        row = m_packageByName.value(name);

    QStringList columns;
    QStringList labels;
    QVariantList binds;
    for (const auto &[field, cv] : values) {
        if (!has(field))
            continue;
        columns << QString::fromLatin1(cv.first);
        labels << fieldLabel(field);
        binds << cv.second;
    }
    if (row && m_packageByName.contains(name) && m_packageByName.value(name) != *row) {
        why = QStringLiteral("\"%1\" is already the name of another package in this database (one first seen without "
                             "its id); the two cannot be told apart from this file")
                  .arg(name);
        return fail(F::Name);
    }
    QSqlQuery q(m_db);
    if (!row) {
        if (!q.prepare(QStringLiteral("INSERT INTO packages (%1) VALUES (%2)")
                           .arg(columns.join(QStringLiteral(", ")),
                                QStringList(columns.size(), QStringLiteral("?")).join(QStringLiteral(", ")))))
            return sqlError(q.lastError(), QStringLiteral("saving package %1").arg(name));
        for (const QVariant &b : std::as_const(binds))
            q.addBindValue(b);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("saving package %1").arg(name));
        const qint64 newRow = q.lastInsertId().toLongLong();
        m_packageByName.insert(name, newRow);
        if (!id->isNull())
            m_packageBySfId.insert(id->to18(), newRow);
        if (!packageId->isNull())
            m_packageBy033.insert(packageId->to18(), newRow);
        ++m_report.inserted;
        return {};
    }
    if (!q.prepare(QStringLiteral("SELECT %1 FROM packages WHERE id = ?").arg(columns.join(QStringLiteral(", ")))))
        return sqlError(q.lastError(), QStringLiteral("reading package %1").arg(name));
    q.addBindValue(*row);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading package %1").arg(name));
    AuditLog audit(m_db);
    bool changed = false;
    for (int i = 0; i < columns.size(); ++i) {
        const QString oldText = variantText(q.value(i));
        const QString newText = variantText(binds[i]);
        if (oldText == newText)
            continue;
        changed = true;
        AuditEntry e;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("package");
        e.recordRef = *row;
        e.recordSfId = id->isNull() ? packageId->to18() : id->to18();
        e.field = labels[i];
        e.oldValue = oldText;
        e.newValue = newText;
        e.source = m_source;
        if (auto r = audit.record(e); !r)
            return r;
    }
    q.finish();
    if (!changed) {
        ++m_report.unchanged;
        return {};
    }
    QStringList sets;
    for (const QString &c : std::as_const(columns))
        sets << c + QStringLiteral(" = ?");
    QSqlQuery u(m_db);
    if (!u.prepare(QStringLiteral("UPDATE packages SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", ")))))
        return sqlError(u.lastError(), QStringLiteral("updating package %1").arg(name));
    for (const QVariant &b : std::as_const(binds))
        u.addBindValue(b);
    u.addBindValue(*row);
    if (!u.exec())
        return sqlError(u.lastError(), QStringLiteral("updating package %1").arg(name));
    m_packageByName.insert(name, *row);
    ++m_report.updated;
    return {};
}

Result<void> FileImport::versionRow(const CsvRecord &record)
{
    QString why;
    auto fail = [&](ImportField f) { return rejectField(record, f, why); };
    std::optional<SalesforceId> id = ValueParser::id(cell(record, F::Id), &why);
    if (!id)
        return fail(F::Id);
    std::optional<SalesforceId> packageRef = ValueParser::id(cell(record, F::PackageRef), &why);
    if (!packageRef)
        return fail(F::PackageRef);
    const QString packageName = cell(record, F::PackageName).trimmed();
    if (packageRef->isNull() && packageName.isEmpty()) {
        why = QStringLiteral("the package is blank");
        return fail(has(F::PackageRef) ? F::PackageRef : F::PackageName);
    }
    std::optional<SalesforceId> versionId = ValueParser::id(cell(record, F::VersionId04t), &why);
    if (!versionId)
        return fail(F::VersionId04t);
    auto beta = ValueParser::checkbox(cell(record, F::IsBeta), &why);
    if (!beta)
        return fail(F::IsBeta);
    auto release = ValueParser::date(cell(record, F::ReleaseDate), m_options.dateOrder, &why);
    if (!release)
        return fail(F::ReleaseDate);
    const std::optional<qint64> sequence = ValueParser::sequence(cell(record, F::Sequence), &why, numberStyle());
    if (!sequence)
        return fail(F::Sequence);
    QString number = cell(record, F::VersionNumber).trimmed();
    if (number.isEmpty())
        number = cell(record, F::Version).trimmed();
    if (number.isEmpty())
        number = cell(record, F::Name).trimmed();
    if (number.isEmpty()) {
        why = QStringLiteral("the version number is blank");
        return fail(has(F::VersionNumber) ? F::VersionNumber : F::Name);
    }
    auto package = packageFor(*packageRef, packageName);
    if (!package)
        return package.error();

    const qint64 before = m_versionBySfId.size() + m_versionByNumber.size();
    auto version = versionFor(package.value(), *id, number);
    if (!version)
        return version.error();
    const bool created = m_versionBySfId.size() + m_versionByNumber.size() > before;
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT sf_id, name, version, version_id, is_beta, release_date, sequence FROM package_versions "
                                  "WHERE id = ?")))
        return sqlError(q.lastError(), QStringLiteral("reading package version %1").arg(number));
    q.addBindValue(version.value());
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading package version %1").arg(number));
    const QVariantList now{sqlValue(*id), sqlValue(cell(record, F::Name).trimmed()), sqlValue(cell(record, F::Version).trimmed()),
                           sqlValue(*versionId), qint64(*beta ? 1 : 0), sqlValue(*release), *sequence};
    const ImportField fields[] = {F::Id, F::Name, F::Version, F::VersionId04t, F::IsBeta, F::ReleaseDate, F::Sequence};
    const char *columns[] = {"sf_id", "name", "version", "version_id", "is_beta", "release_date", "sequence"};
    QStringList sets;
    QVariantList binds;
    for (int i = 0; i < 7; ++i) {
        if (!has(fields[i]) || variantText(q.value(i)) == variantText(now[i]))
            continue;
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(columns[i]));
        binds << now[i];
    }
    q.finish();
    if (!sets.isEmpty()) {
        QSqlQuery u(m_db);
        if (!u.prepare(QStringLiteral("UPDATE package_versions SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", ")))))
            return sqlError(u.lastError(), QStringLiteral("updating package version %1").arg(number));
        for (const QVariant &b : std::as_const(binds))
            u.addBindValue(b);
        u.addBindValue(version.value());
        if (!u.exec())
            return sqlError(u.lastError(), QStringLiteral("updating package version %1").arg(number));
        if (!id->isNull())
            m_versionBySfId.insert(id->to18(), version.value());
    }
    if (created)
        ++m_report.inserted;
    else if (sets.isEmpty())
        ++m_report.unchanged;
    else
        ++m_report.updated;
    return {};
}

} // namespace lmo::importing
