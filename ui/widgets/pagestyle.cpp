#include "widgets/pagestyle.h"

#include "widgets/bigtableview.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>

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

QTableWidget *makeListTable(const QStringList &headers, const QString &objectName, CellText text)
{
    auto *t = new QTableWidget(0, int(headers.size()));
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setWordWrap(text == CellText::Wrap);
    t->horizontalHeader()->setStretchLastSection(true);
    if (text == CellText::Elide)
        t->setAlternatingRowColors(true);
    return t;
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
