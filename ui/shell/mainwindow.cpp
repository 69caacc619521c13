#include "shell/mainwindow.h"

#include "browse/licensespage.h"
#include "billing/billingimportdialog.h"
#include "billing/billingpage.h"
#include "browse/modifylicensedialog.h"
#include "lmo/lmoprofile.h"
#include "browse/modifylicensescommand.h"
#include "browse/subscriberspage.h"
#include "document/jobrunner.h"
#include "dashboard/dashboardpage.h"
#include "export/licenseexport.h"
#include "import/importdialog.h"
#include "models/licensetablemodel.h"
#include "shell/appearance.h"
#include "shell/connectdialog.h"
#include "shell/teamaccesspage.h"
#include "shell/teamconnect.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/postgres/pglocation.h"
#include "sync/synccontroller.h"
#include "wizard/lmosetuppage.h"
#include "wizard/lmowizard.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QEventLoop>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

namespace lmo {

namespace {

const QString kRecentKey = QStringLiteral("database/recent");
const QString kLastKey = QStringLiteral("database/last");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");

QIcon pageIcon(Page page)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(pageName(page)));
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_document(new Document(this)), m_sidebar(new QListWidget(this)), m_stack(new QStackedWidget(this)),
      m_licenses(new LicensesPage(m_stack)), m_subscribers(new SubscribersPage(m_stack)),
      m_dashboard(new DashboardPage(m_stack)), m_billing(new BillingPage(m_stack)), m_lmo(new LmoSetupPage(m_stack)),
      m_access(new TeamAccessPage(m_stack)), m_statusDatabase(new QLabel(this)),
      m_statusReadOnly(new QLabel(this)), m_statusIndexes(new QLabel(this)), m_statusLmo(new QLabel(this)), m_statusJobs(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/lmodesk.svg")));
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(24, 24));
    m_sidebar->setSpacing(2);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setBackgroundRole(QPalette::Window);
    for (Page page : kAllPages) {
        auto *item = new QListWidgetItem(pageIcon(page), pageTitle(page), m_sidebar);
        item->setSizeHint(QSize(150, 40));
        item->setToolTip(QStringLiteral("%1 (Ctrl+%2)").arg(pageTitle(page)).arg(int(page) + 1));
    }
    m_sidebar->setFixedWidth(168);
    layout->addWidget(m_sidebar);

    for (DatabasePage *page : pages())
        m_stack->addWidget(page);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    m_statusDatabase->setObjectName(QStringLiteral("statusDatabase"));
    m_statusReadOnly->setObjectName(QStringLiteral("statusReadOnly"));
    statusBar()->addWidget(m_statusDatabase, 1);
    statusBar()->addPermanentWidget(m_statusReadOnly);
    m_statusLmo->setObjectName(QStringLiteral("statusLmo"));
    statusBar()->addPermanentWidget(m_statusLmo);
    m_statusIndexes->setObjectName(QStringLiteral("statusIndexes"));
    statusBar()->addPermanentWidget(m_statusIndexes);
    m_statusJobs->setObjectName(QStringLiteral("statusJobs"));
    statusBar()->addPermanentWidget(m_statusJobs);
    // The live sync from the LMO: its File menu items, its timer and its status label.
    m_sync = new SyncController(this);
    statusBar()->addPermanentWidget(m_sync->statusLabel());
    // The running jobs (an export, the dashboard's figures, a connection being made).
    connect(m_document->jobs(), &JobRunner::statusChanged, this, &MainWindow::updateJobsStatus);
    connect(JobRunner::application(), &JobRunner::statusChanged, this, &MainWindow::updateJobsStatus);
    // The index build says how far it is in a label of its own.
    connect(m_document->jobs(), &JobRunner::jobProgress, this, [this](quint64 id, qint64 done, qint64 total) {
        if (id == m_indexJob && m_indexJob != 0 && total > 0) {
            m_statusIndexes->setText(QStringLiteral("Building indexes for browsing: %1 of %2…")
                                         .arg(QString::number(qMin(done + 1, total)), QString::number(total)));
            m_statusIndexes->setToolTip(QStringLiteral("An import saved its licenses first and left the indexes that make "
                                                       "sorting and filtering fast to be built now. Everything can be "
                                                       "browsed meanwhile, more slowly."));
        }
    });
    // Every change reaches the pages through the document; the window follows it too.
    connect(m_document, &Document::changed, this, [this](ContentChange change) {
        readLmoIndicator();
        updateStatus();
        emit contentsChangedSignal(change);
    });
    // Someone else's change is shown as it is now, and the status bar says whose it was.
    connect(m_document, &Document::licensesChanged, this, [this](ContentChange change, const QString &source) {
        if (change == ContentChange::Others)
            statusBar()->showMessage(QStringLiteral("Changed by %1: every page shows it as it is now.").arg(source), 8000);
    });
    connect(m_document, &Document::opened, this, &MainWindow::readLmoIndicator);
    connect(m_lmo, &LmoSetupPage::wizardRequested, this, &MainWindow::openLmoWizard);
    connect(m_licenses, &LicensesPage::counted, this, &MainWindow::updateStatus);
    connect(m_licenses, &LicensesPage::modifyRequested, this, &MainWindow::modifySelectedLicenses);
    // From a license to its subscriber org, and from an org's license back to the license.
    connect(m_licenses, &LicensesPage::subscriberRequested, this, [this](const QString &org) {
        setPage(Page::Subscribers);
        m_subscribers->showOrg(org);
    });
    // A bar or slice of the dashboard: exactly those licenses.
    connect(m_dashboard, &DashboardPage::licensesRequested, this, [this](const LicenseFilter &filter) {
        setPage(Page::Licenses);
        m_licenses->setAsOf(filter.asOf);
        m_licenses->setFilter(filter);
    });
    // Billing: a finding's license, acted on through Modify License or shown; its import.
    connect(m_billing, &BillingPage::modifyRequested, this, &MainWindow::actOnFinding);
    connect(m_billing, &BillingPage::importRequested, this, &MainWindow::importBillingDialog);
    connect(m_billing, &BillingPage::licenseRequested, this, [this](const QString &org, qint64 license) {
        setPage(Page::Licenses);
        m_licenses->showOrg(org, license);
    });
    // The dashboard's revenue tiles: those findings.
    connect(m_dashboard, &DashboardPage::billingRequested, this, [this](const QString &rule, const QDate &asOf) {
        setPage(Page::Billing);
        m_billing->setAsOf(asOf);
        m_billing->showRule(rule);
    });
    connect(m_subscribers, &SubscribersPage::licenseRequested, this, [this](const QString &org, qint64 license) {
        setPage(Page::Licenses);
        m_licenses->showOrg(org, license);
    });

    buildMenus();
    // Once: from now on each page follows the document (nothing is open yet).
    for (DatabasePage *page : pages())
        page->setDocument(m_document);
    setPage(Page::Licenses);
    updateStatus();

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(kStateKey).toByteArray());
}

MainWindow::~MainWindow()
{
    stopIndexJob();
    // Jobs hold no pointer to the database (each has its own connection), but they end before
    // it closes; then the pages let go of it (the document's closing()).
    m_document->jobs()->cancelAll();
    m_document->jobs()->waitForAll();
    m_document->close();
}

QList<DatabasePage *> MainWindow::pages() const
{
    return {m_licenses, m_subscribers, m_dashboard, m_billing, m_lmo, m_access};
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *newAction = file->addAction(QStringLiteral("&New database…"), this, &MainWindow::newDatabase);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = file->addAction(QStringLiteral("&Open database…"), this, [this] { openDatabaseDialog(false); });
    openAction->setShortcut(QKeySequence::Open);
    file->addAction(QStringLiteral("Open read-on&ly…"), this, [this] { openDatabaseDialog(true); });
    QAction *connectAction = file->addAction(QStringLiteral("&Connect to team database…"), this, &MainWindow::connectDialog);
    connectAction->setObjectName(QStringLiteral("connectAction"));
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connectAction->setToolTip(QStringLiteral("Open the database your team shares on a PostgreSQL server"));
    m_recentMenu = file->addMenu(QStringLiteral("Open &recent"));
    file->addSeparator();
    m_sync->addActionsTo(file);
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    m_recentMenu->setToolTipsVisible(true); // a team database's full URI (two schemas of one server look alike)
    rebuildRecentMenu();
    file->addSeparator();
    QAction *importAction = m_importAction = file->addAction(QStringLiteral("&Import…"), this, &MainWindow::importFiles);
    importAction->setObjectName(QStringLiteral("importAction"));
    importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    QAction *importBilling = file->addAction(QStringLiteral("Import &billing…"), this, &MainWindow::importBillingDialog);
    importBilling->setObjectName(QStringLiteral("importBillingAction"));
    importBilling->setToolTip(QStringLiteral("A Stripe or Chargebee export of subscriptions, or any table of them, set beside the licenses"));
    QAction *exportView = file->addAction(QStringLiteral("&Export view as CSV…"), this, [this] { exportLicenses(true); });
    exportView->setObjectName(QStringLiteral("exportViewAction"));
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportView->setToolTip(QStringLiteral("The licenses the Licenses page lists, with its filters, in its order"));
    QAction *exportAction = file->addAction(QStringLiteral("Export &all licenses as CSV…"), this, [this] { exportLicenses(false); });
    exportAction->setObjectName(QStringLiteral("exportAction"));
    file->addSeparator();
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    // Not QUndoStack's own actions: Undo also says why it cannot go back past an import.
    QAction *undo = m_undoAction = new QAction(QStringLiteral("&Undo"), this);
    QUndoStack *stack = m_document->undoStack();
    connect(undo, &QAction::triggered, stack, &QUndoStack::undo);
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_redoAction = new QAction(QStringLiteral("&Redo"), this);
    connect(redo, &QAction::triggered, stack, &QUndoStack::redo);
    redo->setObjectName(QStringLiteral("redoAction"));
    connect(stack, &QUndoStack::indexChanged, this, &MainWindow::updateUndoActions);
    connect(stack, &QUndoStack::canUndoChanged, this, &MainWindow::updateUndoActions);
    connect(stack, &QUndoStack::canRedoChanged, this, &MainWindow::updateUndoActions);
    connect(stack, &QUndoStack::undoTextChanged, this, &MainWindow::updateUndoActions);
    connect(stack, &QUndoStack::redoTextChanged, this, &MainWindow::updateUndoActions);
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)});
    edit->addAction(undo);
    edit->addAction(redo);
    updateUndoActions();
    edit->addSeparator();
    m_modifyAction = edit->addAction(QStringLiteral("&Modify License…"), this, &MainWindow::modifySelectedLicenses);
    m_modifyAction->setObjectName(QStringLiteral("modifyAction"));
    m_modifyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_modifyAction->setToolTip(QStringLiteral("Change the status, seats or expiration of the selected licenses"));
    QAction *copy = edit->addAction(QStringLiteral("&Copy selected licenses"), this, [this] { m_licenses->copySelection(); });
    copy->setObjectName(QStringLiteral("copyAction"));
    QAction *find = edit->addAction(QStringLiteral("&Find licenses"), this, [this] {
        setPage(Page::Licenses);
        m_licenses->focusSearch();
    });
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::ApplicationShortcut);

    // Light or dark whatever the desktop says, or as it says (the default); kept between runs.
    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    auto *schemes = new QActionGroup(this);
    const ColorScheme saved = savedColorScheme();
    for (const auto &[scheme, title] : {std::pair{ColorScheme::System, QStringLiteral("Follow &system")},
                                        std::pair{ColorScheme::Light, QStringLiteral("&Light")},
                                        std::pair{ColorScheme::Dark, QStringLiteral("&Dark")}}) {
        QAction *action = view->addAction(title, this, [scheme] {
            saveColorScheme(scheme);
            applyColorScheme(scheme);
        });
        action->setObjectName(QStringLiteral("colorScheme_") + colorSchemeName(scheme));
        action->setCheckable(true);
        action->setChecked(scheme == saved);
        schemes->addAction(action);
    }
    view->addSeparator();
    view->addAction(m_licenses->detailAction()); // the Licenses page's detail panel, shown or hidden
    m_licenses->detailAction()->setShortcutContext(Qt::WindowShortcut);

    QMenu *tools = menuBar()->addMenu(QStringLiteral("&Tools"));
    QAction *wizard = tools->addAction(QStringLiteral("&LMO setup wizard…"), this, [this] { openLmoWizard(false); });
    wizard->setObjectName(QStringLiteral("lmoWizardAction"));
    QAction *switchLmo = tools->addAction(QStringLiteral("&Switch LMO…"), this, [this] { openLmoWizard(true); });
    switchLmo->setObjectName(QStringLiteral("switchLmoAction"));

    QMenu *go = menuBar()->addMenu(QStringLiteral("&Go"));
    for (Page page : kAllPages) {
        QAction *action = go->addAction(pageIcon(page), pageTitle(page), this, [this, page] { setPage(page); });
        action->setObjectName(QStringLiteral("goTo_") + pageName(page));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + int(page))));
        action->setShortcutContext(Qt::ApplicationShortcut);
    }
    go->addSeparator();
    QAction *reload = go->addAction(QStringLiteral("&Reload"), this, &MainWindow::reloadAll);
    reload->setShortcut(QKeySequence::Refresh);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction *about = help->addAction(QStringLiteral("&About LMO Desk"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::setPage(Page page)
{
    m_sidebar->setCurrentRow(int(page));
}

Page MainWindow::currentPage() const
{
    return kAllPages[size_t(qBound(0, m_stack->currentIndex(), int(kAllPages.size()) - 1))];
}

bool MainWindow::openDatabase(const QString &path, const Database::OpenOptions &options, QString *error, bool quiet)
{
    if (PgLocation::isPostgres(path)) {
        // The connection is made on a thread of its own; this waits for it with the window
        // painting (and the password prompt answering), then says what went wrong as a file
        // open would.
        bool ok = false;
        QString reason;
        QEventLoop loop;
        auto done = connect(this, &MainWindow::teamConnectFinished, &loop, [&](bool connected, const QString &why) {
            ok = connected;
            reason = why;
            loop.quit();
        });
        connectTeamDatabase(path, options, true);
        if (m_connector)
            loop.exec();
        disconnect(done);
        if (!ok && !reason.isEmpty()) {
            if (error)
                *error = reason;
            if (!quiet)
                QMessageBox::warning(this, QStringLiteral("Cannot connect to the team database"), reason);
        }
        return ok;
    }
    // A file opens at once (SQLite reads its header from the disk; no server to wait for).
    auto opened = Database::open(path, options);
    if (!opened) {
        if (error)
            *error = opened.error().message;
        if (!quiet)
            QMessageBox::warning(this, QStringLiteral("Cannot open the database"), opened.error().message);
        return false;
    }
    adoptDatabase(std::move(opened.value()));
    return true;
}

void MainWindow::adoptDatabase(std::unique_ptr<Database> opened)
{
    // Pages first let go of the old connection, then it closes. Background jobs have their own
    // connections and their late answers are dropped, so there is nothing to wait for.
    stopIndexJob();
    m_undoBarrier.clear();
    m_lmoIndicator.reset();
    // The document closes the old one (its undo steps go with it: they belong to the database
    // they were made in), then every page shows the new one.
    m_document->adopt(std::move(opened));
    updateUndoActions();
    // A team database is kept by its URI without the password (that stays in the keychain).
    rememberRecent(database()->path());
    QSettings().setValue(kLastKey, database()->path());
    updateStatus();
    emit databaseChanged();
    buildDeferredIndexesInBackground();
    // A login the team's policy does not bind is told so when it connects (and in the status bar).
    if (const QString warning = database()->access().warning(); !warning.isEmpty()) {
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Team database"),
                                    QStringLiteral("Connected as %1.").arg(database()->access().login), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("unboundLoginWarning"));
        box->setInformativeText(warning.left(1).toUpper() + warning.mid(1)
                                + QStringLiteral(". Everything you do is still in the audit log; for everyday work, connect "
                                                 "with a login of your own in one of the team's roles."));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
}

void MainWindow::connectTeamDatabase(const QString &uri, const Database::OpenOptions &options, bool quiet)
{
    if (m_connector) {
        // One attempt at a time: the newer one is what the user wants now.
        TeamConnector *old = std::exchange(m_connector, nullptr);
        old->disconnect(this);
        old->cancel();
        old->deleteLater();
    }
    auto *connector = new TeamConnector(uri, options, this);
    m_connector = connector;
    connect(connector, &TeamConnector::progress, this, [this](const QString &text) { statusBar()->showMessage(text); });
    connect(connector, &TeamConnector::finished, this, [this, connector, quiet](bool ok) {
        if (m_connector == connector)
            m_connector = nullptr;
        connector->deleteLater();
        statusBar()->clearMessage();
        if (ok) {
            adoptDatabase(connector->takeDatabase());
            // Only worth saying when there was a password to keep.
            if (!connector->keychainProblem().isEmpty() && connector->askedForPassword())
                statusBar()->showMessage(QStringLiteral("Connected. The password could not be kept: %1. It is asked "
                                                        "for at each connection.")
                                             .arg(connector->keychainProblem()),
                                         15000);
            emit teamConnectFinished(true, QString());
            return;
        }
        const Error error = connector->error();
        if (error.code == Error::Code::Cancelled) {
            statusBar()->showMessage(error.message, 8000);
            emit teamConnectFinished(false, QString());
            return;
        }
        if (!quiet) {
            // Not a nested event loop: the window (and a test) carries on while it is shown.
            auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Cannot connect to the team database"),
                                        error.message, QMessageBox::Ok, this);
            box->setObjectName(QStringLiteral("connectError"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        emit teamConnectFinished(false, error.message);
    });
    connector->start();
}

void MainWindow::connectDialog()
{
    // Proposes the last team database connected to, else an example to edit.
    QString suggested;
    for (const QString &recent : recentDatabases())
        if (PgLocation::isPostgres(recent)) {
            suggested = recent;
            break;
        }
    ConnectDialog dialog(suggested, this);
    if (dialog.exec() == QDialog::Accepted && !dialog.uri().isEmpty())
        connectTeamDatabase(dialog.uri());
}

void MainWindow::closeDatabase()
{
    stopIndexJob();
    m_undoBarrier.clear();
    m_lmoIndicator.reset();
    m_document->close(); // the pages let go of it first (closing())
    updateUndoActions();
    updateStatus();
    emit databaseChanged();
}

void MainWindow::reloadAll()
{
    contentsChanged(Change::Outside);
}

void MainWindow::contentsChanged(Change change, const QString &source)
{
    if (!m_document->isOpen())
        return;
    if (change == Change::Import) {
        // An import writes many licenses and records no way back: the steps before it would
        // replay edits over what it wrote. They go, and Undo says why it stops here.
        m_document->undoStack()->clear();
        m_undoBarrier = QStringLiteral("Cannot undo the import of %1: an import is not undone here (each license's "
                                       "history shows what it changed; import an earlier export to go back)")
                            .arg(QFileInfo(source).fileName());
        updateUndoActions();
    }
    // Each page reads again through its own queries, which hold no statement open between
    // reads, so every page sees the database as it is now; the Licenses page keeps the rows
    // selected, and its detail panel reads the current license again. The status bar and
    // contentsChangedSignal follow the document's changed().
    m_document->notifyChanged(change, source);
}

void MainWindow::updateUndoActions()
{
    if (!m_undoAction)
        return;
    QUndoStack *stack = m_document->undoStack();
    const bool canUndo = stack->canUndo();
    m_undoAction->setEnabled(canUndo);
    if (canUndo)
        m_undoAction->setText(QStringLiteral("&Undo %1").arg(m_document->undoStack()->undoText()));
    else
        m_undoAction->setText(m_undoBarrier.isEmpty() ? QStringLiteral("&Undo") : m_undoBarrier);
    m_undoAction->setToolTip(m_undoAction->text());
    m_undoAction->setStatusTip(canUndo || m_undoBarrier.isEmpty() ? QString() : m_undoBarrier);
    m_redoAction->setEnabled(stack->canRedo());
    m_redoAction->setText(stack->canRedo() ? QStringLiteral("&Redo %1").arg(stack->redoText()) : QStringLiteral("&Redo"));
}

void MainWindow::importFiles()
{
    if (!database()) {
        QMessageBox::information(this, QStringLiteral("Import"), QStringLiteral("Open or create a database first."));
        return;
    }
    if (database()->isReadOnly()) {
        QMessageBox::information(this, QStringLiteral("Import"),
                                 QStringLiteral("This database is read-only (%1): nothing can be imported into it.")
                                     .arg(database()->readOnlyReason()));
        return;
    }
    if (!database()->access().mayImport()) {
        QMessageBox::information(this, QStringLiteral("Import"),
                                 QStringLiteral("%1 may not import into this team database: the team's policy lets only "
                                                "partner ops add licenses. Ask partner ops to import the file.")
                                     .arg(database()->access().login));
        return;
    }
    const QStringList files = QFileDialog::getOpenFileNames(
        this, QStringLiteral("Import LMA exports"), QDir::homePath(),
        QStringLiteral("CSV exports (*.csv *.tsv *.txt);;All files (*)"));
    for (const QString &file : files)
        if (!importFile(file))
            break; // the user cancelled before importing: skip the remaining files too
    // Whatever happened in the dialogs (an import, or none), the paused build goes on.
    buildDeferredIndexesInBackground();
}

bool MainWindow::importFile(const QString &file)
{
    if (!database() || database()->isReadOnly())
        return false;
    // The import builds what is left of the indexes first (it needs the unique ones), with
    // progress in its dialog; the window takes the rest up again when it is done. The job
    // stops after the index it is building, and the import's connection waits for that lock
    // (ImportDialog opens it with a long busy timeout): the window never waits.
    stopIndexJob();
    ImportDialog dialog(database()->path(), file, this);
    dialog.setJobRunner(m_document->jobs()); // the status bar shows it
    dialog.setPassword(database()->connectionSpec().password);
    // The LMOs to choose from, read off the UI thread; the dialog waits for them to allow Import
    // when the database has several.
    m_document->read<QList<KnownLmo>>(
        &dialog, [](QSqlDatabase &db) { return LmoRepository(db).all(); },
        [&dialog](const Result<QList<KnownLmo>> &known) {
            if (known)
                dialog.offerLmos(known.value());
        },
        true);
    connect(&dialog, &ImportDialog::finished, this, [this, file](bool imported) {
        if (imported)
            contentsChanged(Change::Import, file);
        buildDeferredIndexesInBackground(); // left by an import stopped while building them
    });
    const bool cancelled = dialog.exec() == QDialog::Rejected && !dialog.report();
    buildDeferredIndexesInBackground();
    return !cancelled;
}

void MainWindow::exportLicenses(bool view)
{
    if (!database())
        return;
    const QString suggested = view ? QStringLiteral("licenses-view.csv") : QStringLiteral("licenses.csv");
    QString path = QFileDialog::getSaveFileName(this, view ? QStringLiteral("Export view as CSV") : QStringLiteral("Export all licenses as CSV"),
                                                QDir::home().filePath(suggested), QStringLiteral("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    auto written = exportLicensesTo(path, view);
    if (!written) {
        if (written.error().code != Error::Code::Cancelled)
            QMessageBox::warning(this, QStringLiteral("Export licenses"), written.error().message);
        else
            statusBar()->showMessage(written.error().message, 8000);
        return;
    }
    statusBar()->showMessage(QStringLiteral("Exported %1 licenses to %2").arg(QLocale().toString(written.value()), path), 8000);
}

Result<qint64> MainWindow::exportLicensesTo(const QString &path, bool view)
{
    if (!m_document->isOpen())
        return Error::make(Error::Code::Usage, QStringLiteral("No database is open."));
    // A job with its own connection: a million rows take a few seconds, with progress and
    // Cancel (a cancelled export leaves no file); the window keeps painting meanwhile.
    const QString databasePath = database()->path();
    Database::OpenOptions options;
    options.readOnly = true;
    options.password = m_document->connectionSpec().password; // a team database's, from the keychain
    const LicenseQuery query = m_licenses->model()->query();
    const std::optional<qint64> expected = view ? m_licenses->model()->matchingCount() : m_licenses->model()->totalCount();
    const QString name = QFileInfo(path).fileName();
    JobOptions job;
    job.title = QStringLiteral("Exporting licenses");
    job.label = QStringLiteral("Exporting licenses to %1…").arg(name);
    job.dialogParent = this;
    job.objectName = QStringLiteral("exportProgress");
    job.minimumDurationMs = 300;
    return m_document->jobs()->runAndWait<qint64>(
        job, [databasePath, options, query, expected, name, path, view](JobContext &context) -> Result<qint64> {
            auto opened = Database::open(databasePath, options);
            if (!opened)
                return opened.error();
            auto progress = [&context, expected, name](qint64 rows) {
                context.setProgress(rows, expected.value_or(-1));
                context.setLabel(QStringLiteral("Exporting licenses to %1: %2 written…").arg(name, QLocale().toString(rows)));
                return !context.isCancelled();
            };
            return view ? exportLicenseViewCsv(*opened.value(), path, query, progress)
                        : exportLicensesCsv(*opened.value(), path, LicenseExportFilter(), progress);
        });
}

void MainWindow::newDatabase()
{
    const QString start = QFileInfo(Database::defaultPath()).absolutePath();
    const LocalFileNames files = Database::localFileNames();
    QString path = QFileDialog::getSaveFileName(this, QStringLiteral("New database"), start,
                                                files.dialogFilter + QStringLiteral(";;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + files.suffix;
    if (QFileInfo::exists(path)) {
        // The save dialog already asked about replacing; an existing database is opened, never wiped.
        QMessageBox::information(this, QStringLiteral("New database"),
                                 QStringLiteral("%1 already exists: it is opened as it is, not emptied.")
                                     .arg(QDir::toNativeSeparators(path)));
    }
    Database::OpenOptions options;
    options.create = true;
    openDatabase(path, options);
}

void MainWindow::openDatabaseDialog(bool readOnly)
{
    // A team database has no folder: the default one then.
    const QString start = database() && !database()->isTeamDatabase() ? QFileInfo(database()->path()).absolutePath()
                                                                      : QFileInfo(Database::defaultPath()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open database"), start,
                                                      Database::localFileNames().dialogFilter + QStringLiteral(";;All files (*)"));
    Database::OpenOptions options;
    options.readOnly = readOnly;
    if (!path.isEmpty())
        openDatabase(path, options);
}

QString MainWindow::lastDatabase()
{
    return QSettings().value(kLastKey).toString();
}

QStringList MainWindow::recentDatabases() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentDatabases();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentDatabases();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        if (PgLocation::isPostgres(path)) {
            // Named as the status bar names it; the password comes from the keychain.
            auto location = PgLocation::parse(path);
            const QString shown = location ? location->display() : path;
            QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 Team database %2").arg(QString::number(i + 1), shown),
                                                      this, [this, path] { connectTeamDatabase(path); });
            action->setToolTip(path);
            action->setData(path);
            continue;
        }
        QAction *action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(QString::number(i + 1), QDir::toNativeSeparators(path)),
                                                  this, [this, path] { openDatabase(path); });
        action->setData(path);
        action->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("No recent databases"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(QStringLiteral("Clear the list"), this, [this] {
        QSettings().remove(kRecentKey);
        rebuildRecentMenu();
    });
}

QString MainWindow::statusText() const
{
    return m_statusDatabase->text() + (m_statusReadOnly->text().isEmpty() ? QString() : QStringLiteral(" | ") + m_statusReadOnly->text());
}

void MainWindow::updateStatus()
{
    // Nothing here asks the server: the handle's own knowledge, the Licenses page's count and
    // the LMO indicator as last read (readLmoIndicator()).
    Database *open = database();
    if (!open) {
        setWindowTitle(QStringLiteral("LMO Desk"));
        m_statusDatabase->setText(QStringLiteral("No database open"));
        m_statusLmo->clear();
        m_statusReadOnly->clear();
        return;
    }
    // A file by its path, a team database by its server ("Team database alice@db:5432/lmo").
    const bool team = open->isTeamDatabase();
    const QString path = team ? QStringLiteral("Team database %1").arg(open->displayName())
                              : QDir::toNativeSeparators(open->path());
    setWindowTitle(QStringLiteral("%1 - LMO Desk").arg(team ? path : QFileInfo(open->path()).fileName()));
    if (!m_lmoIndicator)
        m_statusLmo->setText(QStringLiteral("LMO: …"));
    else if (m_lmoIndicator->designated)
        m_statusLmo->setText(QStringLiteral("LMO: %1 (%2)").arg(m_lmoIndicator->name, m_lmoIndicator->orgId));
    else if (m_lmoIndicator->pagesDone > 0)
        m_statusLmo->setText(QStringLiteral("LMO: being set up (%1 of 6 steps)").arg(m_lmoIndicator->pagesDone));
    else
        m_statusLmo->setText(QStringLiteral("LMO: not designated (Tools > LMO setup wizard)"));
    // The Licenses page counts in the background; the status bar shows its answer when it comes.
    const std::optional<qint64> count = m_licenses->count();
    m_statusDatabase->setText(count ? QStringLiteral("%1  —  %2 licenses").arg(path, QLocale().toString(*count))
                                    : QStringLiteral("%1  —  counting licenses…").arg(path));
    m_statusDatabase->setToolTip(team ? open->path() : path);
    const team::SessionAccess &access = open->access();
    if (open->isReadOnly()) {
        m_statusReadOnly->setText(QStringLiteral("Read-only: %1").arg(open->readOnlyReason()));
        setWindowTitle(windowTitle() + QStringLiteral(" [read-only]"));
    } else if (const QString warning = access.warning(); !warning.isEmpty()) {
        m_statusReadOnly->setText(QStringLiteral("\u26a0 %1").arg(warning));
    } else if (access.enforced && access.role) {
        m_statusReadOnly->setText(QStringLiteral("%1 (%2)").arg(team::roleName(*access.role), access.login));
    } else {
        m_statusReadOnly->clear();
    }
    m_statusReadOnly->setToolTip(access.enforced ? access.summary() : QString());
}

void MainWindow::updateJobsStatus()
{
    QStringList parts;
    for (const QString &text : {m_document->jobs()->statusText(), JobRunner::application()->statusText()})
        if (!text.isEmpty())
            parts << text;
    m_statusJobs->setText(parts.join(QStringLiteral("; ")));
}

void MainWindow::readLmoIndicator()
{
    if (!m_document->isOpen())
        return;
    const quint64 read = ++m_lmoReads;
    m_document->read<LmoIndicator>(
        this, [](QSqlDatabase &db) { return lmo::readLmoIndicator(db); },
        [this, read](const Result<LmoIndicator> &indicator) {
            if (read != m_lmoReads)
                return; // a newer read is on its way
            m_lmoIndicator = indicator ? indicator.value() : LmoIndicator();
            updateStatus();
            const bool designated = m_lmoIndicator->designated;
            auto waiting = std::exchange(m_whenLmoKnown, {});
            for (const auto &then : waiting)
                then(designated);
            emit lmoStatusRead();
        },
        true);
}

void MainWindow::whenLmoKnown(std::function<void(bool designated)> then)
{
    if (m_lmoIndicator) {
        then(m_lmoIndicator->designated);
        return;
    }
    m_whenLmoKnown.push_back(std::move(then));
}

void MainWindow::buildDeferredIndexesInBackground()
{
    if (!m_document->isOpen() || m_document->isReadOnly() || m_indexJob)
        return;
    // Whether there are any, and how many licenses, are asked on the job's connection too.
    // A new database has only the org summary's marker to clear: nothing to tell the user
    // (the job then reports no progress, and the label stays empty).
    const quint64 ticket = ++m_indexTicket;
    JobOptions options;
    options.title = QStringLiteral("Building indexes for browsing");
    options.showInStatus = false; // its own label says how far it is
    m_indexJob = m_document->jobs()->runOnDatabase<bool>(
        this, m_document->connectionSpec(), options,
        [](QSqlDatabase &db, JobContext &context) -> Result<bool> {
            auto pending = deferredIndexCount(db);
            if (!pending)
                return pending.error();
            if (pending.value() == 0)
                return false;
            auto any = hasLicenses(db);
            const bool announced = any && any.value();
            if (announced)
                context.setProgress(0, pending.value());
            auto built = buildDeferredIndexes(db, [&context, announced](int done, int total) {
                if (announced)
                    context.setProgress(done, total);
                return !context.isCancelled();
            });
            if (!built)
                return built.error();
            return announced;
        },
        [this, ticket](const Result<bool> &result) {
            if (ticket != m_indexTicket)
                return; // stopped, and another database may be open now
            m_indexJob = 0;
            m_statusIndexes->clear();
            m_statusIndexes->setToolTip(QString());
            if (!result) {
                statusBar()->showMessage(QStringLiteral("The indexes could not be built: %1").arg(result.error().message));
                return;
            }
            if (result.value()) {
                statusBar()->showMessage(QStringLiteral("Indexes built: sorting and filtering are at full speed."), 8000);
                // The org summary is complete now: the pages read it again.
                m_document->notifyChanged(ContentChange::Indexes);
            }
        });
}

void MainWindow::modifySelectedLicenses()
{
    if (!database()) {
        QMessageBox::information(this, QStringLiteral("Modify License"), QStringLiteral("Open a database first."));
        return;
    }
    if (database()->isReadOnly()) {
        QMessageBox::information(this, QStringLiteral("Modify License"),
                                 QStringLiteral("This database is read-only (%1): licenses cannot be modified.")
                                     .arg(database()->readOnlyReason()));
        return;
    }
    if (!database()->access().mayModifyLicenses()) {
        QMessageBox::information(this, QStringLiteral("Modify License"), database()->access().whyNotModify());
        return;
    }
    const std::vector<qint64> ids = m_licenses->selectedLicenseIds();
    if (ids.empty()) {
        setPage(Page::Licenses);
        QMessageBox::information(this, QStringLiteral("Modify License"),
                                 QStringLiteral("Select one or more licenses on the Licenses page first."));
        return;
    }
    modifyLicenses(ids);
}

void MainWindow::modifyLicenses(const std::vector<qint64> &ids)
{
    if (!database() || database()->isReadOnly())
        return;
    ModifyLicenseDialog dialog(*database(), ids, this, m_document);
    if (dialog.exec() != QDialog::Accepted || dialog.plan().changes.empty())
        return;
    // Written as a job (the window keeps painting); the undo step is pushed once it is written.
    ModifyLicensesCommand::apply(m_document->jobs(), *database(), m_document->undoStack(), dialog.plan().changes,
                                 dialog.description(), this, [this, ids](const QString &error) { afterLicenseEdit(error, ids); });
}

void MainWindow::actOnFinding(const billing::Finding &finding)
{
    if (!database() || database()->isReadOnly() || !finding.change || !finding.licenseId)
        return;
    ModifyLicenseDialog dialog(*database(), {finding.licenseId}, this, m_document);
    dialog.setReason(QStringLiteral("<b>%1</b>%2: %3. %4")
                         .arg(billing::ruleTitle(finding.rule),
                              finding.subscription.isEmpty() ? QString() : QStringLiteral(" (%1 %2)").arg(finding.source, finding.subscription),
                              finding.detail.toHtmlEscaped(), finding.action.toHtmlEscaped()));
    const LicenseChange &c = *finding.change;
    if (c.status)
        dialog.setStatus(*c.status == Status::Active      ? ModifyLicenseDialog::StatusChoice::Active
                         : *c.status == Status::Trial     ? ModifyLicenseDialog::StatusChoice::Trial
                                                          : ModifyLicenseDialog::StatusChoice::Suspended);
    if (c.seats)
        dialog.setSeats(*c.seats == License::kSiteLicenseSeats ? ModifyLicenseDialog::SeatsChoice::SiteLicense
                                                               : ModifyLicenseDialog::SeatsChoice::Seats,
                        *c.seats);
    if (c.expiration)
        dialog.setExpiration(c.expiration->isValid() ? ModifyLicenseDialog::ExpirationChoice::OnDate
                                                     : ModifyLicenseDialog::ExpirationChoice::DoesNotExpire,
                             *c.expiration);
    if (dialog.exec() != QDialog::Accepted || dialog.plan().changes.empty())
        return;
    // The undo step and the audit log's source say why: "Modify L-0000002 (billing: seat drift,
    // stripe s2)".
    const QString why = finding.subscription.isEmpty()
                            ? QStringLiteral("billing: %1").arg(billing::ruleTitle(finding.rule).toLower())
                            : QStringLiteral("billing: %1, %2 %3").arg(billing::ruleTitle(finding.rule).toLower(), finding.source, finding.subscription);
    const std::vector<qint64> ids{finding.licenseId};
    ModifyLicensesCommand::apply(m_document->jobs(), *database(), m_document->undoStack(), dialog.plan().changes,
                                 QStringLiteral("%1 (%2)").arg(dialog.description(), why), this,
                                 [this, ids](const QString &error) { afterLicenseEdit(error, ids); });
}

void MainWindow::importBillingDialog()
{
    if (!database() || database()->isReadOnly()) {
        QMessageBox::information(this, QStringLiteral("Import billing"),
                                 database() ? QStringLiteral("This database is read-only: billing cannot be imported into it.")
                                            : QStringLiteral("Open or create a database first."));
        return;
    }
    const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("Import billing"), QString(),
                                                      QStringLiteral("Billing exports (*.csv *.txt *.tsv);;All files (*)"));
    if (!file.isEmpty())
        importBillingFile(file);
}

bool MainWindow::importBillingFile(const QString &file)
{
    if (!database())
        return false;
    BillingImportDialog dialog(m_document, file, this);
    bool any = false;
    connect(&dialog, &BillingImportDialog::imported, this, [&any](bool imported) { any = imported; });
    dialog.exec();
    if (any) {
        contentsChanged(Change::Billing, file);
        setPage(Page::Billing);
    }
    return any;
}

bool MainWindow::lmoDesignated() const
{
    return m_document->isOpen() && m_lmoIndicator && m_lmoIndicator->designated;
}

void MainWindow::openLmoWizard(bool switchLmo)
{
    if (!database() || database()->isReadOnly()) {
        QMessageBox::information(this, QStringLiteral("LMO setup"),
                                 database() ? QStringLiteral("This database is read-only: the LMO cannot be recorded in it.")
                                            : QStringLiteral("Open or create a database first."));
        return;
    }
    if (switchLmo && !lmoDesignated()) {
        QMessageBox::information(this, QStringLiteral("Switch LMO"),
                                 QStringLiteral("This database has no designated LMO to switch from yet. Designate it first "
                                                "with Tools > LMO setup wizard…; a switch then records the org that takes over."));
        return;
    }
    LmoWizard wizard(*m_document, switchLmo, this);
    wizard.exec();
    // Saved progress, a designation or a new LMO: every page's LMO choices and names.
    contentsChanged(Change::Lmo);
}

void MainWindow::afterLicenseEdit(const QString &error, const std::vector<qint64> &ids)
{
    // Refused or not, every page shows the licenses as they are now (a refusal means someone
    // else changed them).
    contentsChanged(Change::Edit);
    if (!error.isEmpty()) {
        // Not a nested event loop inside the undo stack's undo() or redo(): the box opens and
        // the stack finishes (dropping the refused step) at once.
        auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Modify License"), error, QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("editRefused"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        // An edit someone else's change overtook: the licenses as they are now, modified again
        // from there (the panel and the list already show them).
        if (!ids.empty()) {
            QPushButton *again = box->addButton(QStringLiteral("Modify again…"), QMessageBox::AcceptRole);
            again->setObjectName(QStringLiteral("modifyAgain"));
            connect(again, &QPushButton::clicked, this, [this, ids] {
                QMetaObject::invokeMethod(this, [this, ids] { modifyLicenses(ids); }, Qt::QueuedConnection);
            });
        }
        box->open();
        return;
    }
    statusBar()->showMessage(QStringLiteral("%1 — Edit > Undo takes it back.").arg(m_document->undoStack()->undoText().isEmpty() ? QStringLiteral("Done") : m_document->undoStack()->undoText()), 6000);
}

void MainWindow::stopIndexJob()
{
    if (!m_indexJob)
        return;
    // Between two indexes the job stops; what it has not built stays recorded for next time.
    m_document->jobs()->cancel(m_indexJob);
    m_indexJob = 0;
    ++m_indexTicket; // its answer is dropped
    m_statusIndexes->clear();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, QStringLiteral("About LMO Desk"),
        QStringLiteral("<h3>LMO Desk %1</h3>"
                       "<p>Browse, chart and set up an AppExchange partner's License Management Org: every license "
                       "and subscriber org, the install base at a glance, and the LMO designation done right.</p>"
                       "<p>Free software under the GNU General Public License, version 3 or later.<br>"
                       "Built with Qt %2 (running on %3).</p>")
            .arg(QStringLiteral(LMODESK_VERSION), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}

} // namespace lmo
