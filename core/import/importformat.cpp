#include "import/importformat.h"

#include "domain/licensefields.h"

#include <QHash>

#include <algorithm>

namespace lmo {

namespace {

struct FieldInfo
{
    ImportField field;
    const char *label;
    const char *api;
    std::initializer_list<const char *> aliases; // normalised: lower case, single spaces
};

// The file fields that are not a license column's own (those are in domain/licensefields.h):
// the other forms of a license column (a package's name, a text formula), and the package and
// package version objects' fields.
const FieldInfo kOtherFields[] = {
    {ImportField::PackageName, "Package", "sfLma__Package__r.Name", {"sflma__package__r.name", "package", "package name", "package: package name"}},
    {ImportField::PackageVersionName, "Package Version", "sfLma__Package_Version__r.Name",
     {"sflma__package_version__r.name", "package version", "package version name", "version name"}},
    {ImportField::LicensedSeats, "Licensed Seats", "sfLma__Licensed_Seats__c", {"sflma__licensed_seats__c", "licensed seats"}},
    {ImportField::ExpirationDate, "Expiration Date", "sfLma__Expiration_Date__c", {"sflma__expiration_date__c", "expiration date"}},
    {ImportField::PackageId033, "Package ID", "sfLma__Package_ID__c", {"sflma__package_id__c", "package id"}},
    {ImportField::DeveloperName, "Developer Name", "sfLma__Developer_Name__c", {"sflma__developer_name__c", "developer name"}},
    {ImportField::DeveloperOrgId, "Developer Org ID", "sfLma__Developer_Org_ID__c",
     {"sflma__developer_org_id__c", "developer org id"}},
    {ImportField::LatestVersion, "Latest Version", "sfLma__Latest_Version__c", {"sflma__latest_version__c", "latest version"}},
    {ImportField::ReleaseDate, "Release Date", "sfLma__Release_Date__c", {"sflma__release_date__c", "release date"}},
    {ImportField::LeadManager, "Lead Manager", "sfLma__Lead_Manager__c", {"sflma__lead_manager__c", "lead manager"}},
    {ImportField::LastLicenseRefresh, "Last License Refresh", "sfLma__Last_License_Refresh__c",
     {"sflma__last_license_refresh__c", "last license refresh"}},
    {ImportField::NextAvailableRefresh, "Next Available Refresh", "sfLma__Next_Available_Refresh__c",
     {"sflma__next_available_refresh__c", "next available refresh"}},
    {ImportField::Version, "Version", "sfLma__Version__c", {"sflma__version__c", "version"}},
    {ImportField::VersionId04t, "Version ID", "sfLma__Version_ID__c", {"sflma__version_id__c", "version id"}},
    {ImportField::IsBeta, "Beta", "sfLma__Is_Beta__c", {"sflma__is_beta__c", "is beta", "beta"}},
    {ImportField::Sequence, "Sequence", "sfLma__Sequence__c", {"sflma__sequence__c", "sequence"}},
};

struct Info
{
    ImportField field;
    QString label;
    QString api;
    QStringList aliases;
};

const std::vector<Info> &fieldInfos()
{
    static const std::vector<Info> infos = [] {
        std::vector<Info> out;
        for (const LicenseField &f : kLicenseFields) {
            if (f.field() == ImportField::Ignore)
                continue;
            out.push_back({f.field(), QString::fromLatin1(f.importLabel), QString::fromLatin1(f.apiName),
                           QString::fromLatin1(f.aliases).split(QLatin1Char('|'))});
        }
        for (const FieldInfo &f : kOtherFields) {
            QStringList aliases;
            for (const char *alias : f.aliases)
                aliases << QString::fromLatin1(alias);
            out.push_back({f.field, QString::fromLatin1(f.label), QString::fromLatin1(f.api), aliases});
        }
        return out;
    }();
    return infos;
}

const Info *infoOf(ImportField field)
{
    for (const Info &f : fieldInfos())
        if (f.field == field)
            return &f;
    return nullptr;
}

QString normalise(const QString &header)
{
    QString h = header.trimmed();
    if (h.startsWith(QChar(0xFEFF)))
        h.remove(0, 1);
    return h.simplified().toLower();
}

const QHash<QString, ImportField> &aliasTable()
{
    static const QHash<QString, ImportField> table = [] {
        QHash<QString, ImportField> t;
        for (const Info &f : fieldInfos())
            for (const QString &alias : f.aliases)
                t.insert(alias, f.field);
        return t;
    }();
    return table;
}

bool isApiStyle(const QString &header)
{
    const QString h = normalise(header);
    return h.contains(QStringLiteral("__c")) || h.contains(QStringLiteral("__r.")) || h == QStringLiteral("id")
           || h == QStringLiteral("name");
}

bool has(const std::vector<ImportField> &fields, ImportField f)
{
    return std::find(fields.begin(), fields.end(), f) != fields.end();
}

} // namespace

QString fieldLabel(ImportField field)
{
    if (field == ImportField::Ignore)
        return QStringLiteral("(ignore)");
    const Info *f = infoOf(field);
    return f ? f->label : QString();
}

QString fieldApiName(ImportField field)
{
    const Info *f = infoOf(field);
    return f ? f->api : QString();
}

QString kindName(RecordKind kind)
{
    switch (kind) {
    case RecordKind::License: return QStringLiteral("License");
    case RecordKind::Package: return QStringLiteral("Package");
    case RecordKind::PackageVersion: return QStringLiteral("Package Version");
    }
    return {};
}

QString formatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::DataLoader: return QStringLiteral("Data Loader export");
    case ExportFormat::SalesforceCli: return QStringLiteral("Salesforce CLI / API export");
    case ExportFormat::Report: return QStringLiteral("report export (Details Only)");
    }
    return {};
}

std::vector<ImportField> fieldsFor(RecordKind kind)
{
    using F = ImportField;
    switch (kind) {
    case RecordKind::License: return licenseImportFields();
    case RecordKind::Package:
        return {F::Ignore, F::Id, F::Name, F::PackageId033, F::DeveloperName, F::DeveloperOrgId, F::LatestVersion,
                F::ReleaseDate, F::LeadManager, F::LastLicenseRefresh, F::NextAvailableRefresh};
    case RecordKind::PackageVersion:
        return {F::Ignore, F::Id, F::Name, F::PackageRef, F::PackageName, F::Version, F::VersionNumber,
                F::VersionId04t, F::IsBeta, F::ReleaseDate, F::Sequence};
    }
    return {};
}

ImportField recogniseHeader(const QString &header)
{
    return aliasTable().value(normalise(header), ImportField::Ignore);
}

HeaderAnalysis analyseMapping(const QStringList &headers, const std::vector<ImportField> &fields)
{
    using F = ImportField;
    HeaderAnalysis a;
    a.headers = headers;
    a.fields = fields;
    a.fields.resize(size_t(headers.size()), F::Ignore);

    // Which object: license fields win; then package or version fields.
    const bool licenseFields = has(a.fields, F::Status) || has(a.fields, F::OrgId) || has(a.fields, F::Seats)
                               || has(a.fields, F::LicensedSeats) || has(a.fields, F::InstallDate)
                               || has(a.fields, F::Expiration) || has(a.fields, F::UsedLicenses);
    const bool versionFields = has(a.fields, F::VersionId04t) || has(a.fields, F::IsBeta) || has(a.fields, F::Sequence)
                               || has(a.fields, F::Version);
    const bool packageFields = has(a.fields, F::PackageId033) || has(a.fields, F::DeveloperName)
                               || has(a.fields, F::DeveloperOrgId) || has(a.fields, F::LatestVersion);
    if (licenseFields)
        a.kind = RecordKind::License;
    else if (versionFields)
        a.kind = RecordKind::PackageVersion;
    else if (packageFields)
        a.kind = RecordKind::Package;

    // Names that mean the record's own name in a package or version file, and a license report's
    // "Version", which is its version number.
    auto remap = [&](F from, F to) {
        if (has(a.fields, to))
            return;
        for (F &f : a.fields)
            if (f == from)
                f = to;
    };
    if (a.kind == RecordKind::Package)
        remap(F::PackageName, F::Name);
    if (a.kind == RecordKind::PackageVersion)
        remap(F::PackageVersionName, F::Name);
    if (a.kind == RecordKind::License)
        remap(F::Version, F::VersionNumber);

    // Columns that mean nothing for that object are ignored (a version file's "Package ID" is
    // not a license field, and so on).
    const std::vector<F> allowed = fieldsFor(a.kind);
    for (size_t i = 0; i < a.fields.size(); ++i) {
        if (a.fields[i] != F::Ignore && !has(allowed, a.fields[i]))
            a.fields[i] = F::Ignore;
        if (a.fields[i] == F::Ignore)
            a.ignored << headers[qsizetype(i)];
    }

    // Header style: API names in upper case come from Data Loader, as written from the CLI or
    // the APIs; labels from a report.
    int api = 0, upper = 0;
    for (const QString &h : headers) {
        if (!isApiStyle(h))
            continue;
        ++api;
        if (h.trimmed() == h.trimmed().toUpper())
            ++upper;
    }
    a.format = api == 0 ? ExportFormat::Report : (upper == api ? ExportFormat::DataLoader : ExportFormat::SalesforceCli);

    switch (a.kind) {
    case RecordKind::License:
        if (!has(a.fields, F::OrgId))
            a.missing << fieldLabel(F::OrgId);
        if (!has(a.fields, F::PackageRef) && !has(a.fields, F::PackageName))
            a.missing << QStringLiteral("Package");
        if (!has(a.fields, F::Status))
            a.missing << fieldLabel(F::Status);
        break;
    case RecordKind::Package:
        if (!has(a.fields, F::Name))
            a.missing << QStringLiteral("Package Name");
        break;
    case RecordKind::PackageVersion:
        if (!has(a.fields, F::PackageRef) && !has(a.fields, F::PackageName))
            a.missing << QStringLiteral("Package");
        if (!has(a.fields, F::VersionNumber) && !has(a.fields, F::Version) && !has(a.fields, F::Name))
            a.missing << fieldLabel(F::VersionNumber);
        break;
    }
    return a;
}

HeaderAnalysis analyseHeader(const QStringList &headers)
{
    std::vector<ImportField> fields;
    fields.reserve(size_t(headers.size()));
    for (const QString &h : headers) {
        ImportField f = recogniseHeader(h);
        // A column a file repeats (sfLma__Instance__c beside sfLma__Org_Instance__c) is read once.
        if (f != ImportField::Ignore && has(fields, f))
            f = ImportField::Ignore;
        fields.push_back(f);
    }
    return analyseMapping(headers, fields);
}

} // namespace lmo
