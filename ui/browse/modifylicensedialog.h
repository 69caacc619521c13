#pragma once

#include "storage/licenseedits.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace lmo {

class Database;
class Document;
class PageReader;

// Modify License for one license or a selection: status, seats, expiration (a date, "does not
// expire", or N days later than each one's own). The LMA's rules are checked as the user
// chooses, per license; what they refuse is named and left out. The license and the plan are
// read off the UI thread ("Checking…" meanwhile, Apply waits for the verdict). The dialog writes
// nothing: the caller applies plan() as one undoable step (ModifyLicensesCommand::apply).
class ModifyLicenseDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int kMaxLicenses = 10'000;

    ModifyLicenseDialog(Database &database, std::vector<qint64> rowIds, QWidget *parent = nullptr,
                        Document *document = nullptr);
    ~ModifyLicenseDialog() override;

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
    // Why the change is made, shown above the choices (a reconciliation's finding).
    void setReason(const QString &reason);
    QString reasonText() const;
    bool canApply() const;
    // Whether the verdict on the choices as they are is still being worked out.
    bool isChecking() const { return m_checking; }

    // Only with a verdict that allows something (Apply is disabled until then); asked while the
    // verdict is being worked out, it is taken when the verdict allows the change.
    void accept() override;

    // The controls' choice, as plain values (what a worker may read).
    struct Choice
    {
        StatusChoice status = StatusChoice::Keep;
        SeatsChoice seatsMode = SeatsChoice::Keep;
        int seats = 0;
        ExpirationChoice expirationMode = ExpirationChoice::Keep;
        QDate expiration;
        int days = 0;
    };
    static LicenseChange changeFor(const Choice &choice, const License &current);

private:
    void update();
    void showLicense(const License &license);
    void showPlan(const Result<ModificationPlan> &plan);
    Choice choice() const;

    Database &m_database;
    std::unique_ptr<PageReader> m_reader;
    quint64 m_asked = 0; // the last plan asked for
    bool m_checking = false;
    bool m_acceptWhenChecked = false; // accept() came while checking
    std::vector<qint64> m_rowIds;
    ModificationPlan m_plan;
    QString m_singleName;
    QLabel *m_heading;
    QLabel *m_reason;
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
