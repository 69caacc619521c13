#pragma once

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "shell/databasepage.h"

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableView;
class QTimer;

namespace lmo {

class Database;
class LicenseDetailPanel;
class LicenseTableModel;
class MultiSelectButton;
class LmoChooser;

// Every license: sort by any column, filter by anything the LMA holds, named views, a detail
// panel with the history. Fed by LicenseTableModel, so a million licenses feel like a hundred.
class LicensesPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit LicensesPage(QWidget *parent = nullptr);
    ~LicensesPage() override;

    void setDatabase(Database *database) override;
    void reload() override;

    LicenseTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    LicenseDetailPanel *detail() const { return m_detail; }
    QString summaryText() const;
    // All licenses, once counted (counted() says when).
    std::optional<qint64> count() const;

    // The day effective status and "expiring within" are judged on: today unless set.
    void setAsOf(const QDate &day);
    // The filter as the bar shows it.
    LicenseFilter filter() const;
    void setFilter(const LicenseFilter &filter);
    // Shows the licenses of one subscriber org (from the Subscribers page), selecting one of
    // them (0: none) once the list is there.
    void showOrg(const QString &orgId15, qint64 selectLicense = 0);
    // Named views: the filter, the sort and the columns, kept in the settings.
    QStringList savedViews() const;
    void saveView(const QString &name);
    bool applyView(const QString &name);
    void deleteView(const QString &name);
    // The licenses selected (those whose row has been read or whose id is known).
    std::vector<qint64> selectedLicenseIds() const;
    // The selected rows as tab-separated text with a header line, as Copy puts it.
    QString selectionAsText() const;
    // Shows or hides the detail panel (remembered); the window's menu holds it too.
    QAction *detailAction() const { return m_detailAction; }
    // The view chosen (empty: none) and whether the filters or the sort have moved from it.
    QString currentView() const { return m_currentView; }
    bool viewChanged() const;
    // Puts the chosen view's filters and sort back.
    void revertView();
    // The columns' first order: license, account, status, seats, used, expiration, then the rest.
    static QList<LicenseColumn> defaultColumnOrder();
    void resetColumns();

public slots:
    void focusSearch();
    void copySelection() const;

signals:
    void counted();
    void subscriberRequested(const QString &orgId15);
    void modifyRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildFilterBar();
    void refreshChoices();
    void applyFilter();
    void updateSummary();
    void showColumnMenu(const QPoint &pos);
    void saveHeaderState() const;
    void restoreHeaderState();
    void refreshViewList();
    void currentChanged();
    // The detail panel shows the current row's license (or, for several selected rows, what
    // they add up to). `reread`: read it again even if it is the one shown (after a change).
    void syncDetail(bool reread = false);
    // The panel's sum of several selected rows, once the selection stops changing.
    void showSelectionSummary();
    void setDetailShown(bool shown);
    void updateViewState();
    QString viewStateKey() const;
    void refreshVersionChoices();

    Database *m_database = nullptr;
    LicenseTableModel *m_model;
    QTableView *m_table;
    LicenseDetailPanel *m_detail;
    QSplitter *m_splitter;
    QLabel *m_summary;
    QLineEdit *m_search;
    MultiSelectButton *m_status;
    MultiSelectButton *m_effective;
    MultiSelectButton *m_package;
    MultiSelectButton *m_version;
    MultiSelectButton *m_edition;
    MultiSelectButton *m_instance;
    QComboBox *m_sandbox;
    QComboBox *m_site;
    LmoChooser *m_lmo;
    QCheckBox *m_installed;
    QDateEdit *m_installedFrom;
    QDateEdit *m_installedTo;
    QCheckBox *m_expiring;
    QSpinBox *m_expiringDays;
    QPushButton *m_clear;
    QComboBox *m_views;
    QPushButton *m_saveView;
    QPushButton *m_deleteView;
    QPushButton *m_revertView;
    QAction *m_detailAction;
    QString m_currentView;      // the view chosen, until another or "(current filters)"
    QString m_currentViewState; // its filters and sort, as viewStateKey() says them
    LicenseFilterChoices m_choices;
    QTimer *m_searchDelay;
    QTimer *m_selectionDelay; // a selection grown row by row is summed once, not at every row
    bool m_applying = false;
    QDate m_asOf;
    qint64 m_licenseToSelect = 0;
};

} // namespace lmo
