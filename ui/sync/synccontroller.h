#pragma once

// The window's side of the live sync (docs/sync.md): File > Connect to Salesforce…, Sync from
// Salesforce now (progress and Cancel), a sync every N minutes while the window is open,
// Disconnect, and the status bar's "Synced 10:42 from …: 12 changed · 9 requests, 14,873 of
// 15,000 left". The work is lmodesk sync's own (syncFromOrg) on a job thread with its own
// connection; the keychain is read and written on the UI thread, before and after.

#include "sync/orgsync.h"
#include "sync/sfauth.h"
#include "sync/sfconnection.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

class QAction;
class QLabel;
class QMenu;

namespace lmo {

class MainWindow;

class SyncController : public QObject
{
    Q_OBJECT
public:
    explicit SyncController(MainWindow *window);
    ~SyncController() override;

    // Connect to Salesforce…, Sync now, Sync settings…, Disconnect.
    void addActionsTo(QMenu *menu);
    QLabel *statusLabel() const { return m_status; }
    QAction *syncAction() const { return m_syncAction; }

    // How to connect: the browser sign-in with the LMO's External Client App, or a CLI org.
    struct ConnectChoice
    {
        bool cli = false;
        sf::OAuthApp app;
        QString alias;
    };
    // File > Connect to Salesforce…: the dialog, then connect().
    void connectDialog();
    // Signs in (the browser; Cancel stops waiting), reads the org's Organization record, keeps
    // the refresh token in the keychain and the connection in the settings, and says where the
    // org stands in the open database. Ends with connectFinished().
    void connect(const ConnectChoice &choice);

    // Syncs the open database from its LMO's connection (else the last one connected).
    // `interactive`: a progress dialog with Cancel, questions and a report when it ends; else
    // (the timer) only the status bar. While a sync runs, the action stops it.
    void syncNow(bool interactive = true);
    bool isSyncing() const { return m_job != 0; }
    void cancelSync();

    // File > Salesforce sync settings…
    void settingsDialog();
    // The timer follows the settings (every N minutes; off at 0) and the open database.
    void applySettings();
    bool autoSyncActive() const { return m_timer.isActive(); }
    int autoSyncIntervalMs() const { return m_timer.interval(); }

    // Revokes the connection's refresh token at Salesforce, removes it from the keychain and
    // forgets the connection. `orgId` empty: the LMO's, else the last one. Ends with disconnectFinished().
    void disconnectOrg(const QString &orgId = QString(), bool ask = true);

    // Reads the last sync again for the status bar.
    void refreshStatus();

signals:
    void connectFinished(bool ok, const QString &message);
    void syncFinished(bool ok, const QString &message);
    void disconnectFinished(bool ok, const QString &message);
    void statusRefreshed();

private:
    struct Plan
    {
        sf::SavedConnection connection;
        SyncOptions options;
        sf::SyncSettings settings;
        QString refreshToken;
        bool interactive = true;
    };
    void planSync(bool interactive, bool fileAsNewLmo);
    void startSync(Plan plan);
    void syncDone(const Plan &plan, const Result<SyncReport> &result);
    void finishConnect(const sf::SavedConnection &saved, const sf::OrgRecord &org, const QStringList &notes);
    void disconnectConnection(const std::optional<sf::SavedConnection> &saved, bool ask);
    void updateActions();
    void fail(bool interactive, const QString &objectName, const QString &title, const QString &message, bool offerConnect = false);
    QString orgLabel(const sf::SavedConnection &c) const;

    MainWindow *m_window;
    QLabel *m_status;
    QAction *m_connectAction = nullptr, *m_syncAction = nullptr, *m_settingsAction = nullptr, *m_disconnectAction = nullptr;
    QTimer m_timer;
    quint64 m_job = 0;
    quint64 m_connectJob = 0;
    bool m_syncing = false; // a sync being planned or running (the keychain read between)
    QString m_lastError;    // the last sync's failure, shown until the next one works
};

} // namespace lmo
