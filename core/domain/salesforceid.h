#pragma once

#include "util/result.h"

#include <QString>
#include <QHash>
#include <QStringView>

namespace lmo {

// A Salesforce record id. Held in its 15-character, case-sensitive form; the 18-character form
// appends a checksum of the letter case, which makes it safe in case-insensitive places.
class SalesforceId
{
public:
    SalesforceId() = default;

    // Accepts 15 or 18 characters of [A-Za-z0-9], surrounding blanks trimmed. An 18-character id
    // must carry the right checksum; one whose letters were folded to one case (by a spreadsheet
    // or a case-insensitive system) is restored from its checksum.
    static Result<SalesforceId> parse(QStringView text);
    // Same, for places that only need a yes or no.
    static SalesforceId fromString(QStringView text);

    // The three-character checksum of a 15-character id.
    static QString checksumOf(QStringView id15);

    bool isNull() const { return m_id18.isEmpty(); }
    QString to15() const { return m_id18.left(15); }
    QString to18() const { return m_id18; }
    QString keyPrefix() const { return m_id18.left(3); }
    bool hasKeyPrefix(QStringView prefix) const { return m_id18.startsWith(prefix); }

    // 15-character ids are case-sensitive: a0B... and A0B... are different records. (The 18
    // characters held add only a function of the first 15, so comparing them compares those.)
    friend bool operator==(const SalesforceId &a, const SalesforceId &b) { return a.m_id18 == b.m_id18; }
    friend bool operator<(const SalesforceId &a, const SalesforceId &b) { return a.m_id18 < b.m_id18; }
    friend size_t qHash(const SalesforceId &id, size_t seed = 0) { return qHash(id.m_id18, seed); }

private:
    // Held in the 18-character form, made once: exports and the database use it row after row.
    static SalesforceId fromBody(QString id15);
    explicit SalesforceId(QString id18) : m_id18(std::move(id18)) {}
    QString m_id18;
};

// Key prefixes the LMA's data carries.
namespace KeyPrefix {
inline constexpr char16_t Organization[] = u"00D";
inline constexpr char16_t Package[] = u"033";
inline constexpr char16_t PackageVersion[] = u"04t";
inline constexpr char16_t Package2[] = u"0Ho";
inline constexpr char16_t Account[] = u"001";
inline constexpr char16_t Contact[] = u"003";
inline constexpr char16_t Lead[] = u"00Q";
inline constexpr char16_t User[] = u"005";
} // namespace KeyPrefix

} // namespace lmo
