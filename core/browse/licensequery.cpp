#include "browse/licensequery.h"

#include "domain/salesforceid.h"
#include "storage/licensesearch.h"
#include "storage/values.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace lmo {

namespace {

struct ColumnInfo
{
    LicenseColumn column;
    const char *key;
    const char *title;
    // Sort keys for ascending order, each followed by the row id in the query (see below).
    const char *sortKeys;
};

constexpr std::array<ColumnInfo, kLicenseColumnCount> kColumns{{
    {LicenseColumn::Name, "name", "License", "l.name"},
    {LicenseColumn::Account, "account", "Account", "l.account_name"},
    {LicenseColumn::Package, "package", "Package", "l.install_date"}, // within each package
    {LicenseColumn::Version, "version", "Version", "l.version_number"},
    {LicenseColumn::Status, "status", "Status", "l.status|l.expiration"},
    {LicenseColumn::EffectiveStatus, "effective_status", "Effective status", "l.status|l.expiration"},
    {LicenseColumn::Seats, "seats", "Seats", "l.seats"},
    {LicenseColumn::Used, "used", "Used", "l.used_licenses"},
    // Dated licenses first, soonest first; "does not expire" (NULL) after them.
    {LicenseColumn::Expiration, "expiration", "Expiration", "(l.expiration IS NULL)|l.expiration"},
    {LicenseColumn::InstallDate, "install_date", "Install date", "l.install_date"},
    {LicenseColumn::OrgId, "org_id", "Subscriber org", "l.org_id|l.package_ref|l.lmo_ref"},
    {LicenseColumn::Edition, "edition", "Edition", "l.org_edition"},
    {LicenseColumn::Instance, "instance", "Instance", "l.org_instance"},
    {LicenseColumn::OrgStatus, "org_status", "Org status", "l.org_status"},
    {LicenseColumn::Sandbox, "sandbox", "Sandbox", "l.is_sandbox"},
}};

// The sort keys whose column may hold NULL (see the schema): where the engines place NULLs apart.
bool isNullableSortKey(const QString &key)
{
    static const QStringList nullable{QStringLiteral("l.name"),         QStringLiteral("l.account_name"),
                                      QStringLiteral("l.version_number"), QStringLiteral("l.expiration"),
                                      QStringLiteral("l.install_date"), QStringLiteral("l.org_edition"),
                                      QStringLiteral("l.org_instance"), QStringLiteral("l.org_status")};
    return nullable.contains(key);
}

const ColumnInfo &info(LicenseColumn c)
{
    return kColumns[size_t(c)];
}

QString placeholders(qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

// "%text%" for LIKE, with the pattern characters taken literally (ESCAPE '\').
QString containsPattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// Whether a package named in `packages` may have a name that contains `text` as the server's
// ILIKE compares: never false where that is true. The server lowers both sides a character at
// a time by its locale, so for an ASCII text: ASCII letters compared without case (a locale may
// fold fewer of them, never more), and any other character of a name taken as matching any
// character of the text (it may lower to one, such as the Kelvin sign to "k"; a lowering that
// adds characters adds combining ones, which an ASCII text has none of). A text with any other
// character, or an empty list (not read yet, or none given), may always match.
bool packageNameMayMatch(const std::vector<PackageName> &packages, const QString &text)
{
    const bool asciiText = std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
    if (packages.empty() || !asciiText)
        return true;
    auto lower = [](uint c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
    const qsizetype k = text.size();
    return std::any_of(packages.cbegin(), packages.cend(), [&](const PackageName &p) {
        const QList<uint> name = p.name.toUcs4();
        for (qsizetype i = 0; i + k <= name.size(); ++i) {
            bool same = true;
            for (qsizetype j = 0; j < k && same; ++j)
                same = name[i + j] >= 0x80 || lower(name[i + j]) == lower(text[j].unicode());
            if (same)
                return true;
        }
        return false;
    });
}

// PostgreSQL: the exact test of a text search on the row's own columns (ILIKE, the pattern
// bound three times), where no package's name can have the text.
QString rowTextTest()
{
    return QStringLiteral("(l.name ILIKE ? ESCAPE '\\' OR l.account_name ILIKE ? ESCAPE '\\' OR l.org_id ILIKE ? ESCAPE '\\')");
}

// The condition for one effective status on asOf (the rule of domain/status.h in SQL, where a
// perpetual license has a NULL expiration).
QString effectiveCondition(EffectiveStatus s, QVariantList &binds, const QString &asOf,
                           const std::function<QString(QStringView)> &col = {})
{
    const QString status = col ? col(u"l.status") : QStringLiteral("l.status");
    const QString expiration = col ? col(u"l.expiration") : QStringLiteral("l.expiration");
    switch (s) {
    case EffectiveStatus::Active:
    case EffectiveStatus::Trial:
        binds << (s == EffectiveStatus::Active ? QStringLiteral("Active") : QStringLiteral("Trial")) << asOf;
        return QStringLiteral("(%1 = ? AND (%2 IS NULL OR %2 >= ?))").arg(status, expiration);
    case EffectiveStatus::Expired:
        binds << asOf;
        return QStringLiteral("(%1 IN ('Active', 'Trial') AND %2 IS NOT NULL AND %2 < ?)").arg(status, expiration);
    case EffectiveStatus::Suspended:
    case EffectiveStatus::Uninstalled:
        binds << statusName(s);
        return QStringLiteral("(%1 = ?)").arg(status);
    }
    return QStringLiteral("1 = 0");
}

void addIn(QStringList &where, QVariantList &binds, const QString &column, const QStringList &values)
{
    if (values.isEmpty())
        return;
    where << QStringLiteral("%1 IN (%2)").arg(column, placeholders(values.size()));
    for (const QString &v : values)
        binds << v;
}

} // namespace

QString licenseColumnTitle(LicenseColumn column)
{
    return QString::fromLatin1(info(column).title);
}

QString licenseColumnKey(LicenseColumn column)
{
    return QString::fromLatin1(info(column).key);
}

std::optional<LicenseColumn> licenseColumnFromKey(const QString &key)
{
    for (const ColumnInfo &c : kColumns)
        if (key == QLatin1String(c.key))
            return c.column;
    return std::nullopt;
}

bool LicenseFilter::isEmpty() const
{
    return text.trimmed().isEmpty() && statuses.isEmpty() && effectiveStatuses.isEmpty() && packages.isEmpty()
           && versions.isEmpty() && editions.isEmpty() && instances.isEmpty() && !sandbox && !siteLicense
           && installedFrom.isNull() && installedTo.isNull() && !expiringWithinDays && !lmo;
}

bool planDependsOnCount(const LicenseFilter &filter)
{
    if (filter.isEmpty())
        return false;
    const QString text = filter.text.trimmed();
    return text.isEmpty() || !SalesforceId::fromString(text).isNull();
}

LicensePlan choosePlan(qint64 matching, qint64 total)
{
    // Walking the sort's index finds a window of 256 matches after about 256 * total / matching
    // rows: cheap while one row in fifty or more matches.
    return total > 0 && matching * 50 >= total ? LicensePlan::FollowSortOrder : LicensePlan::Natural;
}

bool searchesTextAlone(const LicenseFilter &filter)
{
    LicenseFilter others = filter;
    others.text.clear();
    const QString text = filter.text.trimmed();
    return !text.isEmpty() && others.isEmpty() && SalesforceId::fromString(text).isNull();
}

qint64 textProbeLimit(qint64 total)
{
    return std::max<qint64>(256, qint64(std::ceil(std::sqrt(40.0 * double(std::max<qint64>(total, 0))))));
}

std::optional<TextCandidates> textCandidates(const LicenseFilter &filter, Dialect dialect,
                                             const std::vector<PackageName> &packages)
{
    if (!searchesTextAlone(filter))
        return std::nullopt;
    const QString text = filter.text.trimmed();
    const QString pattern = containsPattern(text);
    TextCandidates out;
    if (dialect.kind() == Dialect::Kind::PostgreSQL) {
        // Only where the query tests the joined texts on the row (no package arm): the probe's
        // rows are then the query's own matches.
        if (packageNameMayMatch(packages, text))
            return std::nullopt;
        const QString joined = LicenseSearch::joinedTextCondition(QStringLiteral("l"), text, out.binds, pattern);
        if (joined.isEmpty())
            return std::nullopt;
        out.probe = true;
        out.countSql = QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM licenses l WHERE %1 AND %2 LIMIT ?) probe")
                           .arg(joined, rowTextTest());
        out.binds << pattern << pattern << pattern;
        return out;
    }
    const QString ids = LicenseSearch::candidateIds(dialect, text, QStringLiteral("LIKE"), out.binds, pattern);
    if (ids.isEmpty())
        return std::nullopt;
    out.countSql = QStringLiteral("SELECT COUNT(*) FROM (%1)").arg(ids);
    return out;
}

bool queryReadsPackageNames(const LicenseQuery &query, Dialect dialect)
{
    if (query.sortColumn == LicenseColumn::Package)
        return true;
    const QString text = query.filter.text.trimmed();
    return dialect.kind() == Dialect::Kind::PostgreSQL && !text.isEmpty() && SalesforceId::fromString(text).isNull();
}

LicensePlan chooseTextPlan(qint64 candidates, qint64 total)
{
    return total > 0 && candidates * 500 >= total ? LicensePlan::FollowSortOrder : LicensePlan::Natural;
}

LicensePlan chooseTextPlan(const TextCandidates &counted, qint64 candidates, qint64 total)
{
    if (counted.probe)
        return candidates >= textProbeLimit(total) ? LicensePlan::FollowSortOrder : LicensePlan::Natural;
    return chooseTextPlan(candidates, total);
}

std::vector<LicenseQuerySegment> buildLicenseQuery(const LicenseQuery &query, const std::vector<PackageName> &packages,
                                                   Dialect dialect, LicensePlan plan)
{
    const LicenseFilter &f = query.filter;
    const QDate asOfDate = f.asOf.isValid() ? f.asOf : QDate::currentDate();
    const QString asOf = dateToSql(asOfDate);
    const QString like = dialect.kind() == Dialect::Kind::PostgreSQL ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");

    // A filter's column, written so that SQLite will not read it through its index when the
    // plan follows the sort order (unary + hides the column from the planner, not the value).
    // The sort's own columns keep their index: a range on them is where the walk starts.
    const bool hint = plan == LicensePlan::FollowSortOrder && dialect.kind() == Dialect::Kind::SQLite;
    const QString sortKeys = QString::fromLatin1(info(query.sortColumn).sortKeys);
    auto col = [hint, &sortKeys](QStringView column) {
        return hint && !sortKeys.contains(column) ? QStringLiteral("+") + column.toString() : column.toString();
    };
    QStringList where;
    QVariantList binds;
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        const SalesforceId id = SalesforceId::fromString(text);
        if (!id.isNull() && id.hasKeyPrefix(KeyPrefix::Organization)) {
            where << QStringLiteral("%1 = ?").arg(col(u"l.org_id"));
            binds << id.to15();
        } else if (!id.isNull()) {
            where << QStringLiteral("(%1 = ? OR %2 = ?)").arg(col(u"l.sf_id"), col(u"l.account_id"));
            binds << id.to18() << id.to18();
        } else {
            const QString pattern = containsPattern(text);
            if (dialect.kind() == Dialect::Kind::PostgreSQL && !packageNameMayMatch(packages, text)) {
                // No package's name has the text: the licenses whose name, account or org id
                // has it, found through the trigram index on their own rows. The candidates'
                // ids joined back to the licenses (below) read each candidate twice, through
                // the index's bitmap and then the primary key: 147 ms at 1M for an account
                // word against 27-54 ms so.
                // Following the sort (a probe found many matches), the joined texts are not
                // tested: the server then walks the sort's index and tests each row, where the
                // trigram index would have it read every match first.
                if (plan != LicensePlan::FollowSortOrder) {
                    const QString joined = LicenseSearch::joinedTextCondition(QStringLiteral("l"), text, binds, pattern);
                    if (!joined.isEmpty())
                        where << joined;
                }
                where << rowTextTest();
                binds << pattern << pattern << pattern;
            } else {
                // The substring index, where there is one, narrows the licenses the LIKE reads.
                const QString candidates = LicenseSearch::candidateIds(dialect, text, like, binds, pattern);
                // Following the sort, the id is tested from the sort's index (+ keeps the planner
                // from reading the candidates' rows first instead).
                if (!candidates.isEmpty())
                    where << QStringLiteral("%1l.id IN (%2)").arg(hint ? QStringLiteral("+") : QString(), candidates);
                where << QStringLiteral("(l.name %1 ? ESCAPE '\\' OR l.account_name %1 ? ESCAPE '\\' OR l.org_id %1 ? ESCAPE "
                                        "'\\' OR l.package_ref IN (SELECT id FROM packages WHERE name %1 ? ESCAPE '\\'))")
                             .arg(like);
                binds << pattern << pattern << pattern << pattern;
            }
        }
    }
    if (!f.statuses.isEmpty()) {
        QStringList names;
        for (Status s : f.statuses)
            names << statusName(s);
        addIn(where, binds, col(u"l.status"), names);
    }
    if (!f.effectiveStatuses.isEmpty()) {
        QStringList any;
        for (EffectiveStatus s : f.effectiveStatuses)
            any << effectiveCondition(s, binds, asOf, col);
        where << QStringLiteral("(%1)").arg(any.join(QStringLiteral(" OR ")));
    }
    if (!f.packages.isEmpty()) {
        where << QStringLiteral("%1 IN (%2)").arg(col(u"l.package_ref"), placeholders(f.packages.size()));
        for (qint64 p : f.packages)
            binds << p;
    }
    addIn(where, binds, col(u"l.version_number"), f.versions);
    addIn(where, binds, col(u"l.org_edition"), f.editions);
    addIn(where, binds, col(u"l.org_instance"), f.instances);
    if (f.sandbox) {
        where << QStringLiteral("%1 = ?").arg(col(u"l.is_sandbox"));
        binds << (*f.sandbox ? 1 : 0);
    }
    if (f.siteLicense)
        where << (*f.siteLicense ? QStringLiteral("%1 = -1") : QStringLiteral("%1 <> -1")).arg(col(u"l.seats"));
    if (f.installedFrom.isValid()) {
        where << QStringLiteral("%1 >= ?").arg(col(u"l.install_date"));
        binds << dateToSql(f.installedFrom);
    }
    if (f.installedTo.isValid()) {
        where << QStringLiteral("%1 <= ?").arg(col(u"l.install_date"));
        binds << dateToSql(f.installedTo);
    }
    if (f.lmo) {
        where << QStringLiteral("%1 = ?").arg(col(u"l.lmo_ref"));
        binds << *f.lmo;
    }
    if (f.expiringWithinDays) {
        where << QStringLiteral("(%1 IN ('Active', 'Trial') AND %2 >= ? AND %2 <= ?)").arg(col(u"l.status"), col(u"l.expiration"));
        binds << asOf << dateToSql(asOfDate.addDays(qMax(0, *f.expiringWithinDays)));
    }

    const bool descending = query.order == Qt::DescendingOrder;
    QStringList keys = QString::fromLatin1(info(query.sortColumn).sortKeys).split(QLatin1Char('|'));
    // Ties are broken by id, but for the org's keys: (org_id, package_ref, lmo_ref) is a unique
    // key, and its unique index serves the sort only without a key after it.
    if (query.sortColumn != LicenseColumn::OrgId)
        keys << QStringLiteral("l.id");
    // SQLite sorts NULL before every value, PostgreSQL after: the list must read the same on
    // both. A sort on one column that may be NULL becomes, on PostgreSQL, two segments (the NULLs,
    // then the rest; backwards when descending), each still read in its index's order; a NULL
    // in a later key is placed by NULLS FIRST / LAST.
    const bool postgres = dialect.kind() == Dialect::Kind::PostgreSQL;
    const bool splitNulls = postgres && keys.size() == 2 && isNullableSortKey(keys.front());
    QStringList forward, backward;
    for (const QString &k : std::as_const(keys)) {
        const bool placeNulls = postgres && !splitNulls && isNullableSortKey(k);
        // Ascending with NULLs first is, read backwards, descending with NULLs last.
        const QString up = placeNulls ? k + QStringLiteral(" NULLS FIRST") : k;
        const QString down = placeNulls ? k + QStringLiteral(" DESC NULLS LAST") : k + QStringLiteral(" DESC");
        forward << (descending ? down : up);
        backward << (descending ? up : down);
    }
    const QString orderBy = forward.join(QStringLiteral(", "));
    const QString reverseOrderBy = backward.join(QStringLiteral(", "));

    std::vector<LicenseQuerySegment> segments;
    auto segment = [&](const QString &extra, const QVariantList &extraBinds) {
        auto add = [&](const QString &more) {
            QStringList all = where;
            QVariantList allBinds = binds;
            if (!extra.isEmpty()) {
                all << extra;
                allBinds << extraBinds;
            }
            if (!more.isEmpty())
                all << more;
            segments.push_back(LicenseQuerySegment{all.isEmpty() ? QStringLiteral("1 = 1") : all.join(QStringLiteral(" AND ")),
                                                   allBinds, orderBy, reverseOrderBy});
        };
        if (!splitNulls) {
            add(QString());
            return;
        }
        const QString nulls = keys.front() + QStringLiteral(" IS NULL");
        const QString values = keys.front() + QStringLiteral(" IS NOT NULL");
        add(descending ? values : nulls);
        add(descending ? nulls : values);
    };

    if (query.sortColumn == LicenseColumn::Package) {
        std::vector<PackageName> byName = packages;
        std::stable_sort(byName.begin(), byName.end(), [](const PackageName &a, const PackageName &b) {
            const int c = QString::localeAwareCompare(a.name, b.name);
            return c != 0 ? c < 0 : a.rowId < b.rowId;
        });
        if (descending)
            std::reverse(byName.begin(), byName.end());
        for (const PackageName &p : byName)
            segment(QStringLiteral("l.package_ref = ?"), {p.rowId});
    } else if (query.sortColumn == LicenseColumn::EffectiveStatus) {
        std::vector<EffectiveStatus> order(kAllEffectiveStatuses.begin(), kAllEffectiveStatuses.end());
        std::sort(order.begin(), order.end(),
                  [](EffectiveStatus a, EffectiveStatus b) { return statusName(a) < statusName(b); });
        if (descending)
            std::reverse(order.begin(), order.end());
        for (EffectiveStatus s : order) {
            QVariantList extraBinds;
            const QString condition = effectiveCondition(s, extraBinds, asOf);
            segment(condition, extraBinds);
        }
    } else {
        segment(QString(), {});
    }
    return segments;
}

} // namespace lmo
