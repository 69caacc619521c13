// Billing exports read into subscriptions: each source's status words, the columns each format
// names, the org id rule, the import and its re-import, every value a row can get wrong, a
// table read through a mapping kept for its source. Runs on both engines.
#include "fixtures.h"

#include "billing/billing.h"
#include "billing/billingimport.h"
#include "domain/salesforceid.h"
#include "storage/database.h"

#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace lmo::billing;

namespace {

QString data(const char *name)
{
    return QFINDTESTDATA(QStringLiteral("data/billing/") + QLatin1String(name));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
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

const char kStripeHeader[] = "id,Customer ID,Customer Email,Plan,Quantity,Status,Current Period End (UTC),Cancel At Period End,"
                             "Amount,Currency,Interval,sf_org_id (metadata)\n";

} // namespace

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
        const ColumnMap map = mapColumns(Format::Stripe, header, {}, &missing);
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
    }
};

QTEST_GUILESS_MAIN(TestBilling)
#include "tst_billing.moc"
