#include "sync/synccontroller.h"

#include "document/document.h"
#include "document/jobrunner.h"
#include "shell/mainwindow.h"
#include "shell/secretstore.h"
#include "sync/salesforcedialogs.h"
#include "sync/signinbrowser.h"
#include "sync/sforg.h"
#include "util/format.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace lmo {

namespace {

constexpr int kSignInTimeoutMs = 10 * 60 * 1000;

// A message that does not block the window (tests find it by its name).
QMessageBox *showBox(QWidget *parent, QMessageBox::Icon icon, const QString &objectName, const QString &title,
                     const QString &text, const QString &details = QString())
{
    auto *box = new QMessageBox(icon, title, text, QMessageBox::Close, parent);
    box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::PlainText);
    if (!details.isEmpty())
        box->setInformativeText(details);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    return box;
}

// The session a connection has: the refresh token's, or the Salesforce CLI's.
std::unique_ptr<sf::TokenSource> tokensFor(const sf::SavedConnection &c, const QString &refreshToken)
{
    if (c.method == sf::SavedConnection::Method::SalesforceCli)
        return std::make_unique<sf::CliTokenSource>(c.sfAlias);
    return std::make_unique<sf::RefreshTokenSource>(c.app(), refreshToken,
                                                    QStringLiteral("the sign-in kept in %1").arg(SecretStore::instance().name()));
}

QString perObject(const QJsonObject &report)
{
    QStringList lines;
    const QJsonObject objects = report.value(QStringLiteral("objects")).toObject();
    for (const QString &key : {QStringLiteral("packages"), QStringLiteral("package_versions"), QStringLiteral("licenses")}) {
        if (!objects.contains(key))
            continue;
        const QJsonObject o = objects.value(key).toObject();
        lines << QStringLiteral("%1: %2 read (%3), %4 new, %5 changed, %6 removed, %7 unchanged")
                     .arg(QString(key).replace(QLatin1Char('_'), QLatin1Char(' ')),
                          groupedNumber(o.value(QStringLiteral("fetched")).toInteger()), o.value(QStringLiteral("via")).toString(),
                          groupedNumber(o.value(QStringLiteral("inserted")).toInteger()),
                          groupedNumber(o.value(QStringLiteral("updated")).toInteger()),
                          groupedNumber(o.value(QStringLiteral("deleted")).toInteger()),
                          groupedNumber(o.value(QStringLiteral("unchanged")).toInteger()));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

SyncController::SyncController(MainWindow *window)
    : QObject(window), m_window(window), m_status(new QLabel(window))
{
    setObjectName(QStringLiteral("syncController"));
    m_status->setObjectName(QStringLiteral("statusSync"));
    m_status->hide();
    m_timer.setObjectName(QStringLiteral("syncTimer"));
    // A timed sync waits for the next tick while one runs or a dialog is open (an import, the
    // wizard, Modify License): never in the middle of what the user is doing.
    QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!isSyncing() && !QApplication::activeModalWidget())
            syncNow(false);
    });
    QObject::connect(window, &MainWindow::databaseChanged, this, [this] {
        m_lastError.clear();
        refreshStatus();
        applySettings();
        updateActions();
    });
    // While a sync runs the status bar says how far it is.
    QObject::connect(window->document()->jobs(), &JobRunner::jobProgress, this,
                     [this](quint64 id, qint64, qint64, const QString &label) {
                         if (id == m_job && !label.isEmpty()) {
                             m_status->setText(QStringLiteral("Sync: %1").arg(label));
                             m_status->show();
                         }
                     });
}

SyncController::~SyncController() = default;

void SyncController::addActionsTo(QMenu *menu)
{
    m_connectAction = menu->addAction(QStringLiteral("Connect to &Salesforce…"), this, &SyncController::connectDialog);
    m_connectAction->setObjectName(QStringLiteral("salesforceConnectAction"));
    m_connectAction->setToolTip(QStringLiteral("Sign in to the LMO, to read its licenses straight from the org"));
    m_syncAction = menu->addAction(QStringLiteral("S&ync from Salesforce now"), this, [this] {
        if (m_syncing)
            cancelSync();
        else
            syncNow(true);
    });
    m_syncAction->setObjectName(QStringLiteral("syncAction"));
    m_syncAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Y));
    m_settingsAction = menu->addAction(QStringLiteral("Salesforce sync se&ttings…"), this, &SyncController::settingsDialog);
    m_settingsAction->setObjectName(QStringLiteral("syncSettingsAction"));
    m_disconnectAction = menu->addAction(QStringLiteral("&Disconnect from Salesforce…"), this, [this] { disconnectOrg(); });
    m_disconnectAction->setObjectName(QStringLiteral("salesforceDisconnectAction"));
    updateActions();
}

QString SyncController::orgLabel(const sf::SavedConnection &c) const
{
    return c.orgName.isEmpty() ? c.orgId : QStringLiteral("%1 (%2)").arg(c.orgName, c.orgId);
}

void SyncController::updateActions()
{
    if (!m_syncAction)
        return;
    Database *db = m_window->database();
    const bool writable = db && !db->isReadOnly();
    m_syncAction->setEnabled(writable || m_syncing);
    m_syncAction->setText(m_syncing ? QStringLiteral("Stop s&yncing from Salesforce") : QStringLiteral("S&ync from Salesforce now"));
    m_syncAction->setToolTip(!db ? QStringLiteral("Open a database to sync into")
                             : db->isReadOnly() ? QStringLiteral("The database is open read-only: nothing can be synced into it")
                                                : QStringLiteral("Read what changed in the LMO since the last sync"));
    m_disconnectAction->setEnabled(!sf::connections::all().isEmpty() && !m_syncing);
    m_connectAction->setEnabled(m_connectJob == 0);
}

// --- connecting -------------------------------------------------------------------------------

void SyncController::connectDialog()
{
    SalesforceConnectDialog dialog(sf::connections::latest(), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ConnectChoice choice;
    choice.cli = dialog.useCli();
    choice.app = dialog.app();
    choice.alias = dialog.cliAlias();
    connect(choice);
}

namespace {
struct Connected
{
    sf::SavedConnection saved;
    sf::OrgRecord org;
    QString refreshToken;
    QStringList notes;
};
} // namespace

void SyncController::connect(const ConnectChoice &choice)
{
    if (m_connectJob != 0)
        return;
    JobOptions job;
    job.title = QStringLiteral("Connecting to Salesforce");
    job.label = choice.cli ? QStringLiteral("Asking the Salesforce CLI for the org %1…").arg(choice.alias)
                           : QStringLiteral("Opening Salesforce's sign-in page in your browser…");
    job.dialogParent = m_window;
    job.minimumDurationMs = 0;
    job.objectName = QStringLiteral("salesforceConnectProgress");
    job.cancellingLabel = QStringLiteral("Cancelling the sign-in…");
    m_connectJob = JobRunner::application()->run<Connected>(
        this, job,
        [choice](JobContext &ctx) -> Result<Connected> {
            Connected out;
            std::unique_ptr<sf::TokenSource> tokens;
            if (choice.cli) {
                auto org = sf::askSalesforceCli(choice.alias);
                if (!org)
                    return org.error();
                out.saved.method = sf::SavedConnection::Method::SalesforceCli;
                out.saved.sfAlias = org->alias;
                out.saved.username = org->username;
                out.saved.instanceUrl = org->instanceUrl;
                tokens = std::make_unique<sf::FixedTokenSource>(org->instanceUrl, org->accessToken, QStringLiteral("the Salesforce CLI"));
            } else {
                auto browser = [&ctx](const QUrl &url) {
                    bool opened = false;
                    // The desktop's browser is asked from the UI thread.
                    QMetaObject::invokeMethod(
                        qApp, [&opened, url] { opened = openSignInPage(url); }, Qt::BlockingQueuedConnection);
                    if (opened) {
                        ctx.setLabel(QStringLiteral("Sign in to Salesforce in your browser, then allow LMO Desk access.\n"
                                                    "LMO Desk is waiting for the browser to come back (Cancel stops waiting)."));
                    } else {
                        QMetaObject::invokeMethod(
                            qApp, [url] { QGuiApplication::clipboard()->setText(url.toString(QUrl::FullyEncoded)); },
                            Qt::BlockingQueuedConnection);
                        ctx.setLabel(QStringLiteral("No browser could be started. The sign-in address is on the clipboard:\n"
                                                    "paste it into a browser and sign in there (Cancel stops waiting)."));
                    }
                    return true;
                };
                auto grant = sf::signIn(choice.app, browser, kSignInTimeoutMs, [&ctx] { return ctx.isCancelled(); });
                if (!grant)
                    return grant.error();
                ctx.setLabel(QStringLiteral("Signed in: reading the org's Organization record…"));
                out.saved.method = sf::SavedConnection::Method::OAuth;
                out.saved.loginUrl = choice.app.loginUrl;
                out.saved.clientId = choice.app.clientId;
                out.saved.port = choice.app.port;
                out.saved.instanceUrl = grant->instanceUrl;
                out.saved.username = sf::identityUsername(grant.value());
                if (out.saved.username.isEmpty())
                    out.saved.username = grant->userId();
                out.refreshToken = grant->refreshToken;
                if (out.refreshToken.isEmpty())
                    out.notes << QStringLiteral("Salesforce gave no refresh token (the External Client App lacks the "
                                                "refresh_token scope): syncs work until this session expires, then "
                                                "connect again.");
                tokens = std::make_unique<sf::FixedTokenSource>(grant->instanceUrl, grant->accessToken, QStringLiteral("the new sign-in"));
            }
            sf::ClientOptions options;
            options.cancelled = [&ctx] { return ctx.isCancelled(); };
            sf::Client client(*tokens, options);
            auto org = sf::readOrganization(client);
            if (!org) {
                if (!out.refreshToken.isEmpty())
                    (void)sf::revokeToken(out.saved.instanceUrl, out.refreshToken);
                return org.error();
            }
            out.saved.orgId = org->id;
            out.saved.orgName = org->name;
            out.org = org.value();
            return out;
        },
        [this](const Result<Connected> &r) {
            m_connectJob = 0;
            updateActions();
            if (!r) {
                if (r.error().code == Error::Code::Cancelled) {
                    m_window->statusBar()->showMessage(QStringLiteral("Connecting to Salesforce was cancelled."), 8000);
                    emit connectFinished(false, QString());
                    return;
                }
                showBox(m_window, QMessageBox::Warning, QStringLiteral("salesforceConnectError"),
                        QStringLiteral("Cannot connect to Salesforce"), r.error().message);
                emit connectFinished(false, r.error().message);
                return;
            }
            const Connected c = r.value();
            if (c.saved.method != sf::SavedConnection::Method::OAuth || c.refreshToken.isEmpty()) {
                finishConnect(c.saved, c.org, c.notes);
                return;
            }
            SecretStore::instance().write(c.saved.secretKey(), c.refreshToken, this, [this, c](const SecretAnswer &kept) {
                if (kept.ok) {
                    finishConnect(c.saved, c.org, c.notes);
                    return;
                }
                // Never left valid and unkept: revoked again, nothing saved.
                const QUrl host = c.saved.instanceUrl;
                const QString token = c.refreshToken;
                JobOptions revoke;
                revoke.title = QStringLiteral("Revoking the sign-in");
                revoke.cancellable = false;
                JobRunner::application()->run<bool>(
                    this, revoke,
                    [host, token](JobContext &) -> Result<bool> { return bool(sf::revokeToken(host, token)); }, {});
                const QString message = QStringLiteral("The sign-in could not be kept in %1 (%2): it was revoked, and nothing "
                                                       "was saved. Start the desktop's keychain (Secret Service) and connect "
                                                       "again, or use an org the Salesforce CLI is logged in to.")
                                            .arg(SecretStore::instance().name(), kept.error);
                showBox(m_window, QMessageBox::Warning, QStringLiteral("salesforceConnectError"),
                        QStringLiteral("Cannot connect to Salesforce"), message);
                emit connectFinished(false, message);
            });
        });
    updateActions();
}

void SyncController::finishConnect(const sf::SavedConnection &saved, const sf::OrgRecord &org, const QStringList &notes)
{
    sf::connections::save(saved);
    updateActions();
    const QString who = saved.method == sf::SavedConnection::Method::SalesforceCli
                            ? QStringLiteral("through the Salesforce CLI's %1").arg(saved.sfAlias)
                            : QStringLiteral("as %1").arg(saved.username.isEmpty() ? QStringLiteral("the session's user") : saved.username);
    const QString text = QStringLiteral("Connected to %1 (%2, instance %3) %4.")
                             .arg(org.label(), org.type.isEmpty() ? QStringLiteral("edition not said") : org.type,
                                  org.instance.isEmpty() ? saved.instanceUrl.host() : org.instance, who);
    QStringList details = sf::worstMistakes(org);
    details += notes;
    // Where it stands in the open database, read off the UI thread.
    auto show = [this, text, details](const std::optional<OrgStanding> &standing) {
        QStringList lines = details;
        bool canSync = m_window->database() && !m_window->database()->isReadOnly();
        if (standing) {
            switch (standing->kind) {
            case OrgStanding::Kind::ItsLmo:
                lines.prepend(QStringLiteral("It is LMO %1 of %2%3.").arg(standing->ref).arg(m_window->database()->displayName(),
                                                                                          standing->current ? QStringLiteral(" (its current LMO)") : QString()));
                break;
            case OrgStanding::Kind::Undesignated:
                lines.prepend(QStringLiteral("This database has no LMO designated yet: the first sync records this org as "
                                             "where its licenses come from, then offers the setup wizard."));
                break;
            case OrgStanding::Kind::NotItsLmo:
                lines.prepend(QStringLiteral("It is NOT this database's LMO (%1): a sync asks before filing it as another "
                                             "LMO.").arg(standing->lmoNames));
                break;
            }
        }
        QMessageBox *box = showBox(m_window, details.isEmpty() ? QMessageBox::Information : QMessageBox::Warning,
                                   QStringLiteral("salesforceConnected"), QStringLiteral("Connected to Salesforce"), text,
                                   lines.join(QStringLiteral("\n\n")));
        if (canSync) {
            QPushButton *sync = box->addButton(QStringLiteral("Sync now"), QMessageBox::AcceptRole);
            sync->setObjectName(QStringLiteral("syncNowButton"));
            QObject::connect(sync, &QPushButton::clicked, this, [this] { syncNow(true); });
        }
        refreshStatus();
        emit connectFinished(true, text + QLatin1Char('\n') + lines.join(QLatin1Char('\n')));
    };
    if (!m_window->document()->isOpen()) {
        show(std::nullopt);
        return;
    }
    m_window->document()->read<OrgStanding>(
        this, [orgId = org.id](QSqlDatabase &db) { return standingOf(db, orgId); },
        [show](const Result<OrgStanding> &standing) { show(standing ? std::optional<OrgStanding>(standing.value()) : std::nullopt); },
        true);
}

// --- syncing ----------------------------------------------------------------------------------

void SyncController::fail(bool interactive, const QString &objectName, const QString &title, const QString &message,
                          bool offerConnect)
{
    m_lastError = message;
    refreshStatus();
    if (interactive) {
        QMessageBox *box = showBox(m_window, QMessageBox::Warning, objectName, title, message);
        if (offerConnect) {
            QPushButton *again = box->addButton(QStringLiteral("Connect…"), QMessageBox::AcceptRole);
            again->setObjectName(QStringLiteral("connectAgainButton"));
            QObject::connect(again, &QPushButton::clicked, this, &SyncController::connectDialog);
        }
    }
    emit syncFinished(false, message);
}

void SyncController::syncNow(bool interactive)
{
    if (m_syncing)
        return;
    planSync(interactive, false);
}

void SyncController::cancelSync()
{
    if (m_job != 0)
        m_window->document()->jobs()->cancel(m_job);
}

void SyncController::planSync(bool interactive, bool fileAsNewLmo)
{
    Database *db = m_window->database();
    if (!db)
        return;
    if (db->isReadOnly()) {
        fail(interactive, QStringLiteral("syncError"), QStringLiteral("Sync from Salesforce"),
             QStringLiteral("%1 is open read-only: nothing can be synced into it. Open it for writing first.").arg(db->displayName()));
        return;
    }
    m_syncing = true;
    updateActions();
    // Which org: the current LMO's connection, else the last one connected.
    m_window->document()->read<QList<KnownLmo>>(
        this, [](QSqlDatabase &d) { return LmoRepository(d).all(); },
        [this, interactive, fileAsNewLmo](const Result<QList<KnownLmo>> &known) {
            auto stop = [this](bool i, const QString &name, const QString &message, bool offerConnect = false) {
                m_syncing = false;
                updateActions();
                fail(i, name, QStringLiteral("Sync from Salesforce"), message, offerConnect);
            };
            if (!known)
                return stop(interactive, QStringLiteral("syncError"), known.error().message);
            std::optional<sf::SavedConnection> saved;
            for (const KnownLmo &k : known.value())
                if (k.current && !k.profile.org.orgId.isEmpty())
                    saved = sf::connections::find(k.profile.org.orgId);
            if (!saved)
                saved = sf::connections::latest();
            if (!saved)
                return stop(interactive, QStringLiteral("syncNotConnected"),
                            QStringLiteral("LMO Desk is not connected to Salesforce yet: connect to the LMO first (File > "
                                           "Connect to Salesforce…)."),
                            true);
            Plan plan;
            plan.connection = *saved;
            plan.interactive = interactive;
            plan.settings = sf::SyncSettings::load();
            plan.options.bulkThreshold = plan.settings.bulkThreshold;
            plan.options.fileAsNewLmo = fileAsNewLmo;
            const OrgStanding standing = standingOf(known.value(), saved->orgId);
            if (standing.kind == OrgStanding::Kind::ItsLmo)
                plan.options.lmoRef = standing.ref;
            if (standing.kind == OrgStanding::Kind::NotItsLmo && !fileAsNewLmo) {
                const QString message = QStringLiteral("%1 is not this database's LMO (%2). Nothing was read.")
                                            .arg(orgLabel(*saved), standing.lmoNames);
                if (!interactive)
                    return stop(false, QString(), message);
                m_syncing = false;
                updateActions();
                QMessageBox *box = showBox(m_window, QMessageBox::Question, QStringLiteral("syncWrongOrg"),
                                           QStringLiteral("Sync from Salesforce"), message,
                                           QStringLiteral("Connect to the LMO instead (File > Connect to Salesforce…), or, if "
                                                          "this org really is another LMO of yours, file it as one: its "
                                                          "licenses will carry it, as an import's do."));
                QPushButton *file = box->addButton(QStringLiteral("File as another LMO"), QMessageBox::AcceptRole);
                file->setObjectName(QStringLiteral("fileAsNewLmoButton"));
                QObject::connect(file, &QPushButton::clicked, this, [this] { planSync(true, true); });
                QPushButton *other = box->addButton(QStringLiteral("Connect…"), QMessageBox::ActionRole);
                QObject::connect(other, &QPushButton::clicked, this, &SyncController::connectDialog);
                emit syncFinished(false, message);
                return;
            }
            if (saved->method == sf::SavedConnection::Method::SalesforceCli) {
                startSync(plan);
                return;
            }
            SecretStore::instance().read(saved->secretKey(), this, [this, plan, stop](const SecretAnswer &secret) mutable {
                if (!secret.ok)
                    return stop(plan.interactive, QStringLiteral("syncNotConnected"),
                                QStringLiteral("The sign-in to %1 could not be read from %2: %3.")
                                    .arg(plan.connection.label(), SecretStore::instance().name(), secret.error),
                                true);
                if (!secret.value || secret.value->isEmpty())
                    return stop(plan.interactive, QStringLiteral("syncNotConnected"),
                                QStringLiteral("%1 holds no sign-in for %2: connect again.")
                                    .arg(SecretStore::instance().name(), plan.connection.label()),
                                true);
                plan.refreshToken = *secret.value;
                startSync(plan);
            });
        },
        true);
}

void SyncController::startSync(Plan plan)
{
    Database *db = m_window->database();
    if (!db) {
        m_syncing = false;
        updateActions();
        return;
    }
    // The background index build holds the write lock between indexes: it waits after this.
    m_window->stopIndexJob();
    const QString path = db->path();
    const QString password = db->connectionSpec().password;
    JobOptions job;
    job.title = QStringLiteral("Syncing from Salesforce");
    job.label = QStringLiteral("Connecting to %1…").arg(orgLabel(plan.connection));
    job.dialogParent = plan.interactive ? m_window : nullptr;
    job.minimumDurationMs = 500;
    job.objectName = QStringLiteral("syncProgress");
    job.showInStatus = false; // the sync's own label says how far it is
    job.cancellingLabel = QStringLiteral("Stopping after the page being saved…");
    m_status->setText(QStringLiteral("Syncing from %1…").arg(orgLabel(plan.connection)));
    m_status->show();
    m_job = m_window->document()->jobs()->run<SyncReport>(
        this, job,
        [plan, path, password](JobContext &ctx) -> Result<SyncReport> {
            Database::OpenOptions open;
            open.busyTimeoutMs = 30000;
            open.password = password;
            auto database = Database::open(path, open);
            if (!database)
                return database.error();
            std::unique_ptr<sf::TokenSource> tokens = tokensFor(plan.connection, plan.refreshToken);
            sf::ClientOptions clientOptions;
            clientOptions.reserve = plan.settings.reservePercent / 100.0;
            clientOptions.cancelled = [&ctx] { return ctx.isCancelled(); };
            sf::Client client(*tokens, clientOptions);
            SyncOptions options = plan.options;
            options.buildIndexes = false; // the window builds them in the background, after
            options.progress = [&ctx](const SyncProgress &p) {
                ctx.setLabel(QStringLiteral("%1: %2 (%3%4 read)")
                                 .arg(p.object, p.doing, groupedNumber(p.fetched),
                                      p.total >= 0 ? QStringLiteral(" of %1").arg(groupedNumber(p.total)) : QString()));
                ctx.setProgress(p.fetched, p.total);
                return !ctx.isCancelled();
            };
            return syncFromOrg(*database.value(), client, options);
        },
        [this, plan](const Result<SyncReport> &r) { syncDone(plan, r); });
    updateActions();
}

void SyncController::syncDone(const Plan &plan, const Result<SyncReport> &r)
{
    m_job = 0;
    m_syncing = false;
    updateActions();
    if (!r) {
        const Error &e = r.error();
        if (e.code == Error::Code::Cancelled) {
            m_lastError.clear();
            refreshStatus();
            m_window->statusBar()->showMessage(QStringLiteral("The sync was cancelled before anything was read."), 8000);
            emit syncFinished(false, e.message);
            return;
        }
        const bool relogin = e.code == Error::Code::AuthFailed;
        fail(plan.interactive, relogin ? QStringLiteral("syncNotConnected") : QStringLiteral("syncError"),
             QStringLiteral("Sync from Salesforce"), e.message, relogin);
        return;
    }
    const SyncReport &report = r.value();
    m_lastError.clear();
    m_window->buildDeferredIndexesInBackground(); // what a full load into an empty table left
    const QString source = QStringLiteral("sync from %1").arg(report.org.label());
    if (report.changed() > 0 || report.recordedLmo || plan.options.fileAsNewLmo)
        m_window->contentsChanged(MainWindow::Change::Import, source);
    refreshStatus();
    QStringList notes = report.warnings;
    if (!report.complete)
        notes.prepend(QStringLiteral("Stopped early: %1. What was read is saved; the next sync goes on from there.").arg(report.stopped));
    m_window->statusBar()->showMessage(QStringLiteral("Sync done: %1 changed.").arg(groupedNumber(report.changed())), 8000);
    if (report.recordedLmo) {
        QMessageBox *box = showBox(m_window, QMessageBox::Information, QStringLiteral("syncRecordedLmo"),
                                   QStringLiteral("The LMO was recorded"),
                                   QStringLiteral("This database had no LMO designated: %1 was recorded as the org its "
                                                  "licenses come from. Finish designating it in the setup wizard (who sees "
                                                  "what, what integrates, how it is documented).")
                                       .arg(report.org.label()),
                                   notes.join(QStringLiteral("\n\n")));
        QPushButton *wizard = box->addButton(QStringLiteral("Open the setup wizard"), QMessageBox::AcceptRole);
        wizard->setObjectName(QStringLiteral("openWizardButton"));
        QObject::connect(wizard, &QPushButton::clicked, m_window, [w = m_window] { w->openLmoWizard(false); });
    } else if (plan.interactive && !notes.isEmpty()) {
        showBox(m_window, report.complete ? QMessageBox::Warning : QMessageBox::Information, QStringLiteral("syncReport"),
                report.complete ? QStringLiteral("Synced, with warnings") : QStringLiteral("Sync stopped early"),
                report.summary(), notes.join(QStringLiteral("\n\n")));
    }
    emit syncFinished(report.complete, report.summary());
}

// --- settings, status, disconnecting ------------------------------------------------------------

void SyncController::settingsDialog()
{
    SyncSettingsDialog dialog(sf::SyncSettings::load(), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.settings().save();
    applySettings();
    refreshStatus();
}

void SyncController::applySettings()
{
    const sf::SyncSettings settings = sf::SyncSettings::load();
    Database *db = m_window->database();
    if (settings.everyMinutes > 0 && db && !db->isReadOnly()) {
        const int interval = settings.everyMinutes * 60 * 1000;
        if (!m_timer.isActive() || m_timer.interval() != interval)
            m_timer.start(interval);
    } else {
        m_timer.stop();
    }
}

void SyncController::refreshStatus()
{
    if (!m_window->document()->isOpen()) {
        m_status->hide();
        emit statusRefreshed();
        return;
    }
    m_window->document()->read<std::optional<LastSync>>(
        this, [](QSqlDatabase &db) { return lastSync(db); },
        [this](const Result<std::optional<LastSync>> &last) {
            if (m_job != 0)
                return; // the running sync's progress is shown
            QString text, tip;
            if (!m_lastError.isEmpty()) {
                // The reason is a sentence or two: the tooltip has room for it, the status bar not.
                text = QStringLiteral("Sync failed (point here for why)");
                tip = m_lastError;
            } else if (last && last.value()) {
                text = last.value()->statusLine();
                tip = perObject(last.value()->report);
            } else if (!sf::connections::all().isEmpty()) {
                text = QStringLiteral("Not synced from Salesforce yet");
                tip = QStringLiteral("File > Sync from Salesforce now (Ctrl+Shift+Y)");
            }
            if (m_timer.isActive())
                tip += QStringLiteral("%1Syncs every %2 minutes while LMO Desk is open.")
                           .arg(tip.isEmpty() ? QString() : QStringLiteral("\n"))
                           .arg(m_timer.interval() / 60000);
            m_status->setText(text);
            m_status->setToolTip(tip);
            m_status->setVisible(!text.isEmpty());
            emit statusRefreshed();
        },
        false);
}

void SyncController::disconnectOrg(const QString &orgId, bool ask)
{
    if (!orgId.isEmpty() || !m_window->document()->isOpen()) {
        disconnectConnection(orgId.isEmpty() ? sf::connections::latest() : sf::connections::find(orgId), ask);
        return;
    }
    // The open database's LMO's connection, if there is one; else the last one.
    m_window->document()->read<QList<KnownLmo>>(
        this, [](QSqlDatabase &d) { return LmoRepository(d).all(); },
        [this, ask](const Result<QList<KnownLmo>> &known) {
            std::optional<sf::SavedConnection> saved;
            if (known)
                for (const KnownLmo &k : known.value())
                    if (k.current && !k.profile.org.orgId.isEmpty())
                        saved = sf::connections::find(k.profile.org.orgId);
            disconnectConnection(saved ? saved : sf::connections::latest(), ask);
        },
        true);
}

void SyncController::disconnectConnection(const std::optional<sf::SavedConnection> &saved, bool ask)
{
    if (!saved) {
        emit disconnectFinished(false, QStringLiteral("Not connected to Salesforce."));
        return;
    }
    if (ask && QMessageBox::question(m_window, QStringLiteral("Disconnect from Salesforce"),
                                     QStringLiteral("Disconnect from %1? Its sign-in is revoked at Salesforce and removed "
                                                    "from %2; syncing needs a new sign-in afterwards. The licenses already "
                                                    "synced stay.")
                                         .arg(saved->label(), SecretStore::instance().name()))
                   != QMessageBox::Yes)
        return;
    const sf::SavedConnection c = *saved;
    auto forget = [this, c](const QString &revoked) {
        sf::connections::forget(c.orgId);
        updateActions();
        refreshStatus();
        const QString message = QStringLiteral("Disconnected from %1: %2.").arg(c.label(), revoked);
        m_window->statusBar()->showMessage(message, 10000);
        emit disconnectFinished(true, message);
    };
    if (c.method != sf::SavedConnection::Method::OAuth) {
        forget(QStringLiteral("the Salesforce CLI keeps its own sign-in"));
        return;
    }
    SecretStore::instance().read(c.secretKey(), this, [this, c, forget](const SecretAnswer &secret) {
        const QString token = secret.ok && secret.value ? *secret.value : QString();
        JobOptions job;
        job.title = QStringLiteral("Revoking the Salesforce sign-in");
        job.cancellable = false;
        JobRunner::application()->run<QString>(
            this, job,
            [c, token](JobContext &) -> Result<QString> {
                if (token.isEmpty())
                    return QStringLiteral("no sign-in was kept to revoke");
                auto r = sf::revokeToken(c.instanceUrl.isValid() ? c.instanceUrl : c.loginUrl, token);
                return r ? QStringLiteral("the sign-in was revoked at Salesforce")
                         : QStringLiteral("Salesforce could not be told (%1): revoke it in Setup > Connected Apps OAuth Usage")
                               .arg(r.error().message);
            },
            [this, c, forget](const Result<QString> &revoked) {
                SecretStore::instance().remove(c.secretKey(), this, [forget, revoked](const SecretAnswer &) {
                    forget(revoked ? revoked.value() : revoked.error().message);
                });
            });
    });
}

} // namespace lmo
