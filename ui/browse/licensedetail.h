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
class Document;
class PageReader;
struct LicenseDetail;

// Every field of one license and its history (the audit log), beside the license list.
class LicenseDetailPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LicenseDetailPanel(QWidget *parent = nullptr);
    ~LicenseDetailPanel() override;

    // The database to read (nullptr: none); through `document`'s reader when it is set.
    void setDatabase(Database *database, Document *document = nullptr);
    // 0 shows nothing. Reads the license, its LMO and its history off the UI thread each time
    // ("Loading…" until they are here; nothing of what was shown before stays).
    void showLicense(qint64 rowId);
    // Whether the license asked for is still being read.
    bool isLoading() const { return m_loading; }
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
    void showDetail(const LicenseDetail &detail);
    Database *m_database = nullptr;
    void updateModifyButton();
    std::unique_ptr<PageReader> m_reader;
    bool m_loading = false;
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
