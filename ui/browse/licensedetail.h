#pragma once

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace lmo {

class Database;

// Every field of one license and its history (the audit log), beside the license list.
class LicenseDetailPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LicenseDetailPanel(QWidget *parent = nullptr);

    void setDatabase(Database *database);
    // 0 shows nothing.
    void showLicense(qint64 rowId);
    qint64 licenseId() const { return m_rowId; }
    // The field as shown ("Seats" -> "Site License"); for tests and screen readers.
    QString fieldText(const QString &label) const;
    int historyRows() const;

signals:
    void subscriberRequested(const QString &orgId15);
    void modifyRequested();

private:
    Database *m_database = nullptr;
    qint64 m_rowId = 0;
    QString m_orgId;
    QLabel *m_title;
    QWidget *m_fields;
    QFormLayout *m_form;
    QTableWidget *m_history;
    QPushButton *m_subscriber;
    QPushButton *m_modify;
};

} // namespace lmo
