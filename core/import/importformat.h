#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace lmo {

// What a column of an export holds. One list for the three objects an LMA export can be of;
// Id and Name mean the record's own id and name whatever the object.
enum class ImportField {
    Ignore,
    Id,
    Name,
    // License
    AccountId,
    AccountName,
    ContactId,
    LeadId,
    PackageRef,       // a package lookup: the sfLma__Package__c record id, or a 033 package id
    PackageName,      // sfLma__Package__r.Name, or a report's "Package"
    PackageVersionId, // sfLma__Package_Version__c
    PackageVersionName,
    VersionNumber,
    Status,
    LicenseStatus,
    Seats,
    LicensedSeats,
    UsedLicenses,
    Expiration,
    ExpirationDate,
    InstallDate,
    OrgId,
    OrgEdition,
    OrgInstance,
    OrgStatus,
    OrgTrialExpiration,
    IsSandbox,
    PackageLicenseId,
    ProxyUser,
    LicenseType,
    LastModified,
    SystemModstamp, // the record's SystemModstamp (a sync, or an export that has it)
    // Package
    PackageId033,
    DeveloperName,
    DeveloperOrgId,
    LatestVersion,
    ReleaseDate,
    LeadManager,
    LastLicenseRefresh,
    NextAvailableRefresh,
    // Package version
    Version,
    VersionId04t,
    IsBeta,
    Sequence,
};

inline constexpr int kImportFieldCount = int(ImportField::Sequence) + 1;

enum class RecordKind { License, Package, PackageVersion };
enum class ExportFormat { DataLoader, SalesforceCli, Report };

QString fieldLabel(ImportField field);   // "Subscriber Org ID"
QString fieldApiName(ImportField field); // "sfLma__Subscriber_Org_ID__c"
QString kindName(RecordKind kind);       // "License"
QString formatName(ExportFormat format); // "Data Loader export"
// The fields a column of this kind may be mapped to, in the order a chooser lists them.
std::vector<ImportField> fieldsFor(RecordKind kind);

// What a header line says about a file.
struct HeaderAnalysis
{
    RecordKind kind = RecordKind::License;
    ExportFormat format = ExportFormat::DataLoader;
    QStringList headers;
    std::vector<ImportField> fields; // one per column
    QStringList ignored;             // headers of columns that will not be read
    QStringList missing;             // required fields not found, by label

    bool acceptable() const { return missing.isEmpty(); }
};

// Recognises headers case-insensitively: API names (Data Loader's upper case or as written),
// CLI relationship columns (sfLma__Package__r.Name) and report labels.
ImportField recogniseHeader(const QString &header);
HeaderAnalysis analyseHeader(const QStringList &headers);
// The same with the columns mapped as the user chose (kind and format are worked out again).
HeaderAnalysis analyseMapping(const QStringList &headers, const std::vector<ImportField> &fields);

} // namespace lmo
