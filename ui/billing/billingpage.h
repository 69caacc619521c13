#pragma once

#include "billing/billingoverview.h"
#include "billing/links.h"
#include "billing/reconcile.h"
#include "shell/databasepage.h"

#include <QAbstractTableModel>

#include <optional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTableWidget;

namespace lmo {

// The findings of a reconciliation as a table, filtered by rule (or the two the revenue at
// risk counts) and by a text.
class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Rule, Org, License, Package, Subscription, Detail, Monthly, kColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setFindings(std::vector<billing::Finding> findings);
    // "" every rule, "at_risk" the two the revenue at risk counts, else one rule's key.
    void setFilter(const QString &rule, const QString &text);
    const billing::Finding *finding(int row) const;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order) override;

private:
    void refilter();
    void sortShown();
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    std::vector<billing::Finding> m_all;
    std::vector<int> m_shown;
    QString m_rule, m_text;
};

// Billing: the licenses beside what the billing system charges. The money (billed now, at
// risk, missed) per currency, every finding with what to do about it (the license's change
// through Modify License, one undo step), the subscriptions linked to no org with the orgs
// they may be (confirmed by the user, kept), and the package each plan pays for.
class BillingPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit BillingPage(QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    // Shows the findings of one rule ("" all, "at_risk" the revenue at risk's two).
    void showRule(const QString &rule);
    QString shownRule() const;
    void setAsOf(const QDate &day);
    const std::optional<billing::Reconciliation> &reconciliation() const { return m_result; }
    const std::vector<billing::LinkProposal> &proposals() const { return m_proposals; }
    QString summaryText() const;
    QTableView *findingsView() const { return m_findings; }
    FindingsModel *findingsModel() const { return m_model; }
    QTableWidget *proposalsTable() const { return m_proposalTable; }
    // Whether a read is under way (tests wait for it).
    bool isReading() const { return m_reading != 0; }

    // The finding selected (nothing when none).
    const billing::Finding *currentFinding() const;
    void selectFinding(int row);
    // Confirms the proposal of that row of the proposals table (a job; the page reads again).
    void confirmProposal(int row);
    // The package a plan pays for, as a user says it.
    void setPlanPackage(const QString &source, const QString &plan, const QString &package);

signals:
    // Act on the finding: Modify License with its change, for the window to open.
    void modifyRequested(const lmo::billing::Finding &finding);
    // File > Import billing…
    void importRequested();
    // The license (or org) of a finding on the Licenses page.
    void licenseRequested(const QString &orgId, qint64 licenseId);
    // A read ended (tests).
    void refreshed();

private:
    void buildFindingsTab(QWidget *tab);
    void buildLinksTab(QWidget *tab);
    void buildPlansTab(QWidget *tab);
    void show(const billing::BillingOverview &view);
    void showError(const QString &message);
    void updateActions();
    void write(const QString &title, std::function<Result<void>(QSqlDatabase &)> work);
    void linkToOrg();
    void removeKeptLink();
    void askPlanPackage();
    void removePlan();

    Database *m_database = nullptr;
    quint64 m_reading = 0;
    int m_generation = 0;
    std::optional<billing::Reconciliation> m_result;
    std::vector<billing::LinkProposal> m_proposals;
    std::vector<billing::KeptLink> m_links;
    std::vector<billing::PlanPackage> m_plans;
    std::vector<std::pair<QString, QString>> m_seenPlans; // source, plan
    QStringList m_packages;

    QLabel *m_summary;
    QLabel *m_money;
    QDateEdit *m_asOf;
    QSpinBox *m_tolerance;
    QPushButton *m_import;
    QPushButton *m_cancel;
    QTabWidget *m_tabs;
    QComboBox *m_rule;
    QLineEdit *m_search;
    QTableView *m_findings;
    FindingsModel *m_model;
    QLabel *m_findingDetail;
    QPushButton *m_act;
    QPushButton *m_showLicense;
    QTableWidget *m_proposalTable;
    QPushButton *m_confirm;
    QPushButton *m_linkOther;
    QTableWidget *m_linkTable;
    QPushButton *m_unlink;
    QTableWidget *m_planTable;
    QPushButton *m_setPlan;
    QPushButton *m_removePlan;
};

} // namespace lmo
