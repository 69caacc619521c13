#include "widgets/pagestyle.h"

#include "widgets/bigtableview.h"

#include <QHeaderView>
#include <QLabel>

namespace lmo {

void applyBigTableStyle(BigTableView *table)
{
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setRowHeight(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

QLabel *makePageHeading(const QString &title, QWidget *parent)
{
    auto *heading = new QLabel(title, parent);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    heading->setFont(font);
    heading->setAccessibleName(title);
    return heading;
}

} // namespace lmo
