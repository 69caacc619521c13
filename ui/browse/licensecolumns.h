#pragma once

#include "browse/licensequery.h"

#include <QObject>

class QPoint;
class QTableView;

namespace lmo {

class LicenseTableModel;

// The license table's columns: their first order and widths, which are shown (the header's
// context menu), and their order, widths and sort kept in the settings.
class LicenseColumns : public QObject
{
    Q_OBJECT
public:
    LicenseColumns(QTableView *table, LicenseTableModel *model, QObject *parent = nullptr);

    // License, account, status, seats, used, expiration, then the rest.
    static QList<LicenseColumn> defaultOrder();
    // Every column shown, in the first order, as wide as what it usually holds.
    void reset();
    void save() const;
    // The columns as last saved, and the sort they show into the model's query.
    void restore();

signals:
    // The header's sort moved (the view state follows).
    void sortChanged();

private:
    void showMenu(const QPoint &pos);

    QTableView *m_table;
    LicenseTableModel *m_model;
};

} // namespace lmo
