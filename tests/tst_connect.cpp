// The window's side of a team database: File > Connect to team database…, the password prompt
// and the keychain (the in-memory store here), Open recent and the status bar, against the test
// server (LMODESK_TEST_PG, LMODESK_TEST_PG_PASSWORD_URI: `. /tmp/pgenv` or
// packaging/pg-test-cluster.sh).
#include "dialogwait.h"
#include "fixtures.h"

#include "browse/licensespage.h"
#include "models/licensetablemodel.h"
#include "models/sqlworker.h"
#include "shell/connectdialog.h"
#include "shell/guilauncher.h"
#include "shell/mainwindow.h"
#include "shell/secretstore.h"
#include "shell/teamconnect.h"
#include "shell/welcomedialog.h"
#include "storage/postgres/pglocation.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <mutex>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace lmo;

namespace {

constexpr int kConnectTimeout = 30000; // generous: a busy machine, never a timing assertion

using test::visibleDialog;
using test::whenDialog;

QString withOption(const QString &uri, const QString &option)
{
    return uri + QLatin1Char(uri.contains(QLatin1Char('?')) ? '&' : '?') + option;
}

// A TCP port on 127.0.0.1 that accepts connections and never says a word (listening), or
// that nothing listens on (not listening), for as long as it lives.
class LocalPort
{
public:
    explicit LocalPort(bool listening)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&address), size) != 0
            || ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&address), &size) != 0
            || (listening && ::listen(m_fd, 8) != 0))
            return;
        m_port = ntohs(address.sin_port);
    }
    ~LocalPort()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    quint16 port() const { return m_port; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
};

MemorySecretStore *freshStore()
{
    auto store = std::make_unique<MemorySecretStore>();
    MemorySecretStore *raw = store.get();
    SecretStore::setInstance(std::move(store));
    return raw;
}

// What the store keeps under `key` (read as the window reads it: asynchronously).
std::optional<QString> kept(const QString &key)
{
    QObject context;
    bool answered = false;
    std::optional<QString> value;
    SecretStore::instance().read(key, &context, [&](const SecretAnswer &answer) {
        answered = true;
        value = answer.value;
    });
    if (!QTest::qWaitFor([&] { return answered; }, kConnectTimeout))
        return QStringLiteral("<no answer>");
    return value;
}

void typePassword(PasswordDialog *dialog, const QString &password, bool remember = true)
{
    dialog->findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->setText(password);
    if (auto *box = dialog->findChild<QCheckBox *>(QStringLiteral("rememberPassword")); box->isEnabled())
        box->setChecked(remember);
    dialog->accept();
}

QString passwordMessage(PasswordDialog *dialog)
{
    return dialog->findChild<QLabel *>(QStringLiteral("passwordMessage"))->text();
}

} // namespace

class TestConnect : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("lmodesk-test"));
        QCoreApplication::setApplicationName(QStringLiteral("lmodesk-connect-test"));
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_schema = QStringLiteral("tc_connect_") + suffix;
        // The ordinary login: a schema of its own holding the stats fixture (15 licenses).
        m_plain = test::schemaUri(test::postgresUri(), m_schema);
        {
            // Written straight there (createFixtureDatabase() would map the location again
            // under LMODESK_TEST_BACKEND=postgresql): this test is on the server either way.
            Database::OpenOptions create;
            create.create = true;
            auto database = Database::open(m_plain, create);
            QVERIFY2(database, qPrintable(database ? QString() : database.error().message));
            QVERIFY(test::writeStatsFixture(*database.value()));
        }
        // The login that must give a password ("secret"): a schema of its own in its database.
        const QString pw = qEnvironmentVariable("LMODESK_TEST_PG_PASSWORD_URI");
        QVERIFY2(!pw.isEmpty(), "LMODESK_TEST_PG_PASSWORD_URI is not set: . /tmp/pgenv (or packaging/pg-test-cluster.sh)");
        auto location = PgLocation::parse(pw);
        QVERIFY(location);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pw-admin"));
            db.setConnectOptions(location->driverOptions().value());
            db.setPassword(QStringLiteral("secret"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(m_schema)), qPrintable(q.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("pw-admin"));
        m_password = withOption(pw, QStringLiteral("options=-csearch_path%3D") + m_schema);
        m_passwordKey = location->keychainKey();
    }

    void cleanupTestCase()
    {
        // The schemas go with the run (the password login's own through the window's login).
        QSqlDatabase admin = QSqlDatabase::database(QStringLiteral("lmodesk-test-admin"), false);
        if (admin.isOpen())
            QSqlQuery(admin).exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema));
        auto location = PgLocation::parse(m_password);
        if (location) {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pw-admin"));
            db.setConnectOptions(location->driverOptions().value());
            db.setPassword(QStringLiteral("secret"));
            if (db.open())
                QSqlQuery(db).exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("pw-admin"));
    }

    void init() { freshStore(); }

    // File > Connect to team database…, no password needed: the pages fill and the status bar
    // and title name the server.
    void connectsThroughTheDialog()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        whenDialog<ConnectDialog>(&w, [this](ConnectDialog *d) {
            d->findChild<QLineEdit *>(QStringLiteral("uriEdit"))->setText(m_plain);
            d->accept();
        });
        w.findChild<QAction *>(QStringLiteral("connectAction"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(!visibleDialog<PasswordDialog>());
        QVERIFY(w.database() && w.database()->isTeamDatabase());
        const QString shown = w.database()->displayName();
        QVERIFY(shown.contains(QLatin1Char('@')));
        QTRY_COMPARE_WITH_TIMEOUT(w.licensesPage()->model()->rowCount(), 15, kConnectTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("15 licenses")), kConnectTimeout);
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Team database ") + shown), qPrintable(w.statusText()));
        QVERIFY2(w.windowTitle().startsWith(QStringLiteral("Team database ") + shown), qPrintable(w.windowTitle()));
    }

    // The Connect dialog's fields write the URI, keeping its other keywords.
    void fieldsBuildTheUri()
    {
        ConnectDialog d(QStringLiteral("postgresql://bob@old.example/x?sslmode=require"));
        QCOMPARE(d.findChild<QLineEdit *>(QStringLiteral("hostEdit"))->text(), QStringLiteral("old.example"));
        QCOMPARE(d.findChild<QLineEdit *>(QStringLiteral("userEdit"))->text(), QStringLiteral("bob"));
        auto *host = d.findChild<QLineEdit *>(QStringLiteral("hostEdit"));
        host->selectAll();
        QTest::keyClicks(host, QStringLiteral("db.example.com"));
        auto *port = d.findChild<QLineEdit *>(QStringLiteral("portEdit"));
        QTest::keyClicks(port, QStringLiteral("6543"));
        QCOMPARE(d.uri(), QStringLiteral("postgresql://bob@db.example.com:6543/x?sslmode=require"));
        QCOMPARE(ConnectDialog::buildUri(QStringLiteral("/run/postgresql"), QString(), QStringLiteral("lmo"),
                                         QStringLiteral("alice"), QString()),
                 QStringLiteral("postgresql://alice@/lmo?host=/run/postgresql"));
        // Not a URI: said, and Connect cannot be pressed.
        d.setUri(QStringLiteral("/home/me/lmo.sqlite"));
        QVERIFY(!d.findChild<QPushButton *>(QStringLiteral("connectButton"))->isEnabled());
        QVERIFY(d.findChild<QLabel *>(QStringLiteral("uriProblem"))->text().contains(QStringLiteral("postgresql://")));
    }

    // The server wants a password: asked, a wrong one refused with the server's words and
    // asked again, the right one connects and is remembered: the next connection asks nothing.
    void asksForThePasswordAndRemembersIt()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(m_password);
        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<PasswordDialog>(), kConnectTimeout);
        PasswordDialog *prompt = visibleDialog<PasswordDialog>();
        QVERIFY2(passwordMessage(prompt).contains(QStringLiteral("asks for a password")), qPrintable(passwordMessage(prompt)));
        QVERIFY(prompt->findChild<QCheckBox *>(QStringLiteral("rememberPassword"))->isChecked());
        typePassword(prompt, QStringLiteral("wrong"));

        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<PasswordDialog>() && visibleDialog<PasswordDialog>() != prompt,
                                 kConnectTimeout);
        prompt = visibleDialog<PasswordDialog>();
        QVERIFY2(passwordMessage(prompt).contains(QStringLiteral("refused the login")), qPrintable(passwordMessage(prompt)));
        QVERIFY(!w.database());
        QCOMPARE(finished.count(), 0);
        QVERIFY(!kept(m_passwordKey)); // a refused password is never kept
        typePassword(prompt, QStringLiteral("secret"));

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(w.database() && w.database()->isTeamDatabase());
        QTRY_COMPARE_WITH_TIMEOUT(kept(m_passwordKey), std::optional<QString>(QStringLiteral("secret")), kConnectTimeout);

        // Again: the keychain's password, no question (a prompt would hold the connection up).
        Database *first = w.database();
        w.connectTeamDatabase(m_password);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kConnectTimeout);
        QVERIFY(finished.at(1).at(0).toBool());
        QVERIFY(!visibleDialog<PasswordDialog>());
        QVERIFY(w.database() != first);
        QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("licenses")), kConnectTimeout);
        QVERIFY(w.statusText().startsWith(QStringLiteral("Team database lmodesk_pw@")));
        // The settings hold no password.
        QSettings().sync();
        QFile settings(QSettings().fileName());
        QVERIFY(settings.open(QIODevice::ReadOnly));
        QVERIFY(!settings.readAll().contains("secret"));
    }

    // A remembered password the server now refuses: asked again, and the new one replaces it.
    void wrongRememberedPasswordIsReplaced()
    {
        MemorySecretStore *store = freshStore();
        QObject context;
        store->write(m_passwordKey, QStringLiteral("stale"), &context, {});
        MainWindow w;
        w.show();
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(m_password);
        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<PasswordDialog>(), kConnectTimeout);
        QVERIFY(passwordMessage(visibleDialog<PasswordDialog>()).contains(QStringLiteral("refused the login")));
        typePassword(visibleDialog<PasswordDialog>(), QStringLiteral("secret"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(finished.first().at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(kept(m_passwordKey), std::optional<QString>(QStringLiteral("secret")), kConnectTimeout);
    }

    // No keychain service: said in the prompt, nothing offered to keep, and it still connects.
    void worksWithoutAKeychain()
    {
        freshStore()->setUnavailable(QStringLiteral("no keychain service is running on this desktop"));
        MainWindow w;
        w.show();
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(m_password);
        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<PasswordDialog>(), kConnectTimeout);
        PasswordDialog *prompt = visibleDialog<PasswordDialog>();
        QVERIFY(!prompt->findChild<QCheckBox *>(QStringLiteral("rememberPassword"))->isEnabled());
        QVERIFY(prompt->findChild<QLabel *>(QStringLiteral("keychainProblem"))->text().contains(QStringLiteral("asked for at each")));
        typePassword(prompt, QStringLiteral("secret"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("keychain")));
    }

    // Cancel at the password prompt: nothing changes.
    void cancelAtThePrompt()
    {
        MainWindow w;
        w.show();
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(m_password);
        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<PasswordDialog>(), kConnectTimeout);
        visibleDialog<PasswordDialog>()->reject();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(!w.database());
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("cancelled")));
    }

    // The pages' workers keep their own connections: one the server drops (a restart, a
    // failover) fails the job that meets it, and the next job connects again and works.
    void aWorkerConnectsAgainAfterTheServerDroppedIt()
    {
        auto database = Database::open(m_plain, {});
        QVERIFY2(database, qPrintable(database ? QString() : database.error().message));
        SqlWorker worker(database.value()->connectionSpec());
        std::mutex mutex;
        std::vector<std::pair<bool, qint64>> answers; // (ran, the backend's pid or the license count)
        auto ask = [&](const QString &sql) {
            worker.post([&, sql](QSqlDatabase &db) {
                QSqlQuery q(db);
                const bool ok = q.exec(sql) && q.next();
                std::lock_guard lock(mutex);
                answers.emplace_back(ok, ok ? q.value(0).toLongLong() : 0);
            });
        };
        auto count = [&] {
            std::lock_guard lock(mutex);
            return answers.size();
        };
        ask(QStringLiteral("SELECT pg_backend_pid()"));
        QTRY_COMPARE_WITH_TIMEOUT(count(), size_t(1), kConnectTimeout);
        QVERIFY(answers[0].first);
        const qint64 pid = answers[0].second;
        {
            QSqlQuery kill(database.value()->connection());
            QVERIFY(kill.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)) && kill.next());
            QVERIFY(kill.value(0).toBool());
        }
        ask(QStringLiteral("SELECT COUNT(*) FROM licenses")); // meets the dropped connection
        ask(QStringLiteral("SELECT COUNT(*) FROM licenses"));
        ask(QStringLiteral("SELECT pg_backend_pid()"));
        QTRY_COMPARE_WITH_TIMEOUT(count(), size_t(4), kConnectTimeout);
        QVERIFY(!answers[1].first);
        QVERIFY(answers[2].first);
        QCOMPARE(answers[2].second, qint64(15));
        QVERIFY(answers[3].first);
        QVERIFY(answers[3].second != pid);
    }

    // A server that does not answer: "Connecting to …" with Cancel while the window stays
    // usable; Cancel abandons the attempt and the open database stays.
    void cancelWhileConnecting()
    {
        LocalPort silent(true); // accepts the connection, never speaks: libpq waits for its answer
        QVERIFY(silent.port());
        const QString uri = QStringLiteral("postgresql://nobody@127.0.0.1:%1/lmo?connect_timeout=5").arg(silent.port());
        MainWindow w;
        w.show();
        QVERIFY(w.openDatabase(m_plain));
        Database *before = w.database();
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(uri);
        QTRY_VERIFY_WITH_TIMEOUT(visibleDialog<QProgressDialog>(QStringLiteral("connectProgress")), kConnectTimeout);
        QProgressDialog *progress = visibleDialog<QProgressDialog>(QStringLiteral("connectProgress"));
        QVERIFY2(progress->labelText().startsWith(QStringLiteral("Connecting to nobody@127.0.0.1:")), qPrintable(progress->labelText()));
        QCOMPARE(finished.count(), 0);
        QTest::mouseClick(progress->findChild<QPushButton *>(), Qt::LeftButton);
        QCOMPARE(finished.count(), 1); // at once: the attempt is abandoned, not waited for
        QVERIFY(!finished.first().at(0).toBool());
        QCOMPARE(w.database(), before);
        QTRY_VERIFY(!visibleDialog<QProgressDialog>(QStringLiteral("connectProgress")));
    }

    // A closed port: the core's "cannot be reached", and the open database stays open.
    void unreachableKeepsThePreviousDatabase()
    {
        LocalPort closed(false); // bound, so no one else takes it, and not listening: refused
        const quint16 port = closed.port();
        QVERIFY(port);
        MainWindow w;
        w.show();
        QVERIFY(w.openDatabase(m_plain));
        Database *before = w.database();
        QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("15 licenses")), kConnectTimeout);
        const QString status = w.statusText();
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        w.connectTeamDatabase(QStringLiteral("postgresql://lmodesk_test@127.0.0.1:%1/lmodesk_test").arg(port));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("cannot be reached")),
                 qPrintable(finished.first().at(1).toString()));
        QTRY_VERIFY(visibleDialog<QMessageBox>(QStringLiteral("connectError")));
        QMessageBox *box = visibleDialog<QMessageBox>(QStringLiteral("connectError"));
        QVERIFY(box->text().contains(QStringLiteral("cannot be reached")));
        box->accept();
        QCOMPARE(w.database(), before);
        QCOMPARE(w.statusText(), status);
    }

    // Open recent keeps the URI without its password, names it as the status bar does, and
    // reconnects from it with the keychain's password.
    void openRecentHoldsTheUriWithoutPassword()
    {
        auto location = PgLocation::parse(m_password);
        QVERIFY(location);
        // The password written in the URI itself, as someone may paste it.
        QString withPassword = m_password;
        withPassword.replace(QStringLiteral("lmodesk_pw@"), QStringLiteral("lmodesk_pw:secret@"));
        QVERIFY(withPassword.contains(QStringLiteral(":secret@")));
        QObject context;
        SecretStore::instance().write(m_passwordKey, QStringLiteral("secret"), &context, {});

        MainWindow w;
        w.show();
        QVERIFY(w.openDatabase(withPassword));
        const QString recent = w.recentDatabases().value(0);
        QVERIFY2(PgLocation::isPostgres(recent), qPrintable(recent));
        QVERIFY2(!recent.contains(QStringLiteral("secret")), qPrintable(recent));
        QCOMPARE(recent, location->uriWithoutPassword());
        QCOMPARE(MainWindow::lastDatabase(), recent);

        // Another database, then back through Open recent.
        QVERIFY(w.openDatabase(m_plain));
        QVERIFY(w.database()->displayName().startsWith(QStringLiteral("lmodesk_test@")));
        auto *menu = w.findChild<QMenu *>(QStringLiteral("recentMenu"));
        QAction *entry = nullptr;
        for (QAction *a : menu->actions())
            if (a->data().toString() == recent)
                entry = a;
        QVERIFY(entry);
        QVERIFY2(entry->text().contains(QStringLiteral("Team database ") + location->display()), qPrintable(entry->text()));
        QVERIFY(entry->isEnabled());
        QSignalSpy finished(&w, &MainWindow::teamConnectFinished);
        entry->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kConnectTimeout);
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(!visibleDialog<PasswordDialog>());
        QVERIFY(w.database()->displayName().startsWith(QStringLiteral("lmodesk_pw@")));
    }

    // The first-start dialog offers the team database too: its choice is the URI.
    void welcomeOffersATeamDatabase()
    {
        WelcomeDialog welcome(m_dir.filePath(QStringLiteral("new.sqlite")));
        welcome.show();
        whenDialog<ConnectDialog>(&welcome, [this](ConnectDialog *d) {
            d->findChild<QLineEdit *>(QStringLiteral("uriEdit"))->setText(m_plain);
            d->accept();
        });
        welcome.findChild<QPushButton *>(QStringLiteral("connectTeamButton"))->click();
        QCOMPARE(welcome.result(), int(QDialog::Accepted));
        QCOMPARE(welcome.choice(), WelcomeDialog::Choice::TeamDatabase);
        QCOMPARE(welcome.path(), m_plain);
    }

    // --db URI and LMODESK_DB=URI open the team database (it is no file to check for or create).
    void commandLineTakesAUri()
    {
        QString error;
        auto options = parseGuiArguments({QStringLiteral("lmodesk"), QStringLiteral("--db"), m_plain}, &error);
        QVERIFY2(options, qPrintable(error));
        StartupPlan plan = planStartup(*options, QString(), m_dir.filePath(QStringLiteral("none.sqlite")));
        QCOMPARE(plan.open, m_plain);
        QVERIFY(plan.strict);
        options = parseGuiArguments({QStringLiteral("lmodesk"), m_plain}, &error);
        QVERIFY2(options, qPrintable(error));
        QCOMPARE(options->databasePath, m_plain);
        qputenv("LMODESK_DB", m_plain.toUtf8());
        options = parseGuiArguments({QStringLiteral("lmodesk")}, &error);
        qunsetenv("LMODESK_DB");
        QVERIFY(options);
        QCOMPARE(planStartup(*options, QString(), QString()).open, m_plain);
        // The last database a team one: reopened at start.
        GuiOptions none;
        QCOMPARE(planStartup(none, m_plain, m_dir.filePath(QStringLiteral("none.sqlite"))).open, m_plain);
        // And openDatabase() of a URI, as the start does, waits for the connection.
        MainWindow w;
        QVERIFY(w.openDatabase(m_plain));
        QVERIFY(w.database()->isTeamDatabase());
    }

private:
    QTemporaryDir m_dir;
    QString m_schema;
    QString m_plain;
    QString m_password;
    QString m_passwordKey;
};

QTEST_MAIN(TestConnect)
#include "tst_connect.moc"
