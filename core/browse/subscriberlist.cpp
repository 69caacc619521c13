#include "browse/subscriberlist.h"

#include "domain/salesforceid.h"
#include "domain/subscriber.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"
#include "storage/values.h"

#include <QSqlQuery>

#include <algorithm>
#include <array>

namespace lmo {

namespace {

struct Column
{
    const char *title;
    const char *sort;
};

constexpr std::array<Column, kSubscriberColumnCount> kColumns{{
    {"Subscriber org", "org_id"},
    {"Account", "account_name"},
    {"Edition", "org_edition"},
    {"Instance", "org_instance"},
    {"Org status", "org_status"},
    {"Sandbox", "is_sandbox"},
    {"Licenses", "licenses"},
    {"Installed", "installed"},
    {"Seats", "seats"},
    {"Used", "used"},
    {"First install", "first_install"},
    {"Last change", "last_change"},
    {"Packages", "packages"},
}};

} // namespace

QString subscriberColumnTitle(SubscriberColumn column)
{
    return QString::fromLatin1(kColumns[size_t(column)].title);
}

Result<bool> SubscriberListReader::summaryPending()
{
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?")))
        return sqlError(q.lastError(), QStringLiteral("reading the subscriber summary's state"));
    q.addBindValue(QString::fromLatin1(SubscriberSummary::kDeferredName));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading the subscriber summary's state"));
    return q.value(0).toLongLong() > 0;
}

QString SubscriberListReader::where(const SubscriberQuery &query, QVariantList &binds) const
{
    QStringList parts;
    const QString text = query.text.trimmed();
    const SalesforceId id = SalesforceId::fromString(text);
    if (!id.isNull()) {
        binds << id.to15();
        parts << QStringLiteral("org_id = ?");
    } else if (!text.isEmpty()) {
        QString pattern = text;
        pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
        const QString like = m_dialect.kind() == Dialect::Kind::PostgreSQL ? QStringLiteral("ILIKE") : QStringLiteral("LIKE");
        binds << pattern + QLatin1Char('%') << QLatin1Char('%') + pattern + QLatin1Char('%');
        parts << QStringLiteral("(org_id %1 ? ESCAPE '\\' OR account_name %1 ? ESCAPE '\\')").arg(like);
    }
    // An org belongs to each LMO it has a license from (one that reinstalled after a switch, to
    // both): the summary keeps them as bits, so the filter reads no license.
    if (query.lmo) {
        binds << Subscriber::lmoBit(*query.lmo);
        parts << QStringLiteral("(lmo_mask & ?) <> 0");
    }
    return parts.isEmpty() ? QStringLiteral("1 = 1") : parts.join(QStringLiteral(" AND "));
}

Result<qint64> SubscriberListReader::count(const SubscriberQuery &query)
{
    QVariantList binds;
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM subscribers WHERE %1").arg(where(query, binds))))
        return sqlError(q.lastError(), QStringLiteral("counting subscriber orgs"));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("counting subscriber orgs"));
    return q.value(0).toLongLong();
}

Result<qint64> SubscriberListReader::total()
{
    return queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM subscribers"), QStringLiteral("counting subscriber orgs"));
}

Result<std::vector<SubscriberRow>> SubscriberListReader::window(const SubscriberQuery &query, qint64 offset, int limit,
                                                               qint64 count)
{
    const QString column = QString::fromLatin1(kColumns[size_t(query.sortColumn)].sort);
    const bool descending = query.order == Qt::DescendingOrder;
    const bool fromEnd = count >= 0 && offset > count / 2;
    const bool reverse = descending != fromEnd;
    const QString dir = reverse ? QStringLiteral(" DESC") : QString();
    const QString orderBy = column == QLatin1String("org_id") ? QStringLiteral("org_id%1").arg(dir)
                                                              : QStringLiteral("%1%2, org_id%2").arg(column, dir);
    const qint64 skip = fromEnd ? qMax<qint64>(0, count - offset - limit) : offset;
    const qint64 take = fromEnd ? qMin<qint64>(limit, count - offset) : limit;
    QVariantList binds;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT org_id, account_name, org_edition, org_instance, org_status, is_sandbox, licenses, "
                                  "installed, seats, site_licenses, used, first_install, last_change, packages "
                                  "FROM subscribers WHERE %1 ORDER BY %2 LIMIT ? OFFSET ?")
                       .arg(where(query, binds), orderBy)))
        return sqlError(q.lastError(), QStringLiteral("reading subscriber orgs"));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    q.addBindValue(take);
    q.addBindValue(skip);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading subscriber orgs"));
    std::vector<SubscriberRow> rows;
    while (q.next()) {
        SubscriberRow r;
        r.orgId = q.value(0).toString();
        r.account = q.value(1).toString();
        r.edition = q.value(2).toString();
        r.instance = q.value(3).toString();
        r.orgStatus = q.value(4).toString();
        r.sandbox = q.value(5).toInt() != 0;
        r.licenses = q.value(6).toLongLong();
        r.installed = q.value(7).toLongLong();
        r.seats = q.value(8).toLongLong();
        r.siteLicenses = q.value(9).toLongLong();
        r.used = q.value(10).toLongLong();
        r.firstInstall = dateFromSql(q.value(11));
        r.lastChange = dateTimeFromSql(q.value(12));
        r.packages = q.value(13).toString();
        rows.push_back(std::move(r));
    }
    if (fromEnd)
        std::reverse(rows.begin(), rows.end());
    return rows;
}

} // namespace lmo
