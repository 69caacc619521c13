#include "browse/subscriberspage.h"

#include <QLocale>
#include <QTableView>

namespace lmo {

SubscribersPage::SubscribersPage(QWidget *parent) : QueryTablePage(QStringLiteral("Subscribers"), parent)
{
    setObjectName(QStringLiteral("subscribersPage"));
    table()->setObjectName(QStringLiteral("subscribersTable"));
    // Grouped along the (org_id, package_ref) index, so the first rows stream out at once.
    setQuery(
        {
            {QStringLiteral("Subscriber org"), QStringLiteral("org_id")},
            {QStringLiteral("Account"), QStringLiteral("MAX(account_name)")},
            {QStringLiteral("Edition"), QStringLiteral("MAX(org_edition)")},
            {QStringLiteral("Instance"), QStringLiteral("MAX(org_instance)")},
            {QStringLiteral("Org status"), QStringLiteral("MAX(org_status)")},
            {QStringLiteral("Sandbox"), QStringLiteral("CASE WHEN MAX(is_sandbox) = 1 THEN 'Yes' ELSE 'No' END")},
            {QStringLiteral("Licenses"), QStringLiteral("COUNT(*)")},
            {QStringLiteral("Installed"), QStringLiteral("SUM(CASE WHEN status <> 'Uninstalled' THEN 1 ELSE 0 END)")},
            {QStringLiteral("Seats"),
             QStringLiteral("CASE WHEN MIN(CASE WHEN status <> 'Uninstalled' THEN seats END) = -1 THEN 'Site License' "
                            "ELSE SUM(CASE WHEN status <> 'Uninstalled' AND seats <> -1 THEN seats ELSE 0 END) END")},
            {QStringLiteral("Used"), QStringLiteral("SUM(CASE WHEN status <> 'Uninstalled' THEN used_licenses ELSE 0 END)")},
            {QStringLiteral("First install"), QStringLiteral("MIN(install_date)")},
            {QStringLiteral("Last change"), QStringLiteral("SUBSTR(MAX(last_modified), 1, 10)")},
        },
        QStringLiteral("licenses GROUP BY org_id ORDER BY org_id"),
        QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses GROUP BY org_id) o"));
}

QString SubscribersPage::summaryFor(qint64 count) const
{
    return QStringLiteral("%1 subscriber orgs: one row per org id, totals over the licenses still installed.")
        .arg(QLocale().toString(count));
}

} // namespace lmo
