#pragma once

#include "shell/pages.h"
#include "storage/database.h"

#include <QMainWindow>

#include <atomic>
#include <memory>

class QAction;
class QLabel;
class QTimer;
class QUndoStack;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace lmo {

class DatabasePage;
class DashboardPage;
class LicensesPage;
class LmoSetupPage;
class SubscribersPage;
class TeamConnector;

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
    // What changed the open database's contents.
    enum class Change {
        Edit,    // Modify License, its undo or redo
        Import,  // File > Import (`source`: the file)
        Lmo,     // the LMO setup wizard
        Outside, // Go > Reload: another program may have written
    };
    // The one way a change reaches the window: every page reads again what it shows (the
    // Licenses page keeps its selection, and its detail panel reads the current license
    // anew), the status bar too; an import also retires the undo steps made before it.
    void contentsChanged(Change change, const QString &source = QString());
    // Reads every page again and the status bar (Go > Reload).
    void reloadAll();
    // Stops the background build of indexes an import left, after the index it is building
    // (what is left stays recorded): before an import, or when the database closes.
    void stopIndexJob();
    Database *database() const { return m_database.get(); }

    void setPage(Page page);
    Page currentPage() const;
    QStringList recentDatabases() const;
    // The database open when the window last closed (from the settings).
    static QString lastDatabase();
    QString statusText() const;

    LicensesPage *licensesPage() const { return m_licenses; }
    SubscribersPage *subscribersPage() const { return m_subscribers; }
    DashboardPage *dashboardPage() const { return m_dashboard; }
    LmoSetupPage *lmoPage() const { return m_lmo; }

    static constexpr int kMaxRecent = 8;

signals:
    // Another database is open (or none).
    void databaseChanged();
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
    // Builds, in the background, the indexes a bulk load left for later; the status bar shows
    // how far it is, and Import waits for it.
    void buildDeferredIndexesInBackground();
public:
    // Edit > Modify License… on the Licenses page's selection (one undoable step).
    void modifySelectedLicenses();
    // Tools > LMO setup wizard… / Switch LMO…
    void openLmoWizard(bool switchLmo);
    // Whether the open database records its LMO as designated.
    bool lmoDesignated() const;
    // Writes the view (or every license) to `path`, with progress; what File > Export does.
    Result<qint64> exportLicensesTo(const QString &path, bool view);
    QUndoStack *undoStack() const { return m_undo; }
    // File > Import of one file: the import dialog, then every page shows what it changed.
    // False when the user cancelled before importing (the remaining files are skipped).
    bool importFile(const QString &file);

private:
    void afterLicenseEdit(const QString &error);
    // Shows `opened` on every page, in Open recent and the status bar (the old one closes).
    void adoptDatabase(std::unique_ptr<Database> opened);
    QList<DatabasePage *> pages() const;

    std::unique_ptr<Database> m_database;
    TeamConnector *m_connector = nullptr;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    LicensesPage *m_licenses;
    SubscribersPage *m_subscribers;
    DashboardPage *m_dashboard;
    LmoSetupPage *m_lmo;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_statusDatabase;
    QLabel *m_statusReadOnly;
    QLabel *m_statusIndexes;
    QLabel *m_statusLmo;
    QAction *m_importAction = nullptr;
    QAction *m_modifyAction = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QUndoStack *m_undo;
    // Why Undo cannot go further back than the stack (an import), shown in the Undo item.
    QString m_undoBarrier;
    void updateUndoActions();
    struct IndexJob
    {
        std::atomic<int> done{0};
        std::atomic<int> total{0};
        std::atomic<bool> stop{false};
    };
    std::shared_ptr<IndexJob> m_indexJob; // set while one runs
    QTimer *m_indexPoll;
};

} // namespace lmo
