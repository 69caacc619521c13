#pragma once

#include <QToolButton>
#include <QVariant>

class QMenu;

namespace lmo {

// A filter that takes any number of values: a button whose menu lists them with check marks.
// Its text says what is chosen ("Status: Active, Trial", or "Status: any").
class MultiSelectButton : public QToolButton
{
    Q_OBJECT
public:
    MultiSelectButton(const QString &label, QWidget *parent = nullptr);

    // Replaces the choices; those still offered stay checked.
    void setChoices(const QList<QPair<QString, QVariant>> &choices);
    QVariantList selected() const;
    void setSelected(const QVariantList &values);
    QString label() const { return m_label; }

signals:
    void changed();

private:
    void updateText();
    QString m_label;
    QMenu *m_menu;
};

} // namespace lmo
