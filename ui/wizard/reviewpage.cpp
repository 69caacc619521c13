#include "wizard/reviewpage.h"

#include "wizard/lmowizard.h"

#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace lmo {

ReviewPage::ReviewPage(LmoWizard *wizard, bool switchLmo) : StepPage(0, wizard)
{
    m_summary = new QTextBrowser;
    m_summary->setObjectName(QStringLiteral("summary"));
    problemsLabel()->setObjectName(QStringLiteral("summaryProblems"));
    setTitle(switchLmo ? QStringLiteral("Summary: the new LMO") : QStringLiteral("Summary"));
    addIntro(QStringLiteral("Everything the wizard recorded, as the runbook reads. Finish marks the org as this "
                            "database's LMO."));
    body()->addWidget(m_summary, 1);
}

QStringList ReviewPage::problems() const
{
    return LmoRules::designationRefusals(lmoWizard()->profile());
}

void ReviewPage::showRunbook(const QString &markdown)
{
    m_summary->setMarkdown(markdown);
}

} // namespace lmo
