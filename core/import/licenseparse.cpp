// A license row read and checked value by value: the careful reader, whose first unreadable value rejects the row.
#include "import/fileimport.h"

#include "domain/licensefields.h"


namespace lmo::importing {

using F = ImportField;

ParsedLicense FileImport::parseLicense(const CsvRecord &record) const
{
    ParsedLicense row;
    License &l = row.l;
    SalesforceId &packageRef = row.packageRef;
    QString &packageName = row.packageName;
    SalesforceId &versionId = row.versionId;
    QString &versionName = row.versionName;
    const DateOrder order = m_options.dateOrder;
    QString why;
    // The first unreadable value rejects the row, naming its column.
    auto fail = [&](ImportField f) {
        row.rejection = makeRejection(record, m_columnOf[size_t(f)], QStringLiteral("%1: %2").arg(fieldLabel(f), why));
        return std::move(row);
    };
    for (size_t fi = 0; fi < size_t(kFieldCount); ++fi) {
        const int c = m_columnOf[fi];
        if (c < 0)
            continue;
        const ImportField f = ImportField(fi);
        const QString v = c < record.size() ? ValueParser::text(record.text(c)) : QString();
        switch (f) {
        case F::PackageRef:
        case F::PackageVersionId: {
            auto id = ValueParser::id(v, &why);
            if (!id)
                return fail(f);
            (f == F::PackageRef ? packageRef : versionId) = *id;
            break;
        }
        case F::PackageName: packageName = v.trimmed(); break;
        case F::PackageVersionName: versionName = v.trimmed(); break;
        case F::Status: {
            auto s = ValueParser::status(v, &why);
            if (!s)
                return fail(f);
            l.status = *s;
            break;
        }
        case F::Seats:
        case F::LicensedSeats: {
            if (f == F::LicensedSeats && has(F::Seats))
                break; // the number field wins over its text formula
            auto s = ValueParser::seats(v, &why, numberStyle());
            if (!s)
                return fail(f);
            l.seats = int(*s); // within -1..99,000,000: fits
            break;
        }
        case F::UsedLicenses: {
            if (v.trimmed().isEmpty())
                break;
            auto n = ValueParser::usedLicenses(v, &why, numberStyle());
            if (!n)
                return fail(f);
            l.usedLicenses = int(*n); // within 0..kMaxUsedLicenses: fits
            break;
        }
        case F::Expiration:
        case F::ExpirationDate: {
            if (f == F::ExpirationDate && has(F::Expiration))
                break;
            auto d = ValueParser::expiration(v, order, &why);
            if (!d)
                return fail(f);
            l.expiration = *d;
            break;
        }
        case F::OrgId: {
            if (v.trimmed().isEmpty()) {
                why = QStringLiteral("the subscriber org id is blank");
                return fail(f);
            }
            auto id = ValueParser::id(v, &why);
            if (!id)
                return fail(f);
            if (!id->hasKeyPrefix(u"00D")) {
                why = QStringLiteral("\"%1\" is not an organization id (those begin with 00D)").arg(v.trimmed());
                return fail(f);
            }
            l.subscriberOrgId = *id;
            break;
        }
        default: {
            // A field read by its type alone (domain/licensefields.h).
            const LicenseField *field = licenseFieldOf(f);
            if (!field)
                break;
            switch (field->type) {
            case FieldType::Text: field->set(l, v.trimmed()); break;
            case FieldType::Id: {
                auto id = ValueParser::id(v, &why);
                if (!id)
                    return fail(f);
                field->set(l, id->to18());
                break;
            }
            case FieldType::Date: {
                auto d = ValueParser::date(v, order, &why);
                if (!d)
                    return fail(f);
                field->set(l, QVariant(*d));
                break;
            }
            case FieldType::DateTime: {
                auto dt = ValueParser::dateTime(v, order, &why);
                if (!dt)
                    return fail(f);
                field->set(l, QVariant(*dt));
                break;
            }
            case FieldType::Boolean: {
                auto b = ValueParser::checkbox(v, &why);
                if (!b)
                    return fail(f);
                field->set(l, qint64(*b ? 1 : 0));
                break;
            }
            default: break; // the others are read above
            }
            break;
        }
        }
    }
    if (packageRef.isNull() && packageName.isEmpty()) {
        why = QStringLiteral("the package is blank");
        return fail(has(F::PackageRef) ? F::PackageRef : F::PackageName);
    }
    return row;
}

} // namespace lmo::importing
