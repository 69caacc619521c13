#include "wizard/steppage.h"

#include "lmo/designationsteps.h"
#include "wizard/lmowizard.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

namespace {

// One reason as a sentence; several as a list, each reason its own item.
void setLines(QLabel *label, const QStringList &lines)
{
    QString html;
    if (lines.size() == 1) {
        html = lines.first().toHtmlEscaped();
    } else if (lines.size() > 1) {
        html = QStringLiteral("<ul style=\"margin: 0px; -qt-list-indent: 1;\">");
        for (const QString &line : lines)
            html += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    label->setText(html);
    label->setVisible(!lines.isEmpty());
}

} // namespace

StepPage::StepPage(int step, LmoWizard *wizard) : QWizardPage(wizard), m_wizard(wizard)
{
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_content = new QWidget(scroll);
    m_body = new QVBoxLayout(m_content);
    m_body->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(m_content);
    outer->addWidget(scroll, 1);
    if (step >= 1 && step <= 6) {
        const DesignationStep &s = designationSteps()[size_t(step - 1)];
        setTitle(QStringLiteral("Step %1 of 6: %2").arg(QString::number(step), s.title));
        addIntro(QStringLiteral("<p>%1</p><p><b>This step decides:</b> %2</p>").arg(s.why.toHtmlEscaped(), s.decides.toHtmlEscaped()));
    }
    m_noteLabel = pinnedLabel(QStringLiteral("color: #8a4b00;"));
    m_noteLabel->setObjectName(QStringLiteral("wizardNote"));
    m_noteLabel->setTextFormat(Qt::PlainText);
    m_warningsLabel = pinnedLabel(QStringLiteral("color: #8a4b00;"));
    m_problemsLabel = pinnedLabel(QStringLiteral("color: #c62828;"));
    outer->addWidget(m_noteLabel);
    outer->addWidget(m_warningsLabel);
    outer->addWidget(m_problemsLabel);
}

void StepPage::addIntro(const QString &html)
{
    auto *intro = new QLabel(html);
    intro->setObjectName(QStringLiteral("stepIntro"));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    m_body->addWidget(intro);
    m_body->addSpacing(4);
}

QLabel *StepPage::pinnedLabel(const QString &style)
{
    auto *label = new QLabel(this);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setStyleSheet(style);
    label->setVisible(false);
    return label;
}

void StepPage::setNote(const QString &text, bool error)
{
    m_noteLabel->setText(text);
    m_noteLabel->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QStringLiteral("color: #8a4b00;"));
    m_noteLabel->setVisible(!text.isEmpty());
}

void StepPage::setFieldsEnabled(bool enabled)
{
    m_content->setEnabled(enabled);
}

bool StepPage::isComplete() const
{
    // Nothing goes on before the wizard has what the database records, nor while it writes.
    return m_wizard->isReady() && problems().isEmpty();
}

void StepPage::refreshNotes()
{
    // Before the recorded answers are in, the empty fields' problems would only be noise.
    const bool loaded = m_wizard->isLoaded();
    setLines(m_problemsLabel, loaded ? problems() : QStringList());
    setLines(m_warningsLabel, loaded ? warnings() : QStringList());
    emit completeChanged();
}

LmoProfile StepPage::answers() const
{
    LmoProfile p;
    store(p);
    return p;
}

void StepPage::watch(const QList<QObject *> &fields)
{
    for (QObject *field : fields) {
        if (auto *edit = qobject_cast<QLineEdit *>(field))
            connect(edit, &QLineEdit::textChanged, this, &StepPage::answersChanged);
        else if (auto *combo = qobject_cast<QComboBox *>(field)) {
            connect(combo, &QComboBox::currentIndexChanged, this, &StepPage::answersChanged);
            if (combo->isEditable())
                connect(combo, &QComboBox::currentTextChanged, this, &StepPage::answersChanged);
        } else if (auto *date = qobject_cast<QDateEdit *>(field))
            connect(date, &QDateEdit::dateChanged, this, &StepPage::answersChanged);
        else if (auto *spin = qobject_cast<QSpinBox *>(field))
            connect(spin, &QSpinBox::valueChanged, this, &StepPage::answersChanged);
        else if (auto *real = qobject_cast<QDoubleSpinBox *>(field))
            connect(real, &QDoubleSpinBox::valueChanged, this, &StepPage::answersChanged);
        else if (auto *button = qobject_cast<QAbstractButton *>(field))
            connect(button, &QAbstractButton::toggled, this, &StepPage::answersChanged);
        else if (auto *table = qobject_cast<QTableWidget *>(field))
            connect(table, &QTableWidget::itemChanged, this, &StepPage::answersChanged);
    }
}

void setChecked(const QList<QCheckBox *> &boxes, const QStringList &names)
{
    for (QCheckBox *b : boxes)
        b->setChecked(names.contains(b->text()));
}

QStringList checkedTexts(const QList<QCheckBox *> &boxes)
{
    QStringList out;
    for (QCheckBox *b : boxes)
        if (b->isChecked())
            out << b->text();
    return out;
}

} // namespace lmo
