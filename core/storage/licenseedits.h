#pragma once

#include "domain/modifylicense.h"
#include "util/result.h"

#include <QDate>
#include <QStringList>

#include <functional>
#include <vector>

namespace lmo {

class Database;

// What Modify License changes on a license.
struct LicenseTerms
{
    Status status = Status::Active;
    int seats = 0;     // License::kSiteLicenseSeats for a site license
    QDate expiration;  // null: does not expire
    friend bool operator==(const LicenseTerms &, const LicenseTerms &) = default;
};

// One license's terms before and after an edit: enough to write it, and to undo it exactly.
struct TermsChange
{
    qint64 rowId = 0;
    QString name;
    LicenseTerms before;
    LicenseTerms after;
};

struct ModificationPlan
{
    std::vector<TermsChange> changes; // the licenses the rules allow (and that change)
    QStringList refusals;             // "L-00012: An Active license cannot go back to Trial..."
    QStringList warnings;
    int unchanged = 0;                // allowed, but already so
};

// Checks a Modify License edit of each license against the LMA's rules (with "was ever
// Active" taken from its audit history) and works out what would change. `edit` gives the
// change for one license as it is now (so "30 days later" is per license). Nothing is written.
Result<ModificationPlan> planModification(Database &database, const std::vector<qint64> &rowIds,
                                          const std::function<LicenseChange(const License &)> &edit, const QDate &today);

// Writes the changes' `after` terms (or `before`, to undo them) in one transaction, with an
// audit row for every field that changes, its source saying which. All or nothing.
Result<void> writeTerms(Database &database, const std::vector<TermsChange> &changes, bool undo, const QString &source,
                        const QString &changedBy = QString());

// Whether the license was Active at some time, as its history says.
Result<bool> hasBeenActive(Database &database, qint64 rowId);

} // namespace lmo
