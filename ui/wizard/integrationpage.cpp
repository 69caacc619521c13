#include "wizard/integrationpage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lmo {

namespace {

const QStringList kDashboards{QStringLiteral("Install base"), QStringLiteral("Expirations"), QStringLiteral("Seat utilisation"),
                              QStringLiteral("Trial conversion")};
const QStringList kPatterns{QStringLiteral("Apex triggers on License updates"), QStringLiteral("Custom REST endpoints"),
                            QStringLiteral("iPaaS (MuleSoft, Workato)")};

} // namespace

IntegrationPage::IntegrationPage(LmoWizard *wizard) : StepPage(5, wizard)
{
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
    warningsLabel()->setObjectName(QStringLiteral("forecastWarning"));
    QVBoxLayout *layout = body();
    auto *dash = new QGroupBox(QStringLiteral("Dashboards to use"));
    auto *dashLayout = new QHBoxLayout(dash);
    for (const QString &d : kDashboards) {
        auto *b = new QCheckBox(d);
        m_dashboards << b;
        dashLayout->addWidget(b);
    }
    layout->addWidget(dash);
    auto *patterns = new QGroupBox(QStringLiteral("Integration patterns"));
    auto *patternsLayout = new QHBoxLayout(patterns);
    for (const QString &p : kPatterns) {
        auto *b = new QCheckBox(p);
        m_patterns << b;
        patternsLayout->addWidget(b);
    }
    layout->addWidget(patterns);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    for (QAbstractSpinBox *box : std::initializer_list<QAbstractSpinBox *>{m_licensesToday, m_growth, m_storage})
        box->setMinimumWidth(180);
    m_billing->setMinimumWidth(180);
    form->addRow(QStringLiteral("&Billing system:"), m_billing);
    form->addRow(QStringLiteral("Licenses &today:"), m_licensesToday);
    form->addRow(QStringLiteral("New licenses a &month:"), m_growth);
    form->addRow(QStringLiteral("Org's data &storage:"), m_storage);
    layout->addLayout(form);
    layout->addWidget(m_forecast);
    layout->addStretch(1);
    watch({m_licensesToday, m_growth, m_storage});
    connect(this, &StepPage::answersChanged, this, &IntegrationPage::updateForecast);
    updateForecast();
}

void IntegrationPage::load(const LmoProfile &p)
{
    setChecked(m_dashboards, p.dashboards);
    if (!p.billing.isEmpty())
        m_billing->setCurrentText(p.billing);
    setChecked(m_patterns, p.integrationPatterns);
    m_licensesToday->setValue(int(qMin<qint64>(p.licensesToday, 2'000'000'000)));
    m_growth->setValue(int(qMin<qint64>(p.growthPerMonth, 100'000'000)));
    if (p.storageAllocationMb > 0)
        m_storage->setValue(p.storageAllocationMb);
}

void IntegrationPage::store(LmoProfile &p) const
{
    p.dashboards = checkedTexts(m_dashboards);
    p.billing = m_billing->currentText();
    p.integrationPatterns = checkedTexts(m_patterns);
    p.licensesToday = m_licensesToday->value();
    p.growthPerMonth = m_growth->value();
    p.storageAllocationMb = m_storage->value();
}

void IntegrationPage::suggest(qint64 licenses, qint64 installedLastYear)
{
    if (m_licensesToday->value() == 0)
        m_licensesToday->setValue(int(qMin<qint64>(licenses, 2'000'000'000)));
    if (m_growth->value() == 0)
        m_growth->setValue(int(qMin<qint64>(installedLastYear / 12, 100'000'000)));
}

QStringList IntegrationPage::warnings() const
{
    const LmoProfile p = answers();
    const QString warning = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb).warning;
    return warning.isEmpty() ? QStringList() : QStringList{warning};
}

void IntegrationPage::updateForecast()
{
    const LmoProfile p = answers();
    const StorageForecast f = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb);
    const QLocale locale;
    QString text = QStringLiteral("At %1 KB a license, the licenses take %2 MB of the org's %3 MB of data storage now, and "
                                  "%4 MB more each month.")
                       .arg(QString::number(StorageForecast::kKilobytesPerLicense), locale.toString(f.usedMb, 'f', 1),
                            locale.toString(f.allocationMb, 'f', 0), locale.toString(f.growthMbPerMonth, 'f', 2));
    if (f.allocationMb <= 0)
        text += QStringLiteral(" Give the org's data storage (Setup > Company Information > Data Storage) for a forecast.");
    else if (f.yearsLeft && *f.yearsLeft > 0)
        text += QStringLiteral(" At that rate they fill it in about %1 years.").arg(locale.toString(*f.yearsLeft, 'f', 1));
    else if (!f.yearsLeft)
        text += QStringLiteral(" With no new licenses a month they never fill it: give the growth you expect for a forecast.");
    m_forecast->setText(text);
}

} // namespace lmo
