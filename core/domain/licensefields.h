#pragma once

// The one list of a license's fields: for each, its column in the licenses table, its API name in
// the LMA, how an import recognises it, how the audit log and the detail panel name it, how it is
// stored, written, read back and exported. The repository, the writer, the import (careful and
// fast readers, the bulk load's batches), the export, the detail panel and the schema's check all
// read this table; a field is added by adding its member to License and a row here (and, for a
// field an import reads, its ImportField). A row with a schema version after the last migration
// file's adds its column by itself (migrations.cpp): see docs/architecture.md, "The license
// fields, in one list".

#include "domain/license.h"
#include "import/importformat.h"
#include "storage/values.h"

#include <QVariant>

#include <array>
#include <span>
#include <string_view>

namespace lmo {

// How a field is stored (the values.h forms) and read from a file.
enum class FieldType {
    Id,         // an 18-character record id; blank: NULL
    OrgId,      // the subscriber org, stored in 15 characters, exported in 18
    Text,       // blank: NULL
    Status,     // the LMA's four statuses, as named
    Integer,    // NOT NULL DEFAULT 0
    Seats,      // an integer, -1 for a site license
    Boolean,    // 0 or 1, NOT NULL DEFAULT 0
    Date,       // ISO day; blank: NULL
    Expiration, // a date, NULL for "does not expire" (blank or the LMA's 1970-01-01 in a file)
    DateTime,   // ISO UTC time; blank: NULL
    Reference,  // one of our rows, looked up by the import (package, version, LMO)
};

// What an import does with a field of a row it already has.
enum class FieldRole {
    Compared, // written, compared and audited field by field
    Derived,  // written, but never a change of its own (the version row, from the version's number)
    Key,      // what finds the row (org and package): written on insert, never changed by an import
    Own,      // ours, not a file's: bound after the batch's cells (the LMO the license came from)
};

struct LicenseField
{
    const char *column;
    FieldType type;
    FieldRole role;
    const char *apiName;     // sfLma__Proxy_User__c; nullptr: not an LMA field (not exported)
    const char *importLabel; // the import's chooser and messages: "Proxy User"
    const char *aliases;     // headers an import recognises, normalised (lower case), '|' between
    const char *auditLabel;  // the audit log's and History's name; nullptr: never a change of its own
    const char *displayLabel; // the detail panel's; nullptr: shown with another field, or not
    // The file fields that fill it (the first is the field this row describes: importLabel,
    // apiName and aliases are its); ImportField::Ignore pads.
    std::array<ImportField, 3> fromFields;
    QVariant (*get)(const License &);              // the stored value (the values.h forms)
    void (*set)(License &, const QVariant &value); // from a stored value, as either engine hands it back
    const char *exportSql;   // nullptr: l.<column> (a Boolean as true/false)
    int addedInSchema;       // the schema version that made the column (past the files': made for it)

    constexpr bool inBatch() const { return role != FieldRole::Own; }
    constexpr bool isInteger() const
    {
        return type == FieldType::Integer || type == FieldType::Seats || type == FieldType::Boolean || type == FieldType::Reference;
    }
    // The first file field, or Ignore.
    constexpr ImportField field() const { return fromFields[0]; }
};

namespace fieldaccess {

inline QVariant nullOf(QMetaType::Type type) { return QVariant(QMetaType(type)); }

template <SalesforceId License::*M> QVariant getId(const License &l) { return sqlValue(l.*M); }
template <SalesforceId License::*M> void setId(License &l, const QVariant &v) { l.*M = SalesforceId::fromString(v.toString()); }
template <QString License::*M> QVariant getText(const License &l) { return sqlValue(l.*M); }
template <QString License::*M> void setText(License &l, const QVariant &v) { l.*M = v.toString(); }
template <int License::*M> QVariant getInt(const License &l) { return QVariant(qint64(l.*M)); }
template <int License::*M> void setInt(License &l, const QVariant &v) { l.*M = v.toInt(); }
template <bool License::*M> QVariant getBool(const License &l) { return QVariant(qint64(l.*M ? 1 : 0)); }
template <bool License::*M> void setBool(License &l, const QVariant &v) { l.*M = v.toInt() != 0; }
template <QDate License::*M> QVariant getDate(const License &l) { return sqlValue(l.*M); }
template <QDate License::*M> void setDate(License &l, const QVariant &v) { l.*M = dateFromSql(v); }
template <QDateTime License::*M> QVariant getDateTime(const License &l) { return sqlValue(l.*M); }
template <QDateTime License::*M> void setDateTime(License &l, const QVariant &v) { l.*M = dateTimeFromSql(v); }
template <qint64 License::*M> QVariant getRef(const License &l) { return QVariant(l.*M); }
template <qint64 License::*M> void setRef(License &l, const QVariant &v) { l.*M = v.toLongLong(); }
// 0: none (NULL).
template <qint64 License::*M> QVariant getOptionalRef(const License &l)
{
    return l.*M > 0 ? QVariant(l.*M) : nullOf(QMetaType::LongLong);
}

inline QVariant getOrgId(const License &l) { return sqlValue(l.subscriberOrgId.to15()); }
inline QVariant getStatus(const License &l) { return QVariant(statusName(l.status)); }
inline void setStatus(License &l, const QVariant &v) { l.status = statusFromString(v.toString()).value_or(Status::Active); }
inline QVariant getExpiration(const License &l)
{
    return l.isPerpetual() ? nullOf(QMetaType::QString) : sqlValue(l.expiration);
}

} // namespace fieldaccess

namespace fieldrows {
using T = FieldType;
using R = FieldRole;
using F = ImportField;
using namespace fieldaccess;
inline constexpr F none = F::Ignore;

// In the table's order, which is the INSERT's, the bulk load's batch cells' and the export's.
// Labels are the LMA's (docs/domain.md, "License fields"); aliases cover Data Loader, the CLI and
// reports. The audit labels are what History shows for changes already recorded: never rename one.
inline constexpr LicenseField kLicenseFields[] = {
    {"sf_id", T::Id, R::Compared, "Id", "Record ID", "id|record id", "Record ID", "Record Id",
     {F::Id, none, none}, &getId<&License::id>, &setId<&License::id>, nullptr, 1},
    {"name", T::Text, R::Compared, "Name", "Name", "name|license name", "License Name", "License",
     {F::Name, none, none}, &getText<&License::name>, &setText<&License::name>, nullptr, 1},
    {"account_id", T::Id, R::Compared, "sfLma__Account__c", "Account ID", "sflma__account__c|account id",
     "Account", "Account", {F::AccountId, none, none}, &getId<&License::accountId>,
     &setId<&License::accountId>, nullptr, 1},
    {"account_name", T::Text, R::Compared, "sfLma__Account__r.Name", "Account Name",
     "sflma__account__r.name|account|account name|account: account name", "Account Name", nullptr,
     {F::AccountName, none, none}, &getText<&License::accountName>,
     &setText<&License::accountName>, nullptr, 1},
    {"contact_id", T::Id, R::Compared, "sfLma__Contact__c", "Contact ID", "sflma__contact__c|contact id",
     "Contact", "Contact", {F::ContactId, none, none}, &getId<&License::contactId>,
     &setId<&License::contactId>, nullptr, 1},
    {"lead_id", T::Id, R::Compared, "sfLma__Lead__c", "Lead ID", "sflma__lead__c|lead id", "Lead", "Lead",
     {F::LeadId, none, none}, &getId<&License::leadId>, &setId<&License::leadId>,
     nullptr, 1},
    {"package_ref", T::Reference, R::Key, "sfLma__Package__c", "Package (id)", "sflma__package__c",
     nullptr, "Package", {F::PackageRef, F::PackageName, none},
     &getRef<&License::packageRowId>, &setRef<&License::packageRowId>, "COALESCE(p.sf_id, p.package_id)", 1},
    {"package_version_ref", T::Reference, R::Derived, "sfLma__Package_Version__c", "Package Version (id)",
     "sflma__package_version__c", nullptr, nullptr,
     {F::PackageVersionId, F::PackageVersionName, F::VersionNumber},
     &getOptionalRef<&License::packageVersionRowId>, &setRef<&License::packageVersionRowId>, "v.sf_id", 1},
    {"version_number", T::Text, R::Compared, "sfLma__Version_Number__c", "Version Number",
     "sflma__version_number__c|version number", "Version Number", "Version",
     {F::VersionNumber, none, none}, &getText<&License::versionNumber>,
     &setText<&License::versionNumber>, nullptr, 1},
    {"status", T::Status, R::Compared, "sfLma__Status__c", "Status", "sflma__status__c|status", "Status",
     "Status", {F::Status, none, none}, &getStatus, &setStatus, nullptr, 1},
    {"license_status", T::Text, R::Compared, "sfLma__License_Status__c", "License Status",
     "sflma__license_status__c|license status", "License Status", "License status",
     {F::LicenseStatus, none, none}, &getText<&License::licenseStatus>,
     &setText<&License::licenseStatus>, nullptr, 1},
    {"seats", T::Seats, R::Compared, "sfLma__Seats__c", "Seats", "sflma__seats__c|seats", "Seats", "Seats",
     {F::Seats, F::LicensedSeats, none}, &getInt<&License::seats>,
     &setInt<&License::seats>, nullptr, 1},
    {"used_licenses", T::Integer, R::Compared, "sfLma__Used_Licenses__c", "Used Licenses",
     "sflma__used_licenses__c|used licenses", "Used Licenses", "Used", {F::UsedLicenses, none, none},
     &getInt<&License::usedLicenses>, &setInt<&License::usedLicenses>, nullptr, 1},
    {"expiration", T::Expiration, R::Compared, "sfLma__Expiration__c", "Expiration",
     "sflma__expiration__c|expiration", "Expiration", "Expiration",
     {F::Expiration, F::ExpirationDate, none}, &getExpiration,
     &setDate<&License::expiration>, nullptr, 1},
    {"install_date", T::Date, R::Compared, "sfLma__Install_Date__c", "Install Date",
     "sflma__install_date__c|install date", "Install Date", "Install date", {F::InstallDate, none, none},
     &getDate<&License::installDate>, &setDate<&License::installDate>, nullptr, 1},
    {"org_id", T::OrgId, R::Key, "sfLma__Subscriber_Org_ID__c", "Subscriber Org ID",
     "sflma__subscriber_org_id__c|subscriber org id|org id|organization id", nullptr, "Subscriber org",
     {F::OrgId, none, none}, &getOrgId, &setId<&License::subscriberOrgId>, nullptr, 1},
    {"org_edition", T::Text, R::Compared, "sfLma__Org_Edition__c", "Org Edition",
     "sflma__org_edition__c|sflma__org_type__c|org edition|org type|edition", "Org Edition", "Edition",
     {F::OrgEdition, none, none}, &getText<&License::orgEdition>,
     &setText<&License::orgEdition>, nullptr, 1},
    {"org_instance", T::Text, R::Compared, "sfLma__Org_Instance__c", "Org Instance",
     "sflma__org_instance__c|sflma__instance__c|org instance|instance", "Org Instance", "Instance",
     {F::OrgInstance, none, none}, &getText<&License::orgInstance>,
     &setText<&License::orgInstance>, nullptr, 1},
    {"org_status", T::Text, R::Compared, "sfLma__Org_Status__c", "Org Status",
     "sflma__org_status__c|sflma__org_status_formula__c|org status", "Org Status", "Org status",
     {F::OrgStatus, none, none}, &getText<&License::orgStatus>,
     &setText<&License::orgStatus>, nullptr, 1},
    {"org_trial_expiration", T::Date, R::Compared, "sfLma__Org_Trial_Expiration__c", "Org Expiration Date",
     "sflma__org_trial_expiration__c|sflma__trial_expiration_date__c|org expiration date|org trial expiration|"
     "trial expiration date",
     "Org Expiration Date", "Org trial expiration", {F::OrgTrialExpiration, none, none},
     &getDate<&License::orgTrialExpiration>, &setDate<&License::orgTrialExpiration>, nullptr, 1},
    {"is_sandbox", T::Boolean, R::Compared, "sfLma__Subscriber_Org_Is_Sandbox__c", "Sandbox",
     "sflma__subscriber_org_is_sandbox__c|sflma__is_sandbox__c|sandbox|is sandbox|subscriber org is sandbox", "Sandbox",
     "Sandbox", {F::IsSandbox, none, none}, &getBool<&License::isSandbox>,
     &setBool<&License::isSandbox>, nullptr, 1},
    {"package_license_id", T::Id, R::Compared, "sfLma__Package_License_ID__c", "Package License ID",
     "sflma__package_license_id__c|package license id", "Package License ID", "Package license",
     {F::PackageLicenseId, none, none}, &getId<&License::packageLicenseId>,
     &setId<&License::packageLicenseId>, nullptr, 1},
    {"proxy_user", T::Text, R::Compared, "sfLma__Proxy_User__c", "Proxy User",
     "sflma__proxy_user__c|proxy user", "Proxy User", "Proxy user", {F::ProxyUser, none, none},
     &getText<&License::proxyUser>, &setText<&License::proxyUser>, nullptr, 1},
    {"license_type", T::Text, R::Compared, "sfLma__License_Type__c", "License Type",
     "sflma__license_type__c|license type", "License Type", "License type", {F::LicenseType, none, none},
     &getText<&License::licenseType>, &setText<&License::licenseType>, nullptr, 1},
    {"last_modified", T::DateTime, R::Compared, "sfLma__Last_Modified__c", "Information Current As Of",
     "sflma__last_modified__c|information current as of", "Information Current As Of", "Information current as of",
     {F::LastModified, none, none}, &getDateTime<&License::lastModified>,
     &setDateTime<&License::lastModified>, nullptr, 1},
    // Written with the record, never a change of its own: a sync overwrites a license only with a
    // record at least as new as the one it holds (docs/domain.md, "Live sync from the org").
    {"system_modstamp", T::DateTime, R::Derived, "SystemModstamp", "System Modstamp",
     "systemmodstamp|system modstamp", nullptr, "Changed in the org", {F::SystemModstamp, none, none},
     &getDateTime<&License::systemModstamp>, &setDateTime<&License::systemModstamp>, nullptr, 10},
    {"lmo_ref", T::Reference, R::Own, nullptr, nullptr, nullptr, nullptr, "Came from",
     {none, none, none}, &getRef<&License::lmoRef>, &setRef<&License::lmoRef>, nullptr, 6},
};
} // namespace fieldrows
using fieldrows::kLicenseFields;

inline constexpr int kLicenseFieldCount = int(std::size(kLicenseFields));

inline std::span<const LicenseField> licenseFields() { return kLicenseFields; }

// The field of a column, by its index in kLicenseFields; -1 for none.
constexpr int licenseFieldIndex(std::string_view column)
{
    for (int i = 0; i < kLicenseFieldCount; ++i)
        if (std::string_view(kLicenseFields[i].column) == column)
            return i;
    return -1;
}

// The batch's cells: every field before the first one of our own (those come last).
constexpr int batchFieldCount()
{
    int n = 0;
    while (n < kLicenseFieldCount && kLicenseFields[n].inBatch())
        ++n;
    return n;
}

// The field whose own file field (fromFields[0]) is `f`, or nullptr.
const LicenseField *licenseFieldOf(ImportField f);
// The fields an import of licenses offers in its column chooser, in the table's order.
std::vector<ImportField> licenseImportFields();
// "sf_id, name, …, lmo_ref": every column, prefixed ("l.") if asked.
QString licenseColumnList(const QString &prefix = QString());
// The column's definition as a migration adds it ("proxy_user ${TEXT}"; a Dialect expands it).
QString licenseColumnDefinition(const LicenseField &field);
// The newest schema version a field asks for.
int latestLicenseFieldSchema();

} // namespace lmo
