#pragma once

#include "storage/team.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QComboBox;
class QPushButton;

namespace lmo {

class BigTableView;
class Database;
class Document;
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
    LicenseViews(LicenseFilterBar *filters, LicenseTableModel *model, BigTableView *table, LicenseColumns *columns,
                 QWidget *parent = nullptr);

    QStringList names() const;
    void save(const QString &name);
    // On a team database the views kept in it are offered too (one's own and those shared with
    // one's role), and a view can be saved there, shared with roles.
    void setDatabase(Database *database, Document *document);
    // Saves the page as `name` in the team database, seen by `sharedWith` too; teamViewsRead()
    // follows (or saveFailed()).
    void saveToTeam(const QString &name, const QList<team::Role> &sharedWith);
    // The key a team view is chosen by (apply(), current()).
    static QString teamKey(const QString &owner, const QString &name);
    // Puts the view's filters, sort and columns on the page; false when there is no such view.
    bool apply(const QString &name);
    void remove(const QString &name);
    // The view chosen (empty: none) and whether the filters or the sort have moved from it.
    QString current() const { return m_current; }
    bool changed() const;
    void revert();
    // The filters or the sort moved: the mark and the buttons follow.
    void updateState();

signals:
    // The team's views were read (after a save or a delete too).
    void teamViewsRead();
    void saveFailed(const QString &error);

private:
    void loadTeamViews();
    void askToSave();
    QJsonObject currentView(const QString &name) const;
    bool applyView(const QJsonObject &view, const QString &key, const QString &shown);
    const team::TeamView *teamView(const QString &key) const;
    QString stateKey() const;
    void refreshList();

    LicenseFilterBar *m_filters;
    LicenseTableModel *m_model;
    BigTableView *m_table;
    LicenseColumns *m_columns;
    QComboBox *m_views;
    QPushButton *m_saveView;
    QPushButton *m_deleteView;
    QPushButton *m_revertView;
    Document *m_document = nullptr;
    Database *m_database = nullptr;
    bool m_team = false;
    std::vector<team::TeamView> m_teamViews;
    QString m_current;      // the view chosen, until another or "(current filters)"
    QString m_currentState; // its filters and sort, as stateKey() says them
};

} // namespace lmo
