#include "widgets/multiselectbutton.h"

#include <QAction>
#include <QMenu>
#include <QStyleOptionToolButton>
#include <QStylePainter>

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

QAction *MultiSelectButton::addChoice(QMenu *menu, const QString &text, const QVariant &value, const QVariantList &keep)
{
    QAction *a = menu->addAction(text.isEmpty() ? QStringLiteral("(blank)") : text);
    a->setCheckable(true);
    a->setData(value);
    a->setChecked(keep.contains(value));
    connect(a, &QAction::toggled, this, [this, a](bool on) {
        // The same value elsewhere in the menu (another package's "2.1") follows.
        for (QAction *other : choiceActions())
            if (other != a && other->data() == a->data() && other->isChecked() != on) {
                const QSignalBlocker block(other);
                other->setChecked(on);
            }
        updateText();
        emit changed();
    });
    return a;
}

void MultiSelectButton::setChoices(const Choices &choices)
{
    setGroupedChoices({Group{QString(), choices}}, false);
}

void MultiSelectButton::setGroupedChoices(const QList<Group> &groups, bool submenus)
{
    const QVariantList keep = selected();
    m_menu->clear(); // deletes the submenus it owns too
    for (QObject *child : m_menu->children())
        if (auto *sub = qobject_cast<QMenu *>(child))
            sub->deleteLater();
    QAction *any = m_menu->addAction(QStringLiteral("Any (clear)"));
    connect(any, &QAction::triggered, this, [this] {
        setSelected({});
        emit changed();
    });
    m_menu->addSeparator();
    for (const Group &g : groups) {
        QMenu *into = m_menu;
        if (submenus && !g.title.isEmpty()) {
            into = m_menu->addMenu(QStringLiteral("%1 (%2)").arg(g.title).arg(g.choices.size()));
        } else if (!g.title.isEmpty() && groups.size() > 1) {
            m_menu->addSection(g.title);
        }
        for (const auto &[text, value] : g.choices)
            addChoice(into, text, value, keep);
    }
    updateText();
}

QList<QAction *> MultiSelectButton::choiceActions() const
{
    QList<QAction *> out;
    for (QAction *a : m_menu->actions()) {
        if (a->menu()) {
            for (QAction *b : a->menu()->actions())
                if (b->isCheckable())
                    out << b;
        } else if (a->isCheckable()) {
            out << a;
        }
    }
    return out;
}

QVariantList MultiSelectButton::selected() const
{
    QVariantList out;
    for (QAction *a : choiceActions())
        if (a->isChecked() && !out.contains(a->data()))
            out << a->data();
    return out;
}

void MultiSelectButton::setSelected(const QVariantList &values)
{
    for (QAction *a : choiceActions()) {
        const QSignalBlocker block(a);
        a->setChecked(values.contains(a->data()));
    }
    updateText();
}

void MultiSelectButton::updateText()
{
    QStringList names;
    for (QAction *a : choiceActions())
        if (a->isChecked() && !names.contains(a->text()))
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
    updateGeometry();
}

int MultiSelectButton::arrowWidth() const
{
    return style()->pixelMetric(QStyle::PM_MenuButtonIndicator, nullptr, this) + 4;
}

QSize MultiSelectButton::sizeHint() const
{
    // The style sizes a tool button for its text alone and draws the menu arrow over its
    // corner: room for the arrow beside the text.
    QSize s = QToolButton::sizeHint();
    s.rwidth() += arrowWidth();
    return s;
}

QSize MultiSelectButton::minimumSizeHint() const
{
    return sizeHint();
}

void MultiSelectButton::paintEvent(QPaintEvent *)
{
    QStylePainter p(this);
    QStyleOptionToolButton opt;
    initStyleOption(&opt);
    // The frame over the whole button, the text left of the arrow, the arrow in its own place.
    const QString text = opt.text;
    opt.features &= ~QStyleOptionToolButton::HasMenu;
    opt.text.clear();
    p.drawComplexControl(QStyle::CC_ToolButton, opt);
    const int arrow = arrowWidth();
    QStyleOptionToolButton label = opt;
    label.text = text;
    label.rect = opt.rect.adjusted(0, 0, -arrow, 0);
    p.drawControl(QStyle::CE_ToolButtonLabel, label);
    QStyleOption indicator = opt;
    const int side = arrow - 6;
    indicator.rect = QRect(opt.rect.right() - arrow + 1, opt.rect.center().y() - side / 2, side, side);
    p.drawPrimitive(QStyle::PE_IndicatorArrowDown, indicator);
}

} // namespace lmo
