#pragma once

#include <QString>

namespace lmo {

// 1234567 -> "1,234,567": for messages and the command line, the same whatever the locale (the
// window formats numbers in the user's locale instead).
QString groupedNumber(qint64 value);

} // namespace lmo
