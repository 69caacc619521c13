// The license list in SQL: every filter and sort of the Licenses page, on the hand-made
// fixture (15 licenses, as of 2026-06-15), whose answers are worked out below.
#include "fixtures.h"

#include <QSqlDriver>
#include <QSqlField>

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "storage/bulkload.h"
#include "browse/subscriberlist.h"
#include "domain/subscriber.h"
#include "storage/licenserepository.h"
#include "storage/subscribersummary.h"
#include "storage/sqlutil.h"
#include "domain/salesforceid.h"
#include "import/importer.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(lmo::LicenseFilter)

class TestLicenseList : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = test::createFixtureDatabase(m_dir.filePath(u"list.sqlite"_s));
        QVERIFY(m_db);
        auto packages = reader().packages();
        QVERIFY(packages.ok());
        m_packages = packages.value();
        QCOMPARE(int(m_packages.size()), 3);
    }

    void filters_data()
    {
        QTest::addColumn<LicenseFilter>("filter");
        QTest::addColumn<QStringList>("expected"); // license names, any order
        auto names = [](std::initializer_list<int> serials) {
            QStringList out;
            for (int s : serials)
                out << QStringLiteral("L-%1").arg(s, 5, 10, QLatin1Char('0'));
            return out;
        };
        LicenseFilter f;
        f.asOf = test::kFixtureAsOf;
        QTest::newRow("none") << f << names({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});

        LicenseFilter active = f;
        active.statuses = {Status::Active};
        QTest::newRow("stored Active") << active << names({1, 2, 5, 6, 7, 11, 14});
        LicenseFilter two = f;
        two.statuses = {Status::Suspended, Status::Uninstalled};
        QTest::newRow("Suspended or Uninstalled") << two << names({8, 9, 10, 13, 15});

        // Expired: Active or Trial with an expiration before 2026-06-15 (L-00003 expires on it:
        // still a trial that day; L-00014's 1970-01-01 means it never expires).
        LicenseFilter expired = f;
        expired.effectiveStatuses = {EffectiveStatus::Expired};
        QTest::newRow("effectively Expired") << expired << names({4, 11});
        LicenseFilter effActive = f;
        effActive.effectiveStatuses = {EffectiveStatus::Active};
        QTest::newRow("effectively Active") << effActive << names({1, 2, 5, 6, 7, 14});
        LicenseFilter effTrialOrExpired = f;
        effTrialOrExpired.effectiveStatuses = {EffectiveStatus::Trial, EffectiveStatus::Expired};
        QTest::newRow("effectively Trial or Expired") << effTrialOrExpired << names({3, 4, 11, 12});

        LicenseFilter packageB = f;
        packageB.packages = {m_packages[1].rowId}; // by name: A, B, C
        QTest::newRow("package B") << packageB << names({2, 4, 6, 9, 12, 15});
        LicenseFilter packageC = f;
        packageC.packages = {m_packages[2].rowId};
        QTest::newRow("package C has none") << packageC << QStringList();

        LicenseFilter version = f;
        version.versions = {u"1.0"_s};
        QTest::newRow("version 1.0") << version << names({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
        LicenseFilter noVersion = f;
        noVersion.versions = {u"2.0"_s};
        QTest::newRow("version 2.0") << noVersion << QStringList();

        LicenseFilter edition = f;
        edition.editions = {u"Enterprise Edition"_s};
        QTest::newRow("edition") << edition << names({7, 10});
        LicenseFilter instance = f;
        instance.instances = {u"NA135"_s};
        QTest::newRow("instance") << instance << names({1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15});

        LicenseFilter sandbox = f;
        sandbox.sandbox = true;
        QTest::newRow("sandboxes") << sandbox << names({7, 10});
        LicenseFilter production = f;
        production.sandbox = false;
        QTest::newRow("not sandboxes") << production << names({1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15});

        LicenseFilter site = f;
        site.siteLicense = true;
        QTest::newRow("site licenses") << site << names({2, 7, 10});
        LicenseFilter seats = f;
        seats.siteLicense = false;
        QTest::newRow("seat licenses") << seats << names({1, 3, 4, 5, 6, 8, 9, 11, 12, 13, 14, 15});

        // Installed on 2025-01-01 + 10 days x serial: 4 (2025-02-10) to 8 (2025-03-22).
        LicenseFilter installed = f;
        installed.installedFrom = QDate(2025, 2, 1);
        installed.installedTo = QDate(2025, 3, 31);
        QTest::newRow("installed Feb-Mar 2025") << installed << names({4, 5, 6, 7, 8});
        LicenseFilter since = f;
        since.installedFrom = QDate(2025, 5, 31); // L-00015's day exactly
        QTest::newRow("installed from") << since << names({15});

        // Active or Trial, expiring 2026-06-15 to 2026-07-15: L-00003 (that day), L-00012
        // (07-01), L-00005 (07-15); not L-00006 (07-16), nor the suspended L-00013.
        LicenseFilter expiring = f;
        expiring.expiringWithinDays = 30;
        QTest::newRow("expiring within 30 days") << expiring << names({3, 5, 12});

        LicenseFilter text = f;
        text.text = u"l-0001"_s;
        QTest::newRow("text: license name, any case") << text << names({10, 11, 12, 13, 14, 15});
        LicenseFilter org18 = f;
        org18.text = u" 00D000000000007EAA "_s;
        QTest::newRow("text: org id, 18 characters") << org18 << names({11, 12});
        LicenseFilter org15 = f;
        org15.text = u"00D00000000000a"_s; // differs from ...A only in case: another org
        QTest::newRow("text: org id, 15 characters, case-sensitive") << org15 << names({13});
        LicenseFilter package = f;
        package.text = u"package b"_s;
        QTest::newRow("text: package name") << package << names({2, 4, 6, 9, 12, 15});
        LicenseFilter percent = f;
        percent.text = u"100%"_s;
        QTest::newRow("text: % is literal") << percent << QStringList();
        LicenseFilter account = f;
        account.text = u"of 00D000000000005"_s;
        QTest::newRow("text: account name") << account << names({8, 9});

        LicenseFilter combined = f;
        combined.statuses = {Status::Active};
        combined.packages = {m_packages[0].rowId};
        combined.siteLicense = false;
        QTest::newRow("Active, package A, seats") << combined << names({1, 5, 11, 14});
    }
    void filters()
    {
        QFETCH(LicenseFilter, filter);
        QFETCH(QStringList, expected);
        LicenseQuery query;
        query.filter = filter;
        const auto segments = buildLicenseQuery(query, m_packages, m_db->dialect());
        auto counts = reader().segmentCounts(segments);
        QVERIFY(counts.ok());
        qint64 total = 0;
        for (qint64 c : counts.value())
            total += c;
        QCOMPARE(total, qint64(expected.size()));
        auto rows = reader().window(segments, counts.value(), 0, 100, test::kFixtureAsOf);
        QVERIFY(rows.ok());
        QStringList names;
        for (const LicenseRow &r : rows.value())
            names << r.name;
        names.sort();
        expected.sort();
        QCOMPARE(names, expected);
    }

    // Every sort, both ways: the list is ordered by the column's value, and every window of
    // it, read from the start or from the end, agrees with the id list.
    void sorts_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        for (int c = 0; c < kLicenseColumnCount; ++c) {
            QTest::addRow("%s asc", qPrintable(licenseColumnKey(LicenseColumn(c)))) << c << false;
            QTest::addRow("%s desc", qPrintable(licenseColumnKey(LicenseColumn(c)))) << c << true;
        }
    }
    // The list's ids in four bytes each until one needs eight: every id kept, in order.
    void idsWidenWhenAnIdPassesThirtyTwoBits()
    {
        LicenseIds ids;
        ids.reserve(4);
        for (qint64 id : {7LL, 4'294'967'295LL, 0LL})
            ids.push_back(id);
        QCOMPARE(ids.bytes(), size_t(4 * 4));
        QCOMPARE(ids.indexOf(4'294'967'295LL), qint64(1));
        QCOMPARE(ids.indexOf(4'294'967'296LL), qint64(-1));
        QCOMPARE(ids.indexOf(-7), qint64(-1));
        ids.push_back(4'294'967'296LL);
        ids.push_back(-3);
        ids.push_back(12);
        QCOMPARE(ids.size(), size_t(6));
        QCOMPARE(ids.toVector(), (std::vector<qint64>{7, 4'294'967'295LL, 0, 4'294'967'296LL, -3, 12}));
        QCOMPARE(ids.slice(2, 4), (std::vector<qint64>{0, 4'294'967'296LL}));
        QCOMPARE(ids.slice(5, 99), (std::vector<qint64>{12}));
        QVERIFY(ids.slice(6, 9).empty());
        QCOMPARE(ids.indexOf(4'294'967'296LL), qint64(3));
        QCOMPARE(ids.indexOf(-3), qint64(4));
        QCOMPARE(ids[0], qint64(7));
        ids.release();
        QVERIFY(ids.empty());
        QCOMPARE(ids.bytes(), size_t(0));
    }

    void sorts()
    {
        QFETCH(int, column);
        QFETCH(bool, descending);
        LicenseQuery query;
        query.filter.asOf = test::kFixtureAsOf;
        query.sortColumn = LicenseColumn(column);
        query.order = descending ? Qt::DescendingOrder : Qt::AscendingOrder;
        const auto segments = buildLicenseQuery(query, m_packages, m_db->dialect());
        auto listed = reader().ids(segments);
        QVERIFY(listed.ok());
        QCOMPARE(int(listed->size()), 15);
        const std::optional<std::vector<qint64>> ids = listed->toVector();
        auto counts = reader().segmentCounts(segments);
        QVERIFY(counts.ok());
        auto all = reader().rowsById(ids->data(), ids->size(), test::kFixtureAsOf);
        QVERIFY(all.ok());
        for (int i = 1; i < 15; ++i) {
            const int c = compare(all.value()[size_t(i - 1)], all.value()[size_t(i)], LicenseColumn(column));
            QVERIFY2(descending ? c >= 0 : c <= 0,
                     qPrintable(u"%1 before %2"_s.arg(all.value()[size_t(i - 1)].name, all.value()[size_t(i)].name)));
        }
        for (int offset = 0; offset < 15; ++offset) {
            for (int limit : {1, 4, 15}) {
                auto window = reader().window(segments, counts.value(), offset, limit, test::kFixtureAsOf);
                QVERIFY(window.ok());
                QCOMPARE(int(window->size()), qMin(limit, 15 - offset));
                for (size_t k = 0; k < window->size(); ++k)
                    QCOMPARE(window.value()[k].id, ids.value()[size_t(offset) + k]);
            }
        }
        // Without counts, the first window still comes right.
        auto first = reader().window(segments, {}, 0, 5, test::kFixtureAsOf);
        QVERIFY(first.ok());
        QCOMPARE(int(first->size()), 5);
        QCOMPARE(first.value()[0].id, ids.value()[0]);
        QCOMPARE(first.value()[4].id, ids.value()[4]);
    }

    void expirationSortsDoesNotExpireLast()
    {
        LicenseQuery query;
        query.filter.asOf = test::kFixtureAsOf;
        query.sortColumn = LicenseColumn::Expiration;
        query.order = Qt::AscendingOrder;
        const auto segments = buildLicenseQuery(query, m_packages, m_db->dialect());
        auto rows = reader().window(segments, {}, 0, 15, test::kFixtureAsOf);
        QVERIFY(rows.ok());
        QStringList names;
        for (const LicenseRow &r : rows.value())
            names << r.name.right(2);
        // 2025-12-31, 2026-01-01, 06-01, 06-14, 06-15, 06-20, 06-25, 07-01, 07-15, 07-16,
        // 2027-01-01, then the four that do not expire, by id.
        QCOMPARE(names.join(u' '), u"09 08 11 04 03 13 15 12 05 06 01 02 07 10 14"_s);
    }

    void effectiveStatusSortGroupsByStatusOnTheDay()
    {
        LicenseQuery query;
        query.filter.asOf = test::kFixtureAsOf;
        query.sortColumn = LicenseColumn::EffectiveStatus;
        query.order = Qt::AscendingOrder;
        const auto segments = buildLicenseQuery(query, m_packages, m_db->dialect());
        QCOMPARE(int(segments.size()), 5);
        auto counts = reader().segmentCounts(segments);
        QVERIFY(counts.ok());
        // Active 6, Expired 2, Suspended 2, Trial 2, Uninstalled 3.
        QCOMPARE(counts.value(), (std::vector<qint64>{6, 2, 2, 2, 3}));
    }

    // What a text search's plan is chosen from when no count is at hand: the number of licenses,
    // exact on SQLite, the server's statistics once it has them (the table's, whatever view a
    // role reads it through).
    void theEstimatedTotalIsTheCountOnceTheStatisticsAreRead()
    {
        QSqlDatabase c = m_db->connection();
        if (m_db->isTeamDatabase())
            QVERIFY(QSqlQuery(c).exec(u"ANALYZE licenses"_s));
        LicenseListReader reader(c, m_db->dialect());
        const auto estimated = reader.estimatedTotal();
        const auto exact = reader.total();
        QVERIFY2(estimated && exact, qPrintable(estimated ? QString() : estimated.error().message));
        QVERIFY(exact.value() > 0);
        QCOMPARE(estimated.value(), exact.value());
        if (m_db->isTeamDatabase()) {
            // The server's statistics, not a count: a license added since is not in them yet.
            QSqlQuery add(c);
            QVERIFY2(add.exec(u"INSERT INTO licenses (sf_id, package_ref, status, seats, org_id, name) "
                              "SELECT 'a0B00000000ESTIMA', MIN(id), 'Active', 1, '00D00000000ESTI', 'L-ESTIMATE' FROM packages"_s),
                     qPrintable(add.lastError().text()));
            QCOMPARE(reader.estimatedTotal().value(), exact.value());
            QCOMPARE(reader.total().value(), exact.value() + 1);
            QVERIFY(add.exec(u"DELETE FROM licenses WHERE sf_id = 'a0B00000000ESTIMA'"_s));
            QCOMPARE(reader.total().value(), exact.value());
        }
    }

    void rowsByIdKeepTheOrderAskedAndMarkWhatIsGone()
    {
        const qint64 ids[] = {3, 999999, 1};
        auto rows = reader().rowsById(ids, 3, test::kFixtureAsOf);
        QVERIFY(rows.ok());
        QCOMPARE(int(rows->size()), 3);
        QCOMPARE(rows.value()[0].id, 3);
        QCOMPARE(rows.value()[1].id, 0);
        QCOMPARE(rows.value()[2].id, 1);
        QCOMPARE(rows.value()[0].package, u"Package A"_s);
        QCOMPARE(rows.value()[0].effective, EffectiveStatus::Trial);
    }

    void theFilterOffersWhatTheDatabaseHolds()
    {
        auto choices = reader().choices();
        QVERIFY(choices.ok());
        QCOMPARE(int(choices->packages.size()), 3);
        QCOMPARE(choices->packages[0].name, u"Package A"_s);
        QCOMPARE(choices->versions, QStringList{u"1.0"_s});
        QCOMPARE(choices->editions, (QStringList{u"Enterprise Edition"_s, u"Unlimited Edition"_s}));
        QCOMPARE(choices->instances, (QStringList{u"CS42"_s, u"NA135"_s}));
        QCOMPARE(reader().total().value(), 15);
    }

    void everySortAndFilterColumnHasAnIndex()
    {
        // What makes the first rows of any sort come at once on a million licenses: the plan
        // reads an index in order instead of sorting ("USE TEMP B-TREE").
        // SQLite's planner, on its own file (a server plans from statistics of its own).
        auto db = sqliteFixture(u"plans.sqlite"_s);
        QVERIFY(db);
        auto packages = LicenseListReader(db->connection(), db->dialect()).packages();
        QVERIFY(packages.ok());
        for (int c = 0; c < kLicenseColumnCount; ++c) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                LicenseQuery query;
                query.sortColumn = LicenseColumn(c);
                query.order = order;
                for (const LicenseQuerySegment &s : buildLicenseQuery(query, packages.value(), db->dialect())) {
                    QSqlQuery q(db->connection());
                    q.prepare(u"EXPLAIN QUERY PLAN SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref "
                              "WHERE %2 ORDER BY %3 LIMIT 10"_s.arg(LicenseListReader::rowColumnsSql(), s.where, s.orderBy));
                    for (const QVariant &v : s.binds)
                        q.addBindValue(v);
                    QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
                    QString plan;
                    while (q.next())
                        plan += q.value(3).toString() + u'\n';
                    QVERIFY2(!plan.contains(u"TEMP B-TREE"_s),
                             qPrintable(u"%1 %2:\n%3"_s.arg(licenseColumnKey(LicenseColumn(c))).arg(int(order)).arg(plan)));
                }
            }
        }
    }

    // The subscribers table says, for every org, what the domain rule says of its licenses.
    void theSubscriberSummaryAgreesWithTheDomainRule()
    {
        const std::vector<License> all = [&] {
            std::vector<License> out;
            for (qint64 id = 1; id <= 15; ++id)
                out.push_back(LicenseRepository(*m_db).findByRowId(id).value().value());
            return out;
        }();
        SubscriberListReader orgs(m_db->connection(), m_db->dialect());
        QCOMPARE(orgs.summaryPending().value(), false);
        QCOMPARE(orgs.total().value(), 9);
        auto rows = orgs.window(SubscriberQuery(), 0, 100, 9);
        QVERIFY(rows.ok());
        QCOMPARE(int(rows->size()), 9);
        for (const SubscriberRow &row : rows.value()) {
            const Subscriber s = Subscriber::fromLicenses(SalesforceId::fromString(row.orgId), all);
            QCOMPARE(row.licenses, qint64(s.licenses));
            QCOMPARE(row.installed, qint64(s.activeLicenses));
            QCOMPARE(row.seats, s.seatsLicensed);
            QCOMPARE(row.siteLicenses > 0, s.hasSiteLicense);
            QCOMPARE(row.used, s.seatsUsed);
            QCOMPARE(row.firstInstall, s.firstInstall);
            QCOMPARE(row.lastChange, s.lastChange);
            QCOMPARE(row.account, s.accountName);
            QCOMPARE(row.orgStatus, s.orgStatus);
            QCOMPARE(row.edition, s.orgEdition);
            QCOMPARE(row.sandbox, s.isSandbox);
            QCOMPARE(row.packages, s.packages);
        }
        // Sorted by licenses, descending; the end read from the end.
        SubscriberQuery bySize;
        bySize.sortColumn = SubscriberColumn::Licenses;
        bySize.order = Qt::DescendingOrder;
        auto first = orgs.window(bySize, 0, 9, 9);
        auto last = orgs.window(bySize, 7, 2, 9);
        QVERIFY(first.ok() && last.ok());
        QCOMPARE(first->front().licenses, 2);
        QCOMPARE(last->back().orgId, first->back().orgId);
        QCOMPARE(last->front().orgId, first.value()[7].orgId);
    }

    // The rebuild after an import reads and writes through SQLite's own statements; an edit's
    // refresh goes through QSqlQuery, as a server database would. Both say the same of every org,
    // whatever form a stored date-time has.
    void theRebuildAndTheRefreshSayTheSame()
    {
        // SQLite's own statements and the text forms of dates other programs write: an SQLite file.
        auto db = sqliteFixture(u"rebuild.sqlite"_s);
        QVERIFY(db);
        QSqlDatabase c = db->connection();
        auto table = [&c] {
            QSqlQuery q(c);
            if (!q.exec(u"SELECT * FROM subscribers ORDER BY org_id"_s))
                return q.lastError().text();
            QString dump;
            while (q.next()) {
                for (int i = 0; i < q.record().count(); ++i)
                    dump += (q.value(i).isNull() ? u"<null>"_s : q.value(i).toString()) + u'|';
                dump += u'\n';
            }
            return dump;
        };
        auto rebuild = [&] {
            Transaction t(c);
            return t.begin(u"test"_s) && SubscriberSummary::rebuild(c, db->dialect()) && t.commit(u"test"_s);
        };
        auto refreshAll = [&] {
            QStringList orgs;
            QSqlQuery q(c);
            q.exec(u"SELECT DISTINCT org_id FROM licenses"_s);
            while (q.next())
                orgs << q.value(0).toString();
            Transaction t(c);
            return t.begin(u"test"_s) && SubscriberSummary::refresh(c, db->dialect(), orgs) && t.commit(u"test"_s);
        };
        const QString before = table();
        QVERIFY(before.count(u'\n') >= 9);
        QVERIFY(rebuild());
        QCOMPARE(table(), before);

        // Date-times as other programs write them, a tie on the latest change, blank dates.
        const QStringList edits = {
            u"UPDATE licenses SET last_modified = '2026-03-01T10:15:00.000Z' WHERE id = 1"_s,
            u"UPDATE licenses SET last_modified = '2026-03-01T12:15:00+01:00' WHERE id = 2"_s,
            u"UPDATE licenses SET last_modified = '2026-03-01 10:15:00' WHERE id = 3"_s,
            u"UPDATE licenses SET last_modified = NULL, install_date = NULL WHERE id = 4"_s,
            u"UPDATE licenses SET install_date = '2026-02-30' WHERE id = 5"_s,
            u"UPDATE licenses SET last_modified = (SELECT last_modified FROM licenses WHERE id = 7) WHERE id = 6"_s,
        };
        for (const QString &sql : edits)
            QVERIFY2(QSqlQuery(c).exec(sql), qPrintable(sql));
        QVERIFY(rebuild());
        const QString rebuilt = table();
        QVERIFY(rebuilt != before);
        QVERIFY(refreshAll());
        QCOMPARE(table(), rebuilt);
    }

    // The search through the substring index (SQLite) answers exactly as the LIKE over every
    // license does: every text, case, accent, pattern character and script; after inserts,
    // edits and deletions (the triggers), and after a bulk load while the index waits to be
    // rebuilt and once it is.
    void searchAnswersExactlyAsLikeDoes()
    {
        Database::OpenOptions create;
        create.create = true;
        auto opened = Database::open(test::location(m_dir.filePath(u"search.sqlite"_s)), create);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        Database &db = *opened.value();
        QSqlDatabase c = db.connection();
        QSqlQuery q(c);
        QVERIFY2(q.exec(u"INSERT INTO packages (sf_id, name) VALUES ('a0A000000000001AAA', 'Ünïcode Pkg'), "
                        "('a0A000000000002AAA', '100% Pack_age'), ('a0A000000000003AAA', '\u212Aelvin Suite')"_s),
                 qPrintable(q.lastError().text()));
        const QStringList names = {u"Acme Corp"_s, u"ACME corp"_s, u"acmé"_s, u"ÅNGSTRÖM AB"_s, u"ångström ab"_s,
                                   u"50% off_sale"_s, u"O'Brien \"Q\" Ltd"_s, u"x"_s, u"ab"_s, u"straße"_s, u"STRASSE"_s,
                                   u"日本語テキスト"_s, u"L-0001"_s, u"l-00010"_s, u"Tab\there"_s, u"back\\slash"_s};
        auto insert = [&](int i, const QString &name, const QVariant &account) {
            QSqlQuery in(c);
            in.prepare(u"INSERT INTO licenses (sf_id, package_ref, status, seats, org_id, name, account_name) VALUES (?, ?, 'Active', 1, ?, ?, ?)"_s);
            in.addBindValue(u"a0B%1"_s.arg(i, 15, 10, QLatin1Char('0')));
            in.addBindValue(qint64(i % 3 + 1));
            in.addBindValue(u"00D%1"_s.arg(i, 12, 10, QLatin1Char('0')));
            in.addBindValue(name);
            in.addBindValue(account);
            return in.exec() ? QString() : in.lastError().text();
        };
        for (int i = 0; i < names.size(); ++i) {
            const QString error = insert(i + 1, names[i], i % 3 == 0 ? QVariant() : QVariant(names[(i * 7) % names.size()] + u" Holdings"_s));
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
        const QStringList texts = {u"acme"_s, u"ACME"_s, u"cmé"_s, u"CMÉ"_s, u"ngstr"_s, u"NGSTRÖ"_s, u"ström"_s, u"%"_s, u"0% o"_s,
                                   u"_s"_s, u"o'b"_s, u"\"q\""_s, u"aße"_s, u"ss"_s, u"本語"_s, u"日本語テ"_s, u"x"_s, u"ab"_s,
                                   u"pkg"_s, u"ünï"_s, u"ÜNÏ"_s, u"ack_a"_s, u"00d0000"_s, u"00D00000000000"_s, u"ltd"_s,
                                   u"zzz"_s, u"kelvin"_s, u"e c"_s, u"holdings"_s, u"l-0001"_s, u"b\tb"_s, u"\t"_s, u"k\\s"_s, u"   acm  "_s};
        auto reference = [&](const QString &text) {
            // Today's SQL: the four LIKEs, every license read.
            const QString t = text.trimmed();
            QString e = t;
            e.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
            const QString pattern = u'%' + e + u'%';
            const QString like = db.dialect().kind() == Dialect::Kind::PostgreSQL ? u"ILIKE"_s : u"LIKE"_s;
            QSqlQuery r(c);
            r.prepare(u"SELECT l.id FROM licenses l WHERE l.name %1 ? ESCAPE '\\' OR l.account_name %1 ? ESCAPE '\\' OR "
                      "l.org_id %1 ? ESCAPE '\\' OR l.package_ref IN (SELECT id FROM packages WHERE name %1 ? ESCAPE '\\') ORDER BY l.id"_s
                          .arg(like));
            for (int i = 0; i < 4; ++i)
                r.addBindValue(pattern);
            QList<qint64> ids;
            if (r.exec())
                while (r.next())
                    ids << r.value(0).toLongLong();
            return ids;
        };
        // The packages' names as the model passes them; a query built without them (an empty
        // list) must answer the same.
        const auto readPackages = LicenseListReader(c, db.dialect()).packages();
        QVERIFY2(readPackages && readPackages->size() == 3, readPackages ? "" : qPrintable(readPackages.error().message));
        const std::vector<PackageName> packages = readPackages.value();
        int directSearches = 0; // on a server: no package's name can match, the trigram test on the row itself
        int probes = 0;         // and, for a text of three characters or more, its probe
        auto searched = [&](const QString &text, bool *throughIndex, LicensePlan plan = LicensePlan::Natural,
                            const std::vector<PackageName> &names = {}) {
            LicenseQuery query;
            query.filter.text = text;
            const auto segments = buildLicenseQuery(query, names, db.dialect(), plan);
            QList<qint64> ids;
            for (const LicenseQuerySegment &segment : segments) {
                if (segment.where.contains(u"license_search"_s) || segment.where.contains(u"licenses_search_trgm"_s))
                    *throughIndex = true;
                if (segment.where.contains(u"coalesce(l.name"_s)) {
                    *throughIndex = true;
                    ++directSearches;
                }
                QSqlQuery r(c);
                r.prepare(u"SELECT l.id FROM licenses l WHERE %1"_s.arg(segment.where));
                for (const QVariant &b : segment.binds)
                    r.addBindValue(b);
                if (!r.exec())
                    qWarning("%s", qPrintable(r.lastError().text()));
                while (r.next())
                    ids << r.value(0).toLongLong();
            }
            std::sort(ids.begin(), ids.end());
            return ids;
        };
        auto allAgree = [&](const char *when) {
            int viaIndex = 0;
            int withCandidates = 0;
            for (const QString &text : texts) {
                const SalesforceId id = SalesforceId::fromString(text.trimmed());
                if (!id.isNull())
                    continue; // an id is looked up exactly, not searched
                bool throughIndex = false;
                const QList<qint64> got = searched(text, &throughIndex);
                const QList<qint64> want = reference(text);
                if (got != want) {
                    qWarning("%s: \"%s\" found %lld, LIKE %lld", when, qPrintable(text), qint64(got.size()), qint64(want.size()));
                    return false;
                }
                // Built with the packages' names: the same rows (a text that some package's
                // name has keeps the package names in its test; the answer holds either way).
                bool unused = false;
                if (const QList<qint64> named = searched(text, &unused, LicensePlan::Natural, packages); named != want) {
                    qWarning("%s: \"%s\" with the packages' names found %lld, LIKE %lld", when, qPrintable(text),
                             qint64(named.size()), qint64(want.size()));
                    return false;
                }
                // The plan a search of many candidates takes (the sort's index walked, each id
                // tested from it): the same rows.
                if (const QList<qint64> followed = searched(text, &unused, LicensePlan::FollowSortOrder); followed != want) {
                    qWarning("%s: \"%s\" following the sort found %lld, LIKE %lld", when, qPrintable(text),
                             qint64(followed.size()), qint64(want.size()));
                    return false;
                }
                if (const QList<qint64> followed = searched(text, &unused, LicensePlan::FollowSortOrder, packages); followed != want) {
                    qWarning("%s: \"%s\" following the sort with the packages' names found %lld, LIKE %lld", when,
                             qPrintable(text), qint64(followed.size()), qint64(want.size()));
                    return false;
                }
                // What decides that plan: the index's candidates, never fewer than the matches.
                LicenseFilter alone;
                alone.text = text;
                if (const auto candidates = textCandidates(alone, db.dialect())) {
                    auto proposed = LicenseListReader(c, db.dialect()).candidateCount(*candidates, 1'000'000);
                    if (!proposed || proposed.value() < want.size()) {
                        qWarning("%s: \"%s\" has %lld candidates for %lld matches", when, qPrintable(text),
                                 proposed ? proposed.value() : -1, qint64(want.size()));
                        return false;
                    }
                    ++withCandidates;
                }
                // On a server with the packages' names, a probe: the true matches, exactly (far
                // fewer here than its limit).
                if (const auto probe = textCandidates(alone, db.dialect(), packages); probe && db.isTeamDatabase()) {
                    auto counted = LicenseListReader(c, db.dialect()).candidateCount(*probe, 1'000'000);
                    if (!counted || counted.value() != want.size() || !probe->probe) {
                        qWarning("%s: \"%s\" probed %lld for %lld matches", when, qPrintable(text),
                                 counted ? counted.value() : -1, qint64(want.size()));
                        return false;
                    }
                    ++probes;
                }
                viaIndex += throughIndex;
            }
            // Every text of three characters or more went through the index: on SQLite always,
            // on a server where pg_trgm is installed.
            if ((!db.isTeamDatabase() || test::hasSearchTrigramIndex(db)) && viaIndex < 20) {
                qWarning("%s: only %d searches used the index", when, viaIndex);
                return false;
            }
            // On a server, the texts that no package's name can have ("Ünïcode Pkg", "100%
            // Pack_age", "Kelvin Suite" with the Kelvin sign, which a server's locale may lower
            // to "k") leave the names out: every text here but "pkg", "ünï", "ÜNÏ", "ack_a", "%",
            // "kelvin", "\t", "x", "ab", the other non-ASCII ones and the id.
            if (db.isTeamDatabase() ? directSearches < 8 : directSearches != 0) {
                qWarning("%s: %d searches tested the joined texts directly", when, directSearches);
                return false;
            }
            directSearches = 0;
            if (db.isTeamDatabase() ? probes < 8 : probes != 0) {
                qWarning("%s: %d searches probed", when, probes);
                return false;
            }
            probes = 0;
            // Candidates are counted on SQLite only (a server plans from its own statistics).
            if (db.isTeamDatabase() ? withCandidates != 0 : withCandidates < 20) {
                qWarning("%s: %d searches counted candidates", when, withCandidates);
                return false;
            }
            return true;
        };
        QVERIFY(!reference(u"acme"_s).isEmpty() && !reference(u"ström"_s).isEmpty() && !reference(u"本語"_s).isEmpty());
        // Where the server's locale lowers the Kelvin sign, an ASCII text finds that package.
        if (db.isTeamDatabase()) {
            const auto lowersKelvin = queryNumber(c, u"SELECT CASE WHEN lower('\u212A') = 'k' THEN 1 ELSE 0 END"_s, u"test"_s);
            QVERIFY(lowersKelvin);
            if (lowersKelvin.value() == 1)
                QVERIFY(!reference(u"kelvin"_s).isEmpty());
        }
        // Candidates are for a search on text alone, of three characters or more.
        {
            LicenseFilter withStatus;
            withStatus.text = u"acme"_s;
            withStatus.statuses = {Status::Active};
            QVERIFY(!textCandidates(withStatus, db.dialect()));
            LicenseFilter shortText;
            shortText.text = u"ab"_s;
            QVERIFY(!textCandidates(shortText, db.dialect()));
            LicenseFilter org;
            org.text = u"00D000000000007EAA"_s;
            QVERIFY(!textCandidates(org, db.dialect()));
            QCOMPARE(chooseTextPlan(2'000, 1'000'000), LicensePlan::FollowSortOrder);
            QCOMPARE(chooseTextPlan(1'999, 1'000'000), LicensePlan::Natural);
            QCOMPARE(chooseTextPlan(0, 0), LicensePlan::Natural);
            // A server's probe: the walk once it counted its limit, which grows as the square
            // root of the licenses (never under a window's 256).
            QCOMPARE(textProbeLimit(0), qint64(256));
            QCOMPARE(textProbeLimit(1'000'000), qint64(6'325));
            QCOMPARE(textProbeLimit(10'000'000), qint64(20'000));
            TextCandidates probe;
            probe.probe = true;
            QCOMPARE(chooseTextPlan(probe, 6'325, 1'000'000), LicensePlan::FollowSortOrder);
            QCOMPARE(chooseTextPlan(probe, 6'324, 1'000'000), LicensePlan::Natural);
            QCOMPARE(chooseTextPlan(TextCandidates(), 2'000, 1'000'000), LicensePlan::FollowSortOrder);
            // A probe only where the query tests the row itself: a text some package's name has
            // keeps the candidates' form (and no probe).
            LicenseFilter packageText;
            packageText.text = u"ack_a"_s;
            QVERIFY(!textCandidates(packageText, db.dialect(), packages) || !db.isTeamDatabase());
        }
        QVERIFY(allAgree("after inserts"));
        // Edits and deletions reach the index.
        QVERIFY(q.exec(u"UPDATE licenses SET name = 'Renamed Acme', account_name = NULL WHERE id = 3"_s));
        QVERIFY(q.exec(u"UPDATE licenses SET account_name = 'Zzz Corp' WHERE id = 5"_s));
        QVERIFY(q.exec(u"DELETE FROM licenses WHERE id = 1"_s));
        QCOMPARE(reference(u"zzz"_s).size(), 1);
        QVERIFY(allAgree("after edits"));
        if (test::hasSearchTrigramIndex(db)) {
            // The server can answer the candidates through the trigram index: the query's
            // expression is the index's (with sequential scans priced out, as a large table does).
            // Both forms: the candidates' ids (no package names given) and the test on the row
            // itself (no package's name has the text).
            for (const auto &names : {std::vector<PackageName>{}, packages}) {
                LicenseQuery query;
                query.filter.text = u"ngstr"_s;
                const auto segments = buildLicenseQuery(query, names, db.dialect());
                QVERIFY(!segments.empty());
                QCOMPARE(segments.front().where.contains(u"coalesce(l.name"_s), !names.empty());
                QVERIFY(q.exec(u"SET enable_seqscan = off"_s));
                // EXPLAIN takes no parameters: the binds as literals, in their places.
                QString sql = u"EXPLAIN SELECT l.id FROM licenses l WHERE "_s;
                qsizetype bind = 0;
                for (const QChar ch : segments.front().where) {
                    if (ch != u'?') {
                        sql += ch;
                        continue;
                    }
                    QSqlField field(u"b"_s, QMetaType(QMetaType::QString));
                    field.setValue(segments.front().binds.value(bind++));
                    sql += c.driver()->formatValue(field);
                }
                QCOMPARE(bind, segments.front().binds.size());
                QSqlQuery plan(c);
                QVERIFY2(plan.exec(sql), qPrintable(plan.lastError().text()));
                QString text;
                while (plan.next())
                    text += plan.value(0).toString() + u'\n';
                QVERIFY(q.exec(u"RESET enable_seqscan"_s));
                QVERIFY2(text.contains(u"Bitmap Index Scan on licenses_search_trgm"_s), qPrintable(text));
            }
        }

        // A bulk load into an empty table: the index waits to be rebuilt, the answers do not change.
        const QString csv = m_dir.filePath(u"search-load.csv"_s);
        QVERIFY(test::writeLicenseCsv(csv, 300, u"Ledgerly CPQ"_s));
        auto loaded = Database::open(test::location(m_dir.filePath(u"search-load.sqlite"_s)), create);
        QVERIFY(loaded);
        auto imported = importFile(*loaded.value(), csv);
        QVERIFY2(imported && imported->inserted == 300, imported ? "" : qPrintable(imported.error().message));
        QSqlDatabase lc = loaded.value()->connection();
        if (!loaded.value()->isTeamDatabase())
            QCOMPARE(queryNumber(lc, u"SELECT COUNT(*) FROM deferred_indexes WHERE name = '~license_search'"_s, u"test"_s).value(), 1);
        // With and without the packages' names ("Ledgerly CPQ": a text a package has, and texts
        // none has, which on a server test the joined texts of the row while its index is gone).
        auto compareLoaded = [&](const char *when) {
            int probed = 0;
            int cappedProbes = 0;
            const auto loadedPackages = LicenseListReader(lc, loaded.value()->dialect()).packages();
            if (!loadedPackages || loadedPackages->empty())
                return false;
            for (const QString &text : {u"Ledger"_s, u"ledgerly cpq"_s, u"-000"_s, u"L-0002"_s, u"Customer"_s, u"zzz"_s})
            for (const auto &names : {std::vector<PackageName>{}, loadedPackages.value()}) {
                LicenseQuery query;
                query.filter.text = text;
                qint64 n = 0;
                for (const LicenseQuerySegment &segment : buildLicenseQuery(query, names, loaded.value()->dialect())) {
                    QSqlQuery r(lc);
                    r.prepare(u"SELECT COUNT(*) FROM licenses l WHERE %1"_s.arg(segment.where));
                    for (const QVariant &b : segment.binds)
                        r.addBindValue(b);
                    if (!r.exec() || !r.next())
                        return false;
                    n += r.value(0).toLongLong();
                }
                const QString like = loaded.value()->isTeamDatabase() ? u"ILIKE"_s : u"LIKE"_s;
                const QString pattern = u'%' + text + u'%';
                QSqlQuery r(lc);
                r.prepare(u"SELECT COUNT(*) FROM licenses l WHERE l.name %1 ? OR l.account_name %1 ? OR l.org_id %1 ? OR "
                          "l.package_ref IN (SELECT id FROM packages WHERE name %1 ?)"_s.arg(like));
                for (int i = 0; i < 4; ++i)
                    r.addBindValue(pattern);
                if (!r.exec() || !r.next() || r.value(0).toLongLong() != n) {
                    qWarning("%s: \"%s\" found %lld", when, qPrintable(text), n);
                    return false;
                }
                // A server's probe counts the matches up to its limit (256 for 300 licenses), and
                // no further.
                LicenseFilter alone;
                alone.text = text;
                const auto probe = textCandidates(alone, loaded.value()->dialect(), names);
                if (probe && probe->probe) {
                    const auto counted = LicenseListReader(lc, loaded.value()->dialect()).candidateCount(*probe, 300);
                    if (textProbeLimit(300) != 256 || !counted || counted.value() != std::min<qint64>(n, 256)) {
                        qWarning("%s: \"%s\" probed %lld of %lld", when, qPrintable(text), counted ? counted.value() : -1, n);
                        return false;
                    }
                    ++probed;
                    cappedProbes += n > 256;
                }
            }
            // Every text but the package's own name was probed on a server, one at its limit.
            if (loaded.value()->isTeamDatabase() && (probed < 4 || cappedProbes < 1)) {
                qWarning("%s: %d probes, %d at the limit", when, probed, cappedProbes);
                return false;
            }
            return true;
        };
        QVERIFY(compareLoaded("while the index waits"));
        QVERIFY(buildDeferredIndexes(lc));
        QCOMPARE(queryNumber(lc, u"SELECT COUNT(*) FROM deferred_indexes"_s, u"test"_s).value(), 0);
        QVERIFY(compareLoaded("once it is rebuilt"));
        if (!loaded.value()->isTeamDatabase()) {
            // The triggers are back as the schema made them: an edit reaches the index.
            QVERIFY(QSqlQuery(lc).exec(u"UPDATE licenses SET account_name = 'Zzz Unique' WHERE id = 7"_s));
            QVERIFY(compareLoaded("after an edit"));
            QCOMPARE(queryNumber(lc, u"SELECT COUNT(*) FROM license_search WHERE license_search MATCH '\"zzz\"'"_s, u"test"_s).value(), 1);
        }
    }

private:
    // The fixture in an SQLite file whatever the backend under test, for what is about SQLite.
    std::unique_ptr<Database> sqliteFixture(const QString &name)
    {
        Database::OpenOptions create;
        create.create = true;
        auto db = Database::open(m_dir.filePath(name), create);
        if (!db || !test::writeStatsFixture(*db.value()) || !buildDeferredIndexes(db.value()->connection()))
            return nullptr;
        return std::move(db.value());
    }

    LicenseListReader reader() { return LicenseListReader(m_db->connection(), m_db->dialect()); }

    static int compare(const LicenseRow &a, const LicenseRow &b, LicenseColumn c)
    {
        auto cmp = [](const auto &x, const auto &y) { return x < y ? -1 : (y < x ? 1 : 0); };
        switch (c) {
        case LicenseColumn::Name: return cmp(a.name, b.name);
        case LicenseColumn::Account: return cmp(a.account, b.account);
        case LicenseColumn::Package: return cmp(a.package, b.package);
        case LicenseColumn::Version: return cmp(a.version, b.version);
        case LicenseColumn::Status: return cmp(statusName(a.status), statusName(b.status));
        case LicenseColumn::EffectiveStatus: return cmp(statusName(a.effective), statusName(b.effective));
        case LicenseColumn::Seats: return cmp(a.seats, b.seats);
        case LicenseColumn::Used: return cmp(a.used, b.used);
        case LicenseColumn::Expiration: {
            // Does not expire (null) after every date.
            if (a.expiration.isNull() != b.expiration.isNull())
                return a.expiration.isNull() ? 1 : -1;
            return cmp(a.expiration, b.expiration);
        }
        case LicenseColumn::InstallDate: return cmp(a.installDate, b.installDate);
        case LicenseColumn::OrgId: return cmp(a.orgId, b.orgId);
        case LicenseColumn::Edition: return cmp(a.edition, b.edition);
        case LicenseColumn::Instance: return cmp(a.instance, b.instance);
        case LicenseColumn::OrgStatus: return cmp(a.orgStatus, b.orgStatus);
        case LicenseColumn::Sandbox: return cmp(a.sandbox, b.sandbox);
        }
        return 0;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::vector<PackageName> m_packages;
};

QTEST_GUILESS_MAIN(TestLicenseList)
#include "tst_licenselist.moc"
