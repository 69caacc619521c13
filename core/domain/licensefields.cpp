// The license field list's lookups (the list itself is in the header, for the batch's constants).
#include "domain/licensefields.h"

#include <QStringList>

#include <algorithm>

namespace lmo {

const LicenseField *licenseFieldOf(ImportField f)
{
    if (f == ImportField::Ignore)
        return nullptr;
    for (const LicenseField &field : kLicenseFields)
        if (field.field() == f)
            return &field;
    return nullptr;
}

std::vector<ImportField> licenseImportFields()
{
    std::vector<ImportField> out{ImportField::Ignore};
    for (const LicenseField &field : kLicenseFields)
        for (ImportField f : field.fromFields)
            if (f != ImportField::Ignore && std::find(out.begin(), out.end(), f) == out.end())
                out.push_back(f);
    return out;
}

QString licenseColumnList(const QString &prefix)
{
    QStringList columns;
    for (const LicenseField &field : kLicenseFields)
        columns << prefix + QString::fromLatin1(field.column);
    return columns.join(QStringLiteral(", "));
}

QString licenseColumnDefinition(const LicenseField &field)
{
    const QString name = QString::fromLatin1(field.column);
    switch (field.type) {
    case FieldType::Id:
    case FieldType::Text:
        return name + QStringLiteral(" ${TEXT}");
    case FieldType::OrgId:
    case FieldType::Status:
        return name + QStringLiteral(" ${TEXT} NOT NULL DEFAULT ''");
    case FieldType::Integer:
    case FieldType::Seats:
        return name + QStringLiteral(" ${BIGINT} NOT NULL DEFAULT 0");
    case FieldType::Boolean:
        return name + QStringLiteral(" ${BOOL} NOT NULL DEFAULT 0");
    case FieldType::Date:
    case FieldType::Expiration:
        return name + QStringLiteral(" ${DATE}");
    case FieldType::DateTime:
        return name + QStringLiteral(" ${TIMESTAMP}");
    case FieldType::Reference:
        return name + QStringLiteral(" ${BIGINT}");
    }
    return name + QStringLiteral(" ${TEXT}");
}

int latestLicenseFieldSchema()
{
    int latest = 0;
    for (const LicenseField &field : kLicenseFields)
        latest = std::max(latest, field.addedInSchema);
    return latest;
}

} // namespace lmo
