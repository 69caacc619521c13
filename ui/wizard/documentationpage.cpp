#include "wizard/documentationpage.h"

#include "wizard/lmowizard.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace lmo {

DocumentationPage::DocumentationPage(LmoWizard *wizard, bool switchLmo) : StepPage(6, wizard)
{
    m_mark = new QCheckBox(QStringLiteral("Mark this org as this database's LMO"));
    m_mark->setObjectName(QStringLiteral("markAsLmo"));
    m_mark->setChecked(true);
    QVBoxLayout *layout = body();
    auto *note = new QLabel(QStringLiteral("The runbook says what this org is, why it was chosen, who may touch it and "
                                           "how to change the LMO if ever needed. Keep it where every future admin "
                                           "will find it. The summary, next, shows it whole."));
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *md = new QPushButton(QStringLiteral("Save the runbook as &Markdown…"));
    auto *pdf = new QPushButton(QStringLiteral("Save the runbook as &PDF…"));
    auto *saveButtons = new QHBoxLayout;
    saveButtons->addWidget(md);
    saveButtons->addWidget(pdf);
    saveButtons->addStretch(1);
    layout->addLayout(saveButtons);
    layout->addWidget(m_mark);
    m_transition = new QDateEdit(QDate::currentDate());
    m_transition->setObjectName(QStringLiteral("transitionDate"));
    m_transition->setCalendarPopup(true);
    m_transition->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    if (switchLmo) {
        auto *switchBox = new QGroupBox(QStringLiteral("Switching the LMO"));
        auto *form = new QFormLayout(switchBox);
        auto *explain = new QLabel(QStringLiteral(
            "Existing installs stay in the old LMO; installs from the transition day land in the new one, and license "
            "records do not move between them. The install base is split in two from then on: LMO Desk keeps both LMOs "
            "on record, files each license under the LMO it came from (an import asks which), and shows one LMO or "
            "both together on Licenses, Subscribers and the Dashboard."));
        explain->setWordWrap(true);
        form->addRow(explain);
        form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        form->addRow(QStringLiteral("&Transition day:"), m_transition);
        layout->addWidget(switchBox);
    } else {
        m_transition->hide();
    }
    problemsLabel()->setObjectName(QStringLiteral("documentProblems"));
    layout->addStretch(1);
    watch({m_mark, m_transition});
    auto save = [this](const QString &filter, const QString &suffix) {
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save the LMO runbook"),
                                                          QStringLiteral("lmo-runbook.%1").arg(suffix), filter);
        if (path.isEmpty())
            return;
        if (auto r = lmoWizard()->saveRunbook(path); !r)
            QMessageBox::warning(this, QStringLiteral("Save the LMO runbook"), r.error().message);
    };
    connect(md, &QPushButton::clicked, this, [save] { save(QStringLiteral("Markdown (*.md)"), QStringLiteral("md")); });
    connect(pdf, &QPushButton::clicked, this, [save] { save(QStringLiteral("PDF (*.pdf)"), QStringLiteral("pdf")); });
}

void DocumentationPage::load(const LmoProfile &)
{
    // The mark is given again each time: Finish is what records it.
}

void DocumentationPage::store(LmoProfile &p) const
{
    p.documented = m_mark->isChecked();
}

QStringList DocumentationPage::problems() const
{
    if (!m_mark->isChecked())
        return {QStringLiteral("Tick \"Mark this org as this database's LMO\" to finish.")};
    return {};
}

} // namespace lmo
