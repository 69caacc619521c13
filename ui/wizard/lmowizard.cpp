#include "wizard/lmowizard.h"


#include "domain/salesforceid.h"
#include "lmo/designationsteps.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/packagerepository.h"
#include "wizard/runbookfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPageSize>
#include <QPdfWriter>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace lmo {

namespace {

// A page whose Next waits until `problems` is empty. A step's page opens with why the step
// matters and what it decides, in the page itself (QWizard's header clips a subtitle that wraps
// past two lines). The fields scroll if they must; beneath them, always in view, the problems
// that hold Next back (red) and the warnings that do not (amber), both recomputed on every change.
class StepPage : public QWizardPage
{
public:
    StepPage(int step, std::function<QStringList()> problems, std::function<QStringList()> warnings, QWidget *parent)
        : QWizardPage(parent), m_problems(std::move(problems)), m_warnings(std::move(warnings))
    {
        auto *outer = new QVBoxLayout(this);
        auto *scroll = new QScrollArea(this);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        auto *content = new QWidget(scroll);
        m_body = new QVBoxLayout(content);
        m_body->setContentsMargins(0, 0, 0, 0);
        scroll->setWidget(content);
        outer->addWidget(scroll, 1);
        if (step >= 1 && step <= 6) {
            const DesignationStep &s = designationSteps()[size_t(step - 1)];
            setTitle(QStringLiteral("Step %1 of 6: %2").arg(step).arg(s.title));
            addIntro(QStringLiteral("<p>%1</p><p><b>This step decides:</b> %2</p>").arg(s.why.toHtmlEscaped(), s.decides.toHtmlEscaped()));
        }
        m_warningsLabel = pinnedLabel(QStringLiteral("color: #8a4b00;"));
        m_problemsLabel = pinnedLabel(QStringLiteral("color: #c62828;"));
        outer->addWidget(m_warningsLabel);
        outer->addWidget(m_problemsLabel);
    }
    // Why the step matters, first on the page.
    void addIntro(const QString &html)
    {
        auto *intro = new QLabel(html);
        intro->setObjectName(QStringLiteral("stepIntro"));
        intro->setWordWrap(true);
        intro->setTextFormat(Qt::RichText);
        m_body->addWidget(intro);
        m_body->addSpacing(4);
    }
    // Where the page's own fields go, beneath the introduction.
    QVBoxLayout *body() const { return m_body; }
    QLabel *problemsLabel() const { return m_problemsLabel; }
    QLabel *warningsLabel() const { return m_warningsLabel; }
    bool isComplete() const override { return !m_problems || m_problems().isEmpty(); }
    void changed()
    {
        setLines(m_problemsLabel, m_problems ? m_problems() : QStringList());
        setLines(m_warningsLabel, m_warnings ? m_warnings() : QStringList());
        emit completeChanged();
    }

private:
    QLabel *pinnedLabel(const QString &style)
    {
        auto *label = new QLabel(this);
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setStyleSheet(style);
        label->setVisible(false);
        return label;
    }
    // One reason as a sentence; several as a list, each reason its own item.
    static void setLines(QLabel *label, const QStringList &lines)
    {
        QString html;
        if (lines.size() == 1) {
            html = lines.first().toHtmlEscaped();
        } else if (lines.size() > 1) {
            html = QStringLiteral("<ul style=\"margin: 0px; -qt-list-indent: 1;\">");
            for (const QString &line : lines)
                html += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
            html += QStringLiteral("</ul>");
        }
        label->setText(html);
        label->setVisible(!lines.isEmpty());
    }

    QVBoxLayout *m_body;
    QLabel *m_problemsLabel;
    QLabel *m_warningsLabel;
    std::function<QStringList()> m_problems;
    std::function<QStringList()> m_warnings;
};

const QStringList kWho{QStringLiteral("Partner ops"), QStringLiteral("Customer success"), QStringLiteral("Support"),
                       QStringLiteral("Sales"), QStringLiteral("Finance")};
const QStringList kIntegrates{QStringLiteral("Billing"), QStringLiteral("Support desk"), QStringLiteral("Marketing automation")};
const QStringList kDashboards{QStringLiteral("Install base"), QStringLiteral("Expirations"), QStringLiteral("Seat utilisation"),
                              QStringLiteral("Trial conversion")};
const QStringList kPatterns{QStringLiteral("Apex triggers on License updates"), QStringLiteral("Custom REST endpoints"),
                            QStringLiteral("iPaaS (MuleSoft, Workato)")};

QStringList checked(const QList<QCheckBox *> &boxes)
{
    QStringList out;
    for (QCheckBox *b : boxes)
        if (b->isChecked())
            out << b->text();
    return out;
}

void setChecked(const QList<QCheckBox *> &boxes, const QStringList &names)
{
    for (QCheckBox *b : boxes)
        b->setChecked(names.contains(b->text()));
}

QComboBox *accessBox(Access a)
{
    auto *box = new QComboBox;
    box->addItems({QStringLiteral("none"), QStringLiteral("read"), QStringLiteral("edit")});
    box->setCurrentIndex(int(a));
    return box;
}

} // namespace

LmoWizard::LmoWizard(Database &database, bool switchLmo, QWidget *parent)
    : QWizard(parent), m_database(database), m_switch(switchLmo)
{
    setObjectName(QStringLiteral("lmoWizard"));
    setWindowTitle(switchLmo ? QStringLiteral("Switch the LMO") : QStringLiteral("Designate the LMO"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage, false);
    resize(960, 740);
    buildPages();
    if (auto known = PackageRepository(m_database.connection()).all())
        m_knownPackages = std::move(known.value());
    auto saved = LmoRepository(m_database.connection()).current();
    if (saved && !switchLmo) {
        m_saved = saved.value();
        load(m_saved);
        // Resume after the last page done (the summary when all are), with the pages before it
        // behind Back as if just walked through.
        const int resumeAt = qBound(0, m_saved.pagesDone, int(SummaryPage));
        restart();
        while (currentId() < resumeAt && currentPage() && currentPage()->isComplete())
            next();
    } else {
        m_roles->setRowCount(0);
        for (const RoleAccess &r : LmoRules::defaultRoles())
            appendRole(r);
        // A switch usually moves the same packages (through a Partner Support case): start from
        // the current LMO's list, which the user trims or extends.
        if (saved && switchLmo && saved->designatedAt.isValid()) {
            m_replacing = saved.value();
            for (const LinkedPackage &p : saved->packages)
                addPackage(p.name, p.namespacePrefix, p.packageId);
            const QString old = saved->org.name.isEmpty() ? QStringLiteral("The current LMO") : saved->org.name;
            m_switchNote->setText(QStringLiteral("<b>Switching the LMO.</b> You are recording the org that takes over. %1 stays "
                                                 "on record as the former LMO, with every license it holds; installs from the "
                                                 "transition day (step 6) land in the new one.")
                                      .arg(old.toHtmlEscaped()));
            m_switchNote->setVisible(true);
        }
    }
    auto count = LicenseRepository(m_database).count();
    if (count && m_licensesToday->value() == 0)
        m_licensesToday->setValue(int(qMin<qint64>(count.value(), 2'000'000'000)));
    // The growth the install base has shown: licenses installed in the last twelve months.
    if (m_growth->value() == 0)
        if (auto year = LmoRepository(m_database.connection()).licensesInstalledAfter(QDate::currentDate().addYears(-1)))
            m_growth->setValue(int(qMin<qint64>(year.value() / 12, 100'000'000)));
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        // Arriving on a page means the ones before it are done: save them.
        if (id > 0)
            saveProgress(id);
        if (id == SummaryPage)
            m_summary->setMarkdown(runbookMarkdown());
    });
    refresh();
}

void LmoWizard::buildPages()
{
    // 1. The org: who it is, then every answer that says what kind of org it is (each checked
    // by LmoRules::orgRefusals against the others), then why it suits.
    m_orgName = new QLineEdit;
    m_orgName->setObjectName(QStringLiteral("orgName"));
    m_orgId = new QLineEdit;
    m_orgId->setObjectName(QStringLiteral("orgId"));
    m_orgId->setPlaceholderText(QStringLiteral("00D…, 15 or 18 characters (Setup > Company Information)"));
    m_edition = new QComboBox;
    m_edition->setObjectName(QStringLiteral("orgEdition"));
    m_edition->setEditable(true);
    m_edition->addItems({QStringLiteral("Enterprise Edition"), QStringLiteral("Unlimited Edition"), QStringLiteral("Performance Edition"),
                         QStringLiteral("Professional Edition"), QStringLiteral("Developer Edition"),
                         QStringLiteral("Partner Developer Edition")});
    m_edition->setToolTip(QStringLiteral("Setup > Company Information > Organization Edition"));
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("orgKind"));
    for (OrgKind k : {OrgKind::Production, OrgKind::Sandbox, OrgKind::DeveloperEdition, OrgKind::Trial, OrgKind::Scratch})
        m_kind->addItem(orgKindLabel(k));
    m_instance = new QLineEdit;
    m_instance->setObjectName(QStringLiteral("orgInstance"));
    m_instance->setPlaceholderText(QStringLiteral("optional: NA135, EU45, USA662…"));
    m_instance->setToolTip(QStringLiteral("Setup > Company Information > Instance. Sandboxes run on CS… instances (CS142) "
                                          "and, on Hyperforce, on instances whose name ends in S."));
    m_status = new QComboBox;
    m_status->setObjectName(QStringLiteral("orgStatus"));
    m_status->addItem(QStringLiteral("Not known"), QString());
    for (const QString &status : LmoRules::orgStatuses())
        m_status->addItem(status, status);
    m_status->setToolTip(QStringLiteral("The Org Status a License record from this org shows in the LMA, if you have one."));
    m_hasTrial = new QCheckBox(QStringLiteral("The org has one:"));
    m_hasTrial->setObjectName(QStringLiteral("hasTrialExpiration"));
    m_trialExpiration = new QDateEdit(QDate::currentDate().addDays(30));
    m_trialExpiration->setObjectName(QStringLiteral("trialExpiration"));
    m_trialExpiration->setCalendarPopup(true);
    m_trialExpiration->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_trialExpiration->setEnabled(false);
    m_hasTrial->setToolTip(QStringLiteral("Setup > Company Information shows a trial expiration date only for a trial org."));
    m_paid = new QCheckBox(QStringLiteral("This org is paid for and meant to last for as long as we sell packages"));
    m_paid->setObjectName(QStringLiteral("paidAndPermanent"));
    m_stability = new QLineEdit;
    m_stability->setPlaceholderText(QStringLiteral("e.g. our CRM since 2015, no plan to merge or retire it"));
    m_primary = new QRadioButton(QStringLiteral("Our primary internal org"));
    m_dedicated = new QRadioButton(QStringLiteral("A dedicated org for licensing"));
    m_primary->setChecked(true);
    m_placementNote = new QLabel;
    m_placementNote->setWordWrap(true);
    auto *org = new StepPage(1, [this] { return problems(OrgPage); }, {}, this);
    m_orgProblems = org->problemsLabel();
    m_orgProblems->setObjectName(QStringLiteral("orgProblems"));
    auto *orgLayout = org->body();
    m_switchNote = new QLabel;
    m_switchNote->setObjectName(QStringLiteral("switchNote"));
    m_switchNote->setWordWrap(true);
    m_switchNote->setTextFormat(Qt::RichText);
    m_switchNote->setStyleSheet(QStringLiteral("background: #fff4e0; color: #4a3000; border: 1px solid #e0b060; padding: 6px;"));
    m_switchNote->setVisible(false);
    orgLayout->insertWidget(0, m_switchNote);
    auto *trial = new QHBoxLayout;
    trial->addWidget(m_hasTrial);
    trial->addWidget(m_trialExpiration);
    trial->addStretch(1);
    auto *who = new QFormLayout;
    who->addRow(QStringLiteral("Org &name:"), m_orgName);
    who->addRow(QStringLiteral("Org &id:"), m_orgId);
    who->addRow(QStringLiteral("&Edition:"), m_edition);
    who->addRow(QStringLiteral("&Kind:"), m_kind);
    auto *nature = new QFormLayout;
    nature->addRow(QStringLiteral("&Instance:"), m_instance);
    nature->addRow(QStringLiteral("Org s&tatus:"), m_status);
    nature->addRow(QStringLiteral("Trial e&xpiration:"), trial);
    nature->addRow(QStringLiteral("&Stability:"), m_stability);
    auto *forms = new QHBoxLayout;
    forms->addLayout(who, 1);
    forms->addSpacing(12);
    forms->addLayout(nature, 1);
    orgLayout->addLayout(forms);
    orgLayout->addWidget(m_paid);
    auto *needs = new QGroupBox(QStringLiteral("Who needs license data"));
    auto *needsLayout = new QGridLayout(needs);
    for (const QString &w : kWho) {
        auto *b = new QCheckBox(w);
        needsLayout->addWidget(b, int(m_who.size()) / 3, int(m_who.size()) % 3);
        m_who << b;
    }
    auto *integrates = new QGroupBox(QStringLiteral("What it must integrate with"));
    auto *integratesLayout = new QGridLayout(integrates);
    for (const QString &i : kIntegrates) {
        auto *b = new QCheckBox(i);
        integratesLayout->addWidget(b, int(m_integrates.size()) / 2, int(m_integrates.size()) % 2);
        m_integrates << b;
    }
    auto *criteria = new QHBoxLayout;
    criteria->addWidget(needs, 3);
    criteria->addWidget(integrates, 2);
    orgLayout->addLayout(criteria);
    auto *placement = new QGroupBox(QStringLiteral("Where the LMA lives"));
    auto *placementLayout = new QVBoxLayout(placement);
    auto *choices = new QHBoxLayout;
    choices->addWidget(m_primary);
    choices->addWidget(m_dedicated);
    choices->addStretch(1);
    placementLayout->addLayout(choices);
    placementLayout->addWidget(m_placementNote);
    orgLayout->addWidget(placement);
    orgLayout->addStretch(1);
    addPage(org);
    for (QLineEdit *e : {m_orgName, m_orgId, m_instance, m_stability})
        connect(e, &QLineEdit::textChanged, this, &LmoWizard::refresh);
    connect(m_edition, &QComboBox::currentTextChanged, this, &LmoWizard::refresh);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &LmoWizard::refresh);
    connect(m_status, &QComboBox::currentIndexChanged, this, &LmoWizard::refresh);
    connect(m_hasTrial, &QCheckBox::toggled, m_trialExpiration, &QWidget::setEnabled);
    connect(m_hasTrial, &QCheckBox::toggled, this, &LmoWizard::refresh);
    connect(m_trialExpiration, &QDateEdit::dateChanged, this, &LmoWizard::refresh);
    connect(m_paid, &QCheckBox::toggled, this, &LmoWizard::refresh);
    connect(m_primary, &QRadioButton::toggled, this, &LmoWizard::refresh);

    // 2. Packages.
    m_packages = new QTableWidget(0, 3);
    m_packages->setObjectName(QStringLiteral("packagesTable"));
    m_packages->setHorizontalHeaderLabels({QStringLiteral("Package name"), QStringLiteral("Namespace"), QStringLiteral("Package id (033…)")});
    m_packages->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_packages->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_packages->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Interactive);
    m_packages->horizontalHeader()->resizeSection(1, 160);
    m_packages->horizontalHeader()->resizeSection(2, 220);
    m_packages->verticalHeader()->setVisible(false);
    m_registered = new QDateEdit(QDate::currentDate());
    m_registered->setCalendarPopup(true);
    m_registered->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    auto *packages = new StepPage(2, [this] { return problems(PackagesPage); }, {}, this);
    m_packageProblems = packages->problemsLabel();
    m_packageProblems->setObjectName(QStringLiteral("packageProblems"));
    auto *pl = packages->body();
    // The packages this database already holds licenses of, offered so they need not be typed.
    m_offerRow = new QWidget;
    auto *offer = new QHBoxLayout(m_offerRow);
    offer->setContentsMargins(0, 0, 0, 0);
    m_offered = new QComboBox;
    m_offered->setObjectName(QStringLiteral("offeredPackages"));
    m_offered->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *addOffered = new QPushButton(QStringLiteral("A&dd it"));
    addOffered->setObjectName(QStringLiteral("addOfferedPackage"));
    auto *offerLabel = new QLabel(QStringLiteral("In this &database:"));
    offerLabel->setBuddy(m_offered);
    offer->addWidget(offerLabel);
    offer->addWidget(m_offered);
    offer->addWidget(addOffered);
    offer->addStretch(1);
    pl->addWidget(m_offerRow);
    pl->addWidget(m_packages, 1);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(QStringLiteral("&Add another package"));
    auto *remove = new QPushButton(QStringLiteral("&Remove package"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto *registeredLabel = new QLabel(QStringLiteral("Re&gistered on:"));
    registeredLabel->setBuddy(m_registered);
    buttons->addWidget(registeredLabel);
    buttons->addWidget(m_registered);
    pl->addLayout(buttons);
    addPage(packages);
    connect(addOffered, &QPushButton::clicked, this, [this] {
        const int i = m_offered->currentData().toInt();
        if (m_offered->count() > 0 && i >= 0 && i < int(m_knownPackages.size()))
            addPackage(m_knownPackages[size_t(i)].name, QString(),
                       m_knownPackages[size_t(i)].packageId.isNull() ? QString() : m_knownPackages[size_t(i)].packageId.to18());
    });
    connect(add, &QPushButton::clicked, this, [this] {
        addPackage(QString(), QString(), QString());
        m_packages->setCurrentCell(m_packages->rowCount() - 1, 0);
        m_packages->editItem(m_packages->item(m_packages->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_packages->currentRow() >= 0)
            m_packages->removeRow(m_packages->currentRow());
        refresh();
    });
    connect(m_packages, &QTableWidget::itemChanged, this, &LmoWizard::refresh);

    // 3. The LMA.
    m_lmaVersion = new QLineEdit;
    m_lmaVersion->setObjectName(QStringLiteral("lmaVersion"));
    m_lmaVersion->setPlaceholderText(QStringLiteral("e.g. 1.15 (Setup > Installed Packages > License Management App)"));
    m_visible = new QCheckBox(QStringLiteral("The License and Subscriber objects (tabs) are visible in the org"));
    m_verification = new QLabel;
    m_verification->setObjectName(QStringLiteral("lmaVerification"));
    m_verification->setWordWrap(true);
    auto *lma = new StepPage(3, [this] { return problems(LmaPage); }, {}, this);
    auto *ll = lma->body();
    auto *lf = new QFormLayout;
    lf->addRow(QStringLiteral("LMA &version:"), m_lmaVersion);
    ll->addLayout(lf);
    ll->addWidget(m_visible);
    auto *verify = new QPushButton(QStringLiteral("Verify now: &read a License export…"));
    verify->setToolTip(QStringLiteral("Reads a Data Loader or CLI export of sfLma__License__c into a scratch database and "
                                      "says what it holds; nothing is written to this database."));
    ll->addWidget(verify, 0, Qt::AlignLeft);
    ll->addWidget(m_verification);
    lma->problemsLabel()->setObjectName(QStringLiteral("lmaProblems"));
    ll->addStretch(1);
    addPage(lma);
    connect(m_lmaVersion, &QLineEdit::textChanged, this, &LmoWizard::refresh);
    connect(m_visible, &QCheckBox::toggled, this, &LmoWizard::refresh);
    connect(verify, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("A License export from the LMO"), QString(),
                                                          QStringLiteral("CSV (*.csv *.tsv *.txt)"));
        if (!file.isEmpty())
            verifyExport(file);
    });

    // 4. Permissions. The warnings follow every change of access, as it is made.
    m_roles = new QTableWidget(0, 3);
    m_roles->setObjectName(QStringLiteral("rolesTable"));
    m_roles->setHorizontalHeaderLabels({QStringLiteral("Role"), QStringLiteral("Licenses"), QStringLiteral("Subscribers")});
    m_roles->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_roles->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Fixed);
    m_roles->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Fixed);
    m_roles->horizontalHeader()->resizeSection(1, 180);
    m_roles->horizontalHeader()->resizeSection(2, 180);
    m_roles->verticalHeader()->setVisible(false);
    auto *perms = new StepPage(4, {}, [this] { return LmoRules::permissionWarnings(profile().roles); }, this);
    m_roleWarnings = perms->warningsLabel();
    m_roleWarnings->setObjectName(QStringLiteral("roleWarnings"));
    auto *rl = perms->body();
    auto *permsNote = new QLabel(QStringLiteral("Restrictive by default: only those who work with licenses can see them. "
                                                "Saved as the access policy the team database will enforce."));
    permsNote->setWordWrap(true);
    rl->addWidget(permsNote);
    rl->addWidget(m_roles, 1);
    auto *addRole = new QPushButton(QStringLiteral("Add &role…"));
    rl->addWidget(addRole, 0, Qt::AlignLeft);
    addPage(perms);
    connect(m_roles, &QTableWidget::itemChanged, this, &LmoWizard::refresh); // a role renamed
    connect(addRole, &QPushButton::clicked, this, [this] {
        const QString name = QInputDialog::getText(this, QStringLiteral("Add role"), QStringLiteral("Role:")).trimmed();
        if (name.isEmpty())
            return;
        appendRole({name, Access::None, Access::None});
        refresh();
    });

    // 5. Dashboards, integrations, storage.
    m_billing = new QComboBox;
    m_billing->addItems({QStringLiteral("Stripe"), QStringLiteral("NetSuite"), QStringLiteral("Other"), QStringLiteral("None")});
    m_licensesToday = new QSpinBox;
    m_licensesToday->setObjectName(QStringLiteral("licensesToday"));
    m_licensesToday->setRange(0, 2'000'000'000);
    m_licensesToday->setGroupSeparatorShown(true);
    m_growth = new QSpinBox;
    m_growth->setObjectName(QStringLiteral("growthPerMonth"));
    m_growth->setRange(0, 100'000'000);
    m_growth->setGroupSeparatorShown(true);
    m_storage = new QDoubleSpinBox;
    m_storage->setObjectName(QStringLiteral("storageMb"));
    m_storage->setRange(0, 100'000'000);
    m_storage->setDecimals(0);
    m_storage->setSuffix(QStringLiteral(" MB"));
    m_storage->setGroupSeparatorShown(true);
    m_storage->setToolTip(QStringLiteral("Setup > Company Information > Data Storage: the org's allocation"));
    m_growth->setToolTip(QStringLiteral("Filled in from the licenses installed in the last twelve months"));
    m_storage->setValue(10240);
    m_forecast = new QLabel;
    m_forecast->setObjectName(QStringLiteral("forecast"));
    m_forecast->setWordWrap(true);
    auto *integ = new StepPage(5, {}, [this] {
        const LmoProfile p = profile();
        const QString warning = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb).warning;
        return warning.isEmpty() ? QStringList() : QStringList{warning};
    }, this);
    integ->warningsLabel()->setObjectName(QStringLiteral("forecastWarning"));
    auto *il = integ->body();
    auto *dash = new QGroupBox(QStringLiteral("Dashboards to use"));
    auto *dl = new QHBoxLayout(dash);
    for (const QString &d : kDashboards) {
        auto *b = new QCheckBox(d);
        m_dashboards << b;
        dl->addWidget(b);
    }
    il->addWidget(dash);
    auto *patterns = new QGroupBox(QStringLiteral("Integration patterns"));
    auto *pl2 = new QHBoxLayout(patterns);
    for (const QString &p : kPatterns) {
        auto *b = new QCheckBox(p);
        m_patterns << b;
        pl2->addWidget(b);
    }
    il->addWidget(patterns);
    auto *sf = new QFormLayout;
    sf->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    for (QAbstractSpinBox *box : std::initializer_list<QAbstractSpinBox *>{m_licensesToday, m_growth, m_storage})
        box->setMinimumWidth(180);
    m_billing->setMinimumWidth(180);
    sf->addRow(QStringLiteral("&Billing system:"), m_billing);
    sf->addRow(QStringLiteral("Licenses &today:"), m_licensesToday);
    sf->addRow(QStringLiteral("New licenses a &month:"), m_growth);
    sf->addRow(QStringLiteral("Org's data &storage:"), m_storage);
    il->addLayout(sf);
    il->addWidget(m_forecast);
    il->addStretch(1);
    addPage(integ);
    connect(m_licensesToday, &QSpinBox::valueChanged, this, &LmoWizard::refresh);
    connect(m_growth, &QSpinBox::valueChanged, this, &LmoWizard::refresh);
    connect(m_storage, &QDoubleSpinBox::valueChanged, this, &LmoWizard::refresh);

    // 6. Document.
    m_mark = new QCheckBox(QStringLiteral("Mark this org as this database's LMO"));
    m_mark->setObjectName(QStringLiteral("markAsLmo"));
    m_mark->setChecked(true);
    auto *doc = new StepPage(6, [this] { return problems(DocumentPage); }, {}, this);
    auto *docl = doc->body();
    auto *docNote = new QLabel(QStringLiteral("The runbook says what this org is, why it was chosen, who may touch it and "
                                              "how to change the LMO if ever needed. Keep it where every future admin "
                                              "will find it. The summary, next, shows it whole."));
    docNote->setWordWrap(true);
    docl->addWidget(docNote);
    auto *md = new QPushButton(QStringLiteral("Save the runbook as &Markdown…"));
    auto *pdf = new QPushButton(QStringLiteral("Save the runbook as &PDF…"));
    auto *saveButtons = new QHBoxLayout;
    saveButtons->addWidget(md);
    saveButtons->addWidget(pdf);
    saveButtons->addStretch(1);
    docl->addLayout(saveButtons);
    docl->addWidget(m_mark);
    m_transition = new QDateEdit(QDate::currentDate());
    m_transition->setObjectName(QStringLiteral("transitionDate"));
    m_transition->setCalendarPopup(true);
    m_transition->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    if (m_switch) {
        auto *switchBox = new QGroupBox(QStringLiteral("Switching the LMO"));
        auto *sl = new QFormLayout(switchBox);
        auto *explain = new QLabel(QStringLiteral(
            "Existing installs stay in the old LMO; installs from the transition day land in the new one, and license "
            "records do not move between them. The install base is split in two from then on: LMO Desk keeps both LMOs "
            "on record, files each license under the LMO it came from (an import asks which), and shows one LMO or "
            "both together on Licenses, Subscribers and the Dashboard."));
        explain->setWordWrap(true);
        sl->addRow(explain);
        sl->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        sl->addRow(QStringLiteral("&Transition day:"), m_transition);
        docl->addWidget(switchBox);
    } else {
        m_transition->hide();
    }
    connect(m_mark, &QCheckBox::toggled, this, &LmoWizard::refresh);
    doc->problemsLabel()->setObjectName(QStringLiteral("documentProblems"));
    docl->addStretch(1);
    addPage(doc);
    auto save = [this](const QString &filter, const QString &suffix) {
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save the LMO runbook"),
                                                          QStringLiteral("lmo-runbook.%1").arg(suffix), filter);
        if (path.isEmpty())
            return;
        if (auto r = saveRunbook(path); !r)
            QMessageBox::warning(this, QStringLiteral("Save the LMO runbook"), r.error().message);
    };
    connect(md, &QPushButton::clicked, this, [save] { save(QStringLiteral("Markdown (*.md)"), QStringLiteral("md")); });
    connect(pdf, &QPushButton::clicked, this, [save] { save(QStringLiteral("PDF (*.pdf)"), QStringLiteral("pdf")); });

    // Summary.
    m_summary = new QTextBrowser;
    m_summary->setObjectName(QStringLiteral("summary"));
    // The last check before Finish: the same rule as each page's, on the whole profile.
    auto *summary = new StepPage(0, [this] { return LmoRules::designationRefusals(profile()); }, {}, this);
    summary->problemsLabel()->setObjectName(QStringLiteral("summaryProblems"));
    summary->setTitle(m_switch ? QStringLiteral("Summary: the new LMO") : QStringLiteral("Summary"));
    summary->addIntro(QStringLiteral("Everything the wizard recorded, as the runbook reads. Finish marks the org as this "
                                     "database's LMO."));
    auto *sl2 = summary->body();
    sl2->addWidget(m_summary, 1);
    addPage(summary);
}

void LmoWizard::addPackage(const QString &name, const QString &ns, const QString &id)
{
    const QSignalBlocker block(m_packages);
    const int row = m_packages->rowCount();
    m_packages->insertRow(row);
    m_packages->setItem(row, 0, new QTableWidgetItem(name));
    m_packages->setItem(row, 1, new QTableWidgetItem(ns));
    m_packages->setItem(row, 2, new QTableWidgetItem(id));
    refresh();
}

void LmoWizard::appendRole(const RoleAccess &r)
{
    const QSignalBlocker block(m_roles);
    const int row = m_roles->rowCount();
    m_roles->insertRow(row);
    m_roles->setItem(row, 0, new QTableWidgetItem(r.role));
    for (auto [column, access] : {std::pair{1, r.licenses}, std::pair{2, r.subscribers}}) {
        QComboBox *box = accessBox(access);
        connect(box, &QComboBox::currentIndexChanged, this, &LmoWizard::refresh);
        m_roles->setCellWidget(row, column, box);
    }
}

void LmoWizard::setAccess(int role, Access licenses, Access subscribers)
{
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 1)))
        box->setCurrentIndex(int(licenses));
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 2)))
        box->setCurrentIndex(int(subscribers));
}

LmoProfile LmoWizard::profile() const
{
    LmoProfile p = m_saved;
    p.org.name = m_orgName->text().trimmed();
    auto id = LmoRules::checkId(m_orgId->text(), QStringLiteral("00D"), QStringLiteral("org id"));
    p.org.orgId = id ? id.value() : m_orgId->text().trimmed();
    p.org.edition = m_edition->currentText().simplified();
    p.org.kind = OrgKind(m_kind->currentIndex());
    p.org.instance = m_instance->text().trimmed();
    p.org.trialExpiration = m_hasTrial->isChecked() ? m_trialExpiration->date() : QDate();
    p.org.status = m_status->currentData().toString();
    p.org.confirmedPaidAndPermanent = m_paid->isChecked();
    p.org.whoNeedsData = checked(m_who);
    p.org.integrations = checked(m_integrates);
    p.org.stability = m_stability->text().trimmed();
    p.org.placement = m_dedicated->isChecked() ? OrgPlacement::Dedicated : OrgPlacement::PrimaryInternal;
    p.packages.clear();
    for (int r = 0; r < m_packages->rowCount(); ++r) {
        auto text = [&](int c) { return m_packages->item(r, c) ? m_packages->item(r, c)->text().trimmed() : QString(); };
        auto pid = LmoRules::checkId(text(2), QStringLiteral("033"), QStringLiteral("package id"));
        p.packages.append({text(0), text(1), pid ? pid.value() : text(2)});
    }
    p.registeredOn = m_registered->date();
    p.lmaVersion = m_lmaVersion->text().trimmed();
    p.lmaObjectsVisible = m_visible->isChecked();
    p.lmaVerification = m_verification->text();
    p.roles.clear();
    for (int r = 0; r < m_roles->rowCount(); ++r) {
        auto access = [&](int c) {
            auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(r, c));
            return box ? Access(box->currentIndex()) : Access::None;
        };
        p.roles.append({m_roles->item(r, 0) ? m_roles->item(r, 0)->text() : QString(), access(1), access(2)});
    }
    p.dashboards = checked(m_dashboards);
    p.billing = m_billing->currentText();
    p.integrationPatterns = checked(m_patterns);
    p.licensesToday = m_licensesToday->value();
    p.growthPerMonth = m_growth->value();
    p.storageAllocationMb = m_storage->value();
    p.documented = m_mark->isChecked();
    return p;
}

QStringList LmoWizard::problems(int page) const
{
    const LmoProfile p = profile();
    switch (page) {
    case OrgPage: return LmoRules::orgRefusals(p.org);
    case PackagesPage: return LmoRules::packageRefusals(p.packages);
    case LmaPage: {
        QStringList missing;
        if (p.lmaVersion.isEmpty())
            missing << QStringLiteral("Give the LMA's version (Setup > Installed Packages > License Management App).");
        if (!p.lmaObjectsVisible)
            missing << QStringLiteral("Tick \"The License and Subscriber objects are visible\" once you have seen them in the "
                                      "org, or verify now with a License export.");
        return missing;
    }
    case DocumentPage:
        if (!p.documented)
            return {QStringLiteral("Tick \"Mark this org as this database's LMO\" to finish.")};
        return {};
    default: return {};
    }
}

void LmoWizard::refresh()
{
    m_placementNote->setText(LmoRules::placementTradeOffs(m_dedicated->isChecked() ? OrgPlacement::Dedicated : OrgPlacement::PrimaryInternal));
    const LmoProfile p = profile();
    const StorageForecast f = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb);
    const QLocale locale;
    QString text = QStringLiteral("At %1 KB a license, the licenses take %2 MB of the org's %3 MB of data storage now, and "
                                  "%4 MB more each month.")
                       .arg(StorageForecast::kKilobytesPerLicense)
                       .arg(locale.toString(f.usedMb, 'f', 1), locale.toString(f.allocationMb, 'f', 0),
                            locale.toString(f.growthMbPerMonth, 'f', 2));
    if (f.allocationMb <= 0)
        text += QStringLiteral(" Give the org's data storage (Setup > Company Information > Data Storage) for a forecast.");
    else if (f.yearsLeft && *f.yearsLeft > 0)
        text += QStringLiteral(" At that rate they fill it in about %1 years.").arg(locale.toString(*f.yearsLeft, 'f', 1));
    else if (!f.yearsLeft)
        text += QStringLiteral(" With no new licenses a month they never fill it: give the growth you expect for a forecast.");
    m_forecast->setText(text);
    updateOffer(p.packages);
    for (int id : pageIds())
        if (auto *step = dynamic_cast<StepPage *>(page(id)))
            step->changed();
}

void LmoWizard::updateOffer(const QList<LinkedPackage> &listed)
{
    const int wanted = m_offered->currentData().toInt();
    const QSignalBlocker block(m_offered);
    m_offered->clear();
    for (size_t i = 0; i < m_knownPackages.size(); ++i) {
        const Package &known = m_knownPackages[i];
        const bool isListed = std::any_of(listed.begin(), listed.end(), [&](const LinkedPackage &l) {
            const SalesforceId id = SalesforceId::fromString(l.packageId);
            return (!known.packageId.isNull() && !id.isNull() && id.to15() == known.packageId.to15())
                   || l.name.compare(known.name, Qt::CaseInsensitive) == 0;
        });
        if (isListed)
            continue;
        m_offered->addItem(known.packageId.isNull() ? known.name : QStringLiteral("%1 (%2)").arg(known.name, known.packageId.to18()),
                           int(i));
    }
    if (const int at = m_offered->findData(wanted); at >= 0)
        m_offered->setCurrentIndex(at);
    m_offerRow->setVisible(m_offered->count() > 0);
}

void LmoWizard::load(const LmoProfile &p)
{
    m_orgName->setText(p.org.name);
    m_orgId->setText(p.org.orgId);
    if (!p.org.edition.isEmpty())
        m_edition->setCurrentText(p.org.edition);
    m_kind->setCurrentIndex(int(p.org.kind));
    m_instance->setText(p.org.instance);
    m_hasTrial->setChecked(p.org.trialExpiration.isValid());
    if (p.org.trialExpiration.isValid())
        m_trialExpiration->setDate(p.org.trialExpiration);
    if (m_status->findData(p.org.status) < 0)
        m_status->addItem(p.org.status, p.org.status); // one LMO Desk does not know: the rule says so
    m_status->setCurrentIndex(m_status->findData(p.org.status));
    m_paid->setChecked(p.org.confirmedPaidAndPermanent);
    setChecked(m_who, p.org.whoNeedsData);
    setChecked(m_integrates, p.org.integrations);
    m_stability->setText(p.org.stability);
    (p.org.placement == OrgPlacement::Dedicated ? m_dedicated : m_primary)->setChecked(true);
    m_packages->setRowCount(0);
    for (const LinkedPackage &pk : p.packages)
        addPackage(pk.name, pk.namespacePrefix, pk.packageId);
    if (p.registeredOn.isValid())
        m_registered->setDate(p.registeredOn);
    m_lmaVersion->setText(p.lmaVersion);
    m_visible->setChecked(p.lmaObjectsVisible);
    m_verification->setText(p.lmaVerification);
    m_roles->setRowCount(0);
    for (const RoleAccess &r : p.roles.isEmpty() ? LmoRules::defaultRoles() : p.roles)
        appendRole(r);
    setChecked(m_dashboards, p.dashboards);
    if (!p.billing.isEmpty())
        m_billing->setCurrentText(p.billing);
    setChecked(m_patterns, p.integrationPatterns);
    m_licensesToday->setValue(int(qMin<qint64>(p.licensesToday, 2'000'000'000)));
    m_growth->setValue(int(qMin<qint64>(p.growthPerMonth, 100'000'000)));
    if (p.storageAllocationMb > 0)
        m_storage->setValue(p.storageAllocationMb);
}

void LmoWizard::saveProgress(int pageDone)
{
    if (m_switch)
        return; // a switch is recorded whole, at the end
    LmoProfile p = profile();
    p.pagesDone = qMax(m_saved.pagesDone, qMin(pageDone, int(SummaryPage)));
    if (auto r = LmoRepository(m_database.connection()).save(p); !r)
        m_error = r.error().message;
    else
        m_saved = p;
}

QString LmoWizard::verifyExport(const QString &file)
{
    auto check = checkLmaExport(file);
    const QLocale locale;
    const QString name = QFileInfo(file).fileName();
    if (!check) {
        m_verification->setText(check.error().message);
    } else if (check->licenses == 0) {
        m_verification->setText(QStringLiteral("%1 holds no license LMO Desk can read (%2 rows rejected): export "
                                               "sfLma__License__c from the LMO with Data Loader or the sf CLI, and try again.")
                                    .arg(name, locale.toString(check->rejected)));
    } else {
        auto list = [&](const QList<QPair<QString, qint64>> &counts) {
            QStringList parts;
            for (const auto &[what, count] : counts)
                parts << QStringLiteral("%1 %2").arg(what, locale.toString(count));
            return parts.join(QStringLiteral(", "));
        };
        m_verification->setText(QStringLiteral("Found %1 licenses (%2 rejected) in %3: the LMA's data can be read.\n"
                                               "By package: %4.\nBy status: %5.")
                                    .arg(locale.toString(check->licenses), locale.toString(check->rejected), name,
                                         list(check->byPackage), list(check->byStatus)));
        m_visible->setChecked(true);
    }
    return m_verification->text();
}

QString LmoWizard::runbookMarkdown() const
{
    LmoProfile p = profile();
    if (!p.designatedAt.isValid())
        p.designatedAt = QDateTime::currentDateTimeUtc();
    auto former = LmoRepository(m_database.connection()).former();
    QList<QPair<LmoProfile, QDate>> replaced = former ? former.value() : QList<QPair<LmoProfile, QDate>>();
    if (m_replacing)
        replaced.append({*m_replacing, m_transition->date()});
    return lmoRunbookMarkdown(p, QDate::currentDate(), replaced);
}

Result<void> LmoWizard::saveRunbook(const QString &path) const
{
    return saveRunbookFile(runbookMarkdown(), path);
}

void LmoWizard::accept()
{
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
    LmoRepository repository(m_database.connection());
    auto r = m_switch ? repository.switchTo(p, m_transition->date()) : repository.save(p);
    if (!r) {
        m_error = r.error().message;
        QMessageBox::warning(this, windowTitle(), r.error().message);
        return;
    }
    QWizard::accept();
}

} // namespace lmo
