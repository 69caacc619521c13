#include "widgets/multiselectbutton.h"

#include <QAction>
#include <QMenu>

namespace lmo {

MultiSelectButton::MultiSelectButton(const QString &label, QWidget *parent)
    : QToolButton(parent), m_label(label), m_menu(new QMenu(this))
{
    setPopupMode(QToolButton::InstantPopup);
    setMenu(m_menu);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setAccessibleName(label);
    updateText();
}

void MultiSelectButton::setChoices(const QList<QPair<QString, QVariant>> &choices)
{
    const QVariantList keep = selected();
    m_menu->clear();
    QAction *any = m_menu->addAction(QStringLiteral("Any (clear)"));
    connect(any, &QAction::triggered, this, [this] {
        setSelected({});
        emit changed();
    });
    m_menu->addSeparator();
    for (const auto &[text, value] : choices) {
        QAction *a = m_menu->addAction(text.isEmpty() ? QStringLiteral("(blank)") : text);
        a->setCheckable(true);
        a->setData(value);
        a->setChecked(keep.contains(value));
        connect(a, &QAction::toggled, this, [this] {
            updateText();
            emit changed();
        });
    }
    updateText();
}

QVariantList MultiSelectButton::selected() const
{
    QVariantList out;
    for (QAction *a : m_menu->actions())
        if (a->isCheckable() && a->isChecked())
            out << a->data();
    return out;
}

void MultiSelectButton::setSelected(const QVariantList &values)
{
    for (QAction *a : m_menu->actions()) {
        if (!a->isCheckable())
            continue;
        const QSignalBlocker block(a);
        a->setChecked(values.contains(a->data()));
    }
    updateText();
}

void MultiSelectButton::updateText()
{
    QStringList names;
    for (QAction *a : m_menu->actions())
        if (a->isCheckable() && a->isChecked())
            names << a->text();
    QString text = names.isEmpty() ? QStringLiteral("%1: any").arg(m_label)
                                    : QStringLiteral("%1: %2").arg(m_label, names.join(QStringLiteral(", ")));
    const QString full = text;
    if (text.size() > 34)
        text = QStringLiteral("%1: %2 chosen").arg(m_label).arg(names.size());
    setText(text);
    setToolTip(full);
    QFont f = font();
    f.setBold(!names.isEmpty());
    setFont(f);
}

} // namespace lmo
