#pragma once

#include "util/result.h"

#include <QString>

namespace lmo {

// Writes the LMO runbook (Markdown) to `path`: as it is for .md, laid out on A4 for .pdf. The
// reason when the path is neither or cannot be written.
Result<void> saveRunbookFile(const QString &markdown, const QString &path);

} // namespace lmo
