#include "wizard/lmowizard.h"

#include "document/document.h"
#include "document/jobrunner.h"
#include "wizard/accesspage.h"
#include "wizard/chooseorgpage.h"
#include "wizard/documentationpage.h"
#include "wizard/installlmapage.h"
#include "wizard/integrationpage.h"
#include "wizard/lmoreader.h"
#include "wizard/registerpackagespage.h"
#include "wizard/reviewpage.h"
#include "wizard/runbookfile.h"

#include <QAbstractButton>
#include <QDateEdit>
#include <QMessageBox>

namespace lmo {

namespace {

// A message as a sentence of its own, whatever the driver ended it with.
QString sentence(const QString &message)
{
    const QString m = message.trimmed();
    return m.isEmpty() || m.endsWith(QLatin1Char('.')) ? m : m + QLatin1Char('.');
}

} // namespace

LmoWizard::LmoWizard(Document &document, bool switchLmo, QWidget *parent)
    : LmoWizard(&document, document.database(), switchLmo, parent)
{
}

LmoWizard::LmoWizard(Database &database, bool switchLmo, QWidget *parent) : LmoWizard(nullptr, &database, switchLmo, parent)
{
}

LmoWizard::LmoWizard(Document *document, Database *database, bool switchLmo, QWidget *parent)
    : QWizard(parent), m_document(document), m_spec(database ? database->connectionSpec() : ConnectionSpec()),
      m_access(database ? database->access() : team::SessionAccess()),
      m_reader(new LmoReader(this)), m_jobs(document ? document->jobs() : new JobRunner(this)), m_switch(switchLmo)
{
    setObjectName(QStringLiteral("lmoWizard"));
    setWindowTitle(switchLmo ? QStringLiteral("Switch the LMO") : QStringLiteral("Designate the LMO"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage, false);
    resize(960, 740);
    if (document) {
        m_reader->useDocument(document);
    } else {
        m_reader->useConnection(m_spec);
        m_ownJobs = m_jobs;
    }

    m_org = new ChooseOrgPage(this);
    m_packages = new RegisterPackagesPage(this);
    m_lma = new InstallLmaPage(this);
    m_permissions = new AccessPage(this);
    m_integrations = new IntegrationPage(this);
    m_documentPage = new DocumentationPage(this, switchLmo);
    m_summary = new ReviewPage(this, switchLmo);
    for (StepPage *page : stepPages()) {
        addPage(page);
        connect(page, &StepPage::answersChanged, this, &LmoWizard::refresh);
    }
    connect(m_lma, &InstallLmaPage::verifyRequested, this, [this](const QString &file) {
        m_lma->setVerifying(true);
        JobOptions options;
        options.title = QStringLiteral("Reading the License export");
        options.label = QStringLiteral("Reading %1…").arg(file);
        options.dialogParent = this;
        options.cancellable = false;
        options.objectName = QStringLiteral("verifyExportProgress");
        m_jobs->run<LmaExportCheck>(
            this, options, [file](JobContext &) { return checkLmaExport(file); },
            [this, file](const Result<LmaExportCheck> &check) {
                if (m_destroying)
                    return;
                m_lma->setVerifying(false);
                m_lma->showCheck(file, check);
            });
    });
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        // Arriving on a page means the ones before it are done: save them.
        if (id > 0)
            saveProgress(id);
        if (id == SummaryPage)
            m_summary->showRunbook(runbookMarkdown());
    });
    start();
}

LmoWizard::~LmoWizard()
{
    // Its own runner waits for the writes still running (the answers saved); what they report
    // then finds no wizard to update.
    m_destroying = true;
    delete m_ownJobs;
}

QList<StepPage *> LmoWizard::stepPages() const
{
    return {m_org, m_packages, m_lma, m_permissions, m_integrations, m_documentPage, m_summary};
}

bool LmoWizard::isWriting() const
{
    return m_writing || m_pendingProgress || m_finishProfile;
}

void LmoWizard::setNoteEverywhere(const QString &text, bool error)
{
    for (StepPage *page : stepPages())
        page->setNote(text, error);
}

void LmoWizard::start()
{
    setNoteEverywhere(QStringLiteral("Reading what this database records about its LMO…"), false);
    for (StepPage *page : stepPages())
        page->setFieldsEnabled(false); // what the user typed now would be overwritten
    refresh();
    m_reader->read<LmoWizardStart>([today = QDate::currentDate()](QSqlDatabase &db) { return readLmoWizardStart(db, today); },
                                   [this](const Result<LmoWizardStart> &r) { applyStart(r); });
}

void LmoWizard::applyStart(const Result<LmoWizardStart> &start)
{
    if (!start) {
        m_error = start.error().message;
        setNoteEverywhere(QStringLiteral("Could not read what this database records about its LMO: %1 Close the wizard "
                                         "and open it again once the database can be reached.")
                              .arg(sentence(m_error)),
                          true);
        emit loaded(false);
        return;
    }
    m_former = start->former;
    m_packages->setKnownPackages(start->packages);
    const LmoProfile &saved = start->current;
    if (m_switch) {
        if (!saved.designatedAt.isValid()) {
            m_error = QStringLiteral("This database has no designated LMO to switch from yet. Designate it first with Tools > "
                                     "LMO setup wizard…; a switch then records the org that takes over.");
            setNoteEverywhere(m_error, true);
            emit loaded(false);
            return;
        }
        // A switch usually moves the same packages (through a Partner Support case): start from
        // the current LMO's list, which the user trims or extends.
        m_replacing = saved;
        for (const LinkedPackage &p : saved.packages)
            m_packages->addPackage(p.name, p.namespacePrefix, p.packageId);
        m_org->setReplacing(saved);
    } else {
        m_saved = saved;
        for (StepPage *page : stepPages())
            page->load(m_saved);
    }
    m_integrations->suggest(start->licenses, start->installedLastYear);
    setNoteEverywhere(QString(), false);
    for (StepPage *page : stepPages())
        page->setFieldsEnabled(true);
    m_loaded = true;
    refresh();
    if (!m_switch) {
        // Resume after the last page done (the summary when all are), with the pages before it
        // behind Back as if just walked through.
        const int resumeAt = qBound(0, m_saved.pagesDone, int(SummaryPage));
        m_resuming = true;
        restart();
        while (currentId() < resumeAt && currentPage() && currentPage()->isComplete())
            next();
        m_resuming = false;
    }
    emit loaded(true);
}

void LmoWizard::refresh()
{
    for (StepPage *page : stepPages())
        page->refreshNotes();
}

LmoProfile LmoWizard::profile() const
{
    LmoProfile p = m_saved;
    for (StepPage *page : stepPages())
        page->store(p);
    return p;
}

QStringList LmoWizard::problems(int id) const
{
    auto *step = qobject_cast<StepPage *>(page(id));
    return step ? step->problems() : QStringList();
}

void LmoWizard::saveProgress(int pageDone)
{
    if (m_switch || !m_loaded || m_resuming || m_finishing)
        return; // a switch is recorded whole, at the end
    LmoProfile p = profile();
    p.pagesDone = qMax(m_saved.pagesDone, qMin(pageDone, int(SummaryPage)));
    m_pendingProgress = p; // the latest answers replace any not written yet
    writeNext();
}

void LmoWizard::writeNext()
{
    if (m_writing)
        return;
    if (m_pendingProgress) {
        const LmoProfile p = *std::exchange(m_pendingProgress, std::nullopt);
        m_writing = true;
        JobOptions options;
        options.title = QStringLiteral("Saving the LMO setup");
        options.cancellable = false;
        m_jobs->runOnDatabase<void>(
            this, m_spec, options, [p](QSqlDatabase &db, JobContext &) { return LmoRepository(db).save(p); },
            [this, p](const Result<void> &r) {
                if (m_destroying)
                    return;
                m_writing = false;
                if (!r) {
                    m_error = r.error().message;
                    setNoteEverywhere(QStringLiteral("Your answers so far could not be saved: %1").arg(m_error), true);
                } else {
                    m_saved.pagesDone = qMax(m_saved.pagesDone, p.pagesDone);
                    if (!m_finishing)
                        setNoteEverywhere(QString(), false);
                }
                writeNext();
            });
        return;
    }
    if (m_finishProfile) {
        startFinish();
        return;
    }
    if (m_closeWanted)
        QWizard::reject();
}

void LmoWizard::accept()
{
    if (!m_loaded || m_finishing)
        return;
    LmoProfile p = profile();
    p.pagesDone = int(SummaryPage);
    p.documented = true;
    // The pages hold Next back on these; a profile resumed from an older LMO Desk meets them here.
    if (const QStringList refused = LmoRules::designationRefusals(p); !refused.isEmpty()) {
        m_error = refused.join(QLatin1Char('\n'));
        QMessageBox::warning(this, windowTitle(), QStringLiteral("This org cannot be designated as the LMO:\n\n%1").arg(m_error));
        return;
    }
    // Reviewing a designated LMO keeps the day it was designated.
    p.designatedAt = !m_switch && m_saved.designatedAt.isValid() ? m_saved.designatedAt : QDateTime::currentDateTimeUtc();
    m_finishing = true;
    m_finishProfile = p;
    m_pendingProgress.reset(); // Finish writes every answer
    setNoteEverywhere(QStringLiteral("Recording the LMO…"), false);
    refresh(); // Finish waits too
    button(QWizard::BackButton)->setEnabled(false); // after refresh: QWizard enables it on a change
    button(QWizard::CancelButton)->setEnabled(false);
    writeNext();
}

void LmoWizard::startFinish()
{
    const LmoProfile p = *m_finishProfile;
    const std::optional<QDate> switchOn = m_switch ? std::optional<QDate>(transitionDate()->date()) : std::nullopt;
    m_writing = true;
    JobOptions options;
    options.title = m_switch ? QStringLiteral("Switching the LMO") : QStringLiteral("Designating the LMO");
    options.label = m_switch ? QStringLiteral("Recording %1 as the new LMO…").arg(p.org.name)
                             : QStringLiteral("Recording %1 as this database's LMO…").arg(p.org.name);
    options.dialogParent = this;
    options.cancellable = false; // one transaction: it is recorded whole or not at all
    options.objectName = QStringLiteral("lmoFinishProgress");
    m_jobs->runOnDatabase<void>(
        this, m_spec, options,
        [p, switchOn](QSqlDatabase &db, JobContext &) { return recordLmoDesignation(db, p, switchOn); },
        [this](const Result<void> &r) {
            if (!m_destroying)
                finishDone(r);
        });
}

void LmoWizard::finishDone(const Result<void> &r)
{
    m_writing = false;
    m_finishing = false;
    const LmoProfile p = *std::exchange(m_finishProfile, std::nullopt);
    button(QWizard::BackButton)->setEnabled(true);
    button(QWizard::CancelButton)->setEnabled(true);
    if (!r) {
        m_error = r.error().message;
        setNoteEverywhere(QStringLiteral("The LMO was not recorded: %1 Your answers are kept: press Finish to try again, "
                                         "or Cancel.")
                              .arg(sentence(m_error)),
                          true);
        refresh();
        auto *box = new QMessageBox(QMessageBox::Warning, windowTitle(),
                                    QStringLiteral("The LMO was not recorded:\n\n%1").arg(m_error), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("lmoFinishFailed"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        emit finishFailed(m_error);
        writeNext(); // a close asked for meanwhile
        return;
    }
    m_saved = p;
    setNoteEverywhere(QString(), false);
    emit designationRecorded();
    QWizard::accept();
}

void LmoWizard::reject()
{
    if (m_finishing)
        return; // Finish's transaction runs to its end; the wizard closes or stays open then
    if (m_writing || m_pendingProgress) {
        m_closeWanted = true; // once the answers are saved
        setNoteEverywhere(QStringLiteral("Saving your answers…"), false);
        return;
    }
    QWizard::reject();
}

QString LmoWizard::runbookMarkdown() const
{
    LmoProfile p = profile();
    if (!p.designatedAt.isValid())
        p.designatedAt = QDateTime::currentDateTimeUtc();
    QList<QPair<LmoProfile, QDate>> replaced = m_former;
    if (m_replacing)
        replaced.append({*m_replacing, transitionDate()->date()});
    return lmoRunbookMarkdown(p, QDate::currentDate(), replaced);
}

Result<void> LmoWizard::saveRunbook(const QString &path) const
{
    return saveRunbookFile(runbookMarkdown(), path);
}

QString LmoWizard::verifyExport(const QString &file)
{
    return m_lma->showCheck(file, checkLmaExport(file));
}

QLineEdit *LmoWizard::orgName() const { return m_org->name(); }
QLineEdit *LmoWizard::orgId() const { return m_org->id(); }
QComboBox *LmoWizard::orgEdition() const { return m_org->edition(); }
QComboBox *LmoWizard::orgKind() const { return m_org->kind(); }
QLineEdit *LmoWizard::orgInstance() const { return m_org->instance(); }
QComboBox *LmoWizard::orgStatus() const { return m_org->status(); }
QCheckBox *LmoWizard::hasTrialExpiration() const { return m_org->hasTrialExpiration(); }
QDateEdit *LmoWizard::trialExpiration() const { return m_org->trialExpiration(); }
QCheckBox *LmoWizard::paidAndPermanent() const { return m_org->paidAndPermanent(); }
QTableWidget *LmoWizard::packagesTable() const { return m_packages->table(); }
QComboBox *LmoWizard::offeredPackages() const { return m_packages->offered(); }
QLineEdit *LmoWizard::lmaVersion() const { return m_lma->version(); }
QCheckBox *LmoWizard::objectsVisible() const { return m_lma->objectsVisible(); }
QTableWidget *LmoWizard::rolesTable() const { return m_permissions->table(); }
QSpinBox *LmoWizard::licensesToday() const { return m_integrations->licensesToday(); }
QSpinBox *LmoWizard::growthPerMonth() const { return m_integrations->growthPerMonth(); }
QDoubleSpinBox *LmoWizard::storageMb() const { return m_integrations->storageMb(); }
QLabel *LmoWizard::forecastLabel() const { return m_integrations->forecastLabel(); }
QDateEdit *LmoWizard::transitionDate() const { return m_documentPage->transitionDate(); }

void LmoWizard::addPackage(const QString &name, const QString &ns, const QString &id)
{
    m_packages->addPackage(name, ns, id);
}

void LmoWizard::setAccess(int role, Access licenses, Access subscribers)
{
    m_permissions->setAccess(role, licenses, subscribers);
}

} // namespace lmo
