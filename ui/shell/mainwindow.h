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
    // Reads every page again (after an import, say) and the status bar.
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
    void databaseChanged();

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

private:
    void afterLicenseEdit(const QString &error);
    QList<DatabasePage *> pages() const;

    std::unique_ptr<Database> m_database;
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
    QUndoStack *m_undo;
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
