// Billing exports read into subscriptions: each source's status words, the columns each format
// names, the org id rule, the import and its re-import, every value a row can get wrong, a
// table read through a mapping kept for its source. Runs on both engines.
#include "billingfixture.h"
#include "fixtures.h"

#include "billing/billing.h"
#include "billing/billingimport.h"
#include "billing/links.h"
#include "billing/reconcile.h"
#include "import/importer.h"
#include "domain/salesforceid.h"
#include "storage/database.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace lmo::billing;
using lmo::test::kStripeHeader;
using lmo::test::writeFile;
using lmo::test::writeReconcileFixture;

namespace {

QString data(const char *name)
{
    return QFINDTESTDATA(QStringLiteral("data/billing/") + QLatin1String(name));
}

// One subscription as stored: the columns the tests look at, as text, '|'-joined.
QString stored(Database &db, const QString &source, const QString &id)
{
    QSqlQuery q(db.connection());
    q.prepare(QStringLiteral("SELECT quantity, status, source_status, current_period_end, cancel_at_period_end, amount_hundredths, "
                             "currency, billing_interval, interval_count, org_id, customer_email FROM billing_subscriptions "
                             "WHERE source = ? AND subscription_id = ?"));
    q.addBindValue(source);
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return QStringLiteral("(none)");
    QStringList values;
    for (int c = 0; c < 11; ++c)
        values << (q.value(c).isNull() ? QStringLiteral("-") : q.value(c).toString());
    return values.join(QLatin1Char('|'));
}

qint64 count(Database &db, const QString &where = QStringLiteral("1 = 1"))
{
    QSqlQuery q(db.connection());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM billing_subscriptions WHERE ") + where) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}


} // namespace

// A second source: a CRM's table of subscriptions that names no org, only customers.
Result<BillingImportReport> importCrmTable(Database &db, const QString &path, const QByteArray &rows)
{
    if (!writeFile(path, "Internal ID,Customer,Email,Item,Qty,Status,Renews\n" + rows))
        return Error::make(Error::Code::Io, path);
    BillingImportOptions o;
    o.source = QStringLiteral("crm");
    for (const auto &[field, column] : std::vector<std::pair<const char *, const char *>>{
             {"subscription_id", "Internal ID"}, {"customer_name", "Customer"}, {"customer_email", "Email"}, {"plan", "Item"},
             {"quantity", "Qty"}, {"status", "Status"}, {"period_end", "Renews"}})
        o.extra.columns.insert(QLatin1String(field), QLatin1String(column));
    o.extra.statusWords.insert(QStringLiteral("billed"), QStringLiteral("active"));
    return importBillingFile(db, path, o);
}

const Finding *findingOf(const Reconciliation &r, const QString &rule, const QString &subscription)
{
    for (const Finding &f : r.findings)
        if (f.rule == rule && f.subscription == subscription)
            return &f;
    return nullptr;
}

class TestBilling : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_next = 0;

    std::unique_ptr<Database> newDatabase()
    {
        Database::OpenOptions o;
        o.create = true;
        auto db = Database::open(test::location(m_dir.filePath(QStringLiteral("billing%1.sqlite").arg(++m_next))), o);
        if (!db)
            qFatal("%s", qPrintable(db.error().message));
        return std::move(db.value());
    }

private slots:
    void everySourcesStatusWordsMapOntoOneSet_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("expected"); // empty: not known
        const int stripe = int(Format::Stripe), chargebee = int(Format::Chargebee), table = int(Format::Table);
        QTest::newRow("stripe trialing") << stripe << "trialing" << "trialing";
        QTest::newRow("stripe active") << stripe << "active" << "active";
        QTest::newRow("stripe past_due") << stripe << "past_due" << "past_due";
        QTest::newRow("stripe unpaid") << stripe << "unpaid" << "past_due";
        QTest::newRow("stripe incomplete") << stripe << "incomplete" << "past_due";
        QTest::newRow("stripe incomplete_expired") << stripe << "incomplete_expired" << "canceled";
        QTest::newRow("stripe canceled") << stripe << "canceled" << "canceled";
        QTest::newRow("stripe paused") << stripe << "paused" << "paused";
        QTest::newRow("stripe, case and spaces") << stripe << " Past Due " << "past_due";
        QTest::newRow("stripe does not know in_trial") << stripe << "in_trial" << "";
        QTest::newRow("chargebee future") << chargebee << "future" << "trialing";
        QTest::newRow("chargebee in_trial") << chargebee << "in_trial" << "trialing";
        QTest::newRow("chargebee active") << chargebee << "active" << "active";
        QTest::newRow("chargebee non_renewing") << chargebee << "non_renewing" << "active";
        QTest::newRow("chargebee paused") << chargebee << "paused" << "paused";
        QTest::newRow("chargebee cancelled") << chargebee << "cancelled" << "canceled";
        QTest::newRow("chargebee transferred") << chargebee << "transferred" << "canceled";
        QTest::newRow("chargebee does not know past_due") << chargebee << "past_due" << "";
        QTest::newRow("table, its own word") << table << "Billed" << "active";
        QTest::newRow("table, a known word") << table << "Non-Renewing" << "active";
        QTest::newRow("table, unknown") << table << "Closed" << "";
        QTest::newRow("blank") << stripe << "" << "";
    }
    void everySourcesStatusWordsMapOntoOneSet()
    {
        QFETCH(int, format);
        QFETCH(QString, word);
        QFETCH(QString, expected);
        const auto s = mapStatus(Format(format), word, {{QStringLiteral("billed"), QStringLiteral("active")}});
        QCOMPARE(s ? statusName(*s) : QString(), expected);
    }

    void theHeaderSaysWhichExportItIs()
    {
        QCOMPARE(detectFormat(QString::fromLatin1(kStripeHeader).trimmed().split(QLatin1Char(','))), Format::Stripe);
        QCOMPARE(detectFormat({QStringLiteral("subscription.id"), QStringLiteral("subscription.status"),
                               QStringLiteral("subscription.plan_quantity")}),
                 Format::Chargebee);
        QCOMPARE(detectFormat({QStringLiteral("id"), QStringLiteral("status"), QStringLiteral("current_term_end")}), Format::Chargebee);
        QCOMPARE(detectFormat({QStringLiteral("Internal ID"), QStringLiteral("Customer"), QStringLiteral("Status")}), Format::Table);
        // An id and a status alone are any table's.
        QCOMPARE(detectFormat({QStringLiteral("id"), QStringLiteral("status")}), Format::Table);
    }

    void aMetadataColumnHoldsWhatItsKeySays()
    {
        QStringList missing;
        const QStringList header{QStringLiteral("id"), QStringLiteral("plan (metadata)"), QStringLiteral("Plan"),
                                 QStringLiteral("Status"), QStringLiteral("sf_org_id (metadata)")};
        const ColumnMap map = mapColumns(header, {}, &missing);
        QCOMPARE(map[Field::Plan], 2);
        QCOMPARE(map[Field::OrgId], 4);
        QCOMPARE(map[Field::Status], 3);
        QVERIFY(missing.isEmpty());
    }

    void anOrgIdIsAnOrganizationsIdComparedOnFifteen()
    {
        const QString id15 = QStringLiteral("00D5g000004XyZq");
        const QString id18 = SalesforceId::fromString(id15).to18();
        QCOMPARE(orgId15(id15), std::optional<QString>(id15));
        QCOMPARE(orgId15(id18), std::optional<QString>(id15));
        QCOMPARE(orgId15(QStringLiteral(" ") + id18 + QStringLiteral(" ")), std::optional<QString>(id15));
        // The 18-character form folded to one case is restored from its checksum.
        QCOMPARE(orgId15(id18.toUpper()), std::optional<QString>(id15));
        QVERIFY(!orgId15(id15.left(14) + QStringLiteral("Q") + QStringLiteral("AAA"))); // a wrong checksum
        QVERIFY(!orgId15(QStringLiteral("0015g000004XyZq")));                          // an account, not an org
        QVERIFY(!orgId15(QStringLiteral("00D5g000004XyZ")));                           // 14 characters
        QVERIFY(!orgId15(QString()));
    }

    void aSubscriptionsMonthIsItsAmountOverItsInterval()
    {
        QCOMPARE(monthlyHundredths(4900, 10, u"month"_qs, 1), std::optional<qint64>(49000));
        QCOMPARE(monthlyHundredths(120000, std::nullopt, u"year"_qs, 1), std::optional<qint64>(10000));
        QCOMPARE(monthlyHundredths(25000, 8, u"month"_qs, 3), std::optional<qint64>(66667)); // 2,000 a quarter
        QCOMPARE(monthlyHundredths(1000, 1, u"week"_qs, 1), std::optional<qint64>(4333));   // 52/12 weeks
        QCOMPARE(monthlyHundredths(100, 1, u"day"_qs, 1), std::optional<qint64>(3042));     // 365/12 days
        QCOMPARE(monthlyHundredths(std::nullopt, 5, u"month"_qs, 1), std::nullopt);
        QCOMPARE(monthlyHundredths(4900, 5, QString(), 1), std::nullopt);
    }

    void aStripeExportIsReadWithItsOrgIdsFromMetadata()
    {
        auto db = newDatabase();
        auto report = importBillingFile(*db, data("stripe-subscriptions.csv"), {});
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->source, QStringLiteral("stripe"));
        QCOMPARE(report->format, Format::Stripe);
        QCOMPARE(report->read, 5);
        QCOMPARE(report->inserted, 5);
        QVERIFY(report->rejected.empty());
        QCOMPARE(report->orgColumn, QStringLiteral("sf_org_id (metadata)"));
        QVERIFY(!report->orgColumnRecognised);
        QCOMPARE(report->withOrg, 4);
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqA2bC3dE4fG5hI")),
                 QStringLiteral("25|active|active|2026-11-01|0|120000|USD|year|1|00D5g000004XyZq|ops@acme.com"));
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqE1hJ2kL3mN4oP")),
                 QStringLiteral("12|past_due|unpaid|2026-09-01|0|9950|USD|month|1|00D3k000000QrTu|finance@hooli.example"));
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqD9aB8cD7eF6gH")),
                 QStringLiteral("40|canceled|canceled|2026-03-01|1|90000|EUR|year|1|00D3k000000QrSt|billing@umbrella.example"));
        // No org id: none is made up.
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqC3sT4uV5wX6yZ")),
                 QStringLiteral("5|trialing|trialing|2026-09-03|0|4900|USD|month|1|-|admin@initech.io"));
    }

    void aChargebeeExportHasItsOrgColumnRecognisedByItsValues()
    {
        auto db = newDatabase();
        auto report = importBillingFile(*db, data("chargebee-subscriptions.csv"), {});
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->source, QStringLiteral("chargebee"));
        QCOMPARE(report->format, Format::Chargebee);
        QCOMPARE(report->inserted, 7);
        QCOMPARE(report->orgColumn, QStringLiteral("subscription.cf_salesforce_org"));
        QVERIFY(report->orgColumnRecognised);
        QCOMPARE(report->withOrg, 6);
        // An 18-character id is kept as its 15; non_renewing ends at its term's end.
        QCOMPARE(stored(*db, QStringLiteral("chargebee"), QStringLiteral("AzZTZgS4bVWm42EY")),
                 QStringLiteral("12|active|non_renewing|2026-09-14|1|4900|USD|month|1|00D8d000001AbCd|it@globex.com"));
        // A term end in Unix seconds (1772323200 is 2026-03-01 00:00 UTC).
        QCOMPARE(stored(*db, QStringLiteral("chargebee"), QStringLiteral("AzZTZgS4bVWo64GA")),
                 QStringLiteral("40|canceled|cancelled|2026-03-01|0|90000|EUR|year|1|00D3k000000QrSt|billing@umbrella.example"));
        // Billed every 3 months.
        QCOMPARE(stored(*db, QStringLiteral("chargebee"), QStringLiteral("AzZTZgS4bVWp75HB")),
                 QStringLiteral("8|paused|paused|2026-10-01|0|25000|USD|month|3|00D3k000000QrTu|finance@hooli.example"));
        QCOMPARE(stored(*db, QStringLiteral("chargebee"), QStringLiteral("AzZTZgS4bVWq86IC")).section(QLatin1Char('|'), 1, 2),
                 QStringLiteral("trialing|future"));
    }

    void aLaterExportUpdatesItsSubscriptionsById()
    {
        auto db = newDatabase();
        QVERIFY(importBillingFile(*db, data("stripe-subscriptions.csv"), {}));
        // A month on: Acme bought 5 more seats, Globex paid, Initech's trial became a
        // subscription; a new customer; Umbrella and Hooli are not in this export.
        const QString later = m_dir.filePath(QStringLiteral("stripe-later.csv"));
        QVERIFY(writeFile(later, QByteArray(kStripeHeader)
                                     + "sub_1PqA2bC3dE4fG5hI,cus_QxY1,ops@acme.com,price_pro_annual,30,active,2026-11-01 00:00,false,"
                                       "\"1,440.00\",usd,year,00D5g000004XyZq\n"
                                       "sub_1PqB7kL8mN9oP0qR,cus_QxY2,it@globex.com,price_pro_monthly,10,active,2026-10-15 00:00,false,"
                                       "49.00,usd,month,00D8d000001AbCd\n"
                                       "sub_1PqC3sT4uV5wX6yZ,cus_QxY3,admin@initech.io,price_pro_monthly,5,trialing,2026-09-03 00:00,"
                                       "false,49.00,usd,month,\n"
                                       "sub_1PqZ9yX8wV7uT6sR,cus_QxY9,ap@stark.example,price_pro_annual,50,active,2027-09-01 00:00,"
                                       "false,\"2,400.00\",usd,year,00D3k000000QrZz\n"));
        auto report = importBillingFile(*db, later, {});
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->updated, 2);
        QCOMPARE(report->unchanged, 1);
        QCOMPARE(report->inserted, 1);
        QCOMPARE(count(*db), 6); // the two the export leaves out are kept as they were
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqA2bC3dE4fG5hI")).section(QLatin1Char('|'), 0, 0),
                 QStringLiteral("30"));
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqB7kL8mN9oP0qR")).section(QLatin1Char('|'), 1, 3),
                 QStringLiteral("active|active|2026-10-15"));
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqE1hJ2kL3mN4oP")).section(QLatin1Char('|'), 1, 2),
                 QStringLiteral("past_due|unpaid"));
        // The later export has no Customer Name column: the name the first one gave is kept.
        QSqlQuery name(db->connection());
        QVERIFY(name.exec(QStringLiteral("SELECT customer_name FROM billing_subscriptions WHERE subscription_id = 'sub_1PqC3sT4uV5wX6yZ'")));
        QVERIFY(name.next());
        QCOMPARE(name.value(0).toString(), QStringLiteral("Initech"));
        // An export without the metadata column is read too, and keeps the org ids.
        const QString noOrgs = m_dir.filePath(QStringLiteral("stripe-no-metadata.csv"));
        QVERIFY(writeFile(noOrgs, "id,Customer ID,Quantity,Status,Current Period End (UTC),Plan\n"
                                  "sub_1PqA2bC3dE4fG5hI,cus_QxY1,30,active,2026-11-01 00:00,price_pro_annual\n"));
        auto without = importBillingFile(*db, noOrgs, {});
        QVERIFY2(without, qPrintable(without ? QString() : without.error().message));
        QCOMPARE(without->unchanged, 1);
        QVERIFY(without->orgColumn.isEmpty());
        QCOMPARE(stored(*db, QStringLiteral("stripe"), QStringLiteral("sub_1PqA2bC3dE4fG5hI")).section(QLatin1Char('|'), 9, 9),
                 QStringLiteral("00D5g000004XyZq"));
        // The same file again changes nothing.
        auto again = importBillingFile(*db, later, {});
        QVERIFY(again);
        QCOMPARE(again->unchanged, 4);
        QCOMPARE(again->updated + again->inserted, 0);
    }

    void everyValueARowCanGetWrongRejectsThatRowAlone_data()
    {
        QTest::addColumn<QByteArray>("row");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("reason"); // a part of it
        const QByteArray org = "00D5g000004XyZq";
        auto row = [&](const QByteArray &id, const QByteArray &quantity, const QByteArray &status, const QByteArray &end,
                       const QByteArray &cancel, const QByteArray &amount, const QByteArray &currency, const QByteArray &interval,
                       const QByteArray &orgId) {
            return id + ",cus_1,a@b.example,price_x," + quantity + "," + status + "," + end + "," + cancel + "," + amount + ","
                   + currency + "," + interval + "," + orgId + "\n";
        };
        QTest::newRow("quantity not a number") << row("sub_q1", "lots", "active", "2026-11-01", "false", "49", "usd", "month", org)
                                               << "Quantity" << "\"lots\"";
        QTest::newRow("quantity below zero") << row("sub_q2", "-3", "active", "2026-11-01", "false", "49", "usd", "month", org)
                                             << "Quantity" << "below zero";
        QTest::newRow("status unknown") << row("sub_s1", "5", "frozen", "2026-11-01", "false", "49", "usd", "month", org) << "Status"
                                        << "\"frozen\" is not a status";
        QTest::newRow("status empty") << row("sub_s2", "5", "", "2026-11-01", "false", "49", "usd", "month", org) << "Status"
                                      << "status is empty";
        QTest::newRow("period end not a date") << row("sub_d1", "5", "active", "soon", "false", "49", "usd", "month", org)
                                               << "Current Period End (UTC)" << "\"soon\" is not a date";
        QTest::newRow("period end no such day") << row("sub_d2", "5", "active", "2026-02-30", "false", "49", "usd", "month", org)
                                                << "Current Period End (UTC)" << "not a date";
        QTest::newRow("cancel flag") << row("sub_c1", "5", "active", "2026-11-01", "maybe", "49", "usd", "month", org)
                                     << "Cancel At Period End" << "maybe";
        QTest::newRow("amount") << row("sub_a1", "5", "active", "2026-11-01", "false", "ten", "usd", "month", org) << "Amount"
                                << "\"ten\" is not an amount";
        QTest::newRow("amount, three decimals") << row("sub_a2", "5", "active", "2026-11-01", "false", "4.999", "usd", "month", org)
                                                << "Amount" << "not an amount";
        QTest::newRow("currency") << row("sub_m1", "5", "active", "2026-11-01", "false", "49", "dollars", "month", org) << "Currency"
                                  << "not a currency code";
        QTest::newRow("interval") << row("sub_i1", "5", "active", "2026-11-01", "false", "49", "usd", "fortnight", org) << "Interval"
                                  << "not a billing interval";
        QTest::newRow("org id, wrong checksum")
            << row("sub_o1", "5", "active", "2026-11-01", "false", "49", "usd", "month", org + "AAA") << "sf_org_id (metadata)"
            << "not a subscriber org's id";
        QTest::newRow("org id, an account's") << row("sub_o2", "5", "active", "2026-11-01", "false", "49", "usd", "month",
                                                     "0015g000004XyZq")
                                              << "sf_org_id (metadata)" << "not a subscriber org's id";
        QTest::newRow("id empty") << row("", "5", "active", "2026-11-01", "false", "49", "usd", "month", org) << "id"
                                  << "subscription id is empty";
        QTest::newRow("id twice") << row("sub_good", "5", "active", "2026-11-01", "false", "49", "usd", "month", org) << "id"
                                  << "is on line 2 already";
    }
    void everyValueARowCanGetWrongRejectsThatRowAlone()
    {
        QFETCH(QByteArray, row);
        QFETCH(QString, column);
        QFETCH(QString, reason);
        auto db = newDatabase();
        const QString path = m_dir.filePath(QStringLiteral("bad%1.csv").arg(++m_next));
        const QByteArray good = "sub_good,cus_0,ok@b.example,price_x,5,active,2026-11-01,false,49,usd,month,00D5g000004XyZq\n";
        const QByteArray after = "sub_after,cus_9,ok@c.example,price_x,7,trialing,2026-12-01,true,49,usd,month,\n";
        QVERIFY(writeFile(path, QByteArray(kStripeHeader) + good + row + after));
        auto report = importBillingFile(*db, path, {});
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->read, 3);
        QCOMPARE(report->rejected.size(), size_t(1));
        QCOMPARE(report->rejected.front().line, 3);
        QCOMPARE(report->rejected.front().column, column);
        QVERIFY2(report->rejected.front().reason.contains(reason), qPrintable(report->rejected.front().reason));
        QVERIFY(report->summary().contains(QStringLiteral(":3: column \"%1\": ").arg(column)));
        QCOMPARE(report->exitCode(), 3);
        QCOMPARE(count(*db), 2); // the rows before and after it are kept
        // --strict: nothing of the file.
        auto strictDb = newDatabase();
        BillingImportOptions strict;
        strict.strict = true;
        auto refused = importBillingFile(*strictDb, path, strict);
        QVERIFY(refused);
        QVERIFY(!refused->written);
        QCOMPARE(refused->exitCode(), 2);
        QCOMPARE(count(*strictDb), 0);
    }

    void aTableIsReadThroughTheMappingKeptForItsSource()
    {
        auto db = newDatabase();
        const QString path = data("netsuite-saved-search.csv");
        // Neither Stripe's nor Chargebee's: it needs a name and its columns.
        auto unnamed = importBillingFile(*db, path, {});
        QVERIFY(!unnamed);
        QVERIFY2(unnamed.error().message.contains(QStringLiteral("--source NAME")), qPrintable(unnamed.error().message));
        BillingImportOptions named;
        named.source = QStringLiteral("netsuite");
        auto noId = importBillingFile(*db, path, named);
        QVERIFY(!noId);
        QVERIFY2(noId.error().message.contains(QStringLiteral("--map subscription_id=COLUMN")), qPrintable(noId.error().message));
        QCOMPARE(count(*db), 0);

        BillingImportOptions mapped = named;
        mapped.extra.columns = {{QStringLiteral("subscription_id"), QStringLiteral("Internal ID")},
                                {QStringLiteral("period_end"), QStringLiteral("Rev. Rec. End Date")},
                                {QStringLiteral("plan"), QStringLiteral("Item")},
                                {QStringLiteral("customer_name"), QStringLiteral("Customer")}};
        mapped.extra.statusWords = {{QStringLiteral("billed"), QStringLiteral("active")},
                                    {QStringLiteral("pendingbilling"), QStringLiteral("trialing")}};
        auto first = importBillingFile(*db, path, mapped);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QCOMPARE(first->inserted, 3);
        QCOMPARE(first->rejected.size(), size_t(1)); // "Closed" is a word nobody said the meaning of
        QCOMPARE(first->rejected.front().column, QStringLiteral("Status"));
        QCOMPARE(first->orgColumn, QStringLiteral("SF Org ID"));
        QCOMPARE(stored(*db, QStringLiteral("netsuite"), QStringLiteral("48211")),
                 QStringLiteral("25|active|Billed|2026-10-31|0|-|-|-|1|00D5g000004XyZq|-"));
        QCOMPARE(stored(*db, QStringLiteral("netsuite"), QStringLiteral("48390")).section(QLatin1Char('|'), 1, 2),
                 QStringLiteral("trialing|Pending Billing"));

        // Told what "Closed" means, once: the next import of the source needs nothing more.
        BillingImportOptions closed = named;
        closed.extra.statusWords = {{QStringLiteral("closed"), QStringLiteral("canceled")}};
        auto second = importBillingFile(*db, path, closed);
        QVERIFY(second);
        QCOMPARE(second->rejected.size(), size_t(1)); // now its quantity, "lots"
        QCOMPARE(second->rejected.front().column, QStringLiteral("Quantity"));
        auto third = importBillingFile(*db, path, named);
        QVERIFY2(third, qPrintable(third ? QString() : third.error().message));
        QCOMPARE(third->unchanged, 3);
        QCOMPARE(third->rejected.size(), size_t(1));

        // A file of the source without a column its mapping reads is refused whole.
        const QString renamed = m_dir.filePath(QStringLiteral("netsuite-renamed.csv"));
        QVERIFY(writeFile(renamed, "ID,Customer,SF Org ID,Item,Quantity,Rev. Rec. End Date,Status\n48211,Acme,,X,1,10/31/2026,Billed\n"));
        auto refused = importBillingFile(*db, renamed, named);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("no column \"Internal ID\"")), qPrintable(refused.error().message));
        QCOMPARE(stored(*db, QStringLiteral("netsuite"), QStringLiteral("48211")).section(QLatin1Char('|'), 0, 0), QStringLiteral("25"));
    }

    // Every rule hit, and missed where it should be: the licenses of 12 orgs beside a Stripe
    // export, as of 2026-08-20.
    void everyRuleFindsWhatItShouldAndNothingElse()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        ReconcileOptions options;
        options.asOf = QDate(2026, 8, 20);
        auto r = reconcile(db->connection(), options);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QStringList found;
        for (const Finding &f : r->findings)
            found << f.rule + u' ' + (f.orgId.isEmpty() ? QStringLiteral("-") : f.orgId.right(2)) + u' '
                         + (f.subscription.isEmpty() ? QStringLiteral("-") : f.subscription);
        const QStringList expected{
            u"billed_not_licensed 04 s4"_qs,
            u"licensed_not_billed 03 -"_qs, // its subscription was canceled
            u"licensed_not_billed 0A -"_qs, // none at all
            u"licensed_not_billed 0C -"_qs, // the org's subscription names no package of its
            u"seat_drift 01 s1"_qs,         // 30 used of 25 billed
            u"seat_drift 02 s2"_qs,         // 12 licensed, 10 billed
            u"trial_mismatch 05 s5"_qs,     // Trial, billing active
            u"trial_mismatch 06 s6"_qs,     // Active, billing trialing
            u"date_drift 02 s2"_qs,         // 30 days apart
            u"date_drift 06 s6"_qs,         // ends with its period, the license does not expire
            u"dunning 02 s2"_qs,            // past due on an Active license
            u"unlinked - s7"_qs,            // no org
            u"unlinked 0A -"_qs,            // an org with licenses no subscription names
            u"unlinked 0B s8"_qs,           // an org without licenses
            u"unlinked 0C s9"_qs,           // two packages, a plan that names neither
        };
        QCOMPARE(found, expected);
        const QJsonObject json = r->toJson();
        QCOMPARE(json.value(u"as_of"_qs).toString(), u"2026-08-20"_qs);
        const QJsonObject counts = json.value(u"counts"_qs).toObject();
        QCOMPARE(counts.size(), 7);
        for (const auto &[rule, n] : std::vector<std::pair<const char *, int>>{{"billed_not_licensed", 1}, {"licensed_not_billed", 3},
                                                                               {"seat_drift", 2}, {"trial_mismatch", 2}, {"date_drift", 2},
                                                                               {"dunning", 1}, {"unlinked", 4}})
            QCOMPARE(counts.value(QLatin1String(rule)).toInt(), n);
        // The money, in USD: billed now 2,500 (s1: 1,200 a seat a year, 25 seats) + 490 + 1,188
        // (unpaid is billed) + 245 + 245 + 245 + 742.50 (s9); s6 is a trial, s3 canceled. At
        // risk: s4 (billed, suspended) and s2 (dunning). Missed: 52 seats unbilled at the
        // package's median price a seat, 49.00 (of 100, 49, 99, 49, 49).
        QCOMPARE(r->money.size(), size_t(1));
        const Money &usd = r->money.at(u"USD"_qs);
        QCOMPARE(usd.mrr, 565550);
        QCOMPARE(usd.atRisk, 167800);
        QCOMPARE(usd.missedEstimate, 254800);
        QCOMPARE(usd.missedLicenses, 3);
        QCOMPARE(r->unpriced, 0);
        const QJsonObject money = json.value(u"money"_qs).toObject().value(u"USD"_qs).toObject();
        // Money in JSON is exact decimal text, never a double.
        QCOMPARE(money.value(u"mrr"_qs).toString(), u"5655.50"_qs);
        QCOMPARE(money.value(u"at_risk"_qs).toString(), u"1678.00"_qs);
        QCOMPARE(money.value(u"missed_estimate"_qs).toString(), u"2548.00"_qs);
        QCOMPARE(money.value(u"missed_licenses"_qs).toInt(), 3);
        const QJsonArray all = json.value(u"findings"_qs).toArray();
        const auto umbrella = std::find_if(all.begin(), all.end(), [](const QJsonValue &v) {
            return v.toObject().value(u"org_id"_qs).toString() == u"00D000000000003"_qs;
        });
        QVERIFY(umbrella != all.end());
        QCOMPARE(umbrella->toObject().value(u"monthly"_qs).toString(), u"1960.00"_qs); // 40 seats at 49.00
        QCOMPARE(umbrella->toObject().value(u"currency"_qs).toString(), u"USD"_qs);
        QVERIFY(r->toText().contains(u"  USD  billed 5,655.50, at risk 1,678.00, missed about 2,548.00 (3 licenses)\n"_qs));
        QVERIFY(r->toText().contains(u"license L-0000003 (Ledgerly Billing): the license is Active with 40 seats, and no live subscription "
                                     "pays for it (about USD 1,960.00 a month at the package's usual price)"_qs));

        // Written a finding at a time, the JSON is the same; so is the text.
        QByteArray streamed;
        {
            QTextStream out(&streamed);
            r->writeJson(out);
        }
        QCOMPARE(QJsonDocument::fromJson(streamed).object(), json);
        QCOMPARE(QJsonDocument::fromJson(streamed).toJson(), QJsonDocument(json).toJson());
        const QString text = r->toText();
        QVERIFY(text.contains(u"  seat_drift             2\n"_qs));
        QVERIFY(text.contains(u"org 00D000000000002, license L-0000002 (Ledgerly Billing), stripe s2: licensed seats 12, billed quantity 10. "
                              "Set the license's seats to 10, or bill for 12.\n"_qs));
        const QJsonObject first = json.value(u"findings"_qs).toArray().first().toObject();
        for (const char *key : {"rule", "org_id", "license", "subscription", "detail"})
            QVERIFY2(first.contains(QLatin1String(key)), key);
        QVERIFY2(first.value(u"detail"_qs).toString().contains(u"billing is unpaid, the license is Suspended"_qs),
                 qPrintable(first.value(u"detail"_qs).toString()));
        // The org no subscription names says what it holds unbilled.
        const auto orgOfNone = std::find_if(r->findings.begin(), r->findings.end(), [](const Finding &f) {
            return f.rule == u"unlinked"_qs && f.orgId == u"00D00000000000A"_qs;
        });
        QVERIFY(orgOfNone != r->findings.end());
        QCOMPARE(orgOfNone->detail, u"the org has 1 Active license of billed packages and no subscription is linked to it"_qs);
        QVERIFY(orgOfNone->subscription.isEmpty() && orgOfNone->licenseId == 0 && !orgOfNone->change);
        // The seat drift says both values and what to do.
        const Finding &seats = r->findings[5];
        QCOMPARE(seats.detail, u"licensed seats 12, billed quantity 10"_qs);
        QCOMPARE(seats.action, u"Set the license's seats to 10, or bill for 12."_qs);

        // With no tolerance, Acme's expiration a day after its period's end drifts too.
        options.toleranceDays = 0;
        auto strict = reconcile(db->connection(), options);
        QVERIFY(strict);
        QCOMPARE(strict->count(u"date_drift"_qs), 3);
        // The day after Cyberdyne's expiration its license is no longer Active, nor Tyrell's
        // (expired 2027-01-01): only Umbrella's, which does not expire, is still unbilled.
        options.toleranceDays = 3;
        options.asOf = QDate(2027, 6, 2);
        auto later = reconcile(db->connection(), options);
        QVERIFY(later);
        QCOMPARE(later->count(u"licensed_not_billed"_qs), 1);
        const auto unbilled = std::find_if(later->findings.begin(), later->findings.end(),
                                           [](const Finding &f) { return f.rule == u"licensed_not_billed"_qs; });
        QVERIFY(unbilled != later->findings.end());
        QCOMPARE(unbilled->orgId, u"00D000000000003"_qs);
    }


    // Each finding the license must settle carries the Modify License change that settles it;
    // a finding settled elsewhere (bill for more seats, cancel, link) carries none.
    void aFindingSaysTheModifyLicenseChangeThatSettlesIt()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        ReconcileOptions options;
        options.asOf = QDate(2026, 8, 20);
        auto r = reconcile(db->connection(), options);
        QVERIFY(r);
        QStringList changes;
        for (const Finding &f : r->findings) {
            QString c = f.rule + u' ' + (f.orgId.isEmpty() ? QStringLiteral("-") : f.orgId.right(2)) + u' ';
            if (!f.change) {
                changes << c + u"none"_qs;
                continue;
            }
            QStringList parts;
            if (f.change->status)
                parts << statusName(*f.change->status);
            if (f.change->seats)
                parts << QStringLiteral("seats %1").arg(*f.change->seats);
            if (f.change->expiration)
                parts << f.change->expiration->toString(Qt::ISODate);
            changes << c + parts.join(u',') + QStringLiteral(" (") + f.changeText + u')';
        }
        const QStringList expected{
            u"billed_not_licensed 04 Active (Reactivate (make Active))"_qs,
            u"licensed_not_billed 03 Suspended (Suspend)"_qs,
            u"licensed_not_billed 0A Suspended (Suspend)"_qs,
            u"licensed_not_billed 0C Suspended (Suspend)"_qs,
            u"seat_drift 01 none"_qs, // 30 used of 25 billed: bill for more
            u"seat_drift 02 seats 10 (Set seats to 10)"_qs,
            u"trial_mismatch 05 Active (Make Active)"_qs,
            u"trial_mismatch 06 none"_qs, // an Active license cannot go back to Trial
            u"date_drift 02 2026-09-15 (Set the expiration to 2026-09-15)"_qs,
            u"date_drift 06 2026-09-10 (Set the expiration to 2026-09-10)"_qs,
            u"dunning 02 Suspended (Suspend)"_qs,
            u"unlinked - none"_qs,
            u"unlinked 0A none"_qs,
            u"unlinked 0B none"_qs,
            u"unlinked 0C none"_qs,
        };
        QCOMPARE(changes, expected);
        QCOMPARE(r->toJson().value(u"findings"_qs).toArray().at(5).toObject().value(u"change"_qs).toString(), u"Set seats to 10"_qs);
    }

    void namesAndEmailDomainsSayWhichOrgACustomerIs()
    {
        QCOMPARE(companyKey(u"Acme, Inc."_qs), u"acme"_qs);
        QCOMPARE(companyKey(u"ACME Inc"_qs), u"acme"_qs);
        QCOMPARE(companyKey(u"Acme GmbH"_qs), u"acme"_qs);
        QCOMPARE(companyKey(u"Acme Corp."_qs), u"acme"_qs);
        QCOMPARE(companyKey(u"Inco"_qs), u"inco"_qs);
        QCOMPARE(companyKey(u"Co"_qs), u"co"_qs); // a name is never dropped whole
        QCOMPARE(companyKey(u"Wayne Enterprises"_qs), u"wayneenterprises"_qs);
        QCOMPARE(emailDomain(u"Ops@Acme.COM"_qs), u"acme.com"_qs);
        QCOMPARE(emailDomain(u"nobody"_qs), QString());
        QCOMPARE(emailDomain(u"x@localhost"_qs), QString());
        QCOMPARE(domainName(u"acme.com"_qs), u"acme"_qs);
        QCOMPARE(domainName(u"mail.acme.co.uk"_qs), u"acme"_qs);
        QCOMPARE(domainName(u"acme.io"_qs), u"acme"_qs);
        QVERIFY(isSharedMailDomain(u"gmail.com"_qs));
        QVERIFY(!isSharedMailDomain(u"acme.com"_qs));
    }

    // A subscription its export links to no org is proposed an org by its customer's name or
    // its email's domain; the user confirms, and the link is kept: reconcile reads it, a later
    // export of the same source keeps it, and it is proposed no more.
    void aLinkByNameConfirmedIsKeptForTheNextExport()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        const QString path = m_dir.filePath(QStringLiteral("crm-%1.csv").arg(m_next));
        auto imported = importCrmTable(*db, path,
                                       "n1,\"Oscorp, Inc.\",ap@oscorp-mail.example,Ledgerly Payroll,4,Billed,2027-01-01\n" // by name
                                       "n2,Miles Dyson,billing@cyberdyne.example,Ledgerly Billing,3,Billed,2027-06-01\n"    // by domain
                                       "n3,Jo,jo@gmail.com,Ledgerly Billing,1,Billed,2027-01-01\n"        // a shared domain: none
                                       "n4,Vandelay,art@vandelay.example,Ledgerly Billing,5,Billed,2027-01-01\n" // a sandbox: none
                                       "n5,Road Runner,rr@acme.example,Ledgerly Billing,2,Billed,2027-01-01\n"   // s1's domain
                                       "n6,Globex,x@globex2.example,Ledgerly Billing,2,Canceled,2027-01-01\n");  // canceled: none
        QVERIFY2(imported, qPrintable(imported ? QString() : imported.error().message));
        QCOMPARE(imported->withOrg, 0);
        auto proposals = proposeLinks(db->connection());
        QVERIFY2(proposals, qPrintable(proposals ? QString() : proposals.error().message));
        QStringList got;
        for (const LinkProposal &p : proposals.value())
            got << p.subscriptionId + u' ' + p.orgId.right(2) + u' ' + matchByName(p.by);
        QCOMPARE(got, (QStringList{u"n1 0D name"_qs, u"n2 0A domain"_qs, u"n5 01 linked_domain"_qs}));
        const LinkProposal &oscorp = proposals->front();
        QCOMPARE(oscorp.accountName, u"Oscorp"_qs);
        QCOMPARE(oscorp.reason, u"the customer's name, Oscorp, Inc., is the org's account name, Oscorp, but for the legal form; it has "
                                "a license of the package the plan names"_qs);
        QVERIFY(oscorp.hasPlansPackage);
        QCOMPARE(oscorp.packages, QStringList{u"Ledgerly Payroll"_qs});
        QVERIFY2(proposals->at(2).reason.contains(u"subscription s1, of the same email domain (acme.example)"_qs),
                 qPrintable(proposals->at(2).reason));

        ReconcileOptions options;
        options.asOf = QDate(2026, 8, 20);
        auto before = reconcile(db->connection(), options);
        QVERIFY(before);
        QVERIFY(findingOf(*before, u"unlinked"_qs, u"n1"_qs));

        // Confirmed: an 18-character id is kept as its 15.
        QVERIFY(confirmLink(db->connection(), u"crm"_qs, u"n1"_qs, SalesforceId::fromString(u"00D00000000000D"_qs).to18(),
                            matchByName(oscorp.by), u"tester"_qs));
        auto refused = confirmLink(db->connection(), u"crm"_qs, u"n1"_qs, u"a0B000000000001"_qs, u"manual"_qs, u"tester"_qs);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"not a subscriber org's id"_qs), qPrintable(refused.error().message));
        auto unknown = confirmLink(db->connection(), u"crm"_qs, u"n9"_qs, u"00D00000000000D"_qs, u"manual"_qs, u"tester"_qs);
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().message.contains(u"has no subscription n9"_qs), qPrintable(unknown.error().message));
        auto links = keptLinks(db->connection());
        QVERIFY(links);
        QCOMPARE(links->size(), size_t(1));
        QCOMPARE(links->front().orgId, u"00D00000000000D"_qs);
        QCOMPARE(links->front().matchedBy, u"name"_qs);
        QCOMPARE(links->front().linkedBy, u"tester"_qs);

        auto after = reconcile(db->connection(), options);
        QVERIFY(after);
        QVERIFY(!findingOf(*after, u"unlinked"_qs, u"n1"_qs));
        QVERIFY(findingOf(*after, u"unlinked"_qs, u"n2"_qs));
        auto again = proposeLinks(db->connection());
        QVERIFY(again);
        QCOMPARE(again->size(), size_t(2)); // n1 is linked: n2 and n5 are left

        // The next export of the same source: n1 now bills 6 seats; its link holds.
        auto later = importCrmTable(*db, path, "n1,\"Oscorp, Inc.\",ap@oscorp-mail.example,Ledgerly Payroll,6,Billed,2027-01-01\n");
        QVERIFY(later);
        QCOMPARE(later->updated, 1);
        auto next = reconcile(db->connection(), options);
        QVERIFY(next);
        QVERIFY(!findingOf(*next, u"unlinked"_qs, u"n1"_qs));
        const Finding *drift = findingOf(*next, u"seat_drift"_qs, u"n1"_qs);
        QVERIFY(drift);
        QCOMPARE(drift->orgId, u"00D00000000000D"_qs);
        QCOMPARE(drift->detail, u"licensed seats 4, billed quantity 6"_qs);
        QVERIFY(drift->change && drift->change->seats && *drift->change->seats == 6);

        // Taken back, the subscription is unlinked again.
        QVERIFY(removeLink(db->connection(), u"crm"_qs, u"n1"_qs));
        auto undone = reconcile(db->connection(), options);
        QVERIFY(undone);
        QVERIFY(findingOf(*undone, u"unlinked"_qs, u"n1"_qs));
    }

    // An account with several orgs: the one with a license of the package the plan names first.
    void theOrgWithThePlansPackageIsProposedFirst()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        // A second org of Globex (00D...0E), with Ledgerly Payroll; the first (02) has Ledgerly Billing.
        const QString licenses = m_dir.filePath(QStringLiteral("globex-%1.csv").arg(m_next));
        QVERIFY(writeFile(licenses, "Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c,"
                                    "sfLma__Account__r.Name\n"
                                    + SalesforceId::fromString(u"a0B000000099999"_qs).to18().toLatin1()
                                    + ",L-0000099,Ledgerly Payroll,Active,3,00D00000000000E,Globex\n"));
        QVERIFY(importFile(*db, licenses));
        const QString path = m_dir.filePath(QStringLiteral("crm-globex-%1.csv").arg(m_next));
        QVERIFY(importCrmTable(*db, path, "g1,Globex,x@globex-mail.example,Ledgerly Payroll,3,Billed,2027-01-01\n"
                                          "g2,Globex,y@globex-mail.example,Ledgerly Billing,3,Billed,2027-01-01\n"));
        auto proposals = proposeLinks(db->connection());
        QVERIFY(proposals);
        QStringList got;
        for (const LinkProposal &p : proposals.value())
            got << p.subscriptionId + u' ' + p.orgId.right(2) + (p.hasPlansPackage ? u"*"_qs : QString());
        QCOMPARE(got, (QStringList{u"g1 0E*"_qs, u"g1 02"_qs, u"g2 02*"_qs, u"g2 0E"_qs}));
    }

    // A plan that names another package than the org's only license pays for none of its
    // licenses: the subscription is unlinked, and that package is not made "billed" by it.
    void aPlanNamingAnotherPackageIsNotTheOrgsOnlyLicense()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        const QString path = m_dir.filePath(QStringLiteral("stray-%1.csv").arg(m_next));
        QVERIFY(writeFile(path, QByteArray(kStripeHeader)
                                    + "x1,c1,a@initech.example,ledgerly_payroll_monthly,5,active,2026-09-03 00:00,false,49,usd,month,"
                                      "00D000000000005\n"));
        BillingImportOptions o;
        o.source = QStringLiteral("stray");
        QVERIFY(importBillingFile(*db, path, o));
        ReconcileOptions options;
        options.asOf = QDate(2026, 8, 20);
        auto r = reconcile(db->connection(), options);
        QVERIFY(r);
        const Finding *stray = findingOf(*r, u"unlinked"_qs, u"x1"_qs);
        QVERIFY(stray);
        QCOMPARE(stray->detail, u"the plan \"ledgerly_payroll_monthly\" names Ledgerly Payroll, and the org has no license of it"_qs);
        for (const Finding &f : r->findings)
            QVERIFY2(!(f.rule == u"licensed_not_billed"_qs && f.package == u"Ledgerly Payroll"_qs), qPrintable(f.orgId));
        QCOMPARE(r->count(u"licensed_not_billed"_qs), 3); // as without the stray subscription
    }

    // A name more than 25 orgs share tells none of them apart: no proposal by it; 25 are proposed.
    void aNameManyOrgsShareProposesNone()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        const QString licenses = m_dir.filePath(QStringLiteral("namesakes-%1.csv").arg(m_next));
        QByteArray csv = "Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n";
        for (int i = 0; i < 26; ++i) {
            const QByteArray n = QByteArray::number(i).rightJustified(2, '0');
            csv += SalesforceId::fromString(u"a0B0000001000"_qs + QString::fromLatin1(n)).to18().toLatin1() + ",L-00010" + n
                   + ",Ledgerly Billing,Active,3,00D0000000010" + n + (i < 25 ? ",Common Co\n" : ",Common Co Inc\n");
        }
        QVERIFY(writeFile(licenses, csv));
        QVERIFY(importFile(*db, licenses));
        const QString path = m_dir.filePath(QStringLiteral("crm-common-%1.csv").arg(m_next));
        QVERIFY(importCrmTable(*db, path, "c1,Common Co,x@gmail.com,Ledgerly Billing,3,Billed,2027-01-01\n"));
        auto proposals = proposeLinks(db->connection());
        QVERIFY(proposals);
        // "Common Co" whole: 25 orgs, proposed (five of them); "common" but for the form: 26, none.
        QCOMPARE(int(proposals->size()), 5);
        for (const LinkProposal &p : proposals.value())
            QCOMPARE(p.accountName, u"Common Co"_qs);
    }

    // An email domain whose subscriptions are linked to several orgs (a reseller's) names none.
    void aDomainOfSeveralOrgsProposesNone()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        const QString path = m_dir.filePath(QStringLiteral("reseller-%1.csv").arg(m_next));
        QVERIFY(writeFile(path, QByteArray(kStripeHeader)
                                    + "r1,c1,ops@reseller.example,ledgerly_billing_monthly,5,active,2026-09-10 00:00,false,49,usd,month,00D000000000001\n"
                                      "r2,c2,ops@reseller.example,ledgerly_billing_monthly,5,active,2026-09-10 00:00,false,49,usd,month,00D000000000002\n"
                                      "r3,c3,ops@reseller.example,ledgerly_billing_monthly,5,active,2026-09-10 00:00,false,49,usd,month,\n"));
        BillingImportOptions o;
        o.source = QStringLiteral("reseller");
        QVERIFY(importBillingFile(*db, path, o));
        auto proposals = proposeLinks(db->connection());
        QVERIFY(proposals);
        for (const LinkProposal &p : proposals.value())
            QVERIFY2(p.subscriptionId != u"r3"_qs, qPrintable(p.reason));
    }

    // A plan whose name names no package (or names several) pays for the package a user says.
    void aPlanPaysForThePackageAUserSays()
    {
        auto db = newDatabase();
        writeReconcileFixture(*db);
        ReconcileOptions options;
        options.asOf = QDate(2026, 8, 20);
        auto before = reconcile(db->connection(), options);
        QVERIFY(before);
        QVERIFY(findingOf(*before, u"unlinked"_qs, u"s9"_qs));
        auto wrongPackage = setPlanPackage(db->connection(), u"stripe"_qs, u"enterprise_bundle"_qs, u"Ledgerly Nothing"_qs, u"t"_qs);
        QVERIFY(!wrongPackage);
        QVERIFY2(wrongPackage.error().message.contains(u"no package \"Ledgerly Nothing\""_qs), qPrintable(wrongPackage.error().message));
        auto wrongSource = setPlanPackage(db->connection(), u"paddle"_qs, u"enterprise_bundle"_qs, u"Ledgerly Payroll"_qs, u"t"_qs);
        QVERIFY(!wrongSource);
        QVERIFY2(wrongSource.error().message.contains(u"no billing source \"paddle\""_qs), qPrintable(wrongSource.error().message));
        // Matched folded, the package by its name case aside.
        auto set = setPlanPackage(db->connection(), u"stripe"_qs, u"Enterprise Bundle"_qs, u"ledgerly payroll"_qs, u"t"_qs);
        QVERIFY2(set, qPrintable(set ? QString() : set.error().message));
        QCOMPARE(set->package, u"Ledgerly Payroll"_qs);
        auto plans = planPackages(db->connection());
        QVERIFY(plans);
        QCOMPARE(plans->size(), size_t(1));
        auto after = reconcile(db->connection(), options);
        QVERIFY(after);
        QVERIFY(!findingOf(*after, u"unlinked"_qs, u"s9"_qs));
        // Tyrell's Payroll license is billed by s9 now (9 seats, 9 billed: no drift), and
        // Payroll is a billed package: Oscorp's Payroll license, which nothing bills, is found.
        QVERIFY(!findingOf(*after, u"seat_drift"_qs, u"s9"_qs));
        bool oscorp = false;
        for (const Finding &f : after->findings)
            oscorp = oscorp || (f.rule == u"licensed_not_billed"_qs && f.orgId == u"00D00000000000D"_qs && f.package == u"Ledgerly Payroll"_qs);
        QVERIFY(oscorp);
        // A plan said to pay for a package the org has no license of is unlinked, and says so.
        QVERIFY(setPlanPackage(db->connection(), u"stripe"_qs, u"ledgerly_billing_annual"_qs, u"Ledgerly Payroll"_qs, u"t"_qs));
        auto wrong = reconcile(db->connection(), options);
        QVERIFY(wrong);
        const Finding *acme = findingOf(*wrong, u"unlinked"_qs, u"s1"_qs);
        QVERIFY(acme);
        QCOMPARE(acme->detail, u"the plan \"ledgerly_billing_annual\" pays for Ledgerly Payroll, and the org has no license of it"_qs);
        QVERIFY(removePlanPackage(db->connection(), u"stripe"_qs, u"ledgerly billing annual"_qs));
        auto back = reconcile(db->connection(), options);
        QVERIFY(back);
        QVERIFY(!findingOf(*back, u"unlinked"_qs, u"s1"_qs));
    }

    // A cancelled import keeps nothing of its file, not even its source.
    void aCancelledImportKeepsNothing()
    {
        auto db = newDatabase();
        BillingImportOptions o;
        qint64 asked = 0;
        o.cancelled = [&](qint64 rows) {
            ++asked;
            return rows >= 3;
        };
        auto r = importBillingFile(*db, data("stripe-subscriptions.csv"), o);
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QVERIFY2(r.error().message.contains(u"nothing of it was kept"_qs), qPrintable(r.error().message));
        QVERIFY(asked >= 1);
        QCOMPARE(count(*db), 0);
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM billing_sources"_qs) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void theCommandLineSaysWhatItDidAndExitsByIt()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("cli.sqlite")));
        auto run = [&](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(LMODESK_BINARY), QStringList{QStringLiteral("billing"), QStringLiteral("import"),
                                                                 QStringLiteral("--db"), db} + args);
            p.waitForFinished(-1);
            return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
        };
        auto [ok, okText] = run({data("stripe-subscriptions.csv")});
        QCOMPARE(ok, 0);
        QVERIFY2(okText.contains(QStringLiteral("read 5, inserted 5")), qPrintable(okText));
        auto [some, someText] = run({QStringLiteral("--source"), QStringLiteral("netsuite"), QStringLiteral("--map"),
                                     QStringLiteral("subscription_id=Internal ID"), QStringLiteral("--status"), QStringLiteral("Billed=active"),
                                     QStringLiteral("--status"), QStringLiteral("Pending Billing=trialing"), data("netsuite-saved-search.csv")});
        QCOMPARE(some, 3);
        QVERIFY2(someText.contains(QStringLiteral("rejected netsuite-saved-search.csv:5: column \"Status\"")), qPrintable(someText));
        auto [bad, badText] = run({QStringLiteral("--map"), QStringLiteral("seats_count=Quantity"), data("stripe-subscriptions.csv")});
        QCOMPARE(bad, 2);
        QVERIFY2(badText.contains(QStringLiteral("not FIELD=COLUMN")), qPrintable(badText));
        auto [none, noneText] = run({data("netsuite-saved-search.csv")});
        QCOMPARE(none, 2);
        QVERIFY2(noneText.contains(QStringLiteral("--source NAME")), qPrintable(noneText));

        auto reconcileRun = [&](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(LMODESK_BINARY), QStringList{QStringLiteral("reconcile"), QStringLiteral("--db"), db} + args);
            p.waitForFinished(-1);
            return std::pair{p.exitCode(), p.readAllStandardOutput() + p.readAllStandardError()};
        };
        auto [json, jsonText] = reconcileRun({QStringLiteral("--as-of"), QStringLiteral("2026-08-20"), QStringLiteral("--json")});
        QCOMPARE(json, 0);
        const QJsonObject result = QJsonDocument::fromJson(jsonText).object();
        QCOMPARE(result.value(QStringLiteral("as_of")).toString(), QStringLiteral("2026-08-20"));
        QCOMPARE(result.value(QStringLiteral("counts")).toObject().size(), 7);
        QCOMPARE(result.value(QStringLiteral("subscriptions")).toInt(), 8); // Stripe's 5, the table's 3
        // No license in this database: each of the 7 live subscriptions names no org or an org
        // without licenses (Stripe's canceled one is not judged).
        QCOMPARE(result.value(QStringLiteral("counts")).toObject().value(QStringLiteral("unlinked")).toInt(), 7);
        auto [badDay, badDayText] = reconcileRun({QStringLiteral("--as-of"), QStringLiteral("2026-02-30")});
        QCOMPARE(badDay, 2);
        auto [badTolerance, badToleranceText] = reconcileRun({QStringLiteral("--tolerance"), QStringLiteral("soon")});
        QCOMPARE(badTolerance, 2);
        QVERIFY2(badToleranceText.contains("--tolerance"), badToleranceText.constData());

        // Links and plans: two sources here, so each command names its own.
        auto billing = [&](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(LMODESK_BINARY), QStringList{QStringLiteral("billing")} + args + QStringList{QStringLiteral("--db"), db});
            p.waitForFinished(-1);
            return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
        };
        auto [noSource, noSourceText] = billing({QStringLiteral("link"), QStringLiteral("sub_1"), QStringLiteral("00D000000000001")});
        QCOMPARE(noSource, 2);
        QVERIFY2(noSourceText.contains(QStringLiteral("--source")), qPrintable(noSourceText));
        const QString sub = QStringLiteral("48377");
        auto [linked, linkedText] = billing({QStringLiteral("link"), QStringLiteral("--source"), QStringLiteral("netsuite"), sub,
                                             QStringLiteral("00D000000000001")});
        QCOMPARE(linked, 0);
        QVERIFY2(linkedText.contains(QStringLiteral("netsuite 48377 is linked to org 00D000000000001")), qPrintable(linkedText));
        auto [badOrg, badOrgText] = billing({QStringLiteral("link"), QStringLiteral("--source"), QStringLiteral("netsuite"), sub,
                                             QStringLiteral("00X000000000001")});
        QCOMPARE(badOrg, 2);
        QVERIFY2(badOrgText.contains(QStringLiteral("not a subscriber org's id")), qPrintable(badOrgText));
        auto [listed, listedText] = billing({QStringLiteral("links")});
        QCOMPARE(listed, 0);
        QVERIFY2(listedText.contains(QStringLiteral("netsuite 48377 -> org 00D000000000001 (manual")), qPrintable(listedText));
        auto [plan, planText] = billing({QStringLiteral("plan"), QStringLiteral("--source"), QStringLiteral("netsuite"),
                                         QStringLiteral("LMO-PRO-ANNUAL"), QStringLiteral("Ledgerly")});
        QCOMPARE(plan, 2); // this database has no package
        QVERIFY2(planText.contains(QStringLiteral("no package \"Ledgerly\"")), qPrintable(planText));
    }
};

QTEST_GUILESS_MAIN(TestBilling)
#include "tst_billing.moc"
