#include "wizard/chooseorgpage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QVBoxLayout>

namespace lmo {

namespace {

const QStringList kWho{QStringLiteral("Partner ops"), QStringLiteral("Customer success"), QStringLiteral("Support"),
                       QStringLiteral("Sales"), QStringLiteral("Finance")};
const QStringList kIntegrates{QStringLiteral("Billing"), QStringLiteral("Support desk"), QStringLiteral("Marketing automation")};

} // namespace

ChooseOrgPage::ChooseOrgPage(LmoWizard *wizard) : StepPage(1, wizard)
{
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("orgName"));
    m_id = new QLineEdit;
    m_id->setObjectName(QStringLiteral("orgId"));
    m_id->setPlaceholderText(QStringLiteral("00D…, 15 or 18 characters (Setup > Company Information)"));
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
    m_placementNote->setText(LmoRules::placementTradeOffs(OrgPlacement::PrimaryInternal));
    problemsLabel()->setObjectName(QStringLiteral("orgProblems"));

    QVBoxLayout *layout = body();
    m_switchNote = new QLabel;
    m_switchNote->setObjectName(QStringLiteral("switchNote"));
    m_switchNote->setWordWrap(true);
    m_switchNote->setTextFormat(Qt::RichText);
    m_switchNote->setStyleSheet(QStringLiteral("background: #fff4e0; color: #4a3000; border: 1px solid #e0b060; padding: 6px;"));
    m_switchNote->setVisible(false);
    layout->insertWidget(0, m_switchNote);
    auto *trial = new QHBoxLayout;
    trial->addWidget(m_hasTrial);
    trial->addWidget(m_trialExpiration);
    trial->addStretch(1);
    auto *who = new QFormLayout;
    who->addRow(QStringLiteral("Org &name:"), m_name);
    who->addRow(QStringLiteral("Org &id:"), m_id);
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
    layout->addLayout(forms);
    layout->addWidget(m_paid);
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
    layout->addLayout(criteria);
    auto *placement = new QGroupBox(QStringLiteral("Where the LMA lives"));
    auto *placementLayout = new QVBoxLayout(placement);
    auto *choices = new QHBoxLayout;
    choices->addWidget(m_primary);
    choices->addWidget(m_dedicated);
    choices->addStretch(1);
    placementLayout->addLayout(choices);
    placementLayout->addWidget(m_placementNote);
    layout->addWidget(placement);
    layout->addStretch(1);

    watch({m_name, m_id, m_instance, m_stability, m_edition, m_kind, m_status, m_hasTrial, m_trialExpiration, m_paid, m_primary});
    connect(m_hasTrial, &QCheckBox::toggled, m_trialExpiration, &QWidget::setEnabled);
    connect(m_primary, &QRadioButton::toggled, this, [this] {
        m_placementNote->setText(LmoRules::placementTradeOffs(m_dedicated->isChecked() ? OrgPlacement::Dedicated
                                                                                         : OrgPlacement::PrimaryInternal));
    });
}

void ChooseOrgPage::load(const LmoProfile &p)
{
    m_name->setText(p.org.name);
    m_id->setText(p.org.orgId);
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
}

void ChooseOrgPage::store(LmoProfile &p) const
{
    p.org.name = m_name->text().trimmed();
    auto id = LmoRules::checkId(m_id->text(), QStringLiteral("00D"), QStringLiteral("org id"));
    p.org.orgId = id ? id.value() : m_id->text().trimmed();
    p.org.edition = m_edition->currentText().simplified();
    p.org.kind = OrgKind(m_kind->currentIndex());
    p.org.instance = m_instance->text().trimmed();
    p.org.trialExpiration = m_hasTrial->isChecked() ? m_trialExpiration->date() : QDate();
    p.org.status = m_status->currentData().toString();
    p.org.confirmedPaidAndPermanent = m_paid->isChecked();
    p.org.whoNeedsData = checkedTexts(m_who);
    p.org.integrations = checkedTexts(m_integrates);
    p.org.stability = m_stability->text().trimmed();
    p.org.placement = m_dedicated->isChecked() ? OrgPlacement::Dedicated : OrgPlacement::PrimaryInternal;
}

QStringList ChooseOrgPage::problems() const
{
    return LmoRules::orgRefusals(answers().org);
}

void ChooseOrgPage::setReplacing(const LmoProfile &old)
{
    const QString name = old.org.name.isEmpty() ? QStringLiteral("The current LMO") : old.org.name;
    m_switchNote->setText(QStringLiteral("<b>Switching the LMO.</b> You are recording the org that takes over. %1 stays "
                                         "on record as the former LMO, with every license it holds; installs from the "
                                         "transition day (step 6) land in the new one.")
                              .arg(name.toHtmlEscaped()));
    m_switchNote->setVisible(true);
}

} // namespace lmo
