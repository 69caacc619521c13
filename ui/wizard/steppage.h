#pragma once

#include "lmo/lmoprofile.h"

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QVBoxLayout;

namespace lmo {

class LmoWizard;

// One page of the LMO setup wizard: a designation step (docs/domain.md, "The six steps") or the
// summary. It opens with why the step matters and what it decides, in the page itself
// (QWizard's header clips a subtitle that wraps past two lines). The fields scroll if they
// must; beneath them, always in view, the wizard's own note (reading, a failed save), the
// warnings that do not hold Next back (amber) and the problems that do (red), recomputed on
// every change. A page fills its fields from a profile (load) and writes them back (store);
// it emits answersChanged whenever the user changes one, and never reads the database.
class StepPage : public QWizardPage
{
    Q_OBJECT
public:
    // `step` 1..6: that step's title and introduction; 0 (the summary): neither.
    StepPage(int step, LmoWizard *wizard);

    virtual void load(const LmoProfile &profile) = 0;
    virtual void store(LmoProfile &profile) const = 0;
    // Why Next waits (empty when it need not).
    virtual QStringList problems() const { return {}; }
    // What the user should know but may go on with.
    virtual QStringList warnings() const { return {}; }

    // Why the step matters, first on the page.
    void addIntro(const QString &html);
    // Where the page's own fields go, beneath the introduction.
    QVBoxLayout *body() const { return m_body; }
    QLabel *problemsLabel() const { return m_problemsLabel; }
    QLabel *warningsLabel() const { return m_warningsLabel; }
    // The wizard's note on this page (empty: none); `error` shows it in red.
    void setNote(const QString &text, bool error);
    QLabel *noteLabel() const { return m_noteLabel; }
    // The fields take input (not while the wizard reads what the database records).
    void setFieldsEnabled(bool enabled);

    bool isComplete() const override;
    // Recomputes the problems and warnings shown and whether Next may go on.
    void refreshNotes();

signals:
    void answersChanged();

protected:
    LmoWizard *lmoWizard() const { return m_wizard; }
    // The page's answers on their own (a profile of nothing else), for its rules.
    LmoProfile answers() const;
    // Connects the usual change signal of each field to answersChanged.
    void watch(const QList<QObject *> &fields);

private:
    QLabel *pinnedLabel(const QString &style);

    LmoWizard *m_wizard;
    QWidget *m_content;
    QVBoxLayout *m_body;
    QLabel *m_noteLabel;
    QLabel *m_problemsLabel;
    QLabel *m_warningsLabel;
};

// Ticks the boxes whose text is in `names`; the texts of the ticked ones.
void setChecked(const QList<QCheckBox *> &boxes, const QStringList &names);
QStringList checkedTexts(const QList<QCheckBox *> &boxes);

} // namespace lmo
