#pragma once

#include "util/result.h"

#include <QStringList>

class QWidget;

namespace lmo {

// Shows the statements of an access policy (or why they could not be written), read-only in a
// fixed-width font, in a dialog of its own that closes itself.
void showPolicySqlDialog(QWidget *parent, const Result<QStringList> &sql);

} // namespace lmo
