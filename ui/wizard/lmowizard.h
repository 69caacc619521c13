#pragma once

#include "lmo/lmoprofile.h"
#include "lmo/lmoscreens.h"
#include "storage/database.h"

#include <QPointer>
#include <QWizard>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace lmo {

class Document;
class DocumentationPage;
class IntegrationPage;
class JobRunner;
class InstallLmaPage;
class LmoReader;
class ChooseOrgPage;
class RegisterPackagesPage;
class AccessPage;
class StepPage;
class ReviewPage;

// Walks a partner through designating their LMO: six pages (the six steps of docs/domain.md,
// one class each: ChooseOrgPage, RegisterPackagesPage, InstallLmaPage, AccessPage, IntegrationPage,
// DocumentationPage), each saying why it matters and asking what it decides, then a ReviewPage.
// Each page's rule lives in core (LmoRules); a page's problems hold Next back and, like its
// warnings, follow every change as it is made. Each page's answers are saved as the user moves
// on, so closing the app and opening the wizard again resumes where they left off, with the
// earlier answers filled in. In switch mode it records a new LMO from a transition day and
// keeps the old one as a former LMO.
//
// It never waits on the database on the UI thread: what the database records is read on a
// worker (the document's reader, or one of its own) after it opens, the pages held back until
// it is in (loaded()); the answers saved as the user moves on and Finish's write run as jobs,
// one after the other. A Finish that fails keeps the wizard open with the answers and says why.
// Closing it waits (painting) for the answers still being saved.
class LmoWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { OrgPage, PackagesPage, LmaPage, PermissionsPage, IntegrationsPage, DocumentPage, SummaryPage };

    // Reads and writes through the document (its reader and its job runner).
    LmoWizard(Document &document, bool switchLmo, QWidget *parent = nullptr);
    // Reads and writes on connections of its own to `database` (used only for its connection spec).
    LmoWizard(Database &database, bool switchLmo, QWidget *parent = nullptr);
    ~LmoWizard() override;

    // What the database records has been read and shown (false while reading, or when it failed).
    bool isLoaded() const { return m_loaded; }
    // Loaded and not finishing: the pages may go on.
    bool isReady() const { return m_loaded && !m_finishing; }
    // Answers are being saved, or Finish is writing.
    bool isWriting() const;

    // The profile as the pages say now.
    LmoProfile profile() const;
    // Why page `page` cannot go on (empty when it can).
    QStringList problems(int page) const;
    QString runbookMarkdown() const;
    // Step 3's "verify now": reads a License export into a scratch database (nothing is written
    // to this one) and says what it holds; ticks "objects visible" when it holds licenses. This
    // reads on the calling thread; the page's button reads as a job.
    QString verifyExport(const QString &file);
    Result<void> saveRunbook(const QString &path) const; // .md or .pdf
    // Why the last read or write failed (empty when none did).
    QString lastError() const { return m_error; }
    // What the login may do on the database (step 4 applies the policy on a team database), the
    // connection a job of the wizard's opens, and the wizard's jobs.
    const team::SessionAccess &access() const { return m_access; }
    const ConnectionSpec &connectionSpec() const { return m_spec; }
    JobRunner *jobs() const { return m_jobs; }
    bool isReadOnly() const { return m_spec.readOnly; }

    // For tests and keyboard users: the fields by name.
    QLineEdit *orgName() const;
    QLineEdit *orgId() const;
    QComboBox *orgEdition() const;
    QComboBox *orgKind() const;
    QLineEdit *orgInstance() const;
    QComboBox *orgStatus() const; // item data: the status, empty for "not known"
    QCheckBox *hasTrialExpiration() const;
    QDateEdit *trialExpiration() const;
    QCheckBox *paidAndPermanent() const;
    QTableWidget *packagesTable() const;
    // Step 2's offer: the packages this database holds that are not in the table yet.
    QComboBox *offeredPackages() const;
    QLineEdit *lmaVersion() const;
    QCheckBox *objectsVisible() const;
    QTableWidget *rolesTable() const;
    QSpinBox *licensesToday() const;
    QSpinBox *growthPerMonth() const;
    QDoubleSpinBox *storageMb() const;
    QLabel *forecastLabel() const;
    QDateEdit *transitionDate() const;
    void addPackage(const QString &name, const QString &ns, const QString &id);
    void setAccess(int role, Access licenses, Access subscribers);

    // Finish: checks the profile, then records it as a job (progress shown); the wizard closes
    // when it is recorded and stays open, saying why, when it is not.
    void accept() override;
    // Cancel: closes once the answers still being saved are (never in the middle of Finish).
    void reject() override;

signals:
    // What the database records is in (or could not be read: lastError()).
    void loaded(bool ok);
    // Finish recorded the LMO (the wizard closes next).
    void designationRecorded();
    // Finish could not record it; the wizard stays open with the answers.
    void finishFailed(const QString &message);

private:
    LmoWizard(Document *document, Database *database, bool switchLmo, QWidget *parent);
    void start();
    void applyStart(const Result<LmoWizardStart> &start);
    void refresh();
    void saveProgress(int pageDone);
    void writeNext();
    void startFinish();
    void finishDone(const Result<void> &result);
    void setNoteEverywhere(const QString &text, bool error);
    QList<StepPage *> stepPages() const;

    QPointer<Document> m_document;
    ConnectionSpec m_spec;
    team::SessionAccess m_access;
    LmoReader *m_reader;
    JobRunner *m_jobs;
    JobRunner *m_ownJobs = nullptr; // without a document
    bool m_destroying = false;
    bool m_switch;
    bool m_loaded = false;
    bool m_resuming = false;
    LmoProfile m_saved;
    std::optional<LmoProfile> m_replacing; // switch mode: the LMO being replaced
    QList<QPair<LmoProfile, QDate>> m_former;
    QString m_error;

    // The writes, one at a time: the latest answers to save, then Finish's.
    bool m_writing = false;
    std::optional<LmoProfile> m_pendingProgress;
    bool m_finishing = false;
    std::optional<LmoProfile> m_finishProfile;
    bool m_closeWanted = false;

    ChooseOrgPage *m_org;
    RegisterPackagesPage *m_packages;
    InstallLmaPage *m_lma;
    AccessPage *m_permissions;
    IntegrationPage *m_integrations;
    DocumentationPage *m_documentPage;
    ReviewPage *m_summary;
};

} // namespace lmo
