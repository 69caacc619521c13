#include "domain/salesforceid.h"

namespace lmo {

namespace {

constexpr char16_t kChecksumAlphabet[] = u"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

bool isIdChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z');
}
bool isUpperAscii(QChar c) { return c.unicode() >= u'A' && c.unicode() <= u'Z'; }
bool isLowerAscii(QChar c) { return c.unicode() >= u'a' && c.unicode() <= u'z'; }

int checksumValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'A' && u <= u'Z')
        return u - u'A';
    if (u >= u'a' && u <= u'z')
        return u - u'a';
    if (u >= u'0' && u <= u'5')
        return 26 + (u - u'0');
    return -1;
}

void checksumInto(QStringView id15, QChar *out)
{
    for (int group = 0; group < 3; ++group) {
        int bits = 0;
        for (int j = 0; j < 5; ++j) {
            if (isUpperAscii(id15[group * 5 + j]))
                bits |= 1 << j;
        }
        out[group] = QChar(kChecksumAlphabet[bits]);
    }
}

} // namespace

QString SalesforceId::checksumOf(QStringView id15)
{
    QString suffix(3, QChar());
    checksumInto(id15, suffix.data());
    return suffix;
}

SalesforceId SalesforceId::fromBody(QString id15)
{
    id15.resize(18);
    checksumInto(QStringView(id15).left(15), id15.data() + 15);
    return SalesforceId(std::move(id15));
}

Result<SalesforceId> SalesforceId::parse(QStringView text)
{
    const QStringView id = text.trimmed();
    if (id.isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("the id is empty"));
    if (id.size() != 15 && id.size() != 18)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("\"%1\" has %2 characters; a Salesforce id has 15 or 18")
                               .arg(id.toString())
                               .arg(id.size()));
    for (qsizetype i = 0; i < id.size(); ++i) {
        if (!isIdChar(id[i]))
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("\"%1\" holds '%2' at position %3; ids use only letters and digits")
                                   .arg(id.toString(), id[i])
                                   .arg(i + 1));
    }
    QString body = id.left(15).toString();
    if (id.size() == 15)
        return fromBody(std::move(body));

    const QStringView suffix = id.right(3);
    // The checksum alphabet is upper case: a lower-case suffix on an intact body is still right.
    QChar expected[3];
    checksumInto(body, expected);
    if (QStringView(expected, 3).compare(suffix, Qt::CaseInsensitive) == 0)
        return fromBody(std::move(body));

    // The checksum exists so that an id survives case folding. Restore the case only when the
    // body looks folded (its letters all of one case); a mixed-case body with a wrong suffix is
    // a typo and is refused rather than silently "corrected" into another record.
    bool hasUpper = false;
    bool hasLower = false;
    for (QChar c : body) {
        hasUpper |= isUpperAscii(c);
        hasLower |= isLowerAscii(c);
    }
    const QString badChecksum = QStringLiteral("\"%1\" has a wrong checksum (its last three characters should be %2)")
                                    .arg(id.toString(), checksumOf(body));
    if (hasUpper && hasLower)
        return Error::make(Error::Code::Invalid, badChecksum);
    for (int group = 0; group < 3; ++group) {
        const int bits = checksumValue(suffix[group]);
        if (bits < 0)
            return Error::make(Error::Code::Invalid, badChecksum);
        for (int j = 0; j < 5; ++j) {
            QChar &c = body[group * 5 + j];
            const bool upper = bits & (1 << j);
            if (c.isDigit()) {
                if (upper)
                    return Error::make(Error::Code::Invalid, badChecksum);
            } else {
                c = upper ? c.toUpper() : c.toLower();
            }
        }
    }
    return fromBody(std::move(body));
}

SalesforceId SalesforceId::fromString(QStringView text)
{
    auto parsed = parse(text);
    return parsed ? parsed.value() : SalesforceId();
}

} // namespace lmo
