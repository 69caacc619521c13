#pragma once

#include "wizard/steppage.h"

class QCheckBox;
class QDateEdit;

namespace lmo {

// Step 6, "Document the org as the LMO": the runbook saved as Markdown or PDF, and the mark
// that makes the org this database's LMO. In a switch, also the transition day.
class DocumentationPage : public StepPage
{
    Q_OBJECT
public:
    DocumentationPage(LmoWizard *wizard, bool switchLmo);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList problems() const override;

    QCheckBox *mark() const { return m_mark; }
    QDateEdit *transitionDate() const { return m_transition; }

private:
    QCheckBox *m_mark;
    QDateEdit *m_transition;
};

} // namespace lmo
