#pragma once

#include "domain/package.h"
#include "lmo/lmoprofile.h"

#include <QWizard>

#include <vector>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;

namespace lmo {

class Database;

// Walks a partner through designating their LMO: six pages (the six steps of docs/domain.md),
// each saying why it matters and asking what it decides, then a summary. Each page's rule lives
// in core (LmoRules); a page's problems hold Next back and, like its warnings, follow every
// change as it is made. Each page's answers are saved as
// the user moves on, so closing the app and opening the wizard again resumes where they left
// off, with the earlier answers filled in. In switch mode it records a new LMO from a
// transition day and keeps the old one as a former LMO.
class LmoWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { OrgPage, PackagesPage, LmaPage, PermissionsPage, IntegrationsPage, DocumentPage, SummaryPage };

    LmoWizard(Database &database, bool switchLmo, QWidget *parent = nullptr);

    // The profile as the pages say now.
    LmoProfile profile() const;
    // Why the current page cannot go on (empty when it can).
    QStringList problems(int page) const;
    QString runbookMarkdown() const;
    // Step 3's "verify now": reads a License export into a scratch database (nothing is written
    // to this one) and says what it holds; ticks "objects visible" when it holds licenses.
    QString verifyExport(const QString &file);
    Result<void> saveRunbook(const QString &path) const; // .md or .pdf
    QString lastError() const { return m_error; }

    // For tests and keyboard users: the fields by name.
    QLineEdit *orgName() const { return m_orgName; }
    QLineEdit *orgId() const { return m_orgId; }
    QComboBox *orgEdition() const { return m_edition; }
    QComboBox *orgKind() const { return m_kind; }
    QLineEdit *orgInstance() const { return m_instance; }
    QComboBox *orgStatus() const { return m_status; } // item data: the status, empty for "not known"
    QCheckBox *hasTrialExpiration() const { return m_hasTrial; }
    QDateEdit *trialExpiration() const { return m_trialExpiration; }
    QCheckBox *paidAndPermanent() const { return m_paid; }
    QTableWidget *packagesTable() const { return m_packages; }
    // Step 2's offer: the packages this database holds that are not in the table yet.
    QComboBox *offeredPackages() const { return m_offered; }
    QLineEdit *lmaVersion() const { return m_lmaVersion; }
    QCheckBox *objectsVisible() const { return m_visible; }
    QTableWidget *rolesTable() const { return m_roles; }
    QSpinBox *licensesToday() const { return m_licensesToday; }
    QSpinBox *growthPerMonth() const { return m_growth; }
    QDoubleSpinBox *storageMb() const { return m_storage; }
    QLabel *forecastLabel() const { return m_forecast; }
    QDateEdit *transitionDate() const { return m_transition; }
    void addPackage(const QString &name, const QString &ns, const QString &id);
    void setAccess(int role, Access licenses, Access subscribers);

    void accept() override;

private:
    void buildPages();
    void load(const LmoProfile &p);
    void saveProgress(int pageDone);
    void refresh();
    void updateOffer(const QList<LinkedPackage> &listed);
    void appendRole(const RoleAccess &role);

    Database &m_database;
    bool m_switch;
    LmoProfile m_saved;
    std::optional<LmoProfile> m_replacing; // switch mode: the LMO being replaced
    QString m_error;
    QLineEdit *m_orgName;
    QLineEdit *m_orgId;
    QComboBox *m_edition;
    QComboBox *m_kind;
    QLineEdit *m_instance;
    QComboBox *m_status;
    QCheckBox *m_hasTrial;
    QDateEdit *m_trialExpiration;
    QCheckBox *m_paid;
    QList<QCheckBox *> m_who;
    QList<QCheckBox *> m_integrates;
    QLineEdit *m_stability;
    QRadioButton *m_primary;
    QRadioButton *m_dedicated;
    QLabel *m_placementNote;
    QLabel *m_orgProblems;
    QLabel *m_switchNote;
    QTableWidget *m_packages;
    QDateEdit *m_registered;
    QLabel *m_packageProblems;
    QWidget *m_offerRow;
    QComboBox *m_offered;
    std::vector<Package> m_knownPackages; // the packages table, read once
    QLineEdit *m_lmaVersion;
    QCheckBox *m_visible;
    QLabel *m_verification;
    QTableWidget *m_roles;
    QLabel *m_roleWarnings;
    QList<QCheckBox *> m_dashboards;
    QComboBox *m_billing;
    QList<QCheckBox *> m_patterns;
    QSpinBox *m_licensesToday;
    QSpinBox *m_growth;
    QDoubleSpinBox *m_storage;
    QLabel *m_forecast;
    QCheckBox *m_mark;
    QTextBrowser *m_summary;
    QDateEdit *m_transition;
};

} // namespace lmo
