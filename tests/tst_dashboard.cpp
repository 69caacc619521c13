// The dashboard's figures on the hand-made fixture (15 licenses, as of 2026-06-15). Install
// dates: 2025-01-01 + 10 days x serial (L-00001 on 2025-01-11 ... L-00015 on 2025-05-31); last
// changes 2026-06-01, except L-00001 (2026-05-01) and L-00002 (2026-06-10).
#include "dashboardcompare.h"
#include "fixtures.h"

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "demo/demogenerator.h"
#include "import/importer.h"
#include "metrics/dashboardmetrics.h"
#include "storage/bulkload.h"
#include "storage/licenseimage.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <numeric>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

class TestDashboard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = test::createFixtureDatabase(m_dir.filePath(u"dashboard.sqlite"_s));
        QVERIFY(m_db);
    }

    void kpisBeyondTheSummary()
    {
        const DashboardMetrics m = compute({});
        QCOMPARE(m.stats.licenses, 15);
        // No license was installed in the 90 days before 2026-06-15: no conversion to show.
        QCOMPARE(m.recentInstalls90, 0);
        QVERIFY(!m.trialConversion());
        // L-00009, 10 and 15 are uninstalled, last changed 2026-06-01: inside the 30 days.
        QCOMPARE(m.uninstalls30, 3);
        // June 2026: no installs, those 3 uninstalls; May 2026: nothing.
        QCOMPARE(m.netThisMonth, -3);
        QCOMPARE(m.netLastMonth, 0);
        // Installed seat licenses: seats 10+5+5+20+100+30+15+10+8+12 = 215, used
        // 8+2+1+25+50+0+15+0+2+3 = 106.
        QCOMPARE(m.utilisationLicensed, 215);
        QCOMPARE(m.utilisationUsed, 106);
        QCOMPARE(*m.seatUtilisation(), 106.0 / 215.0);
    }

    void installsAndUninstallsPerMonth()
    {
        const DashboardMetrics m = compute({});
        const ChartData &c = m.chart(ChartId::InstallsByMonth);
        QCOMPARE(c.categories.size(), 24);
        QCOMPARE(c.categories.first(), u"2024-07"_s);
        QCOMPARE(c.categories.last(), u"2026-06"_s);
        auto at = [&](const QString &month, size_t series) { return c.series[series].values[size_t(c.categories.indexOf(month))]; };
        QCOMPARE(at(u"2025-01"_s, 0), 3);
        QCOMPARE(at(u"2025-02"_s, 0), 2);
        QCOMPARE(at(u"2025-03"_s, 0), 3);
        QCOMPARE(at(u"2025-04"_s, 0), 3);
        QCOMPARE(at(u"2025-05"_s, 0), 4);
        QCOMPARE(c.total(0), 15);
        QCOMPARE(at(u"2026-06"_s, 1), 3);
        QCOMPARE(c.total(1), 3);
        QCOMPARE(at(u"2026-06"_s, 2), -3);
        QVERIFY(c.series[2].line);
    }

    void mixes()
    {
        const DashboardMetrics m = compute({});
        const ChartData &status = m.chart(ChartId::StatusMix);
        QCOMPARE(status.categories, (QStringList{u"Active"_s, u"Trial"_s, u"Suspended"_s, u"Uninstalled"_s, u"Expired"_s}));
        QCOMPARE(status.series[0].values, (std::vector<qint64>{6, 2, 2, 3, 2}));
        // Installed (12): eleven in Unlimited Edition orgs, the sandbox L-00007 in Enterprise.
        const ChartData &edition = m.chart(ChartId::EditionMix);
        QCOMPARE(edition.categories, (QStringList{u"Unlimited Edition"_s, u"Enterprise Edition"_s}));
        QCOMPARE(edition.series[0].values, (std::vector<qint64>{11, 1}));
        const ChartData &versions = m.chart(ChartId::VersionAdoption);
        QCOMPARE(versions.categories, (QStringList{u"Package A 1.0"_s, u"Package B 1.0"_s}));
        QCOMPARE(versions.series[0].values, (std::vector<qint64>{8, 4}));
        const ChartData &instances = m.chart(ChartId::TopInstances);
        QCOMPARE(instances.categories, (QStringList{u"NA135"_s, u"CS42"_s}));
        QCOMPARE(instances.series[0].values, (std::vector<qint64>{11, 1}));
    }

    void seatUtilisationBuckets()
    {
        // 0%: L-00008, 12. 1-25%: L-00004 (20%), 13 (25%), 14 (25%). 26-50%: L-00003 (40%),
        // 6 (50%). 76-100%: L-00001 (80%), 11 (100%). Over: L-00005 (25 of 20).
        const DashboardMetrics m = compute({});
        const ChartData &c = m.chart(ChartId::SeatUtilization);
        QCOMPARE(c.series[0].values, (std::vector<qint64>{2, 3, 2, 0, 2, 1}));
    }

    void expirationsAhead()
    {
        // Active or Trial, from 2026-06-15: L-00003 (06-15), L-00012 (07-01), L-00005 (07-15),
        // L-00006 (07-16), L-00001 (2027-01-01).
        const DashboardMetrics m = compute({});
        const ChartData &c = m.chart(ChartId::ExpirationsByMonth);
        QCOMPARE(c.categories.size(), 12);
        QCOMPARE(c.categories.first(), u"2026-06"_s);
        QCOMPARE(c.categories.last(), u"2027-05"_s);
        QCOMPARE(c.series[0].values, (std::vector<qint64>{1, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
    }

    void filtersApplyToEverything()
    {
        InstallBaseFilter noSandboxes;
        noSandboxes.includeSandboxes = false; // L-00007 and L-00010 go
        DashboardMetrics m = compute(noSandboxes);
        QCOMPARE(m.stats.licenses, 13);
        QCOMPARE(m.chart(ChartId::StatusMix).total(), 13);
        QCOMPARE(m.chart(ChartId::TopInstances).categories, QStringList{u"NA135"_s});
        QCOMPARE(m.uninstalls30, 2);
        QCOMPARE(m.stats.sandboxLicenses, 0);

        InstallBaseFilter packageB;
        packageB.package = u"Package B"_s;
        m = compute(packageB);
        QCOMPARE(m.stats.licenses, 6);
        QCOMPARE(m.stats.packages, 1);
        QCOMPARE(m.chart(ChartId::VersionAdoption).categories, QStringList{u"1.0"_s}); // one package: versions only
        QCOMPARE(m.chart(ChartId::InstallsByMonth).total(0), 6);

        InstallBaseFilter installed;
        installed.installedFrom = QDate(2025, 3, 1);
        installed.installedTo = QDate(2025, 3, 31); // L-00006, 7, 8
        m = compute(installed);
        QCOMPARE(m.stats.licenses, 3);
        QCOMPARE(m.stats.subscriberOrgs, 3);
        QVERIFY(installed.describe().contains(u"installed 2025-03-01 to 2025-03-31"_s));
    }

    void theSummaryIsTheStatsComputation()
    {
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.includeSandboxes = false;
        const DashboardMetrics m = compute(f);
        auto stats = computeInstallBaseStats(m_db->connection(), f);
        QVERIFY(stats.ok());
        QCOMPARE(m.stats.toJson(), stats->toJson());
    }

    void aBigTableIsReadOnTwoThreadsWithTheSameSums()
    {
        // Past 100,000 licenses the pass splits the table by row id over two connections.
        Database::OpenOptions create;
        create.create = true;
        auto big = Database::open(m_dir.filePath(u"big-dashboard.sqlite"_s), create);
        QVERIFY(big.ok());
        const QString csv = m_dir.filePath(u"big-dashboard.csv"_s);
        QVERIFY(test::writeLicenseCsv(csv, 120000, u"Package A"_s));
        QVERIFY(importFile(*big.value(), csv, ImportOptions()).ok());
        QVERIFY(buildDeferredIndexes(big.value()->connection()).ok());
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        auto m = computeDashboard(big.value()->connection(), f);
        QVERIFY(m.ok());
        auto stats = computeInstallBaseStats(big.value()->connection(), f);
        QVERIFY(stats.ok());
        QCOMPARE(m->stats.toJson(), stats->toJson());
        QCOMPARE(m->stats.licenses, 120000);
        QCOMPARE(m->chart(ChartId::StatusMix).total(), 120000);
        QCOMPARE(m->utilisationLicensed, m->stats.seatsLicensed); // nothing uninstalled or site-licensed here
    }


    void bothEnginesShowTheSameDashboardAndList()
    {
        // The same demo (seed, size, last day) on the engine under test and on an SQLite twin:
        // every figure of the dashboard and the first page of the license list in every sort
        // order must agree. On SQLite alone, the row-by-row pass is held against the sums the
        // database makes itself (what a team database's dashboard runs).
        DemoOptions demo;
        demo.licenses = 3000;
        demo.seed = 7;
        demo.until = test::kFixtureAsOf;
        demo.switchLmoOn = QDate(2025, 9, 1);
        Database::OpenOptions create;
        create.create = true;
        auto tested = Database::open(test::location(m_dir.filePath(u"parity.sqlite"_s)), create);
        QVERIFY2(tested.ok(), qPrintable(tested.ok() ? QString() : tested.error().message));
        QVERIFY(generateDemo(*tested.value(), demo).ok());
        auto twin = Database::open(m_dir.filePath(u"parity-twin.sqlite"_s), create);
        QVERIFY(twin.ok());
        QVERIFY(generateDemo(*twin.value(), demo).ok());

        for (const QDate &asOf : {test::kFixtureAsOf, QDate(2026, 1, 31), QDate(2025, 3, 15)}) {
            for (bool sandboxes : {true, false}) {
                InstallBaseFilter f;
                f.asOf = asOf;
                f.includeSandboxes = sandboxes;
                auto a = computeDashboard(tested.value()->connection(), f);
                QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
                auto b = computeDashboard(twin.value()->connection(), f);
                QVERIFY(b.ok());
                auto c = computeDashboardInSql(twin.value()->connection(), f);
                QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
                compareDashboards(a.value(), b.value());
                compareDashboards(c.value(), b.value());
            }
        }

        LicenseListReader mine(tested.value()->connection(), tested.value()->dialect());
        LicenseListReader other(twin.value()->connection(), twin.value()->dialect());
        auto packages = mine.packages();
        QVERIFY(packages.ok());
        auto otherPackages = other.packages();
        QVERIFY(otherPackages.ok());
        QCOMPARE(packages->size(), otherPackages->size());
        for (int column = 0; column < kLicenseColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                for (const QString &text : {QString(), u"a"_s}) {
                    LicenseQuery query;
                    query.sortColumn = LicenseColumn(column);
                    query.order = order;
                    query.filter.asOf = test::kFixtureAsOf;
                    query.filter.text = text;
                    const auto segmentsA = buildLicenseQuery(query, packages.value(), tested.value()->dialect());
                    const auto segmentsB = buildLicenseQuery(query, otherPackages.value(), twin.value()->dialect());
                    auto countsA = mine.segmentCounts(segmentsA);
                    QVERIFY(countsA.ok());
                    auto countsB = other.segmentCounts(segmentsB);
                    QVERIFY(countsB.ok());
                    // The segments may differ (PostgreSQL reads NULLs as a segment of their own),
                    // the list they make may not.
                    QCOMPARE(std::accumulate(countsA->begin(), countsA->end(), qint64(0)),
                             std::accumulate(countsB->begin(), countsB->end(), qint64(0)));
                    auto rowsA = mine.window(segmentsA, countsA.value(), 0, 100, test::kFixtureAsOf);
                    QVERIFY(rowsA.ok());
                    auto rowsB = other.window(segmentsB, countsB.value(), 0, 100, test::kFixtureAsOf);
                    QVERIFY(rowsB.ok());
                    QCOMPARE(rowsA->size(), rowsB->size());
                    for (size_t i = 0; i < rowsA->size(); ++i) {
                        const LicenseRow &x = rowsA->at(i), &y = rowsB->at(i);
                        const QString where = u"%1 %2 '%3' row %4"_s.arg(licenseColumnKey(LicenseColumn(column)),
                                                                          order == Qt::AscendingOrder ? u"up"_s : u"down"_s, text)
                                                  .arg(i);
                        QVERIFY2(x.id == y.id && x.name == y.name && x.account == y.account && x.package == y.package
                                     && x.version == y.version && x.status == y.status && x.effective == y.effective
                                     && x.seats == y.seats && x.used == y.used && x.expiration == y.expiration
                                     && x.installDate == y.installDate && x.orgId == y.orgId && x.edition == y.edition
                                     && x.instance == y.instance && x.orgStatus == y.orgStatus && x.sandbox == y.sandbox,
                                 qPrintable(where + u": "_s + x.name + u" vs "_s + y.name));
                    }
                    // A page further in, read from the end of the segment where it is nearer.
                    const qint64 total = std::accumulate(countsA->begin(), countsA->end(), qint64(0));
                    auto farA = mine.window(segmentsA, countsA.value(), total * 3 / 4, 50, test::kFixtureAsOf);
                    auto farB = other.window(segmentsB, countsB.value(), total * 3 / 4, 50, test::kFixtureAsOf);
                    QVERIFY(farA.ok() && farB.ok());
                    QCOMPARE(farA->size(), farB->size());
                    for (size_t i = 0; i < farA->size(); ++i)
                        QCOMPARE(farA->at(i).id, farB->at(i).id);
                }
            }
        }
    }

    void theImageAnswersAsTheSumsDoThroughEveryChange()
    {
        // An SQLite file's dashboard reads its image of the licenses (storage/licenseimage.h);
        // held here to the sums the database makes itself (computeDashboardInSql, the SQL the
        // dashboard ran before the image), on varied data spread over several chunks, with values
        // the image cannot hold, under every filter, and after each kind of change.
        DemoOptions demo;
        demo.licenses = 3000;
        demo.seed = 11;
        // Today's figures are the image's (a past day is rebuilt from the audit log, row by row).
        const QDate today = QDate::currentDate();
        demo.until = today;
        demo.switchLmoOn = today.addDays(-300);
        Database::OpenOptions create;
        create.create = true;
        const QString path = m_dir.filePath(u"image.sqlite"_s);
        auto opened = Database::open(path, create);
        QVERIFY(opened.ok());
        QSqlDatabase db = opened.value()->connection();
        QVERIFY(generateDemo(*opened.value(), demo).ok());
        auto exec = [&](const QString &sql) {
            QSqlQuery q(db);
            if (!q.exec(sql))
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return q.numRowsAffected();
        };
        // Row ids over four chunks of 65,536 (and a gap of empty chunks), the audit log with them.
        QVERIFY(exec(u"UPDATE licenses SET id = id + 65536 * (id % 4) + CASE WHEN id % 4 = 3 THEN 655360 ELSE 0 END WHERE id % 4 > 0"_s) > 0);
        exec(u"UPDATE audit_log SET record_ref = record_ref + 65536 * (record_ref % 4) + CASE WHEN record_ref % 4 = 3 THEN 655360 ELSE 0 END "
             "WHERE record_type = 'license' AND record_ref % 4 > 0"_s);
        // Blanks and edge values the image keeps.
        QVERIFY(exec(u"UPDATE licenses SET org_edition = NULL, org_instance = '' WHERE id % 17 = 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET version_number = NULL, expiration = NULL WHERE id % 19 = 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET install_date = NULL WHERE id % 23 = 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET seats = -1, used_licenses = 0 WHERE id % 29 = 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET used_licenses = seats * 2 + 1 WHERE id % 31 = 0 AND seats >= 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET is_sandbox = 2 WHERE id % 37 = 0"_s) > 0);
        QVERIFY(exec(u"UPDATE licenses SET last_modified = NULL WHERE status = 'Uninstalled' AND id % 7 = 0"_s) > 0);
        // Every day a figure has a bound on, on the bound and either side of it.
        const auto day = [&](int d) { return today.addDays(d).toString(Qt::ISODate); };
        int n = 0;
        for (int d : {-91, -90, -89, -31, -30, -29, -1, 0, 1, 29, 30, 31}) {
            ++n;
            QVERIFY(exec(u"UPDATE licenses SET expiration = '%1' WHERE id %% 43 = %2 AND status IN ('Active', 'Trial')"_s.arg(day(d)).arg(n).replace(u"%%"_s, u"%"_s)) > 0);
            QVERIFY(exec(u"UPDATE licenses SET install_date = '%1' WHERE id %% 47 = %2"_s.arg(day(d)).arg(n).replace(u"%%"_s, u"%"_s)) > 0);
            QVERIFY(exec(u"UPDATE licenses SET last_modified = '%1T12:00:00.000Z' WHERE id %% 53 = %2 AND status = 'Uninstalled'"_s.arg(day(d)).arg(n).replace(u"%%"_s, u"%"_s)) >= 0);
        }
        // And values it cannot: a date that is not ISO text in one chunk, a count past 32 bits in
        // another (both read from the table).
        QVERIFY(exec(u"UPDATE licenses SET expiration = '2026-7-1' WHERE id = (SELECT MIN(id) FROM licenses WHERE id > 65536 AND expiration IS NOT NULL)"_s) == 1);
        QVERIFY(exec(u"UPDATE licenses SET seats = 5000000000 WHERE id = (SELECT MIN(id) FROM licenses WHERE id > 720896)"_s) == 1);

        auto imageRows = [&] {
            QSqlQuery q(db);
            return q.exec(u"SELECT COUNT(*) FROM license_image"_s) && q.next() ? q.value(0).toLongLong() : -1;
        };
        QCOMPARE(imageRows(), 0); // every change dropped its chunk

        QStringList packages;
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT name FROM packages ORDER BY id"_s));
            while (q.next())
                packages << q.value(0).toString();
        }
        QVERIFY(packages.size() >= 2);
        auto compareAll = [&](const char *when) {
            std::vector<InstallBaseFilter> filters;
            for (bool sandboxes : {true, false}) {
                InstallBaseFilter f;
                f.asOf = QDate();
                f.includeSandboxes = sandboxes;
                filters.push_back(f);
                f.asOf = today.addDays(45);
                filters.push_back(f);
            }
            InstallBaseFilter f;
            f.asOf = QDate();
            f.package = packages.at(1);
            filters.push_back(f);
            f.package = u"No such package"_s;
            filters.push_back(f);
            f = InstallBaseFilter();
            f.asOf = QDate();
            f.installedFrom = today.addMonths(-15);
            filters.push_back(f);
            f.installedTo = today.addMonths(-3);
            filters.push_back(f);
            f.installedFrom = QDate();
            filters.push_back(f);
            f = InstallBaseFilter();
            f.asOf = QDate();
            f.lmo = 1;
            filters.push_back(f);
            f.lmo = 2;
            f.package = packages.at(0);
            f.includeSandboxes = false;
            filters.push_back(f);
            for (const InstallBaseFilter &filter : filters) {
                auto image = computeDashboard(db, filter);
                QVERIFY2(image.ok(), qPrintable(image.ok() ? QString() : image.error().message));
                QVERIFY2(image->timings.back().name.contains(u"image"_s), qPrintable(image->timings.back().name));
                if (filter.asOf.isValid()) { // and a past day, read from the table, for good measure
                    InstallBaseFilter past = filter;
                    past.asOf = today.addDays(-100);
                    auto rows = computeDashboard(db, past);
                    QVERIFY(rows.ok());
                    QVERIFY(!rows->timings.back().name.contains(u"image"_s));
                    auto pastSums = computeDashboardInSql(db, past);
                    QVERIFY(pastSums.ok());
                    compareDashboards(rows.value(), pastSums.value());
                }
                auto sums = computeDashboardInSql(db, filter);
                QVERIFY(sums.ok());
                qInfo("%s: %s, %lld licenses", when, qPrintable(dashboardScope(filter)), qlonglong(image->stats.licenses));
                compareDashboards(image.value(), sums.value());
            }
        };
        compareAll("first read");
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(imageRows(), 4); // four chunks hold licenses; the empty ones between have no image
        {
            // Two of the four are read from the table (the values above), the rest from the image.
            LicenseImage::ReadStats stats;
            auto read = LicenseImage::read(db, [](const LicenseImage::Chunk &) {}, [](qint64, qint64) { return Result<void>(); });
            QVERIFY(read.ok());
            QCOMPARE(read->chunks, 2);
            QCOMPARE(read->raw, 2);
            QCOMPARE(read->built, 0);
        }

        // Each kind of change drops its chunk, and the next read answers as the sums do.
        QCOMPARE(exec(u"UPDATE licenses SET status = 'Suspended' WHERE id = (SELECT MIN(id) FROM licenses WHERE status = 'Active')"_s), 1);
        QCOMPARE(imageRows(), 3);
        compareAll("after an edit");
        QCOMPARE(exec(u"DELETE FROM licenses WHERE id = (SELECT MAX(id) FROM licenses)"_s), 1);
        compareAll("after a delete");
        {
            // An uninstall the audit log dates: its day is the chart's, not the last change's.
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT id FROM licenses WHERE status = 'Active' AND id > 131072 ORDER BY id LIMIT 1"_s) && q.next());
            const qint64 id = q.value(0).toLongLong();
            q.finish();
            exec(u"UPDATE licenses SET status = 'Uninstalled', last_modified = '2026-06-14T10:00:00.000Z' WHERE id = %1"_s.arg(id));
            compareAll("after an uninstall");
            const qint64 before = imageRows();
            exec(u"INSERT INTO audit_log (record_type, record_ref, field, old_value, new_value, changed_at, changed_by, source) "
                 "VALUES ('license', %1, 'Status', 'Active', 'Uninstalled', '2026-05-20T09:00:00.000Z', 'test', 'test')"_s.arg(id));
            QCOMPARE(imageRows(), before - 1);
            compareAll("after the audit log dated it");
        }
        QCOMPARE(exec(u"INSERT INTO licenses (name, package_ref, status, seats, org_id, install_date, lmo_ref) "
                      "SELECT 'L-new', package_ref, 'Trial', 5, '00D000000000NEW', '2026-06-14', lmo_ref FROM licenses LIMIT 1"_s),
                 1);
        compareAll("after an insert");

        // A read-only connection cannot store the image: it builds it in memory, the same.
        exec(u"DELETE FROM license_image"_s);
        {
            Database::OpenOptions readOnly;
            readOnly.readOnly = true;
            auto ro = Database::open(path, readOnly);
            QVERIFY2(ro.ok(), qPrintable(ro.ok() ? QString() : ro.error().message));
            InstallBaseFilter f;
            f.asOf = QDate();
            auto a = computeDashboard(ro.value()->connection(), f);
            QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
            auto b = computeDashboardInSql(db, f);
            QVERIFY(b.ok());
            compareDashboards(a.value(), b.value());
        }
        QCOMPARE(imageRows(), 0);
    }

    void chartKeys()
    {
        for (int i = 0; i < kChartCount; ++i)
            QCOMPARE(chartFromKey(chartKey(ChartId(i))), std::optional<ChartId>(ChartId(i)));
        QVERIFY(!chartFromKey(u"pie-of-everything"_s));
    }

private:
    static void compareDashboards(const DashboardMetrics &a, const DashboardMetrics &b) { test::compareDashboards(a, b); }

    DashboardMetrics compute(InstallBaseFilter f)
    {
        if (!f.asOf.isValid())
            f.asOf = test::kFixtureAsOf;
        auto m = computeDashboard(m_db->connection(), f);
        if (!m) {
            qWarning("%s", qPrintable(m.error().message));
            return {};
        }
        return m.value();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
