#pragma once

#include "import/csvreader.h"
#include "import/importformat.h"
#include "import/valueparser.h"
#include "storage/licenserow.h"

#include <array>
#include <string_view>

namespace lmo {

struct License;

// Turns license rows into bind-ready batches (LicenseRowBatch) for a bulk load.
//
// encodeFast() reads the plain forms Data Loader and the APIs write (ISO dates, 18-character
// ids with a correct checksum, "25.0", "true") straight from the file's bytes, with no QString
// and no allocation per value. Anything else (a slash date, "Site License", a folded id, a
// value that will be rejected) makes it decline, and the row goes through the careful reader
// (ValueParser and License), whose result encode() stores in the same form. The careful reader
// is the definition; the fast one must give the same bytes whenever it accepts (a test holds
// every fixture row to that).
class LicenseRowEncoder
{
public:
    // Cells past the INSERT's: what the writer still has to look up.
    enum Extra : int {
        PackageRefKey = LicenseRowBatch::InsertColumns, // the package lookup, 18 characters
        PackageNameKey,
        VersionIdKey, // 18 characters
        VersionNameKey,
        Width
    };

    LicenseRowEncoder(const std::array<int, kImportFieldCount> &columnOf, DateOrder order, ValueParser::NumberStyle style)
        : m_columnOf(columnOf), m_order(order), m_style(style)
    {
    }

    // Appends the row and returns true, or returns false with the batch as it was.
    bool encodeFast(const CsvRecord &record, LicenseRowBatch &batch) const;

    // Appends a license the careful reader made.
    static void encode(const License &l, const SalesforceId &packageRef, const QString &packageName,
                       const SalesforceId &versionId, const QString &versionName, LicenseRowBatch &batch);

    // A 15- or 18-character id whose 18-character form needs no case restoring, as its
    // 18-character form; false for anything else (SalesforceId::parse decides those).
    static bool plainId(std::string_view text, char out18[18]);

private:
    std::array<int, kImportFieldCount> m_columnOf;
    DateOrder m_order;
    ValueParser::NumberStyle m_style;
};

} // namespace lmo
