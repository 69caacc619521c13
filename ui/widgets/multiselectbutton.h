#pragma once

#include <QToolButton>
#include <QVariant>

class QMenu;

namespace lmo {

// A filter that takes any number of values: a button whose menu lists them with check marks.
// Its text says what is chosen ("Status: Active, Trial", or "Status: any"); its arrow has a
// place of its own beside the text.
class MultiSelectButton : public QToolButton
{
    Q_OBJECT
public:
    MultiSelectButton(const QString &label, QWidget *parent = nullptr);

    using Choices = QList<QPair<QString, QVariant>>;
    struct Group
    {
        QString title; // empty: no heading
        Choices choices;
    };

    // Replaces the choices; those still offered stay checked.
    void setChoices(const Choices &choices);
    // Choices under headings, or (`submenus`) in a submenu each, so that a long list stays on
    // the screen. A value offered in two groups is one choice: checking it checks both.
    void setGroupedChoices(const QList<Group> &groups, bool submenus);
    QVariantList selected() const;
    void setSelected(const QVariantList &values);
    QString label() const { return m_label; }
    // Every checkable choice, in submenus too.
    QList<QAction *> choiceActions() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void changed();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QAction *addChoice(QMenu *menu, const QString &text, const QVariant &value, const QVariantList &keep);
    int arrowWidth() const;
    void updateText();
    QString m_label;
    QMenu *m_menu;
};

} // namespace lmo
