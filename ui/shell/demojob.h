#pragma once

#include "demo/demogenerator.h"

#include <QString>

class QWidget;

namespace lmo {

// Writes a demo install base into `path` on a worker thread while a progress dialog shows how
// far it got and offers Cancel. A cancelled or failed demo leaves an existing file as it was and
// removes a file it created. Returns false with the reason in `error`; a cancel returns false
// with an empty error.
bool runDemoWithProgress(QWidget *parent, const QString &path, const DemoOptions &options, QString *error);

} // namespace lmo
