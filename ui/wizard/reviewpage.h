#pragma once

#include "wizard/steppage.h"

class QTextBrowser;

namespace lmo {

// The last page: everything the wizard recorded, as the runbook reads, and the last check
// before Finish (the same rule as each page's, on the whole profile). A Finish that failed says
// why here, the answers kept.
class ReviewPage : public StepPage
{
    Q_OBJECT
public:
    ReviewPage(LmoWizard *wizard, bool switchLmo);

    void load(const LmoProfile &) override {}
    void store(LmoProfile &) const override {}
    QStringList problems() const override;

    void showRunbook(const QString &markdown);
    QTextBrowser *runbook() const { return m_summary; }

private:
    QTextBrowser *m_summary;
};

} // namespace lmo
