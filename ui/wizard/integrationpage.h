#pragma once

#include "wizard/steppage.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace lmo {

// Step 5, "Build dashboards and integrations": the dashboards to use, the billing system, the
// integration patterns, and the org's data storage with a forecast of when the licenses fill it.
class IntegrationPage : public StepPage
{
    Q_OBJECT
public:
    explicit IntegrationPage(LmoWizard *wizard);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList warnings() const override;

    // What the database shows, for a forecast the user has not given: the licenses it holds and
    // those installed in the last twelve months. Fills only what is still 0.
    void suggest(qint64 licenses, qint64 installedLastYear);

    QSpinBox *licensesToday() const { return m_licensesToday; }
    QSpinBox *growthPerMonth() const { return m_growth; }
    QDoubleSpinBox *storageMb() const { return m_storage; }
    QLabel *forecastLabel() const { return m_forecast; }

private:
    void updateForecast();

    QList<QCheckBox *> m_dashboards;
    QComboBox *m_billing;
    QList<QCheckBox *> m_patterns;
    QSpinBox *m_licensesToday;
    QSpinBox *m_growth;
    QDoubleSpinBox *m_storage;
    QLabel *m_forecast;
};

} // namespace lmo
