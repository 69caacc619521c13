#pragma once

#include "domain/modifylicense.h"
#include "storage/dialect.h"
#include "util/result.h"

#include <QDate>
#include <QSqlDatabase>
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
    // The license's row_version when the edit was planned: its first write is refused if the
    // license changed in any way since (0: no such check, as for an undo or a redo, which hold
    // the license to `before` or `after` instead).
    qint64 version = 0;
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
// audit row for every field that changes, its source saying which. All or nothing. A license
// that no longer holds the terms the write starts from (`before`, or `after` to undo), because
// an import, another program or another edit changed it since, refuses the whole write with a
// Conflict error that says which license, what it holds now and what last changed it: an
// undo or redo never overwrites a change it did not make.
Result<void> writeTerms(Database &database, const std::vector<TermsChange> &changes, bool undo, const QString &source,
                        const QString &changedBy = QString());

// How the terms read in messages: "Site License", "Does not expire".
QString termsSeatsText(int seats);
QString termsExpirationText(const QDate &expiration);
// What last changed a license, from its audit log ("/data/f.csv on 6/15/26 10:00"), or empty.
QString lastChange(QSqlDatabase db, qint64 rowId);

// Whether the license was Active at some time, as its history says.
Result<bool> hasBeenActive(Database &database, qint64 rowId);

// The same three on a connection of the caller's own (a job's or a worker's thread), so the
// window never waits on the database: the caller checks that the database may be written.
Result<bool> hasBeenActive(QSqlDatabase db, qint64 rowId);
Result<ModificationPlan> planModification(QSqlDatabase db, const std::vector<qint64> &rowIds,
                                          const std::function<LicenseChange(const License &)> &edit, const QDate &today);
Result<void> writeTerms(QSqlDatabase db, const Dialect &dialect, const std::vector<TermsChange> &changes, bool undo,
                        const QString &source, const QString &changedBy = QString());

} // namespace lmo
