#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QPushButton;
class QTableView;

namespace lmo {

class LicenseColumns;
class LicenseFilterBar;
class LicenseTableModel;

// Named views of the Licenses page: the filter, the sort and the columns under a name, kept in
// the settings; the view chosen, marked when its filters or sort have moved, and put back.
// The row of the page's top: "View:", the list of views, Save view…, Revert, Delete view.
class LicenseViews : public QWidget
{
    Q_OBJECT
public:
    LicenseViews(LicenseFilterBar *filters, LicenseTableModel *model, QTableView *table, LicenseColumns *columns,
                 QWidget *parent = nullptr);

    QStringList names() const;
    void save(const QString &name);
    // Puts the view's filters, sort and columns on the page; false when there is no such view.
    bool apply(const QString &name);
    void remove(const QString &name);
    // The view chosen (empty: none) and whether the filters or the sort have moved from it.
    QString current() const { return m_current; }
    bool changed() const;
    void revert();
    // The filters or the sort moved: the mark and the buttons follow.
    void updateState();

private:
    QString stateKey() const;
    void refreshList();

    LicenseFilterBar *m_filters;
    LicenseTableModel *m_model;
    QTableView *m_table;
    LicenseColumns *m_columns;
    QComboBox *m_views;
    QPushButton *m_saveView;
    QPushButton *m_deleteView;
    QPushButton *m_revertView;
    QString m_current;      // the view chosen, until another or "(current filters)"
    QString m_currentState; // its filters and sort, as stateKey() says them
};

} // namespace lmo
