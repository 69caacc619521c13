#include "export/licenseexport.h"

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "domain/salesforceid.h"
#include "export/csvwriter.h"
#include "export/exportfile.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlError>
#include <QSqlQuery>

#include <functional>
#include <vector>

namespace lmo {

namespace {

struct ExportColumn
{
    const char *header;
    const char *sql;
    bool orgId = false; // stored as 15 characters, exported as Salesforce does, in 18
};

// Dates as ISO, date-times as Salesforce writes them, booleans as true/false, "does not
// expire" as blank, a site license as -1: what Data Loader exports.
const ExportColumn kColumns[] = {
    {"Id", "l.sf_id"},
    {"Name", "l.name"},
    {"sfLma__Account__c", "l.account_id"},
    {"sfLma__Account__r.Name", "l.account_name"},
    {"sfLma__Contact__c", "l.contact_id"},
    {"sfLma__Lead__c", "l.lead_id"},
    {"sfLma__Package__c", "COALESCE(p.sf_id, p.package_id)"},
    {"sfLma__Package__r.Name", "p.name"},
    {"sfLma__Package_Version__c", "v.sf_id"},
    {"sfLma__Version_Number__c", "l.version_number"},
    {"sfLma__Status__c", "l.status"},
    {"sfLma__License_Status__c", "l.license_status"},
    {"sfLma__Seats__c", "l.seats"},
    {"sfLma__Used_Licenses__c", "l.used_licenses"},
    {"sfLma__Expiration__c", "l.expiration"},
    {"sfLma__Install_Date__c", "l.install_date"},
    {"sfLma__Subscriber_Org_ID__c", "l.org_id", true},
    {"sfLma__Org_Edition__c", "l.org_edition"},
    {"sfLma__Org_Instance__c", "l.org_instance"},
    {"sfLma__Org_Status__c", "l.org_status"},
    {"sfLma__Org_Trial_Expiration__c", "l.org_trial_expiration"},
    {"sfLma__Subscriber_Org_Is_Sandbox__c", "CASE WHEN l.is_sandbox <> 0 THEN 'true' ELSE 'false' END"},
    {"sfLma__Package_License_ID__c", "l.package_license_id"},
    {"sfLma__Proxy_User__c", "l.proxy_user"},
    {"sfLma__License_Type__c", "l.license_type"},
    {"sfLma__Last_Modified__c", "l.last_modified"},
};

} // namespace

QStringList licenseExportHeaders()
{
    QStringList headers;
    for (const ExportColumn &c : kColumns)
        headers << QString::fromLatin1(c.header);
    return headers;
}

namespace {

// One part of the list to write: a condition on "licenses l" (with "packages p" and
// "package_versions v" joined), its binds, and its order.
struct ExportPart
{
    QString where;
    QVariantList binds;
    QString orderBy;
};

Result<qint64> writeParts(Database &database, const QString &path, const std::vector<ExportPart> &parts,
                          const std::function<bool(qint64)> &progress)
{
    QStringList select;
    for (const ExportColumn &c : kColumns)
        select << QString::fromLatin1(c.sql);
    QSqlDatabase db = database.connection();
    ExportFile file(path);
    if (auto r = file.open(); !r)
        return r.error();
    CsvWriter writer(file.device());
    if (!writer.writeRow(licenseExportHeaders()))
        return file.error();
    qint64 rows = 0;
    const int columns = int(std::size(kColumns));
    QStringList cells;
    for (const ExportPart &part : parts) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(QStringLiteral("SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                      "LEFT JOIN package_versions v ON v.id = l.package_version_ref WHERE %2 ORDER BY %3")
                           .arg(select.join(QStringLiteral(", ")), part.where, part.orderBy)))
            return sqlError(q.lastError(), QStringLiteral("reading licenses to export"));
        for (const QVariant &b : part.binds)
            q.addBindValue(b);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("reading licenses to export"));
        while (q.next()) {
            cells.clear();
            for (int c = 0; c < columns; ++c) {
                QString v = textFromSql(q.value(c));
                if (kColumns[c].orgId)
                    v = SalesforceId::fromString(v).to18();
                cells << v;
            }
            if (!writer.writeRow(cells))
                return file.error();
            ++rows;
            // A cancel leaves no file: ExportFile discards what it wrote.
            if (progress && rows % 1000 == 0 && !progress(rows))
                return Error::make(Error::Code::Cancelled, QStringLiteral("The export was cancelled: %1 was not written.").arg(path));
        }
    }
    if (auto r = file.commit(); !r)
        return r.error();
    return rows;
}

} // namespace

Result<qint64> exportLicensesCsv(Database &database, const QString &path, const LicenseExportFilter &filter,
                                 const std::function<bool(qint64)> &progress)
{
    QStringList where;
    QVariantList binds;
    if (!filter.package.isEmpty()) {
        where << QStringLiteral("p.name = ?");
        binds << filter.package;
    }
    if (!filter.statuses.isEmpty()) {
        where << QStringLiteral("l.status IN (%1)").arg(QStringList(filter.statuses.size(), QStringLiteral("?")).join(u','));
        for (const QString &s : filter.statuses)
            binds << s;
    }
    if (!filter.orgId.isEmpty()) {
        auto org = SalesforceId::parse(filter.orgId);
        if (!org)
            return Error::make(Error::Code::Usage, QStringLiteral("--org: %1").arg(org.error().message));
        where << QStringLiteral("l.org_id = ?");
        binds << org->to15();
    }
    if (filter.lmo) {
        where << QStringLiteral("l.lmo_ref = ?");
        binds << *filter.lmo;
    }
    return writeParts(database, path,
                      {ExportPart{where.isEmpty() ? QStringLiteral("1 = 1") : where.join(QStringLiteral(" AND ")), binds,
                                  QStringLiteral("l.id")}},
                      progress);
}

Result<qint64> exportLicenseViewCsv(Database &database, const QString &path, const LicenseQuery &query,
                                    const std::function<bool(qint64)> &progress)
{
    auto packages = LicenseListReader(database.connection(), database.dialect()).packages();
    if (!packages)
        return packages.error();
    std::vector<ExportPart> parts;
    for (const LicenseQuerySegment &segment : buildLicenseQuery(query, packages.value(), database.dialect()))
        parts.push_back({segment.where, segment.binds, segment.orderBy});
    return writeParts(database, path, parts, progress);
}

} // namespace lmo
