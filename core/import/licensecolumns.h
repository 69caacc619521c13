#pragma once

#include "domain/license.h"
#include "import/importformat.h"

#include <QString>
#include <QVariant>

#include <initializer_list>
#include <span>

namespace lmo::importing {

// A license column the import may write, and how its value reads from a License.
struct LicenseColumn
{
    const char *column;
    const char *label; // nullptr: derived from another column, written but never a change of its own
    std::initializer_list<ImportField> fromFields;
    QVariant (*value)(const License &);
};

// Every license column an import writes, in the table's order.
std::span<const LicenseColumn> licenseColumns();

inline QVariant nullText() { return QVariant(QMetaType(QMetaType::QString)); }

inline QString variantText(const QVariant &v)
{
    return v.isNull() ? QString() : v.toString();
}

} // namespace lmo::importing
