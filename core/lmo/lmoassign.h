#pragma once

#include "browse/licensequery.h"
#include "util/result.h"

#include <QString>

namespace lmo {

class Database;

// Files the licenses a filter picks under another LMO: the correction for licenses recorded
// under the wrong one (a file imported with the wrong --lmo, or a schema-5 switch filed by
// install day). One transaction; each move goes to the audit log as the "LMO" field. Refused
// whole, naming the first, when a license would meet one of the same org and package already
// in that LMO (the LMA keeps one per package per org in each LMO). Returns how many moved.
Result<qint64> assignLicensesToLmo(Database &database, const LicenseFilter &filter, qint64 toLmo,
                                   const QString &source, const QString &changedBy = {});

} // namespace lmo
