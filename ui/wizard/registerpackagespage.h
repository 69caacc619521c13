#pragma once

#include "domain/package.h"
#include "wizard/steppage.h"

#include <vector>

class QComboBox;
class QDateEdit;
class QTableWidget;
class QWidget;

namespace lmo {

// Step 2, "Register through the Partner Console": the packages linked to the LMO (name,
// namespace, 033 package id) and the day they were registered. It offers the packages this
// database already holds, so they need not be typed.
class RegisterPackagesPage : public StepPage
{
    Q_OBJECT
public:
    explicit RegisterPackagesPage(LmoWizard *wizard);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList problems() const override;

    // The packages this database holds (read by the wizard); those not listed are offered.
    void setKnownPackages(std::vector<Package> packages);
    void addPackage(const QString &name, const QString &ns, const QString &id);

    QTableWidget *table() const { return m_packages; }
    QComboBox *offered() const { return m_offered; }

private:
    void updateOffer();

    QTableWidget *m_packages;
    QDateEdit *m_registered;
    QWidget *m_offerRow;
    QComboBox *m_offered;
    std::vector<Package> m_known;
};

} // namespace lmo
