#pragma once

#include <QStringList>

// lmodesk-bench browse --db PATH [--json]: the license list measured through the real model.
int benchBrowse(const QStringList &args);
