// The window never waits on the server on the UI thread. Between the window and the test
// server sits a TCP proxy that holds every chunk 100 ms each way (a round trip costs 200 ms or
// more) and can be frozen (nothing passes until it is thawed). For each interaction, with the
// proxy frozen, a 10 ms timer on the UI thread must keep ticking while the server is silent for
// a second: blocked on the network, it would not tick at all (a deterministic failure, not a
// time limit). Then the proxy thaws and the interaction's result comes (QTRY). Needs the test
// server's TCP address, LMODESK_TEST_PG_TCP (packaging/pg-test-cluster.sh).
#include "fixtures.h"
#include "latencyproxy.h"

#include "browse/licensedetail.h"
#include "browse/licensespage.h"
#include "browse/subscriberspage.h"
#include "dashboard/dashboardpage.h"
#include "demo/demogenerator.h"
#include "models/licensetablemodel.h"
#include "models/subscribertablemodel.h"
#include "shell/mainwindow.h"
#include "widgets/bigtableview.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <thread>

using namespace lmo;

namespace {

constexpr int kFrozenMs = 1000;  // how long the server stays silent in each check
constexpr int kMinTicks = 20;    // of a 10 ms timer in that second: the UI thread ran
constexpr int kResultWait = 120000; // generous: a busy machine and 200 ms round trips

// LMODESK_LATENCY_BACKTRACE=1: where the UI thread waits, each time it stops for 300 ms
// (gdb prints its stack).
void printUiStack(const char *why)
{
    const QByteArray command = QByteArrayLiteral("gdb -p ") + QByteArray::number(QCoreApplication::applicationPid())
                               + QByteArrayLiteral(" -batch -ex 'thread apply 1 bt 40' 2>/dev/null | grep -E '^#' 1>&2");
    qWarning("The UI thread stopped (%s); its stack:", why);
    if (std::system(command.constData()) != 0)
        qWarning("(gdb could not say)");
}

// Counts a 10 ms timer's ticks on the UI thread and the longest gap between two.
class Ticker : public QObject
{
public:
    ~Ticker() override
    {
        m_stop = true;
        if (m_watch.joinable())
            m_watch.join();
    }
    explicit Ticker(const char *what = "")
    {
        if (qEnvironmentVariableIsSet("LMODESK_LATENCY_BACKTRACE"))
            m_watch = std::thread([this, what] {
                int seen = -1;
                int still = 0;
                bool told = false;
                while (!m_stop) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                    const int now = m_ticks.load();
                    still = now == seen ? still + 1 : 0;
                    if (now != seen)
                        told = false;
                    seen = now;
                    if (still >= 6 && !told) {
                        told = true;
                        printUiStack(what);
                    }
                }
            });
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            ++m_ticks;
            m_longestGap = qMax(m_longestGap, m_last.restart());
        });
        m_timer.start();
        m_last.start(); // a UI thread blocked from the start shows as one long gap
    }
    int ticks() const { return m_ticks.load(); }
    qint64 longestGap() const { return m_longestGap; }

private:
    QTimer m_timer;
    std::atomic<int> m_ticks{0};
    QElapsedTimer m_last;
    qint64 m_longestGap = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_watch;
};

} // namespace

class TestLatency : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::LatencyProxy> m_proxy;
    std::unique_ptr<MainWindow> m_window;
    QString m_uri; // the demo's schema, through the proxy
    QStringList m_failed;

    // Freezes the proxy, runs `act` from the event loop, and checks that the UI thread keeps
    // ticking while the server is silent; then thaws and waits for `done`. Dialogs `act` opens
    // are closed once the proxy has thawed and `done` holds. Records (does not stop at) a
    // failure, so that every interaction is tried.
    void check(const char *what, const std::function<void()> &act, const std::function<bool()> &done)
    {
        QVERIFY(m_window);
        // Once reached, done: a dialog that showed what it came for is then closed.
        bool reached = false;
        auto isDone = [&] {
            if (!reached && done())
                reached = true;
            return reached;
        };
        Ticker ticker(what);
        std::atomic<bool> thawed{false};
        std::atomic<int> ticksFrozen{-1};
        m_proxy->freeze();
        const int before = ticker.ticks();
        // The thaw comes from another thread: a UI thread blocked on the network could not
        // give it.
        std::thread thawer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(kFrozenMs));
            ticksFrozen = ticker.ticks() - before;
            m_proxy->thaw();
            thawed = true;
        });
        // Closes what the interaction opened, once it has shown what it came for.
        QTimer closer;
        closer.setInterval(20);
        connect(&closer, &QTimer::timeout, this, [&] {
            if (!thawed || !isDone())
                return;
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *dialog = qobject_cast<QDialog *>(w); dialog && dialog->isVisible())
                    dialog->reject();
        });
        closer.start();
        bool acted = false;
        QTimer::singleShot(0, this, [&] {
            act();
            acted = true;
        });
        const bool finished = QTest::qWaitFor([&] { return thawed.load() && acted && isDone(); }, kResultWait);
        closer.stop();
        thawer.join();
        m_proxy->thaw();
        qInfo("%-28s %3d ticks in the %d ms the server was silent; longest gap between ticks %lld ms", what,
              ticksFrozen.load(), kFrozenMs, ticker.longestGap());
        QString failure;
        if (ticksFrozen.load() < kMinTicks)
            failure = QStringLiteral("%1: the UI thread waited on the server (%2 ticks of 10 ms in %3 ms of silence)")
                          .arg(QString::fromLatin1(what), QString::number(ticksFrozen.load()), QString::number(kFrozenMs));
        else if (!finished)
            failure = QStringLiteral("%1: no result once the server answered again").arg(QString::fromLatin1(what));
        if (!failure.isEmpty()) {
            qWarning("%s", qPrintable(failure));
            m_failed << failure;
        }
        // Whatever the interaction left open goes before the next one.
        const bool closed = QTest::qWaitFor([] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *dialog = qobject_cast<QDialog *>(w); dialog && dialog->isVisible()) {
                    dialog->reject();
                    return false;
                }
            return true;
        }, kResultWait);
        if (!closed)
            m_failed << QStringLiteral("%1: a dialog it opened would not close").arg(QString::fromLatin1(what));
    }

    QAction *action(const QString &name) const { return m_window->findChild<QAction *>(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString tcp = qEnvironmentVariable("LMODESK_TEST_PG_TCP");
        if (tcp.isEmpty())
            QFAIL("tst_latency needs the test server's TCP address in LMODESK_TEST_PG_TCP: run it through "
                  "packaging/pg-test-cluster.sh");
        const QUrl url(tcp);
        m_proxy = std::make_unique<test::LatencyProxy>(url.host(), quint16(url.port(5432)), 100);
        QString error;
        QVERIFY2(m_proxy->start(&error), qPrintable(error));

        // The demo is written straight to the server; the window reaches it through the proxy.
        const QString schema = QStringLiteral("tst_latency_%1").arg(QCoreApplication::applicationPid());
        const QString direct = test::schemaUri(tcp, schema);
        DemoOptions demo;
        demo.licenses = 3000;
        demo.replace = true;
        auto written = generateDemoAt(direct, demo);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
        m_uri = m_proxy->throughProxy(direct);
        QVERIFY2(!m_uri.isEmpty(), qPrintable(direct));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_proxy.reset();
    }

    void theWindowKeepsRunningWhileTheServerIsSilent()
    {
        m_window = std::make_unique<MainWindow>();
        MainWindow &w = *m_window;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        // Opening, with 100 ms each way: the window paints meanwhile (the connection is made
        // off the UI thread).
        {
            Ticker ticker("opening");
            QElapsedTimer clock;
            clock.start();
            QString error;
            QVERIFY2(w.openDatabase(m_uri, {}, &error, true), qPrintable(error));
            QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("3,000 licenses")), kResultWait);
            QTRY_VERIFY_WITH_TIMEOUT(w.licensesPage()->model()->rowCount() > 0, kResultWait);
            qInfo("open through the proxy: %lld ms, longest gap between ticks %lld ms", clock.elapsed(),
                  ticker.longestGap());
        }
        QVERIFY(m_proxy->connections() > 0);
        LicensesPage *licenses = w.licensesPage();

        check("open the Licenses page", [&] { w.setPage(Page::Licenses); },
              [&] { return w.currentPage() == Page::Licenses && licenses->model()->rowCount() > 0; });
        check("open the Subscribers page", [&] { w.setPage(Page::Subscribers); },
              [&] { return w.subscribersPage()->model()->rowCount() > 0; });
        check("open the Dashboard page", [&] { w.setPage(Page::Dashboard); },
              [&] { return w.dashboardPage()->metrics().has_value(); });
        check("open the LMO page", [&] { w.setPage(Page::Lmo); }, [&] { return w.currentPage() == Page::Lmo; });

        w.setPage(Page::Licenses);
        QString firstBefore;
        check("sort a column", [&] {
            firstBefore = licenses->model()->index(0, 0).data().toString();
            licenses->table()->sortByColumn(0, Qt::DescendingOrder);
        }, [&] {
            return licenses->model()->rowCount() > 0 && licenses->model()->idsLoaded()
                   && !licenses->model()->index(0, 0).data().toString().isEmpty();
        });

        auto *search = licenses->findChild<QLineEdit *>(QStringLiteral("search"));
        QVERIFY(search);
        check("type a filter", [&] { QTest::keyClicks(search, QStringLiteral("a")); },
              [&] { return licenses->model()->matchingCount().has_value() && licenses->model()->rowCount() > 0; });

        check("select a license", [&] { licenses->table()->selectRow(0); },
              [&] { return licenses->detail()->licenseId() > 0; });

        QAction *modify = action(QStringLiteral("modifyAction"));
        QVERIFY(modify);
        check("open Modify License", [&] { modify->trigger(); }, [&] {
            for (QWidget *top : QApplication::topLevelWidgets())
                if (top->objectName() == QStringLiteral("modifyLicenseDialog") && top->isVisible())
                    return true;
            return false;
        });

        QAction *wizard = action(QStringLiteral("lmoWizardAction"));
        QVERIFY(wizard);
        check("open the LMO wizard", [&] { wizard->trigger(); }, [&] {
            for (QWidget *top : QApplication::topLevelWidgets())
                if (top->inherits("lmo::LmoWizard") && top->isVisible())
                    return true;
            return false;
        });

        int changed = 0;
        connect(&w, &MainWindow::contentsChangedSignal, this, [&changed] { ++changed; });
        check("Go > Reload", [&] { w.reloadAll(); }, [&] {
            return changed > 0 && w.statusText().contains(QStringLiteral("licenses"))
                   && !w.statusText().contains(QStringLiteral("counting"));
        });

        const QString csv = m_dir.filePath(QStringLiteral("all.csv"));
        std::optional<Result<qint64>> exported;
        check("File > Export", [&] { exported = w.exportLicensesTo(csv, false); },
              [&] { return exported.has_value(); });
        QVERIFY(exported && exported->ok());
        QCOMPARE(exported->value(), 3000);

        QVERIFY2(m_failed.isEmpty(), qPrintable(m_failed.join(QStringLiteral("\n"))));
    }
};

QTEST_MAIN(TestLatency)
#include "tst_latency.moc"
