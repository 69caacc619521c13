#include "export/licenseexport.h"

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "domain/licensefields.h"
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
    QString header;
    QString sql;
    bool orgId = false; // stored as 15 characters, exported as Salesforce does, in 18
    QString field;      // the licenses table's column (empty: the package's name)
};

// Dates as ISO, date-times as Salesforce writes them, booleans as true/false, "does not
// expire" as blank, a site license as -1: what Data Loader exports. Every LMA field of a license
// (domain/licensefields.h), in its order; the package's name beside its id, as the CLI's export has.
const std::vector<ExportColumn> &exportColumns()
{
    static const std::vector<ExportColumn> columns = [] {
        std::vector<ExportColumn> out;
        for (const LicenseField &f : kLicenseFields) {
            if (!f.apiName)
                continue;
            const QString column = QStringLiteral("l.") + QString::fromLatin1(f.column);
            QString sql = f.exportSql ? QString::fromLatin1(f.exportSql)
                          : f.type == FieldType::Boolean
                              ? QStringLiteral("CASE WHEN %1 <> 0 THEN 'true' ELSE 'false' END").arg(column)
                              : column;
            out.push_back({QString::fromLatin1(f.apiName), sql, f.type == FieldType::OrgId, QString::fromLatin1(f.column)});
            if (qstrcmp(f.column, "package_ref") == 0)
                out.push_back({QStringLiteral("sfLma__Package__r.Name"), QStringLiteral("p.name"), false, QString()});
        }
        return out;
    }();
    return columns;
}

} // namespace

QStringList licenseExportHeaders()
{
    QStringList headers;
    for (const ExportColumn &c : exportColumns())
        headers << c.header;
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
    // The fields a team's policy keeps from this login are left out (they would read as blanks
    // that a re-import would take for values).
    std::vector<ExportColumn> columns;
    for (const ExportColumn &c : exportColumns())
        if (c.field.isEmpty() || !database.access().isHidden(c.field))
            columns.push_back(c);
    QStringList select, headers;
    for (const ExportColumn &c : columns) {
        select << c.sql;
        headers << c.header;
    }
    QSqlDatabase db = database.connection();
    ExportFile file(path);
    if (auto r = file.open(); !r)
        return r.error();
    CsvWriter writer(file.device());
    if (!writer.writeRow(headers))
        return file.error();
    qint64 rows = 0;
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
            for (int c = 0; c < int(columns.size()); ++c) {
                QString v = textFromSql(q.value(c));
                if (columns[size_t(c)].orgId)
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
