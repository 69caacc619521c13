#include "widgets/pagestyle.h"

#include <QAbstractItemModel>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>

namespace lmo {

void applyBigTableStyle(QTableView *table)
{
    table->setAlternatingRowColors(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

void fitColumnsToHeader(QTableView *table, int minimumWidth)
{
    QAbstractItemModel *model = table->model();
    if (!model)
        return;
    const QFontMetrics fm(table->horizontalHeader()->font());
    const QFontMetrics cellFm(table->font());
    for (int c = 0; c < model->columnCount(); ++c) {
        const QString header = model->headerData(c, Qt::Horizontal).toString();
        // A sample of the first rows only: the model may hold a million.
        int width = fm.horizontalAdvance(header) + 28;
        for (int r = 0; r < qMin(40, model->rowCount()); ++r)
            width = qMax(width, cellFm.horizontalAdvance(model->index(r, c).data().toString()) + 20);
        table->setColumnWidth(c, qBound(minimumWidth, width, 320));
    }
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
