#pragma once

#include "storage/licenseedits.h"

#include <QDialog>

class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace lmo {

class Database;

// Modify License for one license or a selection: status, seats, expiration (a date, "does not
// expire", or N days later than each one's own). The LMA's rules are checked as the user
// chooses, per license; what they refuse is named and left out. The dialog writes nothing: the
// caller applies plan() as one undoable step.
class ModifyLicenseDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int kMaxLicenses = 10'000;

    ModifyLicenseDialog(Database &database, std::vector<qint64> rowIds, QWidget *parent = nullptr);

    const ModificationPlan &plan() const { return m_plan; }
    // A short name for the undo menu: "Modify L-00012", "Modify 50 licenses".
    QString description() const;

    // The choices, for tests and for keyboard users alike.
    enum class StatusChoice { Keep, Active, Trial, Suspended };
    enum class SeatsChoice { Keep, Seats, SiteLicense };
    enum class ExpirationChoice { Keep, OnDate, DoesNotExpire, ExtendByDays };
    void setStatus(StatusChoice choice);
    void setSeats(SeatsChoice choice, int seats = 0);
    void setExpiration(ExpirationChoice choice, const QDate &date = QDate(), int days = 0);
    QString verdictText() const;
    bool canApply() const;

private:
    void update();
    LicenseChange changeFor(const License &current) const;

    Database &m_database;
    std::vector<qint64> m_rowIds;
    ModificationPlan m_plan;
    QString m_singleName;
    QLabel *m_heading;
    QComboBox *m_status;
    QComboBox *m_seatsMode;
    QSpinBox *m_seats;
    QComboBox *m_expirationMode;
    QDateEdit *m_expiration;
    QSpinBox *m_days;
    QLabel *m_verdict;
    QDialogButtonBox *m_buttons;
};

} // namespace lmo
