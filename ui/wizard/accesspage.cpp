#include "wizard/accesspage.h"

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
