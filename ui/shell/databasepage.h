#pragma once

#include <QWidget>

namespace lmo {

class Database;

// A page of the main window that shows what the open database holds.
class DatabasePage : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    // nullptr when no database is open. The page must not keep using the old one.
    virtual void setDatabase(Database *database) = 0;
    // Reload after the data changed underneath (an import, a demo).
    virtual void reload() = 0;
};

} // namespace lmo
