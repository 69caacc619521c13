#include "dialogwait.h"
#include "fixtures.h"

#include "browse/licensedetail.h"
#include "browse/licensespage.h"
#include "browse/modifylicensedialog.h"
#include "wizard/lmowizard.h"
#include "browse/subscriberspage.h"
#include "dashboard/dashboardpage.h"
#include "lmo/lmoprofile.h"
#include "storage/database.h"
#include "metrics/dashboardmetrics.h"
#include "metrics/installbasestats.h"
#include "import/importdialog.h"
#include "models/licensetablemodel.h"
#include "models/subscribertablemodel.h"
#include "import/importer.h"
#include "storage/bulkload.h"
#include "shell/demojob.h"
#include "shell/guilauncher.h"
#include "billing/billingpage.h"
#include "shell/mainwindow.h"
#include "shell/teamaccesspage.h"
#include "shell/welcomedialog.h"
#include "storage/licenserepository.h"
#include "storage/postgres/pglocation.h"
#include "storage/sqlutil.h"
#include "wizard/lmosetuppage.h"
#include "widgets/bigtableview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QUndoStack>
#include <QToolButton>
#include <QChart>
#include <QComboBox>
#include <QChartView>
#include <QImage>
#include <QJsonObject>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlQueryModel>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QStatusBar>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

using test::visibleDialog;
using test::whenDialog;

// What the window keeps of a location (Open recent, the last database): a file's absolute path,
// a team database's URI (without a password; the test server's has none).
QString kept(const QString &location)
{
    return PgLocation::isPostgres(location) ? location : QFileInfo(location).absoluteFilePath();
}

// How the title, the status bar and Open recent name it: a file by its name, a team database as
// "Team database alice@host:port/db".
QString shownName(const QString &location)
{
    if (!PgLocation::isPostgres(location))
        return QFileInfo(location).fileName();
    auto parsed = PgLocation::parse(location);
    return parsed ? u"Team database "_s + parsed->display() : location;
}


} // namespace

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
        m_fixture = test::location(m_dir.filePath(QStringLiteral("fixture.sqlite")));
        QVERIFY(test::createFixtureDatabase(m_fixture));
    }

    void opensADatabaseOnEveryPage()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy counted(w.licensesPage(), &LicensesPage::counted);
        QSignalSpy subscribersCounted(w.subscribersPage(), &SubscribersPage::counted);
        QVERIFY(w.openDatabase(m_fixture));
        QTRY_VERIFY(w.statusText().contains(QStringLiteral("15 licenses"))); // once the background count is in
        QVERIFY2(w.statusText().contains(shownName(m_fixture)), qPrintable(w.statusText()));
        QVERIFY2(w.windowTitle().startsWith(shownName(m_fixture)), qPrintable(w.windowTitle()));

        // Licenses: newest first, with the LMA's wording for site licenses and perpetual terms.
        LicenseTableModel *licenses = w.licensesPage()->model();
        QAbstractItemModelTester tester(licenses, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(licenses->rowCount(), 15);
        QCOMPARE(licenses->headerData(0, Qt::Horizontal).toString(), QStringLiteral("License"));
        QTRY_COMPARE(licenses->index(0, 0).data().toString(), QStringLiteral("L-00015"));
        QCOMPARE(licenses->index(13, 0).data().toString(), QStringLiteral("L-00002"));
        QCOMPARE(licenses->index(13, 6).data().toString(), QStringLiteral("Site License"));
        QCOMPARE(licenses->index(13, 8).data().toString(), QStringLiteral("Does not expire"));
        QCOMPARE(licenses->index(1, 8).data().toString(), QStringLiteral("Does not expire")); // L-00014, 1970-01-01
        QCOMPARE(licenses->index(4, 5).data().toString(), QStringLiteral("Expired")); // L-00011, expired 2026-06-01
        QVERIFY(counted.wait(5000) || counted.count() > 0);
        QVERIFY(w.licensesPage()->summaryText().startsWith(QStringLiteral("15 licenses")));

        // Subscribers: one row per 15-character org id (org 7 was written once as 18 characters;
        // 00D00000000000a and 00D00000000000A are two orgs).
        QTRY_COMPARE(w.subscribersPage()->model()->rowCount(), 9);
        QVERIFY(subscribersCounted.count() > 0 || subscribersCounted.wait(5000));
        QVERIFY(w.subscribersPage()->summaryText().startsWith(QStringLiteral("9 subscriber orgs")));
        SubscriberTableModel *orgs = w.subscribersPage()->model();
        QAbstractItemModelTester orgTester(orgs, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(orgs->index(0, 0).data().toString(), QStringLiteral("00D000000000001"));
        QCOMPARE(orgs->index(0, 6).data().toInt(), 2); // org 1 holds 2 licenses
        QCOMPARE(orgs->index(0, 8).data().toString(), QStringLiteral("Site License"));
        // Its status is the one its most recently changed license reports (TRIAL before, ACTIVE now).
        QCOMPARE(orgs->index(0, 4).data().toString(), QStringLiteral("ACTIVE"));
        QCOMPARE(orgs->index(0, 11).data().toString(), QStringLiteral("2026-06-10"));
        // Org 5: one suspended (30 seats), one uninstalled: only the installed one counts.
        QCOMPARE(orgs->index(4, 7).data().toInt(), 1);
        QCOMPARE(orgs->index(4, 8).data().toInt(), 30);

        // LMO setup: no LMO yet, so the wizard is offered with the six steps it walks; the
        // registered packages; no runbook and no list of LMOs. The page reads on a worker.
        QTRY_VERIFY(w.lmoPage()->isLoaded());
        QCOMPARE(w.lmoPage()->packagesTree()->topLevelItemCount(), 3);
        QVERIFY(w.lmoPage()->identityLabel()->text().contains(u"No LMO designated yet"_s));
        QCOMPARE(w.lmoPage()->wizardButton()->text(), u"Start the LMO setup wizard…"_s);
        QVERIFY(w.lmoPage()->wizardButton()->isEnabled());
        int steps = 0;
        for (QGroupBox *box : w.lmoPage()->findChildren<QGroupBox *>())
            steps += box->title().startsWith(u"Step "_s) && box->isVisibleTo(w.lmoPage()) ? 1 : 0;
        QCOMPARE(steps, 6);
        QVERIFY(!w.lmoPage()->runbookView()->isVisibleTo(w.lmoPage()));
        QVERIFY(!w.lmoPage()->lmosTree()->isVisibleTo(w.lmoPage()));
    }

    void dashboardShowsWhatStatsComputes()
    {
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        DashboardPage *page = w.dashboardPage();
        const QLocale locale;
        // Every figure of `lmodesk stats` equals its tile, for the page's filters: first the
        // defaults (today, sandboxes left out), then a package, sandboxes in, a past day.
        auto check = [&](const InstallBaseFilter &f) {
            auto stats = computeInstallBaseStats(w.database()->connection(), f);
            QVERIFY(stats.ok());
            const QJsonObject json = stats->toJson();
            for (const QString &key : {u"licenses"_s, u"subscriber_orgs"_s, u"packages"_s, u"expiring_within_30_days"_s,
                                       u"site_licenses"_s, u"perpetual_licenses"_s, u"sandbox_licenses"_s,
                                       u"seats_licensed"_s, u"seats_used"_s})
                QCOMPARE(page->tileText(key), locale.toString(json.value(key).toInteger()));
            const QJsonObject effective = json.value(u"by_effective_status"_s).toObject();
            QCOMPARE(page->tileText(u"active"_s), locale.toString(effective.value(u"Active"_s).toInteger()));
            QCOMPARE(page->tileText(u"trial"_s), locale.toString(effective.value(u"Trial"_s).toInteger()));
            QCOMPARE(page->tileText(u"expired"_s), locale.toString(effective.value(u"Expired"_s).toInteger()));
            QCOMPARE(page->tileText(u"suspended"_s), locale.toString(effective.value(u"Suspended"_s).toInteger()));
            QCOMPARE(page->tileText(u"uninstalled"_s), locale.toString(effective.value(u"Uninstalled"_s).toInteger()));
        };
        QCOMPARE(page->filter().includeSandboxes, false);
        check(page->filter());
        QCOMPARE(page->tileText(u"licenses"_s), locale.toString(13)); // L-00007 and L-00010 are sandboxes

        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.package = u"Package A"_s;
        f.includeSandboxes = true;
        // The package choices are read off the UI thread: a filter naming one waits for them.
        auto *packages = page->findChild<QComboBox *>(u"dashboardPackage"_s);
        QVERIFY(packages);
        QTRY_VERIFY_WITH_TIMEOUT(packages->findText(u"Package A"_s) >= 0, 10000);
        refreshed.clear();
        page->setFilter(f);
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(page->filter().package, u"Package A"_s);
        check(page->filter());
        QCOMPARE(page->tileText(u"licenses"_s), locale.toString(9));
        QVERIFY(page->summaryText().contains(u"package Package A"_s));
        // A past day's tiles name the day, never "today".
        QCOMPARE(page->tileCaption(u"active"_s), u"Active on 2026-06-15"_s);
        QCOMPARE(page->tileCaption(u"uninstalls_30_days"_s), u"Uninstalls, 30 days to 2026-06-15"_s);
        for (const QString &key : {u"active"_s, u"trial"_s, u"net_growth"_s, u"trial_conversion"_s})
            QVERIFY2(!page->tileCaption(key).contains(u"today"_s, Qt::CaseInsensitive), qPrintable(page->tileCaption(key)));
        // The KPIs beyond the summary, as hand-worked in tst_dashboard for package A: used 8+2+25+0+15+2+3
        // of seats 10+5+20+30+15+8+12.
        QCOMPARE(page->tileText(u"seat_utilisation"_s), u"%1%"_s.arg(locale.toString(55.0 / 100.0 * 100.0, 'f', 1)));
    }

    void clickingAChartPartListsThoseLicenses()
    {
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        DashboardPage *page = w.dashboardPage();
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.includeSandboxes = false;
        refreshed.clear();
        page->setFilter(f);
        QVERIFY(refreshed.wait(10000));
        QString why;
        auto expired = page->licensesFor(ChartId::StatusMix, u"Expired"_s, QString(), &why);
        QVERIFY(expired);
        QCOMPARE(expired->effectiveStatuses, QList<EffectiveStatus>{EffectiveStatus::Expired});
        QCOMPARE(expired->sandbox, std::optional<bool>(false));
        // Emitted by a click, it opens the Licenses page on exactly those: L-00004 and L-00011.
        emit page->licensesRequested(*expired);
        QCOMPARE(w.currentPage(), Page::Licenses);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 2);
        QTRY_COMPARE(w.licensesPage()->model()->matchingCount().value_or(-1), 2);
        // January 2025's installs: L-00001 to L-00003.
        auto january = page->licensesFor(ChartId::InstallsByMonth, u"2025-01"_s, u"Installs"_s, &why);
        QVERIFY(january);
        QCOMPARE(january->installedFrom, QDate(2025, 1, 1));
        QCOMPARE(january->installedTo, QDate(2025, 1, 31));
        emit page->licensesRequested(*january);
        QTRY_COMPARE(w.licensesPage()->model()->matchingCount().value_or(-1), 3);
        auto edition = page->licensesFor(ChartId::EditionMix, u"Unlimited Edition"_s, QString(), &why);
        QVERIFY(edition);
        emit page->licensesRequested(*edition);
        QTRY_COMPARE(w.licensesPage()->model()->matchingCount().value_or(-1), 11); // installed, not sandboxes
        // What the list cannot express is said, not guessed.
        QVERIFY(!page->licensesFor(ChartId::SeatUtilization, u"0%"_s, QString(), &why));
        QVERIFY(why.contains(u"cannot filter"_s));
        QVERIFY(!page->licensesFor(ChartId::InstallsByMonth, u"2026-06"_s, u"Uninstalls"_s, &why));
        QVERIFY(!page->licensesFor(ChartId::TopInstances, u"Other"_s, QString(), &why));
    }

    void theDashboardExportsWhatItShows()
    {
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(refreshed.wait(10000));
        DashboardPage *page = w.dashboardPage();
        for (int i = 0; i < kChartCount; ++i) {
            QChartView *view = page->chartView(ChartId(i));
            QVERIFY(view && view->chart());
            QCOMPARE(view->chart()->title(), page->metrics()->chart(ChartId(i)).title);
        }
        const QString png = m_dir.filePath(u"dash.png"_s);
        QVERIFY(page->exportChart(ChartId::EditionMix, png, 2.0).ok());
        QCOMPARE(QImage(png).size(), QSize(2400, 1500));
        auto pages = page->exportReport(m_dir.filePath(u"dash.pdf"_s));
        QVERIFY(pages.ok());
        QCOMPARE(pages.value(), 8);
        // Copy to clipboard: the chart drawn at 1200x750, twice the pixels, not a grab of the screen.
        auto *button = page->findChild<QToolButton *>(u"export_top-instances"_s);
        QVERIFY(button && button->menu());
        QAction *copy = nullptr;
        for (QAction *a : button->menu()->actions())
            if (a->text() == u"Copy to clipboard"_s)
                copy = a;
        QVERIFY(copy);
        copy->trigger();
        QCOMPARE(QApplication::clipboard()->image().size(), QSize(2400, 1500));
    }

    void ctrlNumberKeysSwitchPages()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const std::pair<Qt::Key, Page> keys[] = {{Qt::Key_2, Page::Subscribers},
                                                 {Qt::Key_3, Page::Dashboard},
                                                 {Qt::Key_4, Page::Billing},
                                                 {Qt::Key_5, Page::Lmo},
                                                 {Qt::Key_1, Page::Licenses}};
        for (const auto &[key, page] : keys) {
            QTest::keyClick(&w, key, Qt::ControlModifier);
            QCOMPARE(w.currentPage(), page);
        }
        w.setPage(Page::Dashboard);
        QCOMPARE(w.currentPage(), Page::Dashboard);
    }

    void windowCommandLine()
    {
        QString error;
        auto options = parseGuiArguments({u"lmodesk"_s, u"--page"_s, u"dashboard"_s, u"--db"_s, m_fixture}, &error);
        QVERIFY2(options.has_value(), qPrintable(error));
        QCOMPARE(options->page, Page::Dashboard);
        QCOMPARE(options->databasePath, m_fixture);
        // What the desktop entry passes: the file alone.
        options = parseGuiArguments({u"lmodesk"_s, m_fixture}, &error);
        QVERIFY(options.has_value());
        QCOMPARE(options->databasePath, m_fixture);
        QCOMPARE(options->page, Page::Licenses);
        QVERIFY(!parseGuiArguments({u"lmodesk"_s, u"--page"_s, u"reports"_s}, &error).has_value());
        QVERIFY(error.contains(QStringLiteral("not a page")));
        QVERIFY(!parseGuiArguments({u"lmodesk"_s, u"frobnicate"_s}, &error).has_value());
        QVERIFY(error.contains(QStringLiteral("unknown command")));

        // The page asked for is the one shown.
        MainWindow w;
        QVERIFY(w.openDatabase(m_fixture));
        for (Page p : kAllPages) {
            w.setPage(p);
            QStackedWidget *stack = w.findChild<QStackedWidget *>();
            QVERIFY(stack);
            QWidget *expected = p == Page::Licenses      ? static_cast<QWidget *>(w.licensesPage())
                                : p == Page::Subscribers ? static_cast<QWidget *>(w.subscribersPage())
                                : p == Page::Dashboard   ? static_cast<QWidget *>(w.dashboardPage())
                                : p == Page::Billing     ? static_cast<QWidget *>(w.billingPage())
                                : p == Page::Lmo         ? static_cast<QWidget *>(w.lmoPage())
                                                         : static_cast<QWidget *>(w.accessPage());
            QCOMPARE(stack->currentWidget(), expected);
        }
    }

    void startupOpensWhatTheUserMeant()
    {
        const QString missing = m_dir.filePath(QStringLiteral("not-yet.sqlite"));
        const QString defaultPath = m_dir.filePath(QStringLiteral("default.sqlite"));
        GuiOptions named;
        named.databasePath = m_fixture;
        StartupPlan plan = planStartup(named, QString(), defaultPath);
        QCOMPARE(plan.open, m_fixture);
        QVERIFY(plan.strict);
        // A named file that does not exist yet: the first-start choice, proposing that file.
        named.databasePath = missing;
        plan = planStartup(named, m_fixture, defaultPath);
        QVERIFY(plan.open.isEmpty());
        QCOMPARE(plan.suggestNew, missing);
        // Nothing named: the last database, if it is still there...
        plan = planStartup(GuiOptions(), m_fixture, defaultPath);
        QCOMPARE(plan.open, m_fixture);
        QVERIFY(!plan.strict);
        // ...else the default one, if it exists...
        plan = planStartup(GuiOptions(), missing, defaultPath);
        QVERIFY(plan.open.isEmpty());
        QCOMPARE(plan.suggestNew, defaultPath);
        QVERIFY(test::createFixtureFile(defaultPath)); // the default database is a file, whatever the backend
        plan = planStartup(GuiOptions(), missing, defaultPath);
        QCOMPARE(plan.open, defaultPath);
        // ...and on the very first start, the choice of a demo or an empty database.
        plan = planStartup(GuiOptions(), QString(), m_dir.filePath(QStringLiteral("nothing-here.sqlite")));
        QVERIFY(plan.open.isEmpty());
        QCOMPARE(plan.suggestNew, m_dir.filePath(QStringLiteral("nothing-here.sqlite")));
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

    // What cannot be opened leaves the open database open, and says why: a file that is not a
    // database (SQLite only: a server holds no such file); a server that does not answer, a
    // database the server does not have (PostgreSQL).
    void whatCannotBeOpenedKeepsTheCurrentDatabase_data()
    {
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("says");
        if (!test::onPostgres()) {
            QTest::newRow("a file that is not a database") << m_dir.filePath(QStringLiteral("bad.sqlite"))
                                                           << QStringLiteral("not an LMO Desk database");
            return;
        }
        // A port nothing listens on: taken, then given back.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        QTest::newRow("a server that does not answer")
            << QStringLiteral("postgresql://lmodesk_test@127.0.0.1:%1/lmodesk_test").arg(probe.serverPort())
            << QStringLiteral("cannot be reached");
        QString noSuchDatabase = test::postgresUri();
        QVERIFY(noSuchDatabase.contains(QStringLiteral("/lmodesk_test?")));
        noSuchDatabase.replace(QStringLiteral("/lmodesk_test?"), QStringLiteral("/no_such_database?"));
        QTest::newRow("a database the server does not have") << noSuchDatabase << QStringLiteral("has no database of that name");
    }
    void whatCannotBeOpenedKeepsTheCurrentDatabase()
    {
        QFETCH(QString, location);
        QFETCH(QString, says);
        MainWindow w;
        QVERIFY(w.openDatabase(m_fixture));
        if (!PgLocation::isPostgres(location)) {
            QFile f(location);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a database");
        }
        QString error;
        QVERIFY(!w.openDatabase(location, {}, &error, true));
        QVERIFY2(error.contains(says), qPrintable(error));
        QCOMPARE(w.database()->path(), kept(m_fixture));
        QTRY_VERIFY(w.statusText().contains(QStringLiteral("15 licenses"))); // once the background count is in
        QVERIFY(w.statusText().contains(shownName(m_fixture)));
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

    // A database this user may only read is shown read-only, with the reason: a file without
    // write permission (SQLite only: a file's permissions), a session the server lets only read
    // (PostgreSQL: default_transaction_read_only, as a database's owner may set it for a login).
    void whatMayOnlyBeReadIsShownReadOnly_data()
    {
        QTest::addColumn<QString>("reason");
        if (test::onPostgres())
            QTest::newRow("a session the server lets only read") << QStringLiteral("the server lets this session only read");
        else
            QTest::newRow("a read-only file") << QStringLiteral("the file is read-only");
    }
    void whatMayOnlyBeReadIsShownReadOnly()
    {
        QFETCH(QString, reason);
        if (test::onPostgres()) {
            const QString db = test::location(m_dir.filePath(QStringLiteral("readonly-session.sqlite")));
            QVERIFY(test::createFixtureDatabase(db));
            // The URI's options end with the schema's search_path: the setting goes beside it.
            QVERIFY(db.contains(QStringLiteral("options=-csearch_path")));
            checkReadOnlyWindow(db + QStringLiteral("%20-cdefault_transaction_read_only%3Don"), reason);
            return;
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("readonly.sqlite"));
        QVERIFY(test::createFixtureFile(path));
        QByteArray output;
        QVERIFY2(test::makeReadOnlyAndCheckAsUser(path, QStringLiteral("readOnlyChild"), &output), output.constData());
        if (output.isEmpty()) // not root: check here
            checkReadOnlyWindow(path, reason);
    }

    // Run by whatMayOnlyBeReadIsShownReadOnly as an unprivileged user; does nothing when run directly.
    void readOnlyChild()
    {
        const QString path = qEnvironmentVariable(test::kReadOnlyChildEnv);
        if (!path.isEmpty())
            checkReadOnlyWindow(path, QStringLiteral("the file is read-only"));
    }

    void recentDatabasesAndLastDatabaseAreRemembered()
    {
        const QString second = test::location(m_dir.filePath(QStringLiteral("second.sqlite")));
        {
            MainWindow w;
            QVERIFY(w.openDatabase(m_fixture));
            Database::OpenOptions create;
            create.create = true;
            QVERIFY(w.openDatabase(second, create));
            QCOMPARE(w.recentDatabases().value(0), kept(second));
            QCOMPARE(w.recentDatabases().value(1), kept(m_fixture));
            QTRY_VERIFY(w.statusText().contains(QStringLiteral("0 licenses"))); // once the background count is in
        }
        QCOMPARE(QSettings().value(QStringLiteral("database/last")).toString(), kept(second));
        MainWindow again;
        QCOMPARE(again.recentDatabases().value(0), kept(second));
        QMenu *recent = again.findChild<QMenu *>(QStringLiteral("recentMenu"));
        QVERIFY(recent);
        QVERIFY2(recent->actions().first()->text().contains(shownName(second)), qPrintable(recent->actions().first()->text()));
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
        // The setup wizard is offered for one's own data, not pressed on a demo.
        QVERIFY(!d.setUpLmo());
        d.findChild<QRadioButton *>(QStringLiteral("choiceEmpty"))->setChecked(true);
        QCOMPARE(d.choice(), WelcomeDialog::Choice::Empty);
        QVERIFY(d.setUpLmo());
        QCOMPARE(d.path(), m_dir.filePath(QStringLiteral("first.sqlite")));
    }

    void demoFromTheWindowShowsProgressAndWrites()
    {
        const QString path = test::location(m_dir.filePath(QStringLiteral("gui-demo.sqlite")));
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
        QTRY_VERIFY(w.statusText().contains(QStringLiteral("30,000 licenses"))); // once the background count is in
    }

    void cancellingTheDemoKeepsNothing()
    {
        const QString path = test::location(m_dir.filePath(QStringLiteral("cancelled-demo.sqlite")));
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
        if (test::onPostgres()) {
            // A team database is the server's, there before and after: nothing of the demo in it.
            auto db = Database::open(path, {});
            QVERIFY(db.ok());
            QCOMPARE(LicenseRepository(*db.value()).count().value(), 0);
        } else {
            // The file did not exist before: it is gone, so the next start offers the choice again.
            QVERIFY(!QFile::exists(path));
            QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
        }

        // Into an existing database (with --replace semantics), a cancel leaves it as it was.
        const QString existing = test::location(m_dir.filePath(QStringLiteral("existing.sqlite")));
        QVERIFY(test::createFixtureDatabase(existing));
        options.replace = true;
        QVERIFY(!runDemoWithProgress(nullptr, existing, options, &error));
        auto db = Database::open(existing, {});
        QVERIFY(db.ok());
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 15);
    }

    void theInstallBaseSplitAcrossTwoLmosCanBeShownApartOrTogether()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("two-lmos.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        {
            auto database = Database::open(db, Database::OpenOptions());
            QVERIFY(database.ok());
            LmoRepository lmos(database.value()->connection());
            LmoProfile first;
            first.org.name = u"Old LMO"_s;
            first.designatedAt = QDateTime::currentDateTimeUtc();
            QVERIFY(lmos.save(first).ok());
            LmoProfile next;
            next.org.name = u"New LMO"_s;
            next.designatedAt = QDateTime::currentDateTimeUtc();
            QVERIFY(lmos.switchTo(next, QDate(2026, 6, 1)).ok());
        }
        // The import asks which LMO the file came from, and waits for the answer.
        {
            auto database = Database::open(db, Database::OpenOptions());
            QVERIFY(database.ok());
            ImportDialog dialog(db, QFINDTESTDATA("data/cli_licenses.csv"));
            dialog.offerLmos(database.value()->connection());
            QVERIFY(dialog.asksForLmo());
            auto *import = dialog.findChild<QPushButton *>(u"importButton"_s);
            QVERIFY(!import->isEnabled());
            QVERIFY(dialog.findChild<QLabel *>(u"missingLabel"_s)->text().contains(u"more than one LMO"_s));
            auto *chooser = dialog.findChild<QComboBox *>(u"importLmo"_s);
            QCOMPARE(chooser->count(), 3); // "Choose…" and the two LMOs
            QCOMPARE(chooser->itemText(2), u"LMO 2: New LMO, current"_s);
            dialog.setLmo(2);
            QVERIFY(import->isEnabled());
            QSignalSpy finished(&dialog, &ImportDialog::finished);
            dialog.startImport();
            QVERIFY(finished.wait(30000));
            QCOMPARE(dialog.report()->inserted, 3);
            QVERIFY(dialog.findChild<QLabel *>(u"summaryLabel"_s)->text().contains(u"filed under LMO 2: New LMO"_s));
            QVERIFY(!dialog.rejectionsTable()->isVisibleTo(&dialog)); // nothing rejected: no empty table
            QCOMPARE(LicenseRepository(*database.value()).count().value(), 18);
        }

        MainWindow w;
        QVERIFY(w.openDatabase(db));
        auto *licensesLmo = w.licensesPage()->findChild<QComboBox *>(u"lmoChooser"_s);
        QVERIFY(licensesLmo);
        QTRY_VERIFY(licensesLmo->isVisibleTo(w.licensesPage())); // the LMOs are read off the UI thread
        QCOMPARE(licensesLmo->itemText(0), u"Every LMO"_s);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 18);
        licensesLmo->setCurrentIndex(2);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 3);
        // A saved view keeps its LMO, by name.
        w.licensesPage()->saveView(u"New LMO only"_s);
        w.licensesPage()->setFilter(LicenseFilter());
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 18);
        QCOMPARE(licensesLmo->currentIndex(), 0);
        QVERIFY(w.licensesPage()->applyView(u"New LMO only"_s));
        QCOMPARE(licensesLmo->currentIndex(), 2);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 3);
        w.licensesPage()->deleteView(u"New LMO only"_s);
        licensesLmo->setCurrentIndex(1);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 15);

        auto *subscribersLmo = w.subscribersPage()->findChild<QComboBox *>(u"lmoChooser"_s);
        QVERIFY(subscribersLmo && subscribersLmo->isVisibleTo(w.subscribersPage()));
        QTRY_COMPARE(w.subscribersPage()->model()->rowCount(), 12);
        subscribersLmo->setCurrentIndex(2);
        QTRY_COMPARE(w.subscribersPage()->model()->rowCount(), 3);
        QTRY_VERIFY(w.subscribersPage()->summaryText().startsWith(u"3 of 12 subscriber orgs"_s));

        auto *dashboardLmo = w.dashboardPage()->findChild<QComboBox *>(u"dashboardLmo"_s);
        QVERIFY(dashboardLmo);
        QTRY_VERIFY(dashboardLmo->isVisibleTo(w.dashboardPage())); // once the LMOs are counted, off the UI thread
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        dashboardLmo->setCurrentIndex(2);
        QTRY_VERIFY(w.dashboardPage()->metrics() && w.dashboardPage()->metrics()->filter.lmo == 2);
        QTRY_COMPARE(w.dashboardPage()->metrics()->stats.licenses, 3);

        // The LMO page lists both, with their licenses.
        QTRY_VERIFY(w.lmoPage()->isLoaded());
        QTreeWidget *list = w.lmoPage()->lmosTree();
        QVERIFY(list->isVisibleTo(w.lmoPage()));
        QCOMPARE(list->topLevelItemCount(), 2);
        QCOMPARE(list->topLevelItem(0)->text(1), u"Old LMO"_s);
        QCOMPARE(list->topLevelItem(0)->text(3), u"the start to 2026-06-01"_s);
        QCOMPARE(list->topLevelItem(0)->text(4), QLocale().toString(15));
        QCOMPARE(list->topLevelItem(1)->text(3), u"from 2026-06-01 (current)"_s);
        QCOMPARE(list->topLevelItem(1)->text(4), QLocale().toString(3));
    }

    void fileExportViewWritesWhatTheLicensesPageLists()
    {
        MainWindow w;
        QVERIFY(w.openDatabase(m_fixture));
        QVERIFY(w.findChild<QAction *>(u"exportViewAction"_s));
        QCOMPARE(w.findChild<QAction *>(u"exportViewAction"_s)->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
        LicenseFilter trials;
        trials.statuses = {Status::Trial};
        w.licensesPage()->setFilter(trials);
        QTRY_VERIFY(w.licensesPage()->model()->matchingCount().has_value());
        const qint64 listed = *w.licensesPage()->model()->matchingCount();
        QVERIFY(listed > 0 && listed < 15);
        const QString view = m_dir.filePath(u"view.csv"_s);
        auto written = w.exportLicensesTo(view, true);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
        QCOMPARE(written.value(), listed);
        QFile f(view);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QCOMPARE(bytes.count(",Trial,"), listed);
        QCOMPARE(w.exportLicensesTo(m_dir.filePath(u"all.csv"_s), false).value(), 15);
    }

    // One session as a user lives it: File > Open, Modify and Undo, the LMO wizard, an import,
    // File > Open again, a search. After each the detail panel shows the current row of the
    // list as the database holds it now.
    void theDetailShowsTheCurrentLicenseThroughASession()
    {
        const QString db = test::location(m_dir.filePath(u"session.sqlite"_s));
        QVERIFY(test::createFixtureDatabase(db));
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openDatabase(db));
        LicensesPage *page = w.licensesPage();
        LicenseDetailPanel *detail = page->detail();
        auto *modify = detail->findChild<QPushButton *>(u"modifyLicense"_s);
        auto rowNamed = [&](const QString &name) {
            for (int r = 0; r < page->model()->rowCount(); ++r)
                if (page->model()->index(r, 0).data().toString() == name)
                    return r;
            return -1;
        };
        auto select = [&](const QString &name) {
            if (!QTest::qWaitFor([&] { return page->model()->idsLoaded() && rowNamed(name) >= 0; }, 10000))
                return false;
            // Through the selection model: a click's meaning depends on the keyboard modifiers
            // an earlier test may have left.
            page->table()->selectionModel()->setCurrentIndex(page->model()->index(rowNamed(name), 0),
                                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            return QTest::qWaitFor([&] { return detail->fieldText(u"License"_s) == name; }, 10000);
        };
        // What the panel shows is the current row's license as the database has it.
        auto showsCurrent = [&]() -> QString {
            const QModelIndex current = page->table()->currentIndex();
            const qint64 id = current.isValid() ? page->model()->licenseIdAt(current.row()) : 0;
            if (!id)
                return detail->licenseId() == 0 ? QString() : u"shows #%1 with no current row"_s.arg(detail->licenseId());
            if (detail->licenseId() != id)
                return u"shows #%1, the current row is #%2"_s.arg(detail->licenseId()).arg(id);
            auto l = LicenseRepository(*w.database()).findByRowId(id);
            if (!l || !l->has_value())
                return u"the current license is not in the database"_s;
            if (detail->fieldText(u"License"_s) != (*l)->name)
                return u"shows %1, not %2"_s.arg(detail->fieldText(u"License"_s), (*l)->name);
            if (detail->fieldText(u"Seats"_s) != ((*l)->isSiteLicense() ? u"Site License"_s : QLocale().toString((*l)->seats)))
                return u"shows seats %1, the database %2"_s.arg(detail->fieldText(u"Seats"_s)).arg((*l)->seats);
            if (!modify->isEnabled())
                return u"Modify is disabled"_s;
            return QString();
        };
        // What a refused edit, undo or redo said (its message box), if one was refused.
        auto refusal = [&]() -> QString {
            auto *box = w.findChild<QMessageBox *>(u"editRefused"_s);
            return box ? box->text() : QString();
        };
        auto modifySeats = [&](int seats) {
            whenDialog<ModifyLicenseDialog>(this, [seats](ModifyLicenseDialog *dialog) {
                dialog->setSeats(ModifyLicenseDialog::SeatsChoice::Seats, seats);
                dialog->accept();
            });
            w.modifySelectedLicenses();
        };

        QVERIFY(select(u"L-00005"_s));
        QCOMPARE(showsCurrent(), QString());
        modifySeats(50);
        QTRY_COMPARE(detail->fieldText(u"Seats"_s), u"50"_s);
        QTRY_COMPARE(detail->historyRows(), 1); // the history arrives from a worker
        // Undo is on offer once the edit's job has reported (the panel may read the change first).
        QTRY_VERIFY(w.undoStack()->canUndo());
        w.undoStack()->undo();
        QVERIFY2(refusal().isEmpty(), qPrintable(refusal()));
        QTRY_COMPARE(detail->fieldText(u"Seats"_s), u"20"_s);
        QTRY_COMPARE(detail->historyRows(), 2); // the edit and its undo, newest first
        QVERIFY(detail->historyText(0).contains(u"undo"_s));
        QCOMPARE(showsCurrent(), QString());

        // The LMO wizard, one page done and left.
        whenDialog<LmoWizard>(this, [](LmoWizard *wizard) {
            QTRY_VERIFY(wizard->isLoaded()); // it reads on a worker
            wizard->orgName()->setText(u"Acme Partner Production"_s);
            wizard->orgId()->setText(u"00D5f000000AbCd"_s);
            wizard->orgKind()->setCurrentIndex(int(OrgKind::Production));
            wizard->paidAndPermanent()->setChecked(true);
            wizard->next();
            wizard->reject();
        });
        w.openLmoWizard(false);
        QTRY_COMPARE(showsCurrent(), QString());

        // An import that changes L-00005 and adds three licenses.
        const QString csv = m_dir.filePath(u"session.csv"_s);
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("\"License Name\",\"Package\",\"Status\",\"Licensed Seats\",\"Subscriber Org ID\"\n"
                    "\"L-00005\",\"Package A\",\"Active\",\"75\",\"00D000000000003\"\n"
                    "\"L-00031\",\"Package A\",\"Active\",\"5\",\"00D000000000031\"\n");
        }
        whenDialog<ImportDialog>(this, [](ImportDialog *dialog) {
            connect(dialog, &ImportDialog::finished, dialog, &QDialog::accept);
            dialog->startImport();
        });
        w.undoStack()->redo(); // the edit again: Redo must not be on offer after the import
        QTRY_COMPARE(detail->fieldText(u"Seats"_s), u"50"_s);
        w.undoStack()->undo();
        QVERIFY2(refusal().isEmpty(), qPrintable(refusal()));
        QVERIFY(w.undoStack()->canRedo());
        w.importFile(csv);
        // The list kept L-00005 current, and the panel reads what the import wrote.
        QTRY_COMPARE(detail->fieldText(u"Seats"_s), u"75"_s);
        QTRY_COMPARE(showsCurrent(), QString());
        QTRY_VERIFY(detail->historyText(0).contains(u"session.csv"_s));
        auto *undoAction = w.findChild<QAction *>(u"undoAction"_s);
        auto *redoAction = w.findChild<QAction *>(u"redoAction"_s);
        QVERIFY(!w.undoStack()->canRedo());
        QVERIFY(!redoAction->isEnabled());
        QCOMPARE(redoAction->text(), u"&Redo"_s);
        QVERIFY(!undoAction->isEnabled());
        QVERIFY2(undoAction->text().startsWith(u"Cannot undo the import of session.csv"_s), qPrintable(undoAction->text()));
        QVERIFY(select(u"L-00031"_s));
        QCOMPARE(showsCurrent(), QString());

        // File > Open of the same file again: the panel follows the list of the new connection.
        QVERIFY(w.openDatabase(db));
        QTRY_VERIFY(page->model()->idsLoaded());
        QCOMPARE(showsCurrent(), QString());
        QVERIFY(select(u"L-00031"_s));
        QCOMPARE(showsCurrent(), QString());
        QVERIFY(!undoAction->text().startsWith(u"Cannot"_s)); // another database, another history
        modifySeats(6);
        QTRY_COMPARE(detail->fieldText(u"Seats"_s), u"6"_s);
        QCOMPARE(showsCurrent(), QString());
        QCOMPARE(undoAction->text(), u"&Undo Modify L-00031"_s);

        // A search that leaves the shown license out: the panel shows what the list shows.
        page->findChild<QLineEdit *>(u"search"_s)->setText(u"L-00005"_s);
        QTRY_COMPARE(page->model()->rowCount(), 1);
        QTRY_COMPARE(showsCurrent(), QString());
        QVERIFY(detail->fieldText(u"License"_s) != u"L-00031"_s);

        // Several rows: what they add up to.
        page->findChild<QLineEdit *>(u"search"_s)->clear();
        QTRY_COMPARE(page->model()->rowCount(), 16);
        QTRY_VERIFY(page->model()->idsLoaded());
        page->table()->selectAll();
        QTRY_COMPARE(detail->titleText(), u"16 licenses selected"_s);
        QCOMPARE(detail->fieldText(u"Licenses"_s), u"16"_s);
        QCOMPARE(detail->fieldText(u"Trial"_s), u"3"_s);
        QVERIFY2(detail->fieldText(u"Seats"_s).endsWith(u"and 3 site licenses"_s), qPrintable(detail->fieldText(u"Seats"_s)));
        QCOMPARE(detail->licenseId(), 0);
    }

    void importDialogPreviewsAndImports()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-import.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        ImportDialog dialog(db, QFINDTESTDATA("data/cli_licenses.csv"));
        QVERIFY(dialog.previewOk());
        QVERIFY2(dialog.formatText().contains(QStringLiteral("Salesforce CLI")), qPrintable(dialog.formatText()));
        QVERIFY(dialog.formatText().contains(QStringLiteral("License records")));
        QCOMPARE(int(dialog.mapping().size()), 16);
        QCOMPARE(dialog.mapping()[2], ImportField::AccountName);
        QTableWidget *preview = dialog.findChild<QTableWidget *>(QStringLiteral("previewTable"));
        QVERIFY(preview);
        QCOMPARE(preview->rowCount(), 4); // the mapping row and three data rows
        QCOMPARE(preview->item(2, 2)->text(), QStringLiteral("Acme \"Quotes\" Inc."));
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(30000));
        QVERIFY(dialog.report().has_value());
        QCOMPARE(dialog.report()->inserted, 3);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("summaryLabel"))->text().contains(QStringLiteral("3 inserted")));
        QCOMPARE(finished.first().first().toBool(), true);
    }

    void theWindowShowsWhatAnImportAdded()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("window-import.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        MainWindow w;
        QVERIFY(w.openDatabase(db));
        // The pages hold their queries open, as they do while the user scrolls.
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 15);
        QTRY_COMPARE(w.subscribersPage()->model()->rowCount(), 9);
        ImportDialog dialog(db, QFINDTESTDATA("data/report_licenses.csv"));
        QCOMPARE(dialog.findChild<QTableWidget *>(QStringLiteral("previewTable"))->rowCount(), 4); // no footer rows
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(30000));
        w.reloadAll();
        QTRY_VERIFY2(w.statusText().contains(QStringLiteral("18 licenses")), qPrintable(w.statusText()));
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 18);
        QTRY_COMPARE(w.subscribersPage()->model()->rowCount(), 11);
    }

    // The dialog's summary comes as soon as the licenses are saved; the indexes for browsing
    // are left to the window, which builds them in the background.
    void anImportIntoAnEmptyDatabaseLeavesItsIndexesToTheWindow()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-empty.sqlite")));
        {
            Database::OpenOptions create;
            create.create = true;
            QVERIFY(Database::open(db, create).ok());
        }
        ImportDialog dialog(db, QFINDTESTDATA("data/dataloader_licenses.csv"));
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(30000));
        QVERIFY(dialog.report()->inserted > 0);
        const QString summary = dialog.findChild<QLabel *>(QStringLiteral("summaryLabel"))->text();
        QVERIFY2(summary.contains(QStringLiteral("builds the indexes that make sorting and filtering fast, in the background")),
                 qPrintable(summary));
        auto database = Database::open(db, Database::OpenOptions());
        QVERIFY(database.ok());
        QCOMPARE(deferredIndexCount(database.value()->connection()).value(), test::deferredAfterFreshLoad(*database.value()));
    }

    void theWindowBuildsIndexesAnEarlierLoadLeftAndAnImportPausesThem()
    {
        QString db;
        int loads = 0;
        const QString csv = m_dir.filePath(QStringLiteral("deferred-window.csv"));
        const QString more = m_dir.filePath(QStringLiteral("deferred-window-more.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 20000, QStringLiteral("Package A")));
        QVERIFY(test::writeLicenseCsv(more, 50, QStringLiteral("Package B")));
        // Each load into a new database (the fast path's, which leaves the indexes).
        auto loadLeavingIndexes = [&] {
            db = test::location(m_dir.filePath(QStringLiteral("deferred-window-%1.sqlite").arg(++loads)));
            Database::OpenOptions create;
            create.create = true;
            auto database = Database::open(db, create);
            QVERIFY(database.ok());
            QVERIFY(importFile(*database.value(), csv, ImportOptions()).ok()); // the CLI would build them next
            QCOMPARE(deferredIndexCount(database.value()->connection()).value(), test::deferredAfterFreshLoad(*database.value()));
        };
        loadLeavingIndexes();
        {
            MainWindow w;
            QVERIFY(w.openDatabase(db));
            QLabel *indexes = w.findChild<QLabel *>(QStringLiteral("statusIndexes"));
            QVERIFY(indexes);
            // The job looks for them on its own connection, then says so.
            QTRY_VERIFY2(indexes->text().contains(QStringLiteral("Building indexes")), qPrintable(indexes->text()));
            QAction *import = nullptr;
            for (QAction *a : w.findChildren<QAction *>())
                if (a->text() == QStringLiteral("&Import…"))
                    import = a;
            QVERIFY(import);
            QVERIFY(import->isEnabled()); // an import pauses the build rather than wait for it
            QTRY_VERIFY_WITH_TIMEOUT(indexes->text().isEmpty(), 60000);
            QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Indexes built")),
                     qPrintable(w.statusBar()->currentMessage()));
            // (Through a connection of its own: the window's pages keep their read snapshot.)
            auto fresh = Database::open(db, Database::OpenOptions());
            QVERIFY(fresh.ok());
            QCOMPARE(deferredIndexCount(fresh.value()->connection()).value(), 0);
            QTRY_COMPARE(w.licensesPage()->model()->rowCount() > 0, true);
        }

        // An import while the window builds them: the build stops between two indexes, the
        // import builds the rest first (it needs the unique ones), then imports.
        loadLeavingIndexes();
        MainWindow w;
        QVERIFY(w.openDatabase(db));
        QLabel *indexes = w.findChild<QLabel *>(QStringLiteral("statusIndexes"));
        QTRY_VERIFY(!indexes->text().isEmpty());
        w.stopIndexJob(); // what an import does first
        QVERIFY(indexes->text().isEmpty());
        ImportDialog dialog(db, more, &w);
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(60000));
        QCOMPARE(dialog.report()->read, 50);
        QCOMPARE(dialog.report()->rejected, 0);
        QCOMPARE(dialog.report()->unchanged, 50); // the same record Ids: found through the unique index
        auto fresh = Database::open(db, Database::OpenOptions());
        QVERIFY(fresh.ok());
        QCOMPARE(deferredIndexCount(fresh.value()->connection()).value(), 0);
        QSqlDatabase c = fresh.value()->connection();
        QCOMPARE(queryNumber(c, QStringLiteral("SELECT COUNT(*) FROM licenses"), QString()).value(), 20000);
        QCOMPARE(test::licenseIndexCount(*fresh.value()), test::licenseIndexesBuilt(*fresh.value()));
    }

    // Indexes an earlier load left are built before the import, in the dialog, and Cancel
    // stops between two of them: nothing of the file is imported.
    void theImportDialogBuildsWhatAnEarlierLoadLeftFirst()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-first.sqlite")));
        const QString csv = m_dir.filePath(QStringLiteral("dialog-first.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 20000, QStringLiteral("Package A")));
        {
            Database::OpenOptions create;
            create.create = true;
            auto database = Database::open(db, create);
            QVERIFY(database.ok());
            QVERIFY(importFile(*database.value(), csv, ImportOptions()).ok());
            QCOMPARE(deferredIndexCount(database.value()->connection()).value(), test::deferredAfterFreshLoad(*database.value()));
        }
        auto pending = [&db] {
            auto database = Database::open(db, Database::OpenOptions());
            return database ? deferredIndexCount(database.value()->connection()).value() : -1;
        };
        {
            ImportDialog dialog(db, csv);
            QSignalSpy finished(&dialog, &ImportDialog::finished);
            dialog.startImport();
            dialog.cancelImport();
            QVERIFY(finished.wait(60000));
            QVERIFY(!dialog.report());
            const QString summary = dialog.findChild<QLabel *>(QStringLiteral("summaryLabel"))->text();
            QVERIFY2(summary.contains(QStringLiteral("Cancelled before the import began")), qPrintable(summary));
            QVERIFY(pending() > 0);
        }
        ImportDialog dialog(db, csv);
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(60000));
        QVERIFY(dialog.report());
        QCOMPARE(dialog.report()->unchanged, 20000);
        QCOMPARE(pending(), 0);
    }

    void importDialogLetsTheUserMapUnknownColumns()
    {
        const QString csv = m_dir.filePath(QStringLiteral("odd-headers.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("Customer org,Product,State,Notes\n00D300000000091,Ledgerly CPQ,Active,keep\n");
        }
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-map.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        ImportDialog dialog(db, csv);
        QVERIFY(dialog.previewOk());
        QPushButton *importButton = dialog.findChild<QPushButton *>(QStringLiteral("importButton"));
        QVERIFY(!importButton->isEnabled());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("missingLabel"))->text().contains(QStringLiteral("Subscriber Org ID")));
        dialog.setMapping(0, ImportField::OrgId);
        dialog.setMapping(1, ImportField::PackageName);
        dialog.setMapping(2, ImportField::Status);
        QVERIFY(dialog.missingText().isEmpty());
        QVERIFY(importButton->isEnabled());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("ignoredLabel"))->text().contains(QStringLiteral("Notes")));
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        QTest::mouseClick(importButton, Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QCOMPARE(dialog.report()->inserted, 1);
    }

    void importDialogShowsAndSavesRejectedRows()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-bad.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        ImportDialog dialog(db, QFINDTESTDATA("data/bad_rows.csv"));
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(30000));
        QCOMPARE(dialog.rejectionsTable()->rowCount(), 7);
        QCOMPARE(dialog.rejectionsTable()->item(0, 0)->text(), QStringLiteral("3"));
        QVERIFY(dialog.rejectionsTable()->item(0, 2)->text().contains(QStringLiteral("not a date")));
        const QString saved = m_dir.filePath(QStringLiteral("rejected.csv"));
        QString error;
        QVERIFY2(dialog.saveRejections(saved, &error), qPrintable(error));
        QFile f(saved);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 9); // header, 7 rows, the empty end
        QVERIFY(lines[0].endsWith("Line,Reason\r"));
        QVERIFY(lines[1].contains("2024-13-45"));
    }

    // A download cut off inside its last record: the dialog imports the rows before it and lists
    // the cut one with its line and reason (and says how the file's bytes were read).
    void importDialogListsACutOffLastRecord()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-cut.sqlite")));
        QVERIFY(test::createFixtureDatabase(db));
        const QString csv = m_dir.filePath(QStringLiteral("cut-off.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n"
                    "Ledgerly CPQ,Active,00D300000000901,Z\xFCrich AG\n"
                    "Ledgerly CPQ,Active,00D300000000902,\"Gen\xE8ve, S\xE0rl\"\n"
                    "Ledgerly CPQ,Active,00D300000000903,\"Bas");
        }
        ImportDialog dialog(db, csv);
        const QString shots = qEnvironmentVariable("LMODESK_SHOTS");
        if (!shots.isEmpty()) {
            dialog.show();
            QVERIFY(dialog.grab().save(shots + QStringLiteral("/import-dialog-cut-off-preview.png")));
        }
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(finished.wait(30000));
        QCOMPARE(dialog.report()->inserted, 2);
        QCOMPARE(dialog.report()->exitCode(), 3);
        QCOMPARE(dialog.rejectionsTable()->rowCount(), 1);
        QCOMPARE(dialog.rejectionsTable()->item(0, 0)->text(), QStringLiteral("4"));
        QVERIFY(dialog.rejectionsTable()->item(0, 2)->text().contains(QStringLiteral("it looks cut off")));
        auto *summary = dialog.findChild<QLabel *>(QStringLiteral("summaryLabel"));
        QVERIFY(summary);
        QVERIFY2(summary->text().contains(QStringLiteral("Windows-1252")), qPrintable(summary->text()));
        if (!shots.isEmpty())
            QVERIFY(dialog.grab().save(shots + QStringLiteral("/import-dialog-cut-off.png")));
    }

    void cancellingTheImportDialogKeepsNothing()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("dialog-cancel.sqlite")));
        QByteArray before;
        {
            auto database = test::createFixtureDatabase(db);
            QVERIFY(database);
            before = test::contentHash(*database);
        }
        const QString csv = m_dir.filePath(QStringLiteral("dialog-big.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 200000, QStringLiteral("Package A")));
        ImportDialog dialog(db, csv);
        QSignalSpy finished(&dialog, &ImportDialog::finished);
        dialog.startImport();
        QVERIFY(dialog.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.findChild<QLabel *>(QStringLiteral("progressLabel"))->text().contains(QStringLiteral("rows read")), 30000);
        dialog.reject(); // Escape or the close button while it runs: a cancel, and the dialog stays
        QVERIFY(dialog.isRunning() || finished.count() > 0);
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        QVERIFY(!dialog.report().has_value());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("cancelled")), qPrintable(dialog.errorText()));
        auto database = Database::open(db, {});
        QVERIFY(database.ok());
        QCOMPARE(test::contentHash(*database.value()), before);
    }

private:
    void checkReadOnlyWindow(const QString &path, const QString &reason)
    {
        MainWindow w;
        QVERIFY(w.openDatabase(path));
        QVERIFY2(w.statusText().contains(QStringLiteral("Read-only: ") + reason), qPrintable(w.statusText()));
        QVERIFY(w.windowTitle().contains(QStringLiteral("read-only")));
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 15);
    }

    QTemporaryDir m_dir;
    QString m_fixture;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

