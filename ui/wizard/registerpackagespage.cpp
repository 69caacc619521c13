#include "wizard/registerpackagespage.h"

#include "domain/salesforceid.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace lmo {

RegisterPackagesPage::RegisterPackagesPage(LmoWizard *wizard) : StepPage(2, wizard)
{
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
    problemsLabel()->setObjectName(QStringLiteral("packageProblems"));
    QVBoxLayout *layout = body();
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
    m_offerRow->setVisible(false);
    layout->addWidget(m_offerRow);
    layout->addWidget(m_packages, 1);
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
    layout->addLayout(buttons);

    connect(addOffered, &QPushButton::clicked, this, [this] {
        const int i = m_offered->currentData().toInt();
        if (m_offered->count() > 0 && i >= 0 && i < int(m_known.size()))
            addPackage(m_known[size_t(i)].name, QString(),
                       m_known[size_t(i)].packageId.isNull() ? QString() : m_known[size_t(i)].packageId.to18());
    });
    connect(add, &QPushButton::clicked, this, [this] {
        addPackage(QString(), QString(), QString());
        m_packages->setCurrentCell(m_packages->rowCount() - 1, 0);
        m_packages->editItem(m_packages->item(m_packages->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_packages->currentRow() >= 0)
            m_packages->removeRow(m_packages->currentRow());
        emit answersChanged();
    });
    watch({m_packages, m_registered});
    connect(this, &StepPage::answersChanged, this, &RegisterPackagesPage::updateOffer);
}

void RegisterPackagesPage::load(const LmoProfile &p)
{
    m_packages->setRowCount(0);
    for (const LinkedPackage &pk : p.packages)
        addPackage(pk.name, pk.namespacePrefix, pk.packageId);
    if (p.registeredOn.isValid())
        m_registered->setDate(p.registeredOn);
}

void RegisterPackagesPage::store(LmoProfile &p) const
{
    p.packages.clear();
    for (int r = 0; r < m_packages->rowCount(); ++r) {
        auto text = [&](int c) { return m_packages->item(r, c) ? m_packages->item(r, c)->text().trimmed() : QString(); };
        auto pid = LmoRules::checkId(text(2), QStringLiteral("033"), QStringLiteral("package id"));
        p.packages.append({text(0), text(1), pid ? pid.value() : text(2)});
    }
    p.registeredOn = m_registered->date();
}

QStringList RegisterPackagesPage::problems() const
{
    return LmoRules::packageRefusals(answers().packages);
}

void RegisterPackagesPage::setKnownPackages(std::vector<Package> packages)
{
    m_known = std::move(packages);
    updateOffer();
}

void RegisterPackagesPage::addPackage(const QString &name, const QString &ns, const QString &id)
{
    {
        const QSignalBlocker block(m_packages);
        const int row = m_packages->rowCount();
        m_packages->insertRow(row);
        m_packages->setItem(row, 0, new QTableWidgetItem(name));
        m_packages->setItem(row, 1, new QTableWidgetItem(ns));
        m_packages->setItem(row, 2, new QTableWidgetItem(id));
    }
    emit answersChanged();
}

void RegisterPackagesPage::updateOffer()
{
    const QList<LinkedPackage> listed = answers().packages;
    const int wanted = m_offered->currentData().toInt();
    const QSignalBlocker block(m_offered);
    m_offered->clear();
    for (size_t i = 0; i < m_known.size(); ++i) {
        const Package &known = m_known[i];
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

} // namespace lmo
