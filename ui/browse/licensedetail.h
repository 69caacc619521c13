#pragma once

#include "browse/licenselist.h"

#include "storage/auditlog.h"
#include "util/result.h"

#include <QWidget>

#include <memory>
#include <vector>

class QFormLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace lmo {

class Database;
class SqlWorker;

// Every field of one license and its history (the audit log), beside the license list.
class LicenseDetailPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LicenseDetailPanel(QWidget *parent = nullptr);
    ~LicenseDetailPanel() override;

    void setDatabase(Database *database);
    // 0 shows nothing. Reads the license and its history from the database each time (the
    // history, the longer read, on a worker of its own: it arrives a moment after the fields).
    void showLicense(qint64 rowId);
    // Several licenses selected: how many, their seats and used licenses, how many of each
    // status. `summary` is nullopt when too many are selected to add up here.
    void showSelection(qint64 selected, const std::optional<LicenseListReader::Summary> &summary);
    // The license shown (0: none, or a selection).
    qint64 licenseId() const { return m_rowId; }
    bool showsSelection() const { return m_selection; }
    QString titleText() const;
    // The field as shown ("Seats" -> "Site License"); for tests and screen readers.
    QString fieldText(const QString &label) const;
    int historyRows() const;
    // A row of the history as shown (newest first), its cells joined by " | ".
    QString historyText(int row) const;

signals:
    void subscriberRequested(const QString &orgId15);
    void modifyRequested();

private:
    void showHistory(const Result<std::vector<AuditEntry>> &history);
    Database *m_database = nullptr;
    std::unique_ptr<SqlWorker> m_worker; // reads the history
    quint64 m_historyGeneration = 0;     // a history for a license no longer shown is dropped
    void clear();
    void addField(const QString &label, const QString &value);
    qint64 m_rowId = 0;
    bool m_selection = false;
    QString m_orgId;
    QLabel *m_title;
    QWidget *m_fields;
    QFormLayout *m_form;
    QTableWidget *m_history;
    QWidget *m_historyLabel;
    QPushButton *m_subscriber;
    QPushButton *m_modify;
};

} // namespace lmo
