// The license columns an import updates, taken from the one list of license fields.
#include "import/licensecolumns.h"

#include "domain/licensefields.h"

#include <vector>

namespace lmo::importing {

std::span<const LicenseColumn> licenseColumns()
{
    static const std::vector<LicenseColumn> columns = [] {
        std::vector<LicenseColumn> out;
        for (const LicenseField &f : kLicenseFields) {
            if (f.role != FieldRole::Compared && f.role != FieldRole::Derived)
                continue;
            out.push_back({f.column, f.role == FieldRole::Compared ? f.auditLabel : nullptr, f.fromFields, f.get});
        }
        return out;
    }();
    return columns;
}

} // namespace lmo::importing
