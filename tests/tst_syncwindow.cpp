// The window's live sync: File > Connect to Salesforce… (the browser sign-in against the fake
// Salesforce, the refresh token kept in the in-memory keychain), Sync now with progress and
// Cancel, what the pages and the status bar show afterwards, the org that is not the LMO, a
// revoked sign-in, the sync timer, Disconnect. On SQLite and on the test server.
#include "fakesalesforce.h"
#include "fixtures.h"

#include "browse/licensespage.h"
#include "lmo/lmoprofile.h"
#include "shell/mainwindow.h"
#include "shell/secretstore.h"
#include "storage/database.h"
#include "sync/salesforcedialogs.h"
#include "sync/sfconnection.h"
#include "sync/synccontroller.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using lmo::test::FakeSalesforce;

namespace {

// The message box of that name on the screen now.
QMessageBox *box(const QString &name)
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *b = qobject_cast<QMessageBox *>(w); b && b->isVisible() && b->objectName() == name)
            return b;
    return nullptr;
}

void closeBoxes()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *b = qobject_cast<QMessageBox *>(w); b && b->isVisible())
            b->close();
    QCoreApplication::processEvents();
}

int visibleBoxes()
{
    int n = 0;
    for (QWidget *w : QApplication::topLevelWidgets())
        if (qobject_cast<QMessageBox *>(w) && w->isVisible())
            ++n;
    return n;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString secretOf(const QString &key)
{
    QEventLoop loop;
    QObject context;
    QString value = QStringLiteral("(unread)");
    SecretStore::instance().read(key, &context, [&](const SecretAnswer &a) {
        value = a.ok && a.value ? *a.value : QString();
        loop.quit();
    });
    loop.exec();
    return value;
}

qint64 number(Database *db, const QString &sql)
{
    QSqlQuery q(db->connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

} // namespace

class TestSyncWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<FakeSalesforce> m_sf;
    std::unique_ptr<MainWindow> m_window;

    SyncController *sync() const { return m_window->syncController(); }

    // A fresh fake org with `licenses` licenses, a window on a fresh database, no connection.
    void fresh(int licenses = 450)
    {
        closeBoxes();
        m_window.reset();
        QSettings().clear();
        SecretStore::setInstance(std::make_unique<MemorySecretStore>());
        m_sf = std::make_unique<FakeSalesforce>();
        QString why;
        QVERIFY2(m_sf->start(&why), qPrintable(why));
        m_sf->setNow(QDateTime::currentDateTimeUtc());
        m_sf->seed(3, licenses);
        m_window = std::make_unique<MainWindow>();
        Database::OpenOptions o;
        o.create = true;
        QString error;
        QVERIFY2(m_window->openDatabase(test::location(m_dir.filePath(QStringLiteral("window%1.db").arg(++m_n))), o, &error, true),
                 qPrintable(error));
        m_window->show();
    }

    SyncController::ConnectChoice signInChoice()
    {
        SyncController::ConnectChoice c;
        c.app.loginUrl = QUrl(m_sf->url());
        c.app.clientId = m_sf->clientId;
        c.app.port = freePort();
        return c;
    }

    // Connects through the browser sign-in; the "Connected" box is left open.
    void signIn()
    {
        QSignalSpy done(sync(), &SyncController::connectFinished);
        sync()->connect(signInChoice());
        QVERIFY(done.wait(60'000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    }

    bool syncAndWait(bool interactive, QString *message = nullptr)
    {
        QSignalSpy done(sync(), &SyncController::syncFinished);
        sync()->syncNow(interactive);
        if (!done.wait(120'000))
            return false;
        if (message)
            *message = done.first().at(1).toString();
        return done.first().at(0).toBool();
    }

    qint64 licenses() { return number(m_window->database(), QStringLiteral("SELECT COUNT(*) FROM licenses")); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The settings this test clears are a test's own, never the user's: test mode puts
        // them under ~/.qttest whatever XDG_CONFIG_HOME says, so each backend's run names its
        // own (ctest runs the two at once, and one's clear() wiped the other's connection).
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("lmodesk-test"));
        QCoreApplication::setApplicationName(test::onPostgres() ? QStringLiteral("tst_syncwindow-postgresql")
                                                                : QStringLiteral("tst_syncwindow"));
        qputenv("LMODESK_BROWSER", LMODESK_FAKE_BROWSER);
    }

    void cleanupTestCase()
    {
        closeBoxes();
        m_window.reset();
    }

    void theDialogSaysWhatIsMissing()
    {
        SalesforceConnectDialog dialog(std::nullopt);
        auto *connect = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!connect->isEnabled()); // no consumer key yet
        QVERIFY(dialog.problem().contains(QStringLiteral("consumer key")));
        dialog.setClientId(QStringLiteral("3MVG9abc"));
        QVERIFY(connect->isEnabled());
        QCOMPARE(dialog.app().loginUrl.host(), QStringLiteral("login.salesforce.com"));
        dialog.setLoginText(QStringLiteral("test"));
        QCOMPARE(dialog.app().loginUrl.host(), QStringLiteral("test.salesforce.com"));
        dialog.setLoginText(QStringLiteral("acme.my.salesforce.com"));
        QCOMPARE(dialog.app().loginUrl.host(), QStringLiteral("acme.my.salesforce.com"));
        dialog.setLoginText(QStringLiteral("not a host at all"));
        QVERIFY(!connect->isEnabled());
        QVERIFY(dialog.problem().contains(QStringLiteral("not login.salesforce.com")));
        dialog.setLoginText(QStringLiteral("login"));
        dialog.setClientId(QStringLiteral("3MVG9 abc"));
        QVERIFY(!connect->isEnabled());
        dialog.setClientId(QStringLiteral("3MVG9abc"));
        dialog.setPort(8123);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("callbackUrl"))->text().contains(QStringLiteral("http://127.0.0.1:8123/callback")));
        QCOMPARE(dialog.app().redirectUri(), QStringLiteral("http://127.0.0.1:8123/callback"));
        dialog.setUseCli(true);
        QVERIFY(!connect->isEnabled()); // no alias yet
        dialog.setCliAlias(QStringLiteral("acme-lmo"));
        QVERIFY(connect->isEnabled());
        QCOMPARE(dialog.cliAlias(), QStringLiteral("acme-lmo"));

        // A second connect starts from the last one.
        sf::SavedConnection previous;
        previous.orgId = QStringLiteral("00D000000000001AAA");
        previous.loginUrl = QUrl(QStringLiteral("https://acme.my.salesforce.com"));
        previous.clientId = QStringLiteral("3MVG9kept");
        previous.port = 9001;
        SalesforceConnectDialog again(previous);
        QCOMPARE(again.app().clientId, QStringLiteral("3MVG9kept"));
        QCOMPARE(again.app().port, quint16(9001));
        QCOMPARE(again.app().loginUrl.host(), QStringLiteral("acme.my.salesforce.com"));
        QVERIFY(!again.useCli());
    }

    void signsInSyncsAndShowsIt()
    {
        fresh();
        QVERIFY(sync()->syncAction()->isEnabled());
        signIn();
        // Kept: the connection in the settings, the refresh token in the keychain, nothing else.
        auto saved = sf::connections::find(m_sf->orgId());
        QVERIFY(saved);
        QCOMPARE(saved->username, m_sf->username);
        QVERIFY(!secretOf(saved->secretKey()).isEmpty());
        QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(secretOf(saved->secretKey())), qPrintable(key));
        QMessageBox *connected = box(QStringLiteral("salesforceConnected"));
        QVERIFY(connected);
        QVERIFY2(connected->informativeText().contains(QStringLiteral("no LMO designated yet")), qPrintable(connected->informativeText()));
        QVERIFY(m_sf->lastReceivedCode().endsWith(QStringLiteral("Code==")));

        // Sync now, from the box: every license; the database had no LMO, so the org is recorded
        // and the wizard offered.
        QSignalSpy done(sync(), &SyncController::syncFinished);
        connected->findChild<QPushButton *>(QStringLiteral("syncNowButton"))->click();
        QVERIFY(done.wait(120'000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        QCOMPARE(licenses(), 450);
        QTRY_VERIFY(box(QStringLiteral("syncRecordedLmo")));
        QVERIFY(box(QStringLiteral("syncRecordedLmo"))->findChild<QPushButton *>(QStringLiteral("openWizardButton")));
        // The pages show it: the Licenses page counts 450.
        QTRY_COMPARE(m_window->licensesPage()->count().value_or(-1), qint64(450));
        QTRY_VERIFY(sync()->statusLabel()->isVisible());
        QTRY_VERIFY2(sync()->statusLabel()->text().startsWith(QStringLiteral("Synced ")), qPrintable(sync()->statusLabel()->text()));
        QVERIFY2(sync()->statusLabel()->text().contains(QStringLiteral(" changed")), qPrintable(sync()->statusLabel()->text()));
        QVERIFY2(sync()->statusLabel()->text().contains(QStringLiteral("left")), qPrintable(sync()->statusLabel()->text()));
        QVERIFY2(sync()->statusLabel()->toolTip().contains(QStringLiteral("licenses: 450 read")), qPrintable(sync()->statusLabel()->toolTip()));
        closeBoxes();

        // The org changes; the timer's kind of sync (no dialogs) reads only that.
        m_sf->setNow(m_sf->now().addSecs(120));
        QSqlQuery first(m_window->database()->connection());
        QVERIFY(first.exec(QStringLiteral("SELECT sf_id FROM licenses ORDER BY sf_id LIMIT 2")));
        QVERIFY(first.next());
        const QString changedId = first.value(0).toString();
        QVERIFY(first.next());
        const QString removedId = first.value(0).toString();
        first.finish(); // no read left open on the window's connection
        QVERIFY(m_sf->update(QStringLiteral("sfLma__License__c"), changedId, {{QStringLiteral("sfLma__Seats__c"), QStringLiteral("777")}}));
        QVERIFY(m_sf->remove(QStringLiteral("sfLma__License__c"), removedId));
        QString message;
        QVERIFY2(syncAndWait(false, &message), qPrintable(message));
        QCOMPARE(visibleBoxes(), 0);
        QCOMPARE(licenses(), 449);
        QCOMPARE(number(m_window->database(), QStringLiteral("SELECT seats FROM licenses WHERE sf_id = '%1'").arg(changedId)), 777);
        QTRY_VERIFY2(sync()->statusLabel()->text().contains(QStringLiteral(": 2 changed")), qPrintable(sync()->statusLabel()->text()));
        QTRY_COMPARE(m_window->licensesPage()->count().value_or(-1), qint64(449));
    }

    void cancelStopsAndTheNextSyncFinishes()
    {
        fresh(3000);
        signIn();
        closeBoxes();
        m_sf->holdQueries(true);
        QSignalSpy done(sync(), &SyncController::syncFinished);
        sync()->syncNow(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_sf->heldRequests() > 0, 60'000);
        QVERIFY(sync()->isSyncing());
        QVERIFY(sync()->syncAction()->text().contains(QStringLiteral("Stop")));
        sync()->syncAction()->trigger(); // the action stops it, as the dialog's Cancel does
        m_sf->holdQueries(false);
        QVERIFY(done.wait(60'000));
        QVERIFY(!done.first().at(0).toBool());
        QVERIFY(!sync()->isSyncing());
        QVERIFY(!sync()->syncAction()->text().contains(QStringLiteral("Stop")));
        closeBoxes();
        QVERIFY(licenses() < 3000);
        QString message;
        QVERIFY2(syncAndWait(true, &message), qPrintable(message));
        QCOMPARE(licenses(), 3000);
    }

    void anOrgThatIsNotTheLmoIsFiledOnlyWhenAsked()
    {
        fresh();
        // The database's LMO is another org.
        {
            LmoRepository lmos(m_window->database()->connection());
            auto profile = lmos.current();
            QVERIFY(profile);
            LmoProfile p = profile.value();
            p.org.name = QStringLiteral("The Real LMO");
            p.org.orgId = QStringLiteral("00D000000RealLM");
            QVERIFY(lmos.save(p));
        }
        m_window->contentsChanged(MainWindow::Change::Edit);
        signIn();
        QVERIFY2(box(QStringLiteral("salesforceConnected"))->informativeText().contains(QStringLiteral("NOT this database's LMO")),
                 qPrintable(box(QStringLiteral("salesforceConnected"))->informativeText()));
        closeBoxes();
        const qint64 before = m_sf->requests();
        QString message;
        QVERIFY(!syncAndWait(true, &message));
        QVERIFY2(message.contains(QStringLiteral("is not this database's LMO")), qPrintable(message));
        QCOMPARE(licenses(), 0);
        QCOMPARE(m_sf->requests(), before); // nothing was asked of the org
        QMessageBox *asked = box(QStringLiteral("syncWrongOrg"));
        QVERIFY(asked);
        QSignalSpy done(sync(), &SyncController::syncFinished);
        asked->findChild<QPushButton *>(QStringLiteral("fileAsNewLmoButton"))->click();
        QVERIFY(done.wait(120'000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        QCOMPARE(licenses(), 450);
        QCOMPARE(number(m_window->database(), QStringLiteral("SELECT COUNT(*) FROM lmo_profiles")), 2);
        // The licenses carry the LMO they came from, not the database's current one.
        QCOMPARE(number(m_window->database(), QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = 1")), 0);
        // Filed: the next sync goes ahead without asking.
        closeBoxes();
        QVERIFY2(syncAndWait(true, &message), qPrintable(message));
        QVERIFY(!box(QStringLiteral("syncWrongOrg")));
    }

    void aRevokedSignInAsksToConnectAgain()
    {
        fresh();
        signIn();
        closeBoxes();
        m_sf->revokeRefreshTokens();
        QString message;
        QVERIFY(!syncAndWait(true, &message));
        QMessageBox *again = box(QStringLiteral("syncNotConnected"));
        QVERIFY2(again, qPrintable(message));
        QVERIFY(again->findChild<QPushButton *>(QStringLiteral("connectAgainButton")));
        QTRY_VERIFY2(sync()->statusLabel()->text().startsWith(QStringLiteral("Sync failed")), qPrintable(sync()->statusLabel()->text()));
        QCOMPARE(licenses(), 0);
        closeBoxes();
        // Without any connection: the same question, before anything is asked of anyone.
        sf::connections::forget(m_sf->orgId());
        QVERIFY(!syncAndWait(true, &message));
        QVERIFY2(message.contains(QStringLiteral("not connected")), qPrintable(message));
        QVERIFY(box(QStringLiteral("syncNotConnected")));
    }

    void theTimerFollowsTheSettings()
    {
        fresh();
        QVERIFY(!sync()->autoSyncActive());
        sf::SyncSettings s = sf::SyncSettings::load();
        QCOMPARE(s.reservePercent, 10.0);
        QCOMPARE(s.bulkThreshold, qint64(50'000));
        s.everyMinutes = 15;
        s.save();
        sync()->applySettings();
        QVERIFY(sync()->autoSyncActive());
        QCOMPARE(sync()->autoSyncIntervalMs(), 15 * 60 * 1000);
        // The settings dialog shows and keeps them.
        SyncSettingsDialog dialog(sf::SyncSettings::load());
        QCOMPARE(dialog.settings().everyMinutes, 15);
        dialog.findChild<QCheckBox *>(QStringLiteral("syncEvery"))->setChecked(false);
        QCOMPARE(dialog.settings().everyMinutes, 0);
        dialog.findChild<QDoubleSpinBox *>(QStringLiteral("syncReserve"))->setValue(25);
        QCOMPARE(dialog.settings().reservePercent, 25.0);
        dialog.settings().save();
        sync()->applySettings();
        QVERIFY(!sync()->autoSyncActive());
        QCOMPARE(sf::SyncSettings::load().reservePercent, 25.0);

        // Nothing is synced into a database open read-only: no timer, no action.
        s.everyMinutes = 5;
        s.save();
        const QString path = m_window->database()->path();
        Database::OpenOptions readOnly;
        readOnly.readOnly = true;
        QString error;
        QVERIFY2(m_window->openDatabase(path, readOnly, &error, true), qPrintable(error));
        QVERIFY(!sync()->autoSyncActive());
        QVERIFY(!sync()->syncAction()->isEnabled());
        QVERIFY2(m_window->openDatabase(path, {}, &error, true), qPrintable(error));
        QVERIFY(sync()->autoSyncActive());
        QCOMPARE(sync()->autoSyncIntervalMs(), 5 * 60 * 1000);
        QSettings().clear();
    }

    void disconnectRevokesAndForgets()
    {
        fresh();
        signIn();
        closeBoxes();
        auto saved = sf::connections::find(m_sf->orgId());
        QVERIFY(saved);
        QSignalSpy done(sync(), &SyncController::disconnectFinished);
        sync()->disconnectOrg(QString(), false);
        QVERIFY(done.wait(60'000));
        QVERIFY(done.first().at(0).toBool());
        QVERIFY2(done.first().at(1).toString().contains(QStringLiteral("revoked at Salesforce")), qPrintable(done.first().at(1).toString()));
        QVERIFY(!sf::connections::find(m_sf->orgId()));
        QCOMPARE(secretOf(saved->secretKey()), QString());
        QVERIFY(m_sf->requestLog().join(QLatin1Char('\n')).contains(QStringLiteral("/services/oauth2/revoke")));
        QString message;
        QVERIFY(!syncAndWait(true, &message));
        QVERIFY2(message.contains(QStringLiteral("not connected")), qPrintable(message));
    }
};

QTEST_MAIN(TestSyncWindow)
#include "tst_syncwindow.moc"
