#pragma once

#include "browse/licenselist.h"
#include "domain/license.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "util/result.h"

#include <QSqlDatabase>

#include <optional>
#include <vector>

namespace lmo {

// The browse pages' reads of whole licenses, on a connection of the caller's (a worker's):
// nothing here touches the UI thread's connection.

// One license, or none when it is no longer in the database.
Result<std::optional<License>> readLicense(QSqlDatabase db, qint64 rowId);
// Every license of one subscriber org (15-character id), by row id.
Result<std::vector<License>> readLicensesOfOrg(QSqlDatabase db, const QString &orgId15);

// What the detail panel shows of one license: its fields, the LMO it came from named as the
// LMO setup page names it, and its history (oldest first).
struct LicenseDetail
{
    std::optional<License> license; // none: no longer in the database
    QString lmoText;                // "LMO 1: Acme Licensing (00D…) (current)"
    Result<std::vector<AuditEntry>> history = std::vector<AuditEntry>();
};
Result<LicenseDetail> readLicenseDetail(QSqlDatabase db, qint64 rowId);

// What the Licenses page's filter bar offers: the choices and the LMOs.
struct LicenseFilterOffer
{
    LicenseFilterChoices choices;
    QList<KnownLmo> lmos;
};
Result<LicenseFilterOffer> readFilterOffer(QSqlDatabase db, const Dialect &dialect);

} // namespace lmo
