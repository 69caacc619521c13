#include "browse/licensespage.h"

#include "metrics/installbasestats.h"

#include <QLocale>
#include <QTableView>

namespace lmo {

LicensesPage::LicensesPage(QWidget *parent) : QueryTablePage(QStringLiteral("Licenses"), parent)
{
    setObjectName(QStringLiteral("licensesPage"));
    table()->setObjectName(QStringLiteral("licensesTable"));
    setQuery(
        {
            {QStringLiteral("License"), QStringLiteral("l.name")},
            {QStringLiteral("Account"), QStringLiteral("l.account_name")},
            {QStringLiteral("Package"), QStringLiteral("p.name")},
            {QStringLiteral("Version"), QStringLiteral("l.version_number")},
            {QStringLiteral("Status"), QStringLiteral("l.status")},
            {QStringLiteral("Effective status"), effectiveStatusSql(QStringLiteral(":as_of"), QStringLiteral("l"))},
            {QStringLiteral("Seats"), QStringLiteral("CASE WHEN l.seats = -1 THEN 'Site License' ELSE l.seats END")},
            {QStringLiteral("Used"), QStringLiteral("l.used_licenses")},
            {QStringLiteral("Expiration"), QStringLiteral("COALESCE(l.expiration, 'Does not expire')")},
            {QStringLiteral("Install date"), QStringLiteral("l.install_date")},
            {QStringLiteral("Subscriber org"), QStringLiteral("l.org_id")},
            {QStringLiteral("Edition"), QStringLiteral("l.org_edition")},
            {QStringLiteral("Instance"), QStringLiteral("l.org_instance")},
            {QStringLiteral("Org status"), QStringLiteral("l.org_status")},
            {QStringLiteral("Sandbox"), QStringLiteral("CASE WHEN l.is_sandbox = 1 THEN 'Yes' ELSE 'No' END")},
        },
        QStringLiteral("licenses l JOIN packages p ON p.id = l.package_ref ORDER BY l.id DESC"),
        QStringLiteral("SELECT COUNT(*) FROM licenses"));
}

QString LicensesPage::summaryFor(qint64 count) const
{
    return QStringLiteral("%1 licenses, newest first. Effective status as of today, %2.")
        .arg(QLocale().toString(count), QLocale().toString(QDate::currentDate(), QLocale::LongFormat));
}

} // namespace lmo
