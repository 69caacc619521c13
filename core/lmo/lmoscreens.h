#pragma once

#include "domain/package.h"
#include "lmo/lmoprofile.h"
#include "util/result.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace lmo {

// What the LMO page and the LMO setup wizard read and write, one call each, so that a worker
// thread (with a connection of its own) can run it and hand the answer to the UI thread: the
// screens hold no SQL and never wait on the database themselves.

// What the LMO page shows: the current profile, every LMO with the licenses each holds (counted
// only when there is more than one), the LMOs replaced, and the packages this database holds.
struct LmoOverview
{
    LmoProfile current;
    QList<KnownLmo> known;
    QList<QPair<LmoProfile, QDate>> former; // with the day each was replaced
    QHash<qint64, qint64> licensesByLmo;    // empty with one LMO
    std::vector<Package> packages;
    QString packagesError; // why the packages could not be read (the rest still shows)
};
Result<LmoOverview> readLmoOverview(QSqlDatabase db);

// What the wizard starts from: the recorded profile, the LMOs it replaced, the packages this
// database holds (step 2 offers them), how many licenses it holds and how many were installed
// in the twelve months before `today` (step 5's forecast starts from them).
struct LmoWizardStart
{
    LmoProfile current;
    QList<QPair<LmoProfile, QDate>> former;
    std::vector<Package> packages;
    qint64 licenses = 0;
    qint64 installedLastYear = 0;
};
Result<LmoWizardStart> readLmoWizardStart(QSqlDatabase db, const QDate &today);

// The wizard's last write: the designation (or its review) saved as the current profile, or in
// a switch (`switchOn` set) a new current LMO from that day, the old one kept as a former LMO.
// One transaction either way: refused, the database is as before.
Result<void> recordLmoDesignation(QSqlDatabase db, const LmoProfile &profile, const std::optional<QDate> &switchOn);

} // namespace lmo
