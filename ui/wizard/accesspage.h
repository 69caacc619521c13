#pragma once

#include "wizard/steppage.h"

class QTableWidget;

namespace lmo {

// Step 4, "Configure user permissions": each role's access to licenses and subscribers,
// restrictive by default; the warnings follow every change of access as it is made.
class AccessPage : public StepPage
{
    Q_OBJECT
public:
    explicit AccessPage(LmoWizard *wizard);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList warnings() const override;

    void setAccess(int role, Access licenses, Access subscribers);
    QTableWidget *table() const { return m_roles; }

private:
    void appendRole(const RoleAccess &role);

    QTableWidget *m_roles;
};

} // namespace lmo
