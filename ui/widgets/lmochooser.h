#pragma once

#include "lmo/lmoprofile.h"

#include <QComboBox>
#include <QSqlDatabase>

#include <optional>

namespace lmo {

// Which LMO's licenses to show, or which LMO a file came from. After a switch of LMO the install
// base is split between two orgs: as a filter this offers "Every LMO" and each one; asked for an
// import it starts on "Choose…" so the user must say. A filter with one LMO to offer hides itself.
class LmoChooser : public QComboBox
{
    Q_OBJECT
public:
    enum class Mode { Filter, Required };
    explicit LmoChooser(Mode mode, QWidget *parent = nullptr);

    // Reads the database's LMOs, keeping the choice when it is still offered. Returns how many.
    // On the UI thread: for a database on this machine (an import's file) only.
    int load(QSqlDatabase db);
    // Offers these LMOs (read off the UI thread), keeping the choice when it is still offered.
    int setLmos(const QList<KnownLmo> &known);
    void clearChoices();
    // The LMO chosen (its lmo_ref); none: every LMO (a filter) or not chosen yet (required).
    std::optional<qint64> lmo() const;
    void setLmo(std::optional<qint64> lmo);
    // The name of the LMO chosen, for a caption ("Acme Licensing (00D…)").
    QString lmoName() const;
    int lmoCount() const { return m_count; }
    // The LMO a saved choice means in this database: the one of that name (its org and id),
    // else the one of that number when no name was saved; none when neither is here.
    std::optional<qint64> find(qint64 number, const QString &name) const;

signals:
    void lmoChanged();

private:
    Mode m_mode;
    int m_count = 0;
    QStringList m_names; // by item index
};

} // namespace lmo
