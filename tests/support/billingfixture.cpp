#include "billingfixture.h"

#include "billing/billingimport.h"
#include "domain/salesforceid.h"
#include "import/importer.h"
#include "storage/database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace lmo::test {

using namespace lmo::billing;

const char kStripeHeader[] = "id,Customer ID,Customer Email,Plan,Quantity,Status,Current Period End (UTC),Cancel At Period End,"
                             "Amount,Currency,Interval,sf_org_id (metadata)\n";

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// The licenses of the reconciliation's orgs (ids 00D0000000000NN), and a Stripe export of
// their subscriptions.
void writeReconcileFixture(Database &db)
{
    QTemporaryDir dir;
    const QString licenses = dir.filePath(QStringLiteral("licenses.csv"));
    QByteArray csv = "Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Used_Licenses__c,sfLma__Expiration__c,"
                     "sfLma__Install_Date__c,sfLma__Subscriber_Org_ID__c,sfLma__Subscriber_Org_Is_Sandbox__c,sfLma__Account__r.Name\n";
    int n = 0;
    auto license = [&](const char *org, const char *package, const char *status, int seats, int used, const char *expiration,
                       bool sandbox, const char *account) {
        ++n;
        const QByteArray id = SalesforceId::fromString(QStringLiteral("a0B0000000%1").arg(n, 5, 10, QLatin1Char('0'))).to18().toLatin1();
        csv += id + ",L-" + QByteArray::number(n).rightJustified(7, '0') + "," + package + "," + status + "," + QByteArray::number(seats)
               + "," + QByteArray::number(used) + "," + expiration + ",2025-01-01,00D0000000000" + org + "," + (sandbox ? "true" : "false")
               + "," + account + "\n";
    };
    license("01", "Ledgerly Billing", "Active", 25, 30, "2026-11-02", false, "Acme");
    license("02", "Ledgerly Billing", "Active", 12, 5, "2026-10-15", false, "Globex");
    license("03", "Ledgerly Billing", "Active", 40, 10, "", false, "Umbrella");
    license("04", "Ledgerly Billing", "Suspended", 12, 0, "2026-09-01", false, "Hooli");
    license("05", "Ledgerly Billing", "Trial", 5, 1, "2026-09-03", false, "Initech");
    license("06", "Ledgerly Billing", "Active", 5, 2, "", false, "Soylent");
    license("07", "Ledgerly Billing", "Active", 5, 2, "", true, "Vandelay");         // a sandbox
    license("08", "Ledgerly Billing", "Active", -1, 200, "", false, "Stark");        // a site license
    license("09", "Ledgerly Billing", "Active", 8, 2, "2026-01-01", false, "Wayne");  // expired
    license("0A", "Ledgerly Billing", "Active", 3, 1, "2027-06-01", false, "Cyberdyne");
    license("0C", "Ledgerly Billing", "Active", 9, 1, "2027-01-01", false, "Tyrell");
    license("0C", "Ledgerly Payroll", "Active", 9, 1, "2027-01-01", false, "Tyrell");
    license("0D", "Ledgerly Payroll", "Active", 4, 1, "", false, "Oscorp");          // a package nobody bills
    QVERIFY(writeFile(licenses, csv));
    auto imported = importFile(db, licenses);
    QVERIFY2(imported, qPrintable(imported ? QString() : imported.error().message));
    QCOMPARE(imported->inserted, qint64(n));

    const QString stripe = dir.filePath(QStringLiteral("stripe.csv"));
    QVERIFY(writeFile(stripe, QByteArray(kStripeHeader)
                                  + "s1,c1,a@acme.example,ledgerly_billing_annual,25,active,2026-11-01 00:00,false,1200,usd,year,00D000000000001\n"
                                    "s2,c2,b@globex.example,ledgerly_billing_monthly,10,past_due,2026-09-15 00:00,false,49,usd,month,00D000000000002\n"
                                    "s3,c3,c@umbrella.example,ledgerly_billing_annual,40,canceled,2026-03-01 00:00,true,900,usd,year,00D000000000003\n"
                                    "s4,c4,d@hooli.example,ledgerly_billing_monthly,12,unpaid,2026-09-01 00:00,false,99,usd,month,00D000000000004\n"
                                    "s5,c5,e@initech.example,ledgerly_billing_monthly,5,active,2026-09-03 00:00,false,49,usd,month,00D000000000005\n"
                                    "s6,c6,f@soylent.example,ledgerly_billing_monthly,5,trialing,2026-09-10 00:00,true,49,usd,month,00D000000000006\n"
                                    "s7,c7,g@nowhere.example,ledgerly_billing_monthly,5,active,2026-09-10 00:00,false,49,usd,month,\n"
                                    "s8,c8,h@elsewhere.example,ledgerly_billing_monthly,5,active,2026-09-10 00:00,false,49,usd,month,00D00000000000B\n"
                                    "s9,c9,i@tyrell.example,enterprise_bundle,9,active,2027-01-01 00:00,false,990,usd,year,00D00000000000C\n"));
    auto billed = importBillingFile(db, stripe, {});
    QVERIFY2(billed, qPrintable(billed ? QString() : billed.error().message));
    QCOMPARE(billed->inserted, 9);
}


} // namespace lmo::test
