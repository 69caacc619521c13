#pragma once

#include "widgets/querytablepage.h"

namespace lmo {

// One row per subscriber org (licenses sharing a 15-character org id).
class SubscribersPage : public QueryTablePage
{
    Q_OBJECT
public:
    explicit SubscribersPage(QWidget *parent = nullptr);

protected:
    QString summaryFor(qint64 count) const override;
};

} // namespace lmo
