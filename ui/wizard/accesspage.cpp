#include "wizard/accesspage.h"

#include "document/jobrunner.h"
#include "widgets/sqldialog.h"
#include "storage/team.h"
#include "wizard/lmowizard.h"

#include <QDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QTime>

#include <QComboBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

AccessPage::AccessPage(LmoWizard *wizard) : StepPage(4, wizard)
{
    m_roles = new QTableWidget(0, 3);
    m_roles->setObjectName(QStringLiteral("rolesTable"));
    m_roles->setHorizontalHeaderLabels({QStringLiteral("Role"), QStringLiteral("Licenses"), QStringLiteral("Subscribers")});
    m_roles->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_roles->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Fixed);
    m_roles->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Fixed);
    m_roles->horizontalHeader()->resizeSection(1, 180);
    m_roles->horizontalHeader()->resizeSection(2, 180);
    m_roles->verticalHeader()->setVisible(false);
    warningsLabel()->setObjectName(QStringLiteral("roleWarnings"));
    QVBoxLayout *layout = body();
    auto *note = new QLabel(QStringLiteral("Restrictive by default: only those who work with licenses can see them. "
                                           "Saved as the access policy the team database will enforce."));
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(m_roles, 1);
    auto *addRole = new QPushButton(QStringLiteral("Add &role…"));
    layout->addWidget(addRole, 0, Qt::AlignLeft);
    watch({m_roles}); // a role renamed
    connect(addRole, &QPushButton::clicked, this, [this] {
        const QString name = QInputDialog::getText(this, QStringLiteral("Add role"), QStringLiteral("Role:")).trimmed();
        if (name.isEmpty())
            return;
        appendRole({name, Access::None, Access::None});
        emit answersChanged();
    });
    for (const RoleAccess &r : LmoRules::defaultRoles())
        appendRole(r);

    // What the answers make on the database: enforced by a team database, recorded elsewhere.
    const team::SessionAccess &access = wizard->access();
    m_enforcement = new QLabel;
    m_enforcement->setObjectName(QStringLiteral("policyEnforcement"));
    m_enforcement->setWordWrap(true);
    if (!access.enforced) {
        m_enforcement->setText(QStringLiteral("This database is %1: these answers are recorded as the intent, and nothing "
                                              "enforces them. A team database on PostgreSQL enforces them for every client "
                                              "(the app, scripts, psql): row-level security and column privileges per role.")
                                   .arg(wizard->connectionSpec().driver == QLatin1String("QPSQL")
                                            ? QStringLiteral("on a server not set up for a team (lmodesk team init)")
                                            : QStringLiteral("a file on this machine")));
        layout->addWidget(m_enforcement);
        return;
    }
    auto *box = new QGroupBox(QStringLiteral("What the team database will enforce"));
    auto *boxLayout = new QVBoxLayout(box);
    m_enforced = new QTableWidget(0, 4);
    m_enforced->setObjectName(QStringLiteral("enforcedPolicy"));
    m_enforced->setHorizontalHeaderLabels({QStringLiteral("Role"), QStringLiteral("Reads"), QStringLiteral("Changes"),
                                           QStringLiteral("Licenses")});
    m_enforced->verticalHeader()->setVisible(false);
    m_enforced->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_enforced->setSelectionMode(QAbstractItemView::NoSelection);
    m_enforced->setWordWrap(true);
    m_enforced->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_enforced->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_enforced->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_enforced->horizontalHeader()->setStretchLastSection(true);
    m_enforced->setMinimumHeight(130);
    boxLayout->addWidget(m_enforced);
    boxLayout->addWidget(m_enforcement);
    auto *buttons = new QHBoxLayout;
    m_sql = new QPushButton(QStringLiteral("Show the S&QL…"));
    m_sql->setObjectName(QStringLiteral("policySql"));
    m_apply = new QPushButton(QStringLiteral("A&pply to the team database"));
    m_apply->setObjectName(QStringLiteral("applyPolicy"));
    const bool may = access.administers && !wizard->isReadOnly();
    m_apply->setEnabled(may);
    m_apply->setToolTip(may ? QStringLiteral("In one transaction; applying the same answers again changes nothing.")
                            : QStringLiteral("Only partner ops may change who sees what."));
    m_applyResult = new QLabel;
    m_applyResult->setObjectName(QStringLiteral("applyResult"));
    m_applyResult->setWordWrap(true);
    buttons->addWidget(m_sql);
    buttons->addWidget(m_apply);
    buttons->addWidget(m_applyResult, 1);
    boxLayout->addLayout(buttons);
    layout->addWidget(box);
    connect(m_sql, &QPushButton::clicked, this, &AccessPage::showSql);
    connect(m_apply, &QPushButton::clicked, this, &AccessPage::applyToTeamDatabase);
    connect(this, &StepPage::answersChanged, this, &AccessPage::showEnforced);
    showEnforced();
}

void AccessPage::showEnforced()
{
    if (!m_enforced)
        return;
    QStringList notEnforced;
    const team::AccessPolicy policy = team::AccessPolicy::fromWizardRoles(answers().roles, &notEnforced);
    const QList<QStringList> rows = policy.rows();
    m_enforced->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < 4; ++c)
            m_enforced->setItem(r, c, new QTableWidgetItem(rows[r].value(c)));
    m_enforced->resizeRowsToContents();
    m_enforcement->setText(
        QStringLiteral("Nothing is granted to anyone else: a login in none of the three roles sees nothing.%1")
            .arg(notEnforced.isEmpty() ? QString()
                                       : QStringLiteral(" %1 %2 no role of the team database: give those people one of the "
                                                        "three (Access page), or the database owner's login for administration.")
                                             .arg(notEnforced.join(QStringLiteral(", ")),
                                                  notEnforced.size() == 1 ? QStringLiteral("has") : QStringLiteral("have"))));
    if (m_applyResult)
        m_applyResult->clear();
}

void AccessPage::showSql()
{
    const team::AccessPolicy policy = team::AccessPolicy::fromWizardRoles(answers().roles);
    JobOptions options;
    options.title = QStringLiteral("Writing out the policy");
    options.showInStatus = false;
    lmoWizard()->jobs()->runOnDatabase<QStringList>(
        this, lmoWizard()->connectionSpec(), options,
        [policy](QSqlDatabase &db, JobContext &) { return team::policySql(db, policy); },
        [this](const Result<QStringList> &sql) { showPolicySqlDialog(this, sql); });
}

void AccessPage::applyToTeamDatabase()
{
    if (!m_apply || !m_apply->isEnabled())
        return;
    const team::AccessPolicy policy = team::AccessPolicy::fromWizardRoles(answers().roles);
    m_apply->setEnabled(false);
    m_applyResult->setText(QStringLiteral("Applying…"));
    JobOptions options;
    options.title = QStringLiteral("Applying the access policy");
    options.cancellable = false;
    lmoWizard()->jobs()->runOnDatabase<bool>(
        this, lmoWizard()->connectionSpec(), options,
        [policy](QSqlDatabase &db, JobContext &) { return team::applyPolicy(db, policy); },
        [this](const Result<bool> &r) {
            m_apply->setEnabled(true);
            if (!r) {
                m_applyResult->setText(QStringLiteral("<span style='color:#b00020'>Not applied: %1</span>").arg(r.error().message.toHtmlEscaped()));
                emit applied(false, r.error().message);
                return;
            }
            m_applyResult->setText(r.value() ? QStringLiteral("Applied at %1: the server enforces it now.")
                                                   .arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat))
                                             : QStringLiteral("Already in force: nothing changed."));
            emit applied(r.value(), QString());
        });
}

void AccessPage::load(const LmoProfile &p)
{
    m_roles->setRowCount(0);
    for (const RoleAccess &r : p.roles.isEmpty() ? LmoRules::defaultRoles() : p.roles)
        appendRole(r);
}

void AccessPage::store(LmoProfile &p) const
{
    p.roles.clear();
    for (int r = 0; r < m_roles->rowCount(); ++r) {
        auto access = [&](int c) {
            auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(r, c));
            return box ? Access(box->currentIndex()) : Access::None;
        };
        p.roles.append({m_roles->item(r, 0) ? m_roles->item(r, 0)->text() : QString(), access(1), access(2)});
    }
}

QStringList AccessPage::warnings() const
{
    return LmoRules::permissionWarnings(answers().roles);
}

void AccessPage::appendRole(const RoleAccess &r)
{
    const QSignalBlocker block(m_roles);
    const int row = m_roles->rowCount();
    m_roles->insertRow(row);
    m_roles->setItem(row, 0, new QTableWidgetItem(r.role));
    for (auto [column, access] : {std::pair{1, r.licenses}, std::pair{2, r.subscribers}}) {
        auto *box = new QComboBox;
        box->addItems({QStringLiteral("none"), QStringLiteral("read"), QStringLiteral("edit")});
        box->setCurrentIndex(int(access));
        connect(box, &QComboBox::currentIndexChanged, this, &StepPage::answersChanged);
        m_roles->setCellWidget(row, column, box);
    }
}

void AccessPage::setAccess(int role, Access licenses, Access subscribers)
{
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 1)))
        box->setCurrentIndex(int(licenses));
    if (auto *box = qobject_cast<QComboBox *>(m_roles->cellWidget(role, 2)))
        box->setCurrentIndex(int(subscribers));
}

} // namespace lmo
