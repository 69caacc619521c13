#pragma once

#include "widgets/querytablepage.h"

namespace lmo {

// Every license, newest first. (A first table: filters, sorting and editing come with the
// windowed license browser.)
class LicensesPage : public QueryTablePage
{
    Q_OBJECT
public:
    explicit LicensesPage(QWidget *parent = nullptr);

protected:
    QString summaryFor(qint64 count) const override;
};

} // namespace lmo
