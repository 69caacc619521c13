#pragma once

#include "browse/licensequery.h"

#include <QObject>

class QPoint;

namespace lmo {

class BigTableView;
class LicenseTableModel;

// The license table's columns: their first order and widths, which are shown (the header's
// context menu), and their order, widths and sort kept in the settings.
class LicenseColumns : public QObject
{
    Q_OBJECT
public:
    LicenseColumns(BigTableView *table, LicenseTableModel *model, QObject *parent = nullptr);

    // License, account, status, seats, used, expiration, then the rest.
    static QList<LicenseColumn> defaultOrder();
    // Every column shown, in the first order, as wide as what it usually holds.
    void reset();
    void save() const;
    // The columns as last saved, and the sort they show into the model's query.
    void restore();
    // The columns a team database's policy keeps from this login (their license table
    // columns, storage/team.h): hidden, and not offered in the header's menu. Empty: none.
    void setUnreadable(const QStringList &tableColumns);
    // The license table column a list column shows (seats, used_licenses, ...).
    static QStringList tableColumnsOf(LicenseColumn column);

signals:
    // The header's sort moved (the view state follows).
    void sortChanged();

private:
    void showMenu(const QPoint &pos);

    bool isUnreadable(int column) const;

    BigTableView *m_table;
    LicenseTableModel *m_model;
    QStringList m_unreadable;
};

} // namespace lmo
