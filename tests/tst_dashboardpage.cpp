#include "fixtures.h"

#include "browse/licensespage.h"
#include "dashboard/dashboardpage.h"
#include "metrics/dashboardmetrics.h"
#include "models/licensetablemodel.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHelpEvent>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

// The dashboard page as a user meets it: tiles that open their licenses, values that stay on
// screen while the pointer rests on a bar, bars that light up under it.
class TestDashboardPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("lmodesk-test"));
        QCoreApplication::setApplicationName(QStringLiteral("lmodesk-test"));
        const QString file = m_dir.filePath(QStringLiteral("fixture.sqlite"));
        QVERIFY(test::createFixtureDatabase(file));
        m_fixture = test::location(file);
    }

    void aTileOpensTheLicensesItCounts_data()
    {
        QTest::addColumn<QString>("key");
        for (const char *key : {"licenses", "active", "trial", "expired", "suspended", "uninstalled", "expiring_within_30_days",
                                "site_licenses", "sandbox_licenses"})
            QTest::newRow(key) << QString::fromLatin1(key);
    }
    void aTileOpensTheLicensesItCounts()
    {
        QFETCH(QString, key);
        MainWindow w;
        w.show();
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        DashboardPage *page = w.dashboardPage();
        InstallBaseFilter f;
        f.includeSandboxes = true;
        refreshed.clear();
        page->setFilter(f);
        QVERIFY(refreshed.wait(10000));
        w.setPage(Page::Dashboard);
        const QString shown = page->tileText(key);
        QWidget *tile = page->findChild<QWidget *>(u"tile_"_s + key);
        QVERIFY(tile);
        QTest::mouseClick(tile, Qt::LeftButton);
        QCOMPARE(w.currentPage(), Page::Licenses);
        QTRY_COMPARE(QLocale().toString(w.licensesPage()->model()->matchingCount().value_or(-1)), shown);
    }

    void aPastDaysTileSaysWhyItCannotBeListed()
    {
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        DashboardPage *page = w.dashboardPage();
        InstallBaseFilter f;
        f.asOf = QDate(2025, 3, 1);
        refreshed.clear();
        page->setFilter(f);
        QVERIFY(refreshed.wait(10000));
        QString why;
        QVERIFY(!page->licensesForTile(u"active"_s, &why));
        QVERIFY(why.contains(u"as they are now"_s));
        // The licenses installed by then can be listed: exactly the tile's count.
        auto all = page->licensesForTile(u"licenses"_s, &why);
        QVERIFY(all);
        QCOMPARE(all->installedTo, QDate(2025, 3, 1));
        QSignalSpy requested(page, &DashboardPage::licensesRequested);
        QTest::mouseClick(page->findChild<QWidget *>(u"tile_active"_s), Qt::LeftButton);
        QCOMPARE(requested.count(), 0);
    }

    void aBarsValueStaysWhileThePointerRests()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        w.setPage(Page::Dashboard);
        QChartView *view = w.dashboardPage()->chartView(ChartId::SeatUtilization);
        QVERIFY(view);
        auto *bars = qobject_cast<QAbstractBarSeries *>(view->chart()->series().value(0));
        QVERIFY(bars);
        QBarSet *set = bars->barSets().value(0);
        QVERIFY(set);
        emit set->hovered(true, 1);
        QVERIFY(set->isBarSelected(1)); // lit up under the pointer
        QTRY_VERIFY(QToolTip::isVisible());
        const QString text = QToolTip::text();
        QVERIFY(text.contains(u"1–25"_s));
        // What the view sends once the pointer rests: the scene used to hide every tooltip then.
        const QPoint at = view->viewport()->rect().center();
        QHelpEvent rest(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &rest);
        QTest::qWait(700); // a hidden tooltip fades out within this
        QVERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), text);
        emit set->hovered(false, 1);
        QVERIFY(!set->isBarSelected(1));
    }

private:
    QTemporaryDir m_dir;
    QString m_fixture;
};

QTEST_MAIN(TestDashboardPage)
#include "tst_dashboardpage.moc"
