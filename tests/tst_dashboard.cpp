// The dashboard's figures on the hand-made fixture (15 licenses, as of 2026-06-15). Install
// dates: 2025-01-01 + 10 days x serial (L-00001 on 2025-01-11 ... L-00015 on 2025-05-31); last
// changes 2026-06-01, except L-00001 (2026-05-01) and L-00002 (2026-06-10).
#include "fixtures.h"

#include "import/importer.h"
#include "metrics/dashboardmetrics.h"
#include "storage/bulkload.h"

#include <QTemporaryDir>
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

    void chartKeys()
    {
        for (int i = 0; i < kChartCount; ++i)
            QCOMPARE(chartFromKey(chartKey(ChartId(i))), std::optional<ChartId>(ChartId(i)));
        QVERIFY(!chartFromKey(u"pie-of-everything"_s));
    }

private:
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
