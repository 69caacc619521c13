#include "browse/subscriberspage.h"

#include <QLocale>
#include <QTableView>

namespace lmo {

SubscribersPage::SubscribersPage(QWidget *parent) : QueryTablePage(QStringLiteral("Subscribers"), parent)
{
    setObjectName(QStringLiteral("subscribersPage"));
    table()->setObjectName(QStringLiteral("subscribersTable"));
    // Grouped along the (org_id, package_ref) index, so the first rows stream out at once. The
    // org's details come from its most recently changed license, as in lmo::Subscriber; a
    // subquery per column keeps the stream (a join to a grouped subquery would materialise it).
    auto latest = [](const QString &column) {
        return QStringLiteral("(SELECT x.%1 FROM licenses x WHERE x.org_id = l.org_id "
                              "ORDER BY x.last_modified DESC, x.id DESC LIMIT 1)")
            .arg(column);
    };
    setQuery(
        {
            {QStringLiteral("Subscriber org"), QStringLiteral("l.org_id")},
            {QStringLiteral("Account"), latest(QStringLiteral("account_name"))},
            {QStringLiteral("Edition"), latest(QStringLiteral("org_edition"))},
            {QStringLiteral("Instance"), latest(QStringLiteral("org_instance"))},
            {QStringLiteral("Org status"), latest(QStringLiteral("org_status"))},
            {QStringLiteral("Sandbox"),
             QStringLiteral("CASE WHEN %1 = 1 THEN 'Yes' ELSE 'No' END").arg(latest(QStringLiteral("is_sandbox")))},
            {QStringLiteral("Licenses"), QStringLiteral("COUNT(*)")},
            {QStringLiteral("Installed"), QStringLiteral("SUM(CASE WHEN l.status <> 'Uninstalled' THEN 1 ELSE 0 END)")},
            {QStringLiteral("Seats"),
             QStringLiteral("CASE WHEN SUM(CASE WHEN l.status <> 'Uninstalled' AND l.seats = -1 THEN 1 ELSE 0 END) > 0 "
                            "THEN 'Site License' "
                            "ELSE SUM(CASE WHEN l.status <> 'Uninstalled' AND l.seats <> -1 THEN l.seats ELSE 0 END) END")},
            {QStringLiteral("Used"),
             QStringLiteral("SUM(CASE WHEN l.status <> 'Uninstalled' THEN l.used_licenses ELSE 0 END)")},
            {QStringLiteral("First install"), QStringLiteral("MIN(l.install_date)")},
            {QStringLiteral("Last change"), QStringLiteral("SUBSTR(MAX(l.last_modified), 1, 10)")},
        },
        QStringLiteral("licenses l GROUP BY l.org_id ORDER BY l.org_id"),
        QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses GROUP BY org_id) o"));
}

QString SubscribersPage::summaryFor(qint64 count) const
{
    return QStringLiteral("%1 subscriber orgs: one row per org id, totals over the licenses still installed.")
        .arg(QLocale().toString(count));
}

} // namespace lmo
