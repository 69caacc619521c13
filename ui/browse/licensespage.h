#pragma once

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "shell/databasepage.h"

#include <memory>
#include <optional>

class QAction;
class QLabel;
class QSplitter;
class QTimer;

namespace lmo {

class BigTableView;
class Database;
class LicenseColumns;
class LicenseDetailPanel;
class LicenseFilterBar;
class LicenseTableModel;
class LicenseViews;
class PageReader;

// Every license: sort by any column, filter by anything the LMA holds, named views, a detail
// panel with the history. Fed by LicenseTableModel, so a million licenses feel like a hundred.
// The page puts together the filter bar (LicenseFilterBar), the named views (LicenseViews), the
// columns (LicenseColumns), the table and its selection, and the detail panel; nothing of it
// reads the database on the UI thread.
class LicensesPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit LicensesPage(QWidget *parent = nullptr);
    ~LicensesPage() override;

    void setDatabase(Database *database) override;
    void reload() override;

    LicenseTableModel *model() const { return m_model; }
    BigTableView *table() const { return m_table; }
    LicenseDetailPanel *detail() const { return m_detail; }
    LicenseFilterBar *filterBar() const { return m_filters; }
    QString summaryText() const;
    // All licenses, once counted (counted() says when).
    std::optional<qint64> count() const;
    // Whether the filter bar's choices are still being read.
    bool choicesLoading() const { return m_choicesLoading; }

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
    // The selected rows as tab-separated text with a header line, as Copy puts it: the rows
    // the list has read, and those in `fetched` (read for Copy by id).
    QString selectionAsText(const QHash<qint64, LicenseRow> &fetched = {}) const;
    // Shows or hides the detail panel (remembered); the window's menu holds it too.
    QAction *detailAction() const { return m_detailAction; }
    // The view chosen (empty: none) and whether the filters or the sort have moved from it.
    QString currentView() const;
    bool viewChanged() const;
    // Puts the chosen view's filters and sort back.
    void revertView();
    // The columns' first order: license, account, status, seats, used, expiration, then the rest.
    static QList<LicenseColumn> defaultColumnOrder();
    void resetColumns();

public slots:
    void focusSearch();
    // Copies the selected rows; those the list has not read yet are read first, off the UI
    // thread (copied() says when the clipboard holds them).
    void copySelection();

signals:
    void counted();
    void copied();
    void subscriberRequested(const QString &orgId15);
    void modifyRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // The filter bar's choices, read off the UI thread; the filter is applied again after.
    void refreshChoices();
    void applyFilter();
    void updateSummary();
    void currentChanged();
    // The detail panel shows the current row's license (or, for several selected rows, what
    // they add up to). `reread`: read it again even if it is the one shown (after a change).
    void syncDetail(bool reread = false);
    // The panel's sum of several selected rows, once the selection stops changing.
    void showSelectionSummary();
    void setDetailShown(bool shown);

    Database *m_database = nullptr;
    std::unique_ptr<PageReader> m_reader;
    LicenseTableModel *m_model;
    BigTableView *m_table;
    LicenseDetailPanel *m_detail;
    QSplitter *m_splitter;
    QLabel *m_summary;
    LicenseFilterBar *m_filters;
    LicenseColumns *m_columns;
    LicenseViews *m_views;
    QAction *m_detailAction;
    QTimer *m_selectionDelay; // a selection grown row by row is summed once, not at every row
    QDate m_asOf;
    qint64 m_licenseToSelect = 0;
    bool m_choicesLoading = false;
};

} // namespace lmo
