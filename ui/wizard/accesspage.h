#pragma once

#include "wizard/steppage.h"

class QLabel;
class QPushButton;
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
    // On a team database: the policy these answers make, as the server would enforce it.
    QTableWidget *enforcedTable() const { return m_enforced; }
    // Applies it (partner ops only), in one transaction, as a job; applied() says what happened.
    void applyToTeamDatabase();

signals:
    // The policy was applied (`changed`: anything changed), or refused (`error`).
    void applied(bool changed, const QString &error);

private:
    void appendRole(const RoleAccess &role);
    void showEnforced();
    void showSql();

    QTableWidget *m_roles;
    QTableWidget *m_enforced = nullptr;
    QLabel *m_enforcement = nullptr;
    QLabel *m_applyResult = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_sql = nullptr;
};

} // namespace lmo
