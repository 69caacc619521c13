#pragma once

#include "shell/databasepage.h"

class QLabel;
class QTreeWidget;

namespace lmo {

// The six steps of designating the LMO, each with why it matters, and what this database
// already knows about the packages registered to it.
class LmoSetupPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit LmoSetupPage(QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    QTreeWidget *packagesTree() const { return m_packages; }

private:
    Database *m_database = nullptr;
    QLabel *m_facts;
    QTreeWidget *m_packages;
};

} // namespace lmo
