#include "import/licenserowencoder.h"

#include "domain/license.h"
#include "storage/values.h"

#include <QByteArrayView>

namespace lmo {

namespace {

using F = ImportField;
using B = LicenseRowBatch;
using E = LicenseRowEncoder;

// The batch's column of a file field stored as read (an id, a text, a date), or -1: the fields
// the fast reader handles by their type alone.
int plainColumnOf(F f)
{
    static const std::array<int, kImportFieldCount> columns = [] {
        std::array<int, kImportFieldCount> out;
        out.fill(-1);
        for (int c = 0; c < B::InsertColumns; ++c) {
            const LicenseField &field = kLicenseFields[c];
            if (field.field() != F::Ignore
                && (field.type == FieldType::Id || field.type == FieldType::Text || field.type == FieldType::Date))
                out[size_t(field.field())] = c;
        }
        return out;
    }();
    return columns[size_t(f)];
}

// A cell a new row starts with: a default License's value where it is not NULL.
struct DefaultCell
{
    int column;
    bool integer;
    qint64 number;
    std::string text;
};

const std::vector<DefaultCell> &defaultCells()
{
    static const std::vector<DefaultCell> cells = [] {
        std::vector<DefaultCell> out;
        const License blank;
        for (int c = 0; c < B::InsertColumns; ++c) {
            const LicenseField &field = kLicenseFields[c];
            if (field.type == FieldType::Reference)
                continue;
            const QVariant v = field.get(blank);
            if (v.isNull())
                continue;
            if (v.metaType().id() == QMetaType::LongLong)
                out.push_back({c, true, v.toLongLong(), {}});
            else
                out.push_back({c, false, 0, v.toString().toStdString()});
        }
        return out;
    }();
    return cells;
}

bool isAsciiSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r'); // what QChar::isSpace() says below 128
}

bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}

bool isAlnum(char c)
{
    return (c >= '0' && c <= '9') || isUpper(c) || (c >= 'a' && c <= 'z');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// CsvWriter's plain number on bytes: a sign, digits, at most one dot.
bool plainNumber(std::string_view s)
{
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        ++i;
    if (i == s.size())
        return false;
    bool dot = false;
    for (; i < s.size(); ++i) {
        if (s[i] == '.' && !dot)
            dot = true;
        else if (!isDigit(s[i]))
            return false;
    }
    return true;
}

int digits(std::string_view s, size_t at, size_t n)
{
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (!isDigit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// "YYYY-MM-DD" at the start of s, a real day of a year from 1000 to 9999 (others: the careful
// reader). Mirrors ValueParser's ISO reading, which also takes the date of a longer value.
bool plainDatePrefix(std::string_view s)
{
    if (s.size() < 10 || s[4] != '-' || s[7] != '-')
        return false;
    const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
    if (y < 1000 || m < 1 || m > 12 || d < 1)
        return false;
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// A whole number as Data Loader writes it: "25", "-1", "25.0". Thousands separators and the
// like go to the careful reader.
bool plainInteger(std::string_view s, ValueParser::NumberStyle style, qint64 *out)
{
    size_t i = 0;
    bool negative = false;
    if (i < s.size() && s[i] == '-') {
        negative = true;
        ++i;
    }
    const size_t first = i;
    qint64 v = 0;
    while (i < s.size() && isDigit(s[i])) {
        v = v * 10 + (s[i] - '0');
        ++i;
        if (i - first > 12)
            return false;
    }
    if (i == first)
        return false;
    if (i < s.size()) {
        // In a report "1.250" is a thousand and more; only plain files get the ".0" shortcut.
        if (s[i] != '.' || style != ValueParser::NumberStyle::Plain)
            return false;
        for (++i; i < s.size(); ++i)
            if (s[i] != '0')
                return false;
    }
    *out = negative ? -v : v;
    return true;
}

} // namespace

bool LicenseRowEncoder::plainId(std::string_view s, char out18[18])
{
    if (s.size() != 15 && s.size() != 18)
        return false;
    for (char c : s)
        if (!isAlnum(c))
            return false;
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    for (int i = 0; i < 15; ++i)
        out18[i] = s[size_t(i)];
    for (int group = 0; group < 3; ++group) {
        int bits = 0;
        for (int j = 0; j < 5; ++j)
            if (isUpper(s[size_t(group * 5 + j)]))
                bits |= 1 << j;
        out18[15 + group] = kAlphabet[bits];
    }
    if (s.size() == 15)
        return true;
    // The suffix must match, in either case; a wrong one may be a folded id: careful reader.
    for (int k = 15; k < 18; ++k) {
        char c = s[size_t(k)];
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        if (c != out18[k])
            return false;
    }
    return true;
}

bool LicenseRowEncoder::encodeFast(const CsvRecord &record, LicenseRowBatch &batch) const
{
    if (record.problem())
        return false;
    batch.addRow();
    auto decline = [&batch] {
        batch.dropLastRow();
        return false;
    };
    // What a License starts as.
    for (const DefaultCell &d : defaultCells()) {
        if (d.integer)
            batch.setInteger(d.column, d.number);
        else
            batch.setText(d.column, d.text);
    }
    bool hasPackage = false;
    char id[18];

    for (size_t fi = 0; fi < size_t(kImportFieldCount); ++fi) {
        const int c = m_columnOf[fi];
        if (c < 0)
            continue;
        const F f = F(fi);
        std::string_view v;
        if (c < record.size()) {
            const QByteArrayView raw = record.field(c);
            v = std::string_view(raw.data(), size_t(raw.size()));
        }
        // ValueParser::text: LMO Desk's own formula guard comes off (CsvWriter::looksLikeFormula).
        // White space after the apostrophe, which the rule passes over, is the careful reader's.
        if (v.size() >= 2 && v[0] == '\'') {
            const char n = v[1];
            if (isAsciiSpace(n) || (n & 0x80))
                return decline();
            if (n == '=' || n == '@' || ((n == '+' || n == '-') && !plainNumber(v.substr(1))))
                v.remove_prefix(1);
        }
        // QString::trimmed(): ASCII blanks here; a non-ASCII character at either end might be a
        // Unicode space, so the careful reader looks.
        while (!v.empty() && isAsciiSpace(v.front()))
            v.remove_prefix(1);
        while (!v.empty() && isAsciiSpace(v.back()))
            v.remove_suffix(1);
        if (!v.empty() && ((v.front() & 0x80) || (v.back() & 0x80)))
            return decline();

        auto textInto = [&](int column) {
            for (char ch : v) {
                if (ch & 0x80) {
                    if (!QByteArrayView(v.data(), qsizetype(v.size())).isValidUtf8())
                        return false;
                    break;
                }
            }
            batch.setText(column, v);
            return true;
        };
        auto idInto = [&](int column) {
            if (v.empty())
                return true; // NULL
            if (!plainId(v, id))
                return false;
            batch.setText(column, std::string_view(id, 18));
            return true;
        };
        auto dateInto = [&](int column, bool expiration) {
            if (v.empty())
                return true;
            if (!plainDatePrefix(v))
                return false;
            const std::string_view day = v.substr(0, 10);
            if (expiration && day == "1970-01-01")
                return true; // the LMA's "does not expire"
            batch.setText(column, day);
            return true;
        };

        bool ok = true;
        switch (f) {
        case F::PackageRef:
            ok = idInto(E::PackageRefKey);
            hasPackage |= ok && !v.empty();
            break;
        case F::PackageVersionId: ok = idInto(E::VersionIdKey); break;
        case F::PackageName:
            ok = textInto(E::PackageNameKey);
            hasPackage |= ok && !v.empty();
            break;
        case F::PackageVersionName: ok = textInto(E::VersionNameKey); break;
        case F::Status:
            ok = v == "Active" || v == "Trial" || v == "Suspended" || v == "Uninstalled";
            if (ok)
                batch.setText(B::Status, v);
            break;
        case F::Seats:
        case F::LicensedSeats: {
            if (f == F::LicensedSeats && m_columnOf[size_t(F::Seats)] >= 0)
                break; // the number field wins over its text formula
            qint64 n = 0;
            ok = plainInteger(v, m_style, &n) && n >= License::kSiteLicenseSeats && n <= License::kMaxSeats;
            if (ok)
                batch.setInteger(B::Seats, n);
            break;
        }
        case F::UsedLicenses: {
            if (v.empty())
                break;
            qint64 n = 0;
            ok = plainInteger(v, m_style, &n) && n >= 0 && n <= ValueParser::kMaxUsedLicenses;
            if (ok)
                batch.setInteger(B::UsedLicenses, n);
            break;
        }
        case F::Expiration:
        case F::ExpirationDate:
            if (f == F::ExpirationDate && m_columnOf[size_t(F::Expiration)] >= 0)
                break;
            ok = dateInto(B::Expiration, true);
            break;
        case F::OrgId:
            ok = !v.empty() && plainId(v, id) && id[0] == '0' && id[1] == '0' && id[2] == 'D';
            if (ok)
                batch.setText(B::OrgId, std::string_view(id, 15));
            break;
        case F::IsSandbox:
            if (v.empty() || v == "0" || v == "false")
                batch.setInteger(B::IsSandbox, 0);
            else if (v == "1" || v == "true")
                batch.setInteger(B::IsSandbox, 1);
            else
                ok = false;
            break;
        case F::LastModified:
        case F::SystemModstamp: {
            if (v.empty())
                break;
            // 2026-03-01T10:15:00Z, .000 optional, Z or nothing (UTC); stored without the
            // fraction, as values.cpp writes it.
            ok = plainDatePrefix(v) && v.size() >= 19 && v[10] == 'T' && v[13] == ':' && v[16] == ':';
            if (!ok)
                break;
            const int h = digits(v, 11, 2), m = digits(v, 14, 2), s = digits(v, 17, 2);
            ok = h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 60;
            size_t i = 19;
            if (ok && i < v.size() && v[i] == '.') {
                const size_t start = ++i;
                while (i < v.size() && isDigit(v[i]))
                    ++i;
                ok = i > start;
            }
            if (ok && i < v.size())
                ok = i + 1 == v.size() && v[i] == 'Z';
            if (ok) {
                char *out = batch.reserveText(f == F::LastModified ? B::LastModified : B::SystemModstamp, 20);
                for (int k = 0; k < 19; ++k)
                    out[k] = v[size_t(k)];
                out[19] = 'Z';
            }
            break;
        }
        default: {
            // A field stored as it is read: its column's type says how.
            const int column = plainColumnOf(f);
            if (column < 0)
                break;
            switch (kLicenseFields[column].type) {
            case FieldType::Id: ok = idInto(column); break;
            case FieldType::Text: ok = textInto(column); break;
            case FieldType::Date: ok = dateInto(column, false); break;
            default: break;
            }
            break;
        }
        }
        if (!ok)
            return decline();
    }
    if (!hasPackage || batch.row(batch.size() - 1)[B::OrgId].isNull())
        return decline();
    return true;
}

void LicenseRowEncoder::encode(const License &l, const SalesforceId &packageRef, const QString &packageName,
                               const SalesforceId &versionId, const QString &versionName, LicenseRowBatch &batch)
{
    batch.addRow();
    auto text = [&](int column, const QString &value) { batch.setText(column, value.toUtf8().toStdString()); };
    auto id = [&](int column, const SalesforceId &value) {
        if (!value.isNull())
            text(column, value.to18());
    };
    // Every field's stored value; the package and version rows are the writer's to look up.
    for (int column = 0; column < B::InsertColumns; ++column) {
        const LicenseField &field = kLicenseFields[column];
        if (field.type == FieldType::Reference)
            continue;
        const QVariant v = field.get(l);
        if (v.isNull())
            continue;
        if (v.metaType().id() == QMetaType::LongLong)
            batch.setInteger(column, v.toLongLong());
        else
            text(column, v.toString());
    }
    id(E::PackageRefKey, packageRef);
    text(E::PackageNameKey, packageName);
    id(E::VersionIdKey, versionId);
    text(E::VersionNameKey, versionName);
}

} // namespace lmo
