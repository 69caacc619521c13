#include "browse/licensequery.h"

#include "domain/salesforceid.h"
#include "storage/values.h"

#include <algorithm>
#include <array>

namespace lmo {

namespace {

struct ColumnInfo
{
    LicenseColumn column;
    const char *key;
    const char *title;
    // Sort keys for ascending order, each followed by the row id in the query.
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
    {LicenseColumn::OrgId, "org_id", "Subscriber org", "l.org_id|l.package_ref"},
    {LicenseColumn::Edition, "edition", "Edition", "l.org_edition"},
    {LicenseColumn::Instance, "instance", "Instance", "l.org_instance"},
    {LicenseColumn::OrgStatus, "org_status", "Org status", "l.org_status"},
    {LicenseColumn::Sandbox, "sandbox", "Sandbox", "l.is_sandbox"},
}};

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

// The condition for one effective status on asOf (the rule of domain/status.h in SQL, where a
// perpetual license has a NULL expiration).
QString effectiveCondition(EffectiveStatus s, QVariantList &binds, const QString &asOf)
{
    switch (s) {
    case EffectiveStatus::Active:
    case EffectiveStatus::Trial:
        binds << (s == EffectiveStatus::Active ? QStringLiteral("Active") : QStringLiteral("Trial")) << asOf;
        return QStringLiteral("(l.status = ? AND (l.expiration IS NULL OR l.expiration >= ?))");
    case EffectiveStatus::Expired:
        binds << asOf;
        return QStringLiteral("(l.status IN ('Active', 'Trial') AND l.expiration IS NOT NULL AND l.expiration < ?)");
    case EffectiveStatus::Suspended:
    case EffectiveStatus::Uninstalled:
        binds << statusName(s);
        return QStringLiteral("(l.status = ?)");
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
           && installedFrom.isNull() && installedTo.isNull() && !expiringWithinDays;
}

std::vector<LicenseQuerySegment> buildLicenseQuery(const LicenseQuery &query, const std::vector<PackageName> &packages,
                                                   Dialect dialect)
{
    const LicenseFilter &f = query.filter;
    const QDate asOfDate = f.asOf.isValid() ? f.asOf : QDate::currentDate();
    const QString asOf = dateToSql(asOfDate);
    const QString like = dialect.kind() == Dialect::Kind::PostgreSQL ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");

    QStringList where;
    QVariantList binds;
    const QString text = f.text.trimmed();
    if (!text.isEmpty()) {
        const SalesforceId id = SalesforceId::fromString(text);
        if (!id.isNull() && id.hasKeyPrefix(KeyPrefix::Organization)) {
            where << QStringLiteral("l.org_id = ?");
            binds << id.to15();
        } else if (!id.isNull()) {
            where << QStringLiteral("(l.sf_id = ? OR l.account_id = ?)");
            binds << id.to18() << id.to18();
        } else {
            const QString pattern = containsPattern(text);
            where << QStringLiteral("(l.name %1 ? ESCAPE '\\' OR l.account_name %1 ? ESCAPE '\\' OR l.org_id %1 ? ESCAPE "
                                    "'\\' OR l.package_ref IN (SELECT id FROM packages WHERE name %1 ? ESCAPE '\\'))")
                         .arg(like);
            binds << pattern << pattern << pattern << pattern;
        }
    }
    if (!f.statuses.isEmpty()) {
        QStringList names;
        for (Status s : f.statuses)
            names << statusName(s);
        addIn(where, binds, QStringLiteral("l.status"), names);
    }
    if (!f.effectiveStatuses.isEmpty()) {
        QStringList any;
        for (EffectiveStatus s : f.effectiveStatuses)
            any << effectiveCondition(s, binds, asOf);
        where << QStringLiteral("(%1)").arg(any.join(QStringLiteral(" OR ")));
    }
    if (!f.packages.isEmpty()) {
        where << QStringLiteral("l.package_ref IN (%1)").arg(placeholders(f.packages.size()));
        for (qint64 p : f.packages)
            binds << p;
    }
    addIn(where, binds, QStringLiteral("l.version_number"), f.versions);
    addIn(where, binds, QStringLiteral("l.org_edition"), f.editions);
    addIn(where, binds, QStringLiteral("l.org_instance"), f.instances);
    if (f.sandbox) {
        where << QStringLiteral("l.is_sandbox = ?");
        binds << (*f.sandbox ? 1 : 0);
    }
    if (f.siteLicense)
        where << (*f.siteLicense ? QStringLiteral("l.seats = -1") : QStringLiteral("l.seats <> -1"));
    if (f.installedFrom.isValid()) {
        where << QStringLiteral("l.install_date >= ?");
        binds << dateToSql(f.installedFrom);
    }
    if (f.installedTo.isValid()) {
        where << QStringLiteral("l.install_date <= ?");
        binds << dateToSql(f.installedTo);
    }
    if (f.expiringWithinDays) {
        where << QStringLiteral("(l.status IN ('Active', 'Trial') AND l.expiration >= ? AND l.expiration <= ?)");
        binds << asOf << dateToSql(asOfDate.addDays(qMax(0, *f.expiringWithinDays)));
    }

    const bool descending = query.order == Qt::DescendingOrder;
    QStringList keys = QString::fromLatin1(info(query.sortColumn).sortKeys).split(QLatin1Char('|'));
    keys << QStringLiteral("l.id");
    QStringList forward, backward;
    for (const QString &k : std::as_const(keys)) {
        forward << (descending ? k + QStringLiteral(" DESC") : k);
        backward << (descending ? k : k + QStringLiteral(" DESC"));
    }
    const QString orderBy = forward.join(QStringLiteral(", "));
    const QString reverseOrderBy = backward.join(QStringLiteral(", "));

    auto segment = [&](const QString &extra, const QVariantList &extraBinds) {
        QStringList all = where;
        QVariantList allBinds = binds;
        if (!extra.isEmpty()) {
            all << extra;
            allBinds << extraBinds;
        }
        return LicenseQuerySegment{all.isEmpty() ? QStringLiteral("1 = 1") : all.join(QStringLiteral(" AND ")), allBinds,
                                   orderBy, reverseOrderBy};
    };

    std::vector<LicenseQuerySegment> segments;
    if (query.sortColumn == LicenseColumn::Package) {
        std::vector<PackageName> byName = packages;
        std::stable_sort(byName.begin(), byName.end(), [](const PackageName &a, const PackageName &b) {
            const int c = QString::localeAwareCompare(a.name, b.name);
            return c != 0 ? c < 0 : a.rowId < b.rowId;
        });
        if (descending)
            std::reverse(byName.begin(), byName.end());
        for (const PackageName &p : byName)
            segments.push_back(segment(QStringLiteral("l.package_ref = ?"), {p.rowId}));
    } else if (query.sortColumn == LicenseColumn::EffectiveStatus) {
        std::vector<EffectiveStatus> order(kAllEffectiveStatuses.begin(), kAllEffectiveStatuses.end());
        std::sort(order.begin(), order.end(),
                  [](EffectiveStatus a, EffectiveStatus b) { return statusName(a) < statusName(b); });
        if (descending)
            std::reverse(order.begin(), order.end());
        for (EffectiveStatus s : order) {
            QVariantList extraBinds;
            const QString condition = effectiveCondition(s, extraBinds, asOf);
            segments.push_back(segment(condition, extraBinds));
        }
    } else {
        segments.push_back(segment(QString(), {}));
    }
    return segments;
}

} // namespace lmo
