#include "fixtures.h"

#include "browse/licensespage.h"
#include "browse/subscriberspage.h"
#include "dashboard/dashboardpage.h"
#include "metrics/installbasestats.h"
#include "shell/demojob.h"
#include "shell/mainwindow.h"
#include "shell/welcomedialog.h"
#include "storage/licenserepository.h"
#include "wizard/lmosetuppage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QGroupBox>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressDialog>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQueryModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest>

using namespace lmo;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Settings and data of this run stay in the temporary folder.
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("lmodesk-test"));
        QCoreApplication::setApplicationName(QStringLiteral("lmodesk-test"));
        m_fixture = m_dir.filePath(QStringLiteral("fixture.sqlite"));
        QVERIFY(test::createFixtureDatabase(m_fixture));
    }

    void opensADatabaseOnEveryPage()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy counted(w.licensesPage(), &QueryTablePage::counted);
        QSignalSpy subscribersCounted(w.subscribersPage(), &QueryTablePage::counted);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(w.statusText().contains(QStringLiteral("12 licenses")));
        QVERIFY(w.statusText().contains(QStringLiteral("fixture.sqlite")));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("fixture.sqlite")));

        // Licenses: newest first, with the LMA's wording for site licenses and perpetual terms.
        QSqlQueryModel *licenses = w.licensesPage()->model();
        QAbstractItemModelTester tester(licenses, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(licenses->rowCount(), 12);
        QCOMPARE(licenses->headerData(0, Qt::Horizontal).toString(), QStringLiteral("License"));
        QCOMPARE(licenses->index(0, 0).data().toString(), QStringLiteral("L-00012"));
        QCOMPARE(licenses->index(10, 6).data().toString(), QStringLiteral("Site License"));   // L-00002
        QCOMPARE(licenses->index(10, 8).data().toString(), QStringLiteral("Does not expire"));
        QCOMPARE(licenses->index(1, 5).data().toString(), QStringLiteral("Expired")); // L-00011, expired 2026-06-01
        QVERIFY(counted.wait(5000) || counted.count() > 0);
        QVERIFY(w.licensesPage()->summaryText().startsWith(QStringLiteral("12 licenses")));

        // Subscribers: one row per 15-character org id (org 7 was written once as 18 characters).
        QCOMPARE(w.subscribersPage()->model()->rowCount(), 7);
        QVERIFY(subscribersCounted.count() > 0 || subscribersCounted.wait(5000));
        QVERIFY(w.subscribersPage()->summaryText().startsWith(QStringLiteral("7 subscriber orgs")));
        QCOMPARE(w.subscribersPage()->model()->index(0, 6).data().toInt(), 2); // org 1 holds 2 licenses

        // LMO setup: the registered packages and the six steps.
        QCOMPARE(w.lmoPage()->packagesTree()->topLevelItemCount(), 3);
        QCOMPARE(w.lmoPage()->findChildren<QGroupBox *>().size(), 7); // "This database" + 6 steps
    }

    void dashboardShowsWhatStatsComputes()
    {
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        auto stats = computeInstallBaseStats(w.database()->connection(), QDate::currentDate());
        QVERIFY(stats.ok());
        const QLocale locale;
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("licenses")), locale.toString(stats->licenses));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("subscriber_orgs")), locale.toString(stats->subscriberOrgs));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("seats_licensed")), locale.toString(stats->seatsLicensed));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("seats_used")), locale.toString(stats->seatsUsed));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("expired")),
                 locale.toString(stats->byEffectiveStatus.value(EffectiveStatus::Expired)));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("expiring_within_30_days")),
                 locale.toString(stats->expiringWithin30Days));
        QCOMPARE(w.dashboardPage()->tileText(QStringLiteral("seats_licensed")), locale.toString(195));
    }

    void ctrlNumberKeysSwitchPages()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const std::pair<Qt::Key, Page> keys[] = {{Qt::Key_2, Page::Subscribers},
                                                 {Qt::Key_3, Page::Dashboard},
                                                 {Qt::Key_4, Page::Lmo},
                                                 {Qt::Key_1, Page::Licenses}};
        for (const auto &[key, page] : keys) {
            QTest::keyClick(&w, key, Qt::ControlModifier);
            QCOMPARE(w.currentPage(), page);
        }
        w.setPage(Page::Dashboard);
        QCOMPARE(w.currentPage(), Page::Dashboard);
    }

    void pageNamesForTheCommandLine()
    {
        QCOMPARE(pageFromName(QStringLiteral("licenses")), Page::Licenses);
        QCOMPARE(pageFromName(QStringLiteral("subscribers")), Page::Subscribers);
        QCOMPARE(pageFromName(QStringLiteral("dashboard")), Page::Dashboard);
        QCOMPARE(pageFromName(QStringLiteral("LMO")), Page::Lmo);
        QVERIFY(!pageFromName(QStringLiteral("reports")).has_value());
        for (Page p : kAllPages)
            QCOMPARE(pageFromName(pageName(p)), p);
    }

    void aBadFileKeepsTheCurrentDatabase()
    {
        MainWindow w;
        QVERIFY(w.openDatabase(m_fixture));
        const QString bad = m_dir.filePath(QStringLiteral("bad.sqlite"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a database");
        f.close();
        QString error;
        QVERIFY(!w.openDatabase(bad, {}, &error, true));
        QVERIFY(error.contains(QStringLiteral("not an LMO Desk database")));
        QCOMPARE(w.database()->path(), QFileInfo(m_fixture).absoluteFilePath());
        QVERIFY(w.statusText().contains(QStringLiteral("12 licenses")));
    }

    void readOnlyIsShownInTheStatusBar()
    {
        MainWindow w;
        Database::OpenOptions options;
        options.readOnly = true;
        QVERIFY(w.openDatabase(m_fixture, options));
        QVERIFY(w.statusText().contains(QStringLiteral("Read-only")));
        QVERIFY(w.windowTitle().contains(QStringLiteral("read-only")));
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(!w.statusText().contains(QStringLiteral("Read-only")));
    }

    void recentDatabasesAndLastDatabaseAreRemembered()
    {
        const QString second = m_dir.filePath(QStringLiteral("second.sqlite"));
        {
            MainWindow w;
            QVERIFY(w.openDatabase(m_fixture));
            Database::OpenOptions create;
            create.create = true;
            QVERIFY(w.openDatabase(second, create));
            QCOMPARE(w.recentDatabases().value(0), QFileInfo(second).absoluteFilePath());
            QCOMPARE(w.recentDatabases().value(1), QFileInfo(m_fixture).absoluteFilePath());
            QVERIFY(w.statusText().contains(QStringLiteral("0 licenses")));
        }
        QCOMPARE(QSettings().value(QStringLiteral("database/last")).toString(), QFileInfo(second).absoluteFilePath());
        MainWindow again;
        QCOMPARE(again.recentDatabases().value(0), QFileInfo(second).absoluteFilePath());
        QMenu *recent = again.findChild<QMenu *>(QStringLiteral("recentMenu"));
        QVERIFY(recent);
        QVERIFY(recent->actions().first()->text().contains(QStringLiteral("second.sqlite")));
    }

    void geometryIsRemembered()
    {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.resize(1000, 700);
            QCoreApplication::processEvents();
            w.close();
        }
        MainWindow again;
        QCOMPARE(again.size(), QSize(1000, 700));
    }

    void welcomeDialogOffersDemoEmptyOrExisting()
    {
        WelcomeDialog d(m_dir.filePath(QStringLiteral("first.sqlite")));
        QCOMPARE(d.choice(), WelcomeDialog::Choice::Demo);
        QCOMPARE(d.demoLicenses(), 100000);
        d.findChild<QRadioButton *>(QStringLiteral("choiceEmpty"))->setChecked(true);
        QCOMPARE(d.choice(), WelcomeDialog::Choice::Empty);
        QCOMPARE(d.path(), m_dir.filePath(QStringLiteral("first.sqlite")));
    }

    void demoFromTheWindowShowsProgressAndWrites()
    {
        const QString path = m_dir.filePath(QStringLiteral("gui-demo.sqlite"));
        DemoOptions options;
        options.licenses = 30000;
        bool sawProgress = false;
        QTimer watch;
        connect(&watch, &QTimer::timeout, this, [&] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                if (auto *p = qobject_cast<QProgressDialog *>(w); p && p->isVisible())
                    sawProgress = true;
            }
        });
        watch.start(20);
        QString error;
        QVERIFY2(runDemoWithProgress(nullptr, path, options, &error), qPrintable(error));
        QVERIFY(sawProgress);
        MainWindow w;
        QVERIFY(w.openDatabase(path));
        QVERIFY(w.statusText().contains(QStringLiteral("30,000 licenses")));
    }

    void cancellingTheDemoKeepsNothing()
    {
        const QString path = m_dir.filePath(QStringLiteral("cancelled-demo.sqlite"));
        DemoOptions options;
        options.licenses = 400'000;
        QTimer cancel;
        connect(&cancel, &QTimer::timeout, this, [&] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                if (auto *p = qobject_cast<QProgressDialog *>(w); p && p->isVisible() && p->value() > 0)
                    p->cancel();
            }
        });
        cancel.start(20);
        QString error = QStringLiteral("not set");
        QVERIFY(!runDemoWithProgress(nullptr, path, options, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error)); // a cancel is not an error
        auto db = Database::open(path, {});
        QVERIFY(db.ok());
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 0);
    }

private:
    QTemporaryDir m_dir;
    QString m_fixture;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
