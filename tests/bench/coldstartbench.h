#pragma once

#include <QStringList>

// lmodesk-bench coldstart --db PATH [--json]: the app opening an SQLite file that is not in the
// page cache (coldstartbench.cpp).
int benchColdStart(const QStringList &args);
