#include "wizard/lmowizard.h"


#include "import/importer.h"
#include "lmo/designationsteps.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "wizard/runbookfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
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
#include <QSpinBox>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTextDocument>
#include <QVBoxLayout>

#include <functional>

namespace lmo {

namespace {

// A page whose Next waits until `problems` is empty; the problems are shown in red. A step's
// page opens with why the step matters and what it decides, in the page itself: QWizard's
// header clips a subtitle that wraps past two lines.
class StepPage : public QWizardPage
{
public:
    StepPage(int step, QLabel *problemsLabel, std::function<QStringList()> problems, QWidget *parent)
        : QWizardPage(parent), m_body(new QVBoxLayout(this)), m_problemsLabel(problemsLabel), m_problems(std::move(problems))
    {
        if (step >= 1 && step <= 6) {
            const DesignationStep &s = designationSteps()[size_t(step - 1)];
            setTitle(QStringLiteral("Step %1 of 6: %2").arg(step).arg(s.title));
            auto *intro = new QLabel(QStringLiteral("<p>%1</p><p><b>This step decides:</b> %2</p>")
                                         .arg(s.why.toHtmlEscaped(), s.decides.toHtmlEscaped()),
                                     this);
            intro->setObjectName(QStringLiteral("stepIntro"));
            intro->setWordWrap(true);
            intro->setTextFormat(Qt::RichText);
            m_body->addWidget(intro);
        }
        if (!m_problemsLabel && m_problems)
            m_problemsLabel = new QLabel(this);
        if (m_problemsLabel) {
            m_problemsLabel->setWordWrap(true);
            m_problemsLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
        }
    }
    // Where the page's own fields go, beneath the introduction.
    QVBoxLayout *body() const { return m_body; }
    // Where the caller places it (usually last).
    QLabel *problemsLabel() const { return m_problemsLabel; }
    bool isComplete() const override { return !m_problems || m_problems().isEmpty(); }
    void changed()
    {
        if (m_problemsLabel && m_problems)
            m_problemsLabel->setText(m_problems().join(QLatin1Char('\n')));
        emit completeChanged();
    }

private:
    QVBoxLayout *m_body;
    QLabel *m_problemsLabel;
    std::function<QStringList()> m_problems;
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
    resize(880, 740);
    buildPages();
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
        for (const RoleAccess &r : LmoRules::defaultRoles()) {
            const int row = m_roles->rowCount();
            m_roles->insertRow(row);
            m_roles->setItem(row, 0, new QTableWidgetItem(r.role));
            m_roles->setCellWidget(row, 1, accessBox(r.licenses));
            m_roles->setCellWidget(row, 2, accessBox(r.subscribers));
        }
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
    if (m_growth->value() == 0) {
        QSqlQuery q(m_database.connection());
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date > ?"));
        q.addBindValue(QDate::currentDate().addYears(-1).toString(Qt::ISODate));
        if (q.exec() && q.next())
            m_growth->setValue(int(qMin<qint64>(q.value(0).toLongLong() / 12, 100'000'000)));
    }
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
    // 1. The org.
    m_orgName = new QLineEdit;
    m_orgName->setObjectName(QStringLiteral("orgName"));
    m_orgId = new QLineEdit;
    m_orgId->setObjectName(QStringLiteral("orgId"));
    m_orgId->setPlaceholderText(QStringLiteral("00D… (Setup > Company Information), 15 or 18 characters"));
    m_edition = new QComboBox;
    m_edition->setEditable(true);
    m_edition->addItems({QStringLiteral("Enterprise Edition"), QStringLiteral("Unlimited Edition"), QStringLiteral("Performance Edition"),
                         QStringLiteral("Professional Edition"), QStringLiteral("Developer Edition")});
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("orgKind"));
    m_kind->addItems({QStringLiteral("Production"), QStringLiteral("Sandbox"), QStringLiteral("Developer Edition"),
                      QStringLiteral("Trial"), QStringLiteral("Scratch org")});
    m_paid = new QCheckBox(QStringLiteral("This org is paid for and meant to last for as long as we sell packages"));
    m_paid->setObjectName(QStringLiteral("paidAndPermanent"));
    m_stability = new QLineEdit;
    m_stability->setPlaceholderText(QStringLiteral("e.g. our CRM since 2015, no plan to merge or retire it"));
    m_primary = new QRadioButton(QStringLiteral("Our primary internal org"));
    m_dedicated = new QRadioButton(QStringLiteral("A dedicated org for licensing"));
    m_primary->setChecked(true);
    m_placementNote = new QLabel;
    m_placementNote->setWordWrap(true);
    m_orgProblems = new QLabel;
    m_orgProblems->setObjectName(QStringLiteral("orgProblems"));
    auto *org = new StepPage(1, m_orgProblems, [this] { return problems(OrgPage); }, this);
    auto *orgLayout = org->body();
    m_switchNote = new QLabel;
    m_switchNote->setObjectName(QStringLiteral("switchNote"));
    m_switchNote->setWordWrap(true);
    m_switchNote->setTextFormat(Qt::RichText);
    m_switchNote->setStyleSheet(QStringLiteral("background: #fff4e0; color: #4a3000; border: 1px solid #e0b060; padding: 6px;"));
    m_switchNote->setVisible(false);
    orgLayout->insertWidget(0, m_switchNote);
    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Org &name:"), m_orgName);
    form->addRow(QStringLiteral("Org &id:"), m_orgId);
    form->addRow(QStringLiteral("&Edition:"), m_edition);
    form->addRow(QStringLiteral("&Kind:"), m_kind);
    form->addRow(QStringLiteral("&Stability:"), m_stability);
    orgLayout->addLayout(form);
    orgLayout->addWidget(m_paid);
    auto *criteria = new QGroupBox(QStringLiteral("Who needs license data, and what it integrates with"));
    auto *criteriaLayout = new QHBoxLayout(criteria);
    auto *whoCol = new QVBoxLayout;
    for (const QString &w : kWho) {
        auto *b = new QCheckBox(w);
        m_who << b;
        whoCol->addWidget(b);
    }
    auto *intCol = new QVBoxLayout;
    for (const QString &i : kIntegrates) {
        auto *b = new QCheckBox(i);
        m_integrates << b;
        intCol->addWidget(b);
    }
    criteriaLayout->addLayout(whoCol);
    criteriaLayout->addLayout(intCol);
    orgLayout->addWidget(criteria);
    auto *placement = new QGroupBox(QStringLiteral("Where the LMA lives"));
    auto *placementLayout = new QVBoxLayout(placement);
    placementLayout->addWidget(m_primary);
    placementLayout->addWidget(m_dedicated);
    placementLayout->addWidget(m_placementNote);
    orgLayout->addWidget(placement);
    orgLayout->addWidget(m_orgProblems);
    addPage(org);
    for (QLineEdit *e : {m_orgName, m_orgId, m_stability})
        connect(e, &QLineEdit::textChanged, this, &LmoWizard::refresh);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &LmoWizard::refresh);
    connect(m_paid, &QCheckBox::toggled, this, &LmoWizard::refresh);
    connect(m_primary, &QRadioButton::toggled, this, &LmoWizard::refresh);

    // 2. Packages.
    m_packages = new QTableWidget(0, 3);
    m_packages->setObjectName(QStringLiteral("packagesTable"));
    m_packages->setHorizontalHeaderLabels({QStringLiteral("Package name"), QStringLiteral("Namespace"), QStringLiteral("Package id (033…)")});
    m_packages->horizontalHeader()->setStretchLastSection(true);
    m_packages->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_packages->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_packages->verticalHeader()->setVisible(false);
    m_registered = new QDateEdit(QDate::currentDate());
    m_registered->setCalendarPopup(true);
    m_registered->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_packageProblems = new QLabel;
    auto *packages = new StepPage(2, m_packageProblems, [this] { return problems(PackagesPage); }, this);
    auto *pl = packages->body();
    pl->addWidget(m_packages);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(QStringLiteral("&Add package"));
    auto *remove = new QPushButton(QStringLiteral("&Remove package"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    buttons->addWidget(new QLabel(QStringLiteral("Registered on:")));
    buttons->addWidget(m_registered);
    pl->addLayout(buttons);
    pl->addWidget(m_packageProblems);
    addPage(packages);
    connect(add, &QPushButton::clicked, this, [this] { addPackage(QString(), QString(), QString()); });
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
    m_verification->setWordWrap(true);
    auto *lma = new StepPage(3, nullptr, [this] { return problems(LmaPage); }, this);
    auto *ll = lma->body();
    auto *lf = new QFormLayout;
    lf->addRow(QStringLiteral("LMA &version:"), m_lmaVersion);
    ll->addLayout(lf);
    ll->addWidget(m_visible);
    auto *verify = new QPushButton(QStringLiteral("Verify now: read a License export…"));
    verify->setToolTip(QStringLiteral("Reads a Data Loader or CLI export of sfLma__License__c into a scratch database and "
                                      "says what it holds; nothing is written to this database."));
    ll->addWidget(verify);
    ll->addWidget(m_verification);
    lma->problemsLabel()->setObjectName(QStringLiteral("lmaProblems"));
    ll->addWidget(lma->problemsLabel());
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

    // 4. Permissions.
    m_roles = new QTableWidget(0, 3);
    m_roles->setObjectName(QStringLiteral("rolesTable"));
    m_roles->setHorizontalHeaderLabels({QStringLiteral("Role"), QStringLiteral("Licenses"), QStringLiteral("Subscribers")});
    m_roles->horizontalHeader()->setStretchLastSection(true);
    m_roles->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_roles->verticalHeader()->setVisible(false);
    m_roleWarnings = new QLabel;
    m_roleWarnings->setWordWrap(true);
    m_roleWarnings->setStyleSheet(QStringLiteral("color: #a84f00;"));
    auto *perms = new StepPage(4, nullptr, {}, this);
    auto *rl = perms->body();
    auto *permsNote = new QLabel(QStringLiteral("Restrictive by default: only those who work with licenses can see them. "
                                                "Saved as the access policy the team database will enforce."));
    permsNote->setWordWrap(true);
    rl->addWidget(permsNote);
    rl->addWidget(m_roles);
    auto *addRole = new QPushButton(QStringLiteral("Add &role…"));
    rl->addWidget(addRole, 0, Qt::AlignLeft);
    rl->addWidget(m_roleWarnings);
    addPage(perms);
    connect(addRole, &QPushButton::clicked, this, [this] {
        const QString name = QInputDialog::getText(this, QStringLiteral("Add role"), QStringLiteral("Role:")).trimmed();
        if (name.isEmpty())
            return;
        const int row = m_roles->rowCount();
        m_roles->insertRow(row);
        m_roles->setItem(row, 0, new QTableWidgetItem(name));
        m_roles->setCellWidget(row, 1, accessBox(Access::None));
        m_roles->setCellWidget(row, 2, accessBox(Access::None));
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
    auto *integ = new StepPage(5, nullptr, {}, this);
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
    sf->addRow(QStringLiteral("&Billing system:"), m_billing);
    sf->addRow(QStringLiteral("Licenses &today:"), m_licensesToday);
    sf->addRow(QStringLiteral("New licenses a &month:"), m_growth);
    sf->addRow(QStringLiteral("Org's data &storage:"), m_storage);
    il->addLayout(sf);
    il->addWidget(m_forecast);
    addPage(integ);
    connect(m_licensesToday, &QSpinBox::valueChanged, this, &LmoWizard::refresh);
    connect(m_growth, &QSpinBox::valueChanged, this, &LmoWizard::refresh);
    connect(m_storage, &QDoubleSpinBox::valueChanged, this, &LmoWizard::refresh);

    // 6. Document.
    m_mark = new QCheckBox(QStringLiteral("Mark this org as this database's LMO"));
    m_mark->setObjectName(QStringLiteral("markAsLmo"));
    m_mark->setChecked(true);
    auto *doc = new StepPage(6, nullptr, [this] { return problems(DocumentPage); }, this);
    auto *docl = doc->body();
    auto *docNote = new QLabel(QStringLiteral("The runbook says what this org is, why it was chosen, who may touch it and "
                                              "how to change the LMO if ever needed. Keep it where every future admin "
                                              "will find it. The summary, next, shows it whole."));
    docNote->setWordWrap(true);
    docl->addWidget(docNote);
    auto *md = new QPushButton(QStringLiteral("Save the runbook as &Markdown…"));
    auto *pdf = new QPushButton(QStringLiteral("Save the runbook as &PDF…"));
    docl->addWidget(md, 0, Qt::AlignLeft);
    docl->addWidget(pdf, 0, Qt::AlignLeft);
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
        sl->addRow(QStringLiteral("&Transition day:"), m_transition);
        docl->addWidget(switchBox);
    } else {
        m_transition->hide();
    }
    connect(m_mark, &QCheckBox::toggled, this, &LmoWizard::refresh);
    doc->problemsLabel()->setObjectName(QStringLiteral("documentProblems"));
    docl->addWidget(doc->problemsLabel());
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
    auto *summary = new StepPage(0, nullptr, {}, this);
    summary->setTitle(m_switch ? QStringLiteral("Summary: the new LMO") : QStringLiteral("Summary"));
    summary->setSubTitle(QStringLiteral("Everything the wizard recorded, as the runbook reads. Finish marks the org as this "
                                        "database's LMO."));
    auto *sl2 = summary->body();
    sl2->addWidget(m_summary);
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

void LmoWizard::setAccess(int role, Access licenses, Access subscribers)
{
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 1)))
        box->setCurrentIndex(int(licenses));
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 2)))
        box->setCurrentIndex(int(subscribers));
    refresh();
}

LmoProfile LmoWizard::profile() const
{
    LmoProfile p = m_saved;
    p.org.name = m_orgName->text().trimmed();
    auto id = LmoRules::checkId(m_orgId->text(), QStringLiteral("00D"), QStringLiteral("org id"));
    p.org.orgId = id ? id.value() : m_orgId->text().trimmed();
    p.org.edition = m_edition->currentText();
    p.org.kind = OrgKind(m_kind->currentIndex());
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
            missing << QStringLiteral("Confirm the License and Subscriber objects are visible, or verify with an export.");
        return missing;
    }
    case DocumentPage:
        if (!p.documented)
            return {QStringLiteral("Mark the org as this database's LMO to finish.")};
        return {};
    default: return {};
    }
}

void LmoWizard::refresh()
{
    m_placementNote->setText(LmoRules::placementTradeOffs(m_dedicated->isChecked() ? OrgPlacement::Dedicated : OrgPlacement::PrimaryInternal));
    const LmoProfile p = profile();
    m_roleWarnings->setText(LmoRules::permissionWarnings(p.roles).join(QLatin1Char('\n')));
    const StorageForecast f = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb);
    const QLocale locale;
    QString text = QStringLiteral("At %1 KB a license: %2 MB now, %3 MB more a month, of %4 MB.")
                       .arg(StorageForecast::kKilobytesPerLicense)
                       .arg(locale.toString(f.usedMb, 'f', 1), locale.toString(f.growthMbPerMonth, 'f', 2),
                            locale.toString(f.allocationMb, 'f', 0));
    if (f.yearsLeft)
        text += QStringLiteral(" About %1 years of room.").arg(locale.toString(*f.yearsLeft, 'f', 1));
    else if (f.warning.isEmpty())
        text += QStringLiteral(" Without new licenses the storage does not run out; give the licenses a month you "
                               "expect for a forecast.");
    if (!f.warning.isEmpty())
        text += QStringLiteral("\n⚠ ") + f.warning;
    m_forecast->setText(text);
    for (int id : pageIds())
        if (auto *step = dynamic_cast<StepPage *>(page(id)))
            step->changed();
}

void LmoWizard::load(const LmoProfile &p)
{
    m_orgName->setText(p.org.name);
    m_orgId->setText(p.org.orgId);
    if (!p.org.edition.isEmpty())
        m_edition->setCurrentText(p.org.edition);
    m_kind->setCurrentIndex(int(p.org.kind));
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
    for (const RoleAccess &r : p.roles.isEmpty() ? LmoRules::defaultRoles() : p.roles) {
        const int row = m_roles->rowCount();
        m_roles->insertRow(row);
        m_roles->setItem(row, 0, new QTableWidgetItem(r.role));
        m_roles->setCellWidget(row, 1, accessBox(r.licenses));
        m_roles->setCellWidget(row, 2, accessBox(r.subscribers));
    }
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
    QTemporaryDir dir;
    Database::OpenOptions create;
    create.create = true;
    auto scratch = Database::open(dir.filePath(QStringLiteral("verify.sqlite")), create);
    if (!scratch) {
        m_verification->setText(scratch.error().message);
        return m_verification->text();
    }
    auto report = importFile(*scratch.value(), file, ImportOptions());
    if (!report) {
        m_verification->setText(report.error().message);
        return m_verification->text();
    }
    // What the export holds: its licenses by package and by status.
    const QLocale locale;
    auto tally = [&](const QString &sql) {
        QStringList parts;
        QSqlQuery q(scratch.value()->connection());
        if (q.exec(sql))
            while (q.next())
                parts << QStringLiteral("%1 %2").arg(q.value(0).toString(), locale.toString(q.value(1).toLongLong()));
        return parts.join(QStringLiteral(", "));
    };
    QString text = QStringLiteral("Found %1 licenses (%2 rejected) in %3: the LMA's data can be read.")
                       .arg(locale.toString(report->inserted), locale.toString(report->rejected), QFileInfo(file).fileName());
    if (report->inserted > 0)
        text += QStringLiteral("\nBy package: %1.\nBy status: %2.")
                    .arg(tally(QStringLiteral("SELECT p.name, COUNT(*) FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                              "GROUP BY p.name ORDER BY COUNT(*) DESC, p.name")),
                         tally(QStringLiteral("SELECT status, COUNT(*) FROM licenses GROUP BY status ORDER BY COUNT(*) DESC, status")));
    m_verification->setText(text);
    if (report && report->inserted > 0)
        m_visible->setChecked(true);
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
