#pragma once

#include "domain/license.h"
#include "import/importformat.h"

#include <QString>
#include <QVariant>

#include <span>

namespace lmo::importing {

// A license column the import may change in a row it has, and how its value reads from a License:
// the license fields (domain/licensefields.h) an import compares or derives.
struct LicenseColumn
{
    const char *column;
    const char *label; // nullptr: derived from another column, written but never a change of its own
    std::span<const ImportField> fromFields; // Ignore pads
    QVariant (*value)(const License &);
};

// Every license column an import updates, in the table's order.
std::span<const LicenseColumn> licenseColumns();

inline QVariant nullText() { return QVariant(QMetaType(QMetaType::QString)); }

inline QString variantText(const QVariant &v)
{
    return v.isNull() ? QString() : v.toString();
}

} // namespace lmo::importing
