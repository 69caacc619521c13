#pragma once

#include <QStringList>

// lmodesk-bench dashboard --db PATH [--json]: the dashboard's full refresh and each of its
// queries, beside the same aggregations run bare by the sqlite3 shell on the same file.
int benchDashboard(const QStringList &args);
