#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace lmo {

class Database;

struct LicenseQuery;

// Which licenses an export holds; empty members do not filter.
struct LicenseExportFilter
{
    QString package;      // package name
    QStringList statuses; // stored statuses
    QString orgId;        // 15 or 18 characters
    std::optional<qint64> lmo; // the LMO the licenses came from (lmo_ref)
};

// Writes licenses as CSV with the LMA's API names as headers, the way the Salesforce CLI exports
// them: a Data Loader can read the file, and LMO Desk imports it back unchanged. The file appears
// whole or not at all (through ExportFile: written beside it, checked, then renamed); a disk that
// fills up is Error::Code::WriteFailed. Returns how many licenses were written.
Result<qint64> exportLicensesCsv(Database &database, const QString &path, const LicenseExportFilter &filter = {},
                                 const std::function<bool(qint64)> &progress = {});

// Writes the licenses a list shows (the Licenses page's filters), in its order, the same way.
// `progress` is told the rows written so far and returns false to cancel (no file is left).
Result<qint64> exportLicenseViewCsv(Database &database, const QString &path, const LicenseQuery &query,
                                    const std::function<bool(qint64)> &progress = {});

QStringList licenseExportHeaders();

} // namespace lmo
