#pragma once

#include "document/document.h"
#include "shell/pages.h"
#include "storage/database.h"
#include "storage/windowstatus.h"

#include <QMainWindow>

namespace lmo::billing {
struct Finding;
}

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QLabel;
class QTimer;
class QUndoStack;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace lmo {

class DatabasePage;
class BillingPage;
class DashboardPage;
class LicensesPage;
class LmoSetupPage;
class TeamAccessPage;
class SubscribersPage;
class TeamConnector;
class SyncController;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates, or opens read-only, as `options` say) a database and shows it on every
    // page. On failure the current database stays open and the reason is returned (and shown in
    // a message box unless `quiet`).
    bool openDatabase(const QString &path, const Database::OpenOptions &options = {}, QString *error = nullptr,
                      bool quiet = false);
    void closeDatabase();
    // Connects to a team database (a postgresql:// URI) without blocking the window: the
    // keychain's password first, a password asked for if the server wants one, "Connecting to
    // …" with Cancel meanwhile. Ends with teamConnectFinished(); on failure the current database
    // stays open and the reason is shown (unless `quiet`). openDatabase() of a URI does this and
    // waits for the answer (the window keeps painting).
    void connectTeamDatabase(const QString &uri, const Database::OpenOptions &options = {}, bool quiet = false);
    // File > Connect to team database…: the dialog, then connectTeamDatabase().
    void connectDialog();
    // The connection being made, if any (tests).
    TeamConnector *pendingConnect() const { return m_connector; }
    // What changed the open database's contents (the Document's kinds of change).
    using Change = ContentChange;
    // The one way a change reaches the window: it goes through the Document
    // (Document::notifyChanged), whose signals every page follows: each reads again what it
    // shows (the Licenses page keeps its selection, and its detail panel reads the current
    // license anew), the status bar too; an import also retires the undo steps made before it.
    void contentsChanged(Change change, const QString &source = QString());
    // Reads every page again and the status bar (Go > Reload).
    void reloadAll();
    // Stops the background build of indexes an import left, after the index it is building
    // (what is left stays recorded): before an import, or when the database closes.
    void stopIndexJob();
    Database *database() const { return m_document->database(); }
    // The open database as the pages see it: its undo stack, reading worker, jobs, signals.
    Document *document() const { return m_document; }

    void setPage(Page page);
    Page currentPage() const;
    QStringList recentDatabases() const;
    // The database open when the window last closed (from the settings).
    static QString lastDatabase();
    QString statusText() const;

    LicensesPage *licensesPage() const { return m_licenses; }
    SubscribersPage *subscribersPage() const { return m_subscribers; }
    DashboardPage *dashboardPage() const { return m_dashboard; }
    BillingPage *billingPage() const { return m_billing; }
    LmoSetupPage *lmoPage() const { return m_lmo; }
    TeamAccessPage *accessPage() const { return m_access; }
    // File > Connect to Salesforce…, Sync, the sync's status label.
    SyncController *syncController() const { return m_sync; }

    static constexpr int kMaxRecent = 8;

signals:
    // Another database is open (or none).
    void databaseChanged();
    // The open database's LMO indicator was read (lmoKnown()).
    void lmoStatusRead();
    // A connectTeamDatabase() ended: connected, or why not (empty when cancelled).
    void teamConnectFinished(bool ok, const QString &error);
    // The open database's contents changed (after the pages were told).
    void contentsChangedSignal(lmo::MainWindow::Change change);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void newDatabase();
    void openDatabaseDialog(bool readOnly);
    void importFiles();
    // File > Export view as CSV… (the Licenses page's filters and order) / Export all licenses.
    void exportLicenses(bool view);
    void rememberRecent(const QString &path);
    void rebuildRecentMenu();
    void updateStatus();
    void showAbout();
public:
    // Builds, in the background, the indexes a bulk load (an import, a sync) left for later;
    // the status bar shows how far it is, and Import waits for it.
    void buildDeferredIndexesInBackground();
    // Edit > Modify License… on the Licenses page's selection (one undoable step).
    void modifySelectedLicenses();
    // Modify License on these licenses (the dialog, then the write as a job).
    void modifyLicenses(const std::vector<qint64> &ids);
    // Modify License on a reconciliation finding's license, with the change it suggests and
    // why: one undo step, the audit log's source naming the finding.
    void actOnFinding(const billing::Finding &finding);
    // File > Import billing… (a file dialog, then the billing import dialog).
    void importBillingDialog();
    // The billing import dialog on one file; true when something was imported.
    bool importBillingFile(const QString &file);
    // Tools > LMO setup wizard… / Switch LMO…
    void openLmoWizard(bool switchLmo);
    // Whether the open database records its LMO as designated, as last read (off the UI
    // thread: false until the first answer, see lmoKnown()).
    bool lmoDesignated() const;
    bool lmoKnown() const { return m_lmoIndicator.has_value(); }
    // Runs `then` with lmoDesignated() once the open database's LMO is known (at once if it is).
    void whenLmoKnown(std::function<void(bool designated)> then);
    // Writes the view (or every license) to `path`, with progress; what File > Export does.
    Result<qint64> exportLicensesTo(const QString &path, bool view);
    QUndoStack *undoStack() const { return m_document->undoStack(); }
    // File > Import of one file: the import dialog, then every page shows what it changed.
    // False when the user cancelled before importing (the remaining files are skipped).
    bool importFile(const QString &file);

private:
    void afterLicenseEdit(const QString &error, const std::vector<qint64> &ids = {});
    // Shows `opened` on every page, in Open recent and the status bar (the old one closes).
    void adoptDatabase(std::unique_ptr<Database> opened);
    QList<DatabasePage *> pages() const;

    // Reads the LMO indicator again (off the UI thread), then the status bar shows it.
    void readLmoIndicator();
    void updateJobsStatus();

    Document *m_document;
    TeamConnector *m_connector = nullptr;
    SyncController *m_sync = nullptr;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    LicensesPage *m_licenses;
    SubscribersPage *m_subscribers;
    DashboardPage *m_dashboard;
    BillingPage *m_billing;
    LmoSetupPage *m_lmo;
    TeamAccessPage *m_access;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_statusDatabase;
    QLabel *m_statusReadOnly;
    QLabel *m_statusIndexes;
    QLabel *m_statusLmo;
    QLabel *m_statusJobs;
    QAction *m_importAction = nullptr;
    QAction *m_modifyAction = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    // Why Undo cannot go further back than the stack (an import), shown in the Undo item.
    QString m_undoBarrier;
    void updateUndoActions();
    quint64 m_indexJob = 0;     // the index build's job while one runs
    quint64 m_indexTicket = 0;  // which build an answer is for (a stopped one's is dropped)
    std::optional<LmoIndicator> m_lmoIndicator; // of the open database, once read
    quint64 m_lmoReads = 0;     // which read the indicator's answer is for
    std::vector<std::function<void(bool)>> m_whenLmoKnown;
};

} // namespace lmo
