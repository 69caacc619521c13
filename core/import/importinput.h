#pragma once

#include "import/csvreader.h"
#include "util/result.h"

#include <QString>
#include <QStringList>

namespace lmo::importing {

// The file's name as messages show it.
QString shownPath(const QString &path);

// The header line, checked. A header is printable text (the LMA's names and labels): a NUL or
// another control character in it means the bytes are not what they seem (a damaged file, or
// an encoding LMO Desk does not read), and no column is guessed from it. (NULs and stray
// byte-order marks before the header the reader has skipped already, and says so.)
Result<QStringList> readHeader(CsvReader &reader, const QString &path);

} // namespace lmo::importing
