#pragma once

#include "domain/license.h"
#include "shell/databasepage.h"
#include "util/result.h"

#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QLineEdit;
class QTableWidget;
class QTimer;

namespace lmo {

class BigTableView;
class Database;
class SubscriberTableModel;
class LmoChooser;
class PageReader;

// One row per subscriber org, as the Subscriber Support Console would list them: search by
// org id or account, sort by the columns, and the selected org's licenses beneath.
class SubscribersPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit SubscribersPage(QWidget *parent = nullptr);
    ~SubscribersPage() override;

    void setDatabase(Database *database) override;
    void reload() override;

    SubscriberTableModel *model() const { return m_model; }
    BigTableView *table() const { return m_table; }
    QTableWidget *licensesTable() const { return m_licenses; }
    QString summaryText() const;
    std::optional<qint64> count() const;
    // Finds the org (from a license) and selects it once it is there.
    void showOrg(const QString &orgId15);
    QString selectedOrg() const { return m_shownOrg; }

signals:
    void counted();
    // A license of the selected org was opened: show it on the Licenses page.
    void licenseRequested(const QString &orgId15, qint64 licenseRowId);

private:
    // The LMO chooser from the database's LMOs, read off the UI thread (the LMO column shown
    // when there are several), and its choice into the list's query: true when the query
    // changed (and was re-run).
    void loadLmoChoices();
    bool applyLmoChoice();

    void updateSummary();
    // The org's licenses beneath the list, read off the UI thread ("Loading…" until then).
    void showLicensesOf(const QString &orgId15);
    void showLicenses(const QString &orgId15, const Result<std::vector<License>> &licenses);

    Database *m_database = nullptr;
    std::unique_ptr<PageReader> m_reader;
    quint64 m_lmoRead = 0;      // the last LMO read asked for
    quint64 m_licensesRead = 0; // the last org's licenses asked for
    SubscriberTableModel *m_model;
    BigTableView *m_table;
    QTableWidget *m_licenses;
    QLabel *m_summary;
    QLabel *m_licensesTitle;
    QLineEdit *m_search;
    LmoChooser *m_lmo;
    QTimer *m_searchDelay;
    QString m_shownOrg;
    QString m_orgToSelect;
};

} // namespace lmo
