#include "widgets/lmochooser.h"

#include "lmo/lmoprofile.h"

#include <QAbstractItemView>

namespace lmo {

LmoChooser::LmoChooser(Mode mode, QWidget *parent) : QComboBox(parent), m_mode(mode)
{
    setObjectName(QStringLiteral("lmoChooser"));
    // Narrow in the filter bar; the list that drops down is as wide as its longest choice.
    setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    setMinimumContentsLength(mode == Mode::Filter ? 30 : 34);
    setToolTip(mode == Mode::Filter
                   ? QStringLiteral("After a switch of LMO, old installs stay in the old org and new ones land in the "
                                    "new: show one LMO's licenses, or every LMO's together.")
                   : QStringLiteral("The LMO org this export was made from. Its licenses are kept apart from the "
                                    "other LMO's."));
    connect(this, &QComboBox::currentIndexChanged, this, &LmoChooser::lmoChanged);
    if (mode == Mode::Filter)
        setVisible(false);
}

void LmoChooser::clearChoices()
{
    const QSignalBlocker block(this);
    clear();
    m_names.clear();
    m_count = 0;
    if (m_mode == Mode::Filter)
        setVisible(false);
}

int LmoChooser::load(QSqlDatabase db)
{
    auto known = LmoRepository(std::move(db)).all();
    return setLmos(known ? known.value() : QList<KnownLmo>());
}

int LmoChooser::setLmos(const QList<KnownLmo> &known)
{
    const std::optional<qint64> chosen = lmo();
    {
        const QSignalBlocker block(this);
        clear();
        m_names.clear();
        m_count = int(known.size());
        addItem(m_mode == Mode::Filter ? QStringLiteral("Every LMO") : QStringLiteral("Choose the LMO…"));
        m_names << QString();
        for (const KnownLmo &k : known) {
            // The filter bar is narrow: the org's name and its place; the import names it whole.
            const QString name = k.profile.org.name.trimmed();
            const QString shortLabel = QStringLiteral("LMO %1%2 (%3)")
                                           .arg(k.ref)
                                           .arg(name.isEmpty() ? QString() : QStringLiteral(": ") + name,
                                                k.current ? QStringLiteral("current")
                                                          : QStringLiteral("to %1").arg(k.replacedOn.toString(Qt::ISODate)));
            addItem(m_mode == Mode::Filter ? shortLabel : QStringLiteral("LMO %1: %2").arg(k.ref).arg(k.label()), k.ref);
            setItemData(count() - 1, QStringLiteral("LMO %1: %2").arg(k.ref).arg(k.label()), Qt::ToolTipRole);
            m_names << k.name();
        }
        int index = chosen ? findData(*chosen) : 0;
        setCurrentIndex(index < 0 ? 0 : index);
    }
    view()->setMinimumWidth(view()->sizeHintForColumn(0) + 24);
    if (m_mode == Mode::Filter)
        setVisible(m_count > 1);
    if (lmo() != chosen)
        emit lmoChanged();
    return m_count;
}

std::optional<qint64> LmoChooser::lmo() const
{
    const QVariant data = currentData();
    if (!data.isValid())
        return std::nullopt;
    return data.toLongLong();
}

void LmoChooser::setLmo(std::optional<qint64> lmo)
{
    const int index = lmo ? findData(*lmo) : 0;
    setCurrentIndex(index < 0 ? 0 : index);
}

std::optional<qint64> LmoChooser::find(qint64 number, const QString &name) const
{
    for (int i = 1; i < count() && i < m_names.size(); ++i)
        if (!name.isEmpty() && m_names.at(i) == name)
            return itemData(i).toLongLong();
    if (name.isEmpty() && findData(number) > 0)
        return number;
    return std::nullopt;
}

QString LmoChooser::lmoName() const
{
    const int i = currentIndex();
    return i >= 0 && i < m_names.size() ? m_names.at(i) : QString();
}

} // namespace lmo
