#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

namespace lmo {

// What the main window's status bar and menus show of the open database, read in one go on a
// connection of a worker (never the UI thread's).
struct LmoIndicator
{
    bool designated = false;
    int pagesDone = 0; // of the setup wizard, while not designated
    QString name;      // the LMO org's
    QString orgId;     // 15 characters
};

// The current LMO profile as the status bar names it.
Result<LmoIndicator> readLmoIndicator(QSqlDatabase db);

// Whether the database holds any license (the indexes a new, empty database has left to
// build are built without a word).
Result<bool> hasLicenses(QSqlDatabase db);

} // namespace lmo
