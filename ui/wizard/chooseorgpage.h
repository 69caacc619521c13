#pragma once

#include "wizard/steppage.h"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace lmo {

// Step 1, "Pick the right org": who the org is, every answer that says what kind of org it is
// (each checked by LmoRules::orgRefusals against the others), why it suits and where the LMA
// lives. In a switch it says which LMO the new org takes over from.
class ChooseOrgPage : public StepPage
{
    Q_OBJECT
public:
    explicit ChooseOrgPage(LmoWizard *wizard);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList problems() const override;
    // A switch: the LMO being replaced, named in a note at the top.
    void setReplacing(const LmoProfile &old);

    QLineEdit *name() const { return m_name; }
    QLineEdit *id() const { return m_id; }
    QComboBox *edition() const { return m_edition; }
    QComboBox *kind() const { return m_kind; }
    QLineEdit *instance() const { return m_instance; }
    QComboBox *status() const { return m_status; } // item data: the status, empty for "not known"
    QCheckBox *hasTrialExpiration() const { return m_hasTrial; }
    QDateEdit *trialExpiration() const { return m_trialExpiration; }
    QCheckBox *paidAndPermanent() const { return m_paid; }

private:
    QLineEdit *m_name;
    QLineEdit *m_id;
    QComboBox *m_edition;
    QComboBox *m_kind;
    QLineEdit *m_instance;
    QComboBox *m_status;
    QCheckBox *m_hasTrial;
    QDateEdit *m_trialExpiration;
    QCheckBox *m_paid;
    QList<QCheckBox *> m_who;
    QList<QCheckBox *> m_integrates;
    QLineEdit *m_stability;
    QRadioButton *m_primary;
    QRadioButton *m_dedicated;
    QLabel *m_placementNote;
    QLabel *m_switchNote;
};

} // namespace lmo
