// The license columns an import writes: the one list of them, with how each reads from a License.
#include "import/licensecolumns.h"

#include "storage/values.h"

namespace lmo::importing {

namespace {

using F = ImportField;

const LicenseColumn kLicenseColumns[] = {
    {"sf_id", "Record ID", {F::Id}, [](const License &l) { return sqlValue(l.id); }},
    {"name", "License Name", {F::Name}, [](const License &l) { return sqlValue(l.name); }},
    {"account_id", "Account", {F::AccountId}, [](const License &l) { return sqlValue(l.accountId); }},
    {"account_name", "Account Name", {F::AccountName}, [](const License &l) { return sqlValue(l.accountName); }},
    {"contact_id", "Contact", {F::ContactId}, [](const License &l) { return sqlValue(l.contactId); }},
    {"lead_id", "Lead", {F::LeadId}, [](const License &l) { return sqlValue(l.leadId); }},
    {"package_version_ref", nullptr, {F::PackageVersionId, F::PackageVersionName, F::VersionNumber},
     [](const License &l) { return l.packageVersionRowId > 0 ? QVariant(l.packageVersionRowId) : QVariant(QMetaType(QMetaType::LongLong)); }},
    {"version_number", "Version Number", {F::VersionNumber},
     [](const License &l) { return sqlValue(l.versionNumber); }},
    {"status", "Status", {F::Status}, [](const License &l) { return QVariant(statusName(l.status)); }},
    {"license_status", "License Status", {F::LicenseStatus}, [](const License &l) { return sqlValue(l.licenseStatus); }},
    {"seats", "Seats", {F::Seats, F::LicensedSeats}, [](const License &l) { return QVariant(qint64(l.seats)); }},
    {"used_licenses", "Used Licenses", {F::UsedLicenses}, [](const License &l) { return QVariant(qint64(l.usedLicenses)); }},
    {"expiration", "Expiration", {F::Expiration, F::ExpirationDate},
     [](const License &l) { return l.isPerpetual() ? nullText() : sqlValue(l.expiration); }},
    {"install_date", "Install Date", {F::InstallDate}, [](const License &l) { return sqlValue(l.installDate); }},
    {"org_edition", "Org Edition", {F::OrgEdition}, [](const License &l) { return sqlValue(l.orgEdition); }},
    {"org_instance", "Org Instance", {F::OrgInstance}, [](const License &l) { return sqlValue(l.orgInstance); }},
    {"org_status", "Org Status", {F::OrgStatus}, [](const License &l) { return sqlValue(l.orgStatus); }},
    {"org_trial_expiration", "Org Expiration Date", {F::OrgTrialExpiration},
     [](const License &l) { return sqlValue(l.orgTrialExpiration); }},
    {"is_sandbox", "Sandbox", {F::IsSandbox}, [](const License &l) { return QVariant(qint64(l.isSandbox ? 1 : 0)); }},
    {"package_license_id", "Package License ID", {F::PackageLicenseId},
     [](const License &l) { return sqlValue(l.packageLicenseId); }},
    {"proxy_user", "Proxy User", {F::ProxyUser}, [](const License &l) { return sqlValue(l.proxyUser); }},
    {"license_type", "License Type", {F::LicenseType}, [](const License &l) { return sqlValue(l.licenseType); }},
    {"last_modified", "Information Current As Of", {F::LastModified},
     [](const License &l) { return sqlValue(l.lastModified); }},
};

} // namespace

std::span<const LicenseColumn> licenseColumns()
{
    return kLicenseColumns;
}

} // namespace lmo::importing
