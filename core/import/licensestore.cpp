// A license row written the careful way: found by its Id or its org and package, inserted, or compared
// and updated field by field with an audit entry for each change.
#include "import/fileimport.h"

#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/sqlutil.h"

#include <QDateTime>

namespace lmo::importing {

using F = ImportField;

Result<std::optional<qint64>> FileImport::findLicense(const License &l)
{
    if (!l.id.isNull()) {
        m_findById.addBindValue(l.id.to18());
        if (!m_findById.exec())
            return sqlError(m_findById.lastError(), QStringLiteral("looking up license %1").arg(l.id.to18()));
        if (m_findById.next()) {
            const qint64 row = m_findById.value(0).toLongLong();
            m_foundInLmo = m_findById.value(1).toLongLong();
            m_findById.finish();
            return std::optional<qint64>(row);
        }
        m_findById.finish();
    }
    // The LMA keeps one license per package per org: without a known Id, that pair is the license.
    m_findByOrgPackage.addBindValue(l.subscriberOrgId.to15());
    m_findByOrgPackage.addBindValue(l.packageRowId);
    m_findByOrgPackage.addBindValue(m_lmoRef);
    if (!m_findByOrgPackage.exec())
        return sqlError(m_findByOrgPackage.lastError(), QStringLiteral("looking up a license"));
    std::optional<qint64> found;
    if (m_findByOrgPackage.next()) {
        // A different Id for the same org and package is another record: leave the match to the
        // unique index, which refuses it with a clear message.
        const QString existingId = m_findByOrgPackage.value(1).toString();
        if (l.id.isNull() || existingId.isEmpty() || existingId == l.id.to18()) {
            found = m_findByOrgPackage.value(0).toLongLong();
            m_foundInLmo = m_lmoRef;
        }
    }
    m_findByOrgPackage.finish();
    return found;
}

Result<void> FileImport::updateLicense(qint64 rowId, const License &l)
{
    m_fetch.addBindValue(rowId);
    if (!m_fetch.exec())
        return sqlError(m_fetch.lastError(), QStringLiteral("reading license row %1").arg(rowId));
    if (!m_fetch.next())
        return Error::make(Error::Code::Sql, QStringLiteral("license row %1 vanished during the import").arg(rowId));
    const License before = LicenseRepository::readLicense(m_fetch);
    m_fetch.finish();

    std::vector<std::pair<const LicenseColumn *, QPair<QString, QString>>> changes;
    for (const LicenseColumn *c : m_presentColumns) {
        // A file without Ids does not blank the Id a record already has.
        if ((qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || !c->label)
            continue;
        const QString oldText = variantText(c->value(before));
        const QString newText = variantText(c->value(l));
        if (oldText != newText)
            changes.push_back({c, qMakePair(oldText, newText)});
    }
    if (changes.empty()) {
        ++m_report.unchanged;
        return {};
    }
    for (const LicenseColumn *c : m_presentColumns) {
        // Kept as they are: an Id the file does not have, a version the file names but the
        // database does not know.
        const bool keep = (qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || (!c->label && c->value(l).isNull());
        m_update.addBindValue(keep ? c->value(before) : c->value(l));
    }
    m_update.addBindValue(rowId);
    if (!m_update.exec())
        return sqlError(m_update.lastError(), QStringLiteral("updating license %1").arg(before.name));
    AuditLog audit(m_db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[column, values] : changes) {
        AuditEntry e;
        e.changedAt = now;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("license");
        e.recordRef = rowId;
        e.recordSfId = (l.id.isNull() ? before.id : l.id).to18();
        e.field = QString::fromLatin1(column->label);
        e.oldValue = values.first;
        e.newValue = values.second;
        e.source = m_source;
        if (auto r = audit.record(e); !r)
            return r;
    }
    ++m_report.updated;
    m_touchedOrgs.insert(before.subscriberOrgId.to15());
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

Result<void> FileImport::licenseRow(const CsvRecord &record)
{
    ParsedLicense row = parseLicense(record);
    if (row.rejection) {
        addRejection(std::move(*row.rejection));
        return {};
    }
    return storeLicense(row, &record);
}

Result<void> FileImport::storeLicense(ParsedLicense &row, const CsvRecord *record)
{
    License &l = row.l;
    l.lmoRef = m_lmoRef;
    const SalesforceId &versionId = row.versionId;
    const QString &versionName = row.versionName;
    auto package = packageFor(row.packageRef, row.packageName);
    if (!package)
        return package.error();
    l.packageRowId = package.value();
    auto version = resolveVersion(l.packageRowId, versionId, versionName, l.versionNumber);
    if (!version)
        return version.error();
    l.packageVersionRowId = version.value();
    if (l.versionNumber.isEmpty() && l.packageVersionRowId > 0)
        l.versionNumber = m_numberOfVersion.value(l.packageVersionRowId);

    if (m_freshTable) {
        auto inserted = m_writer->insert(l);
        if (inserted) {
            ++m_report.inserted;
            return {};
        }
        if (inserted.error().code != Error::Code::Conflict)
            return inserted.error();
        // The same license twice in one file: the later row updates the first.
    }
    auto existing = findLicense(l);
    if (!existing)
        return existing.error();
    // A record Id lives in one org: found under another LMO, the file is not from the LMO the
    // import was told (or the record was filed wrongly). Nothing is moved on a guess.
    if (existing->has_value() && m_foundInLmo != m_lmoRef && record) {
        reject(*record, m_columnOf[size_t(F::Id)],
               QStringLiteral("record %1 is filed under LMO %2, and this file was said to come from LMO %3: import it "
                              "with the LMO it was exported from (lmodesk lmo show lists them), or move the record "
                              "with lmodesk lmo assign")
                   .arg(l.id.to18())
                   .arg(m_foundInLmo)
                   .arg(m_lmoRef));
        return {};
    }
    if (existing->has_value())
        return updateLicense(**existing, l);
    auto inserted = m_writer->insert(l);
    if (!inserted) {
        if (inserted.error().code == Error::Code::Conflict && record) {
            reject(*record, m_columnOf[size_t(F::Id)],
                   QStringLiteral("org %1 already has a license of this package with another Id (the LMA keeps one "
                                  "license per package per org)")
                       .arg(l.subscriberOrgId.to15()));
            return {};
        }
        return inserted.error();
    }
    ++m_report.inserted;
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

} // namespace lmo::importing
