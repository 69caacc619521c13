#include "widgets/bigtableview.h"

#include <QHeaderView>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace lmo {

namespace {

// Pixel positions stay well inside int, so that QRect's width and height cannot overflow.
constexpr qint64 kPixelBound = 1'000'000'000;

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

} // namespace

BigTableView::BigTableView(QWidget *parent)
    : QAbstractItemView(parent), m_header(new QHeaderView(Qt::Horizontal, this)),
      m_rowHeight(fontMetrics().height() + 8)
{
    m_header->setSectionsClickable(true);
    setVerticalScrollMode(ScrollPerItem);
    setHorizontalScrollMode(ScrollPerPixel);
    setSelectionBehavior(SelectRows);
    setEditTriggers(NoEditTriggers);
    connect(m_header, &QHeaderView::sectionResized, this, [this] {
        updateGeometries();
        viewport()->update();
    });
    connect(m_header, &QHeaderView::sectionMoved, viewport(), qOverload<>(&QWidget::update));
    connect(m_header, &QHeaderView::sectionCountChanged, this, &BigTableView::updateGeometries);
    connect(m_header, &QHeaderView::geometriesChanged, this, &BigTableView::updateGeometries);
    connect(m_header, &QHeaderView::sectionHandleDoubleClicked, this, &BigTableView::resizeColumnToContents);
    connect(m_header, &QHeaderView::sortIndicatorChanged, this, [this](int column, Qt::SortOrder order) {
        if (m_sortingEnabled && model())
            model()->sort(column, order);
    });
}

void BigTableView::setModel(QAbstractItemModel *newModel)
{
    if (newModel == model())
        return;
    if (QAbstractItemModel *old = model())
        disconnect(old, nullptr, this, nullptr);
    // The header first: the view's new selection model is handed to it, and must be of its model.
    m_header->setModel(newModel);
    QAbstractItemView::setModel(newModel);
    if (newModel) {
        connect(newModel, &QAbstractItemModel::rowsRemoved, this, [this] {
            updateGeometries();
            viewport()->update();
        });
        connect(newModel, &QAbstractItemModel::modelReset, this, &BigTableView::updateGeometries);
        connect(newModel, &QAbstractItemModel::layoutChanged, this, &BigTableView::updateGeometries);
    }
    updateGeometries();
}

void BigTableView::setSelectionModel(QItemSelectionModel *selectionModel)
{
    m_header->setSelectionModel(selectionModel);
    QAbstractItemView::setSelectionModel(selectionModel);
}

void BigTableView::setRowHeight(int height)
{
    m_rowHeight = qMax(1, height);
    updateGeometries();
    viewport()->update();
}

int BigTableView::columnWidth(int column) const
{
    return m_header->sectionSize(column);
}

void BigTableView::setColumnWidth(int column, int width)
{
    m_header->resizeSection(column, width);
}

bool BigTableView::isColumnHidden(int column) const
{
    return m_header->isSectionHidden(column);
}

void BigTableView::setColumnHidden(int column, bool hide)
{
    m_header->setSectionHidden(column, hide);
    updateGeometries();
    viewport()->update();
}

void BigTableView::setSortingEnabled(bool enable)
{
    m_sortingEnabled = enable;
    m_header->setSortIndicatorShown(enable);
    if (enable) {
        m_header->setSectionsClickable(true);
        sortByColumn(m_header->sortIndicatorSection(), m_header->sortIndicatorOrder());
    }
}

void BigTableView::sortByColumn(int column, Qt::SortOrder order)
{
    if (column < -1 || !model())
        return;
    const bool changes = m_header->sortIndicatorSection() != column || m_header->sortIndicatorOrder() != order;
    m_header->setSortIndicator(column, order);
    // A changed indicator sorts through its signal when sorting is on; otherwise sort here. Once
    // either way.
    if (!changes || !m_sortingEnabled)
        model()->sort(column, order);
}

void BigTableView::selectRow(int row)
{
    QItemSelectionModel *selection = selectionModel();
    if (!selection || row < 0 || row >= rowCount())
        return;
    int column = currentIndex().isValid() ? currentIndex().column() : -1;
    if (column < 0 || isColumnHidden(column)) {
        const int visual = firstVisualColumn();
        if (visual < 0)
            return;
        column = m_header->logicalIndex(visual);
    }
    const QModelIndex index = model()->index(row, column, rootIndex());
    selection->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    selection->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

namespace {

// The selection's row spans, sorted and merged (a range per column block may cover the same rows).
std::vector<std::pair<int, int>> rowSpans(const QItemSelectionModel *selection, const QModelIndex &root)
{
    std::vector<std::pair<int, int>> spans;
    if (!selection)
        return spans;
    for (const QItemSelectionRange &range : selection->selection())
        if (range.isValid() && range.parent() == root)
            spans.emplace_back(range.top(), range.bottom());
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<int, int>> merged;
    for (const auto &span : spans) {
        if (!merged.empty() && span.first <= merged.back().second + 1)
            merged.back().second = qMax(merged.back().second, span.second);
        else
            merged.push_back(span);
    }
    return merged;
}

} // namespace

std::vector<int> BigTableView::selectedRowNumbers(qint64 limit) const
{
    std::vector<int> rows;
    for (const auto &[top, bottom] : rowSpans(selectionModel(), rootIndex()))
        for (int row = top; row <= bottom && qint64(rows.size()) < limit; ++row)
            rows.push_back(row);
    return rows;
}

qint64 BigTableView::selectedRowCount() const
{
    qint64 count = 0;
    for (const auto &[top, bottom] : rowSpans(selectionModel(), rootIndex()))
        count += bottom - top + 1;
    return count;
}

int BigTableView::rowCount() const
{
    return model() ? model()->rowCount(rootIndex()) : 0;
}

int BigTableView::firstVisibleRow() const
{
    return verticalScrollBar()->value();
}

int BigTableView::visibleRowCount() const
{
    return qMax(1, viewport()->height() / m_rowHeight);
}

int BigTableView::rowTop(qint64 row) const
{
    return int(std::clamp((row - firstVisibleRow()) * m_rowHeight, -kPixelBound, kPixelBound));
}

qint64 BigTableView::rawRowAt(int y) const
{
    return firstVisibleRow() + floorDiv(y, m_rowHeight);
}

int BigTableView::rowAt(int y) const
{
    const qint64 row = rawRowAt(y);
    return row < 0 || row >= rowCount() ? -1 : int(row);
}

int BigTableView::columnAt(int x) const
{
    return m_header->logicalIndexAt(x);
}

int BigTableView::firstVisualColumn() const
{
    for (int v = 0; v < m_header->count(); ++v)
        if (!m_header->isSectionHidden(m_header->logicalIndex(v)))
            return v;
    return -1;
}

int BigTableView::lastVisualColumn() const
{
    for (int v = m_header->count() - 1; v >= 0; --v)
        if (!m_header->isSectionHidden(m_header->logicalIndex(v)))
            return v;
    return -1;
}

int BigTableView::nextVisualColumn(int visual, int step) const
{
    for (int v = visual + step; v >= 0 && v < m_header->count(); v += step)
        if (!m_header->isSectionHidden(m_header->logicalIndex(v)))
            return v;
    return visual;
}

QRect BigTableView::visualRect(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != model() || index.parent() != rootIndex() || isIndexHidden(index))
        return {};
    return QRect(m_header->sectionViewportPosition(index.column()), rowTop(index.row()),
                 m_header->sectionSize(index.column()), m_rowHeight);
}

void BigTableView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    if (!index.isValid() || index.model() != model())
        return;
    const int row = index.row();
    const int first = firstVisibleRow();
    const int visible = visibleRowCount();
    int target = first;
    switch (hint) {
    case EnsureVisible:
        if (row < first)
            target = row;
        else if (row >= first + visible)
            target = row - visible + 1;
        break;
    case PositionAtTop:
        target = row;
        break;
    case PositionAtBottom:
        target = row - visible + 1;
        break;
    case PositionAtCenter:
        target = row - visible / 2;
        break;
    }
    verticalScrollBar()->setValue(target);
    const int column = index.column();
    if (isColumnHidden(column))
        return;
    const int left = m_header->sectionPosition(column);
    const int right = left + m_header->sectionSize(column);
    const int offset = horizontalScrollBar()->value();
    const int width = viewport()->width();
    if (left < offset)
        horizontalScrollBar()->setValue(left);
    else if (right > offset + width)
        horizontalScrollBar()->setValue(qMin(left, right - width));
}

QModelIndex BigTableView::indexAt(const QPoint &point) const
{
    const int row = rowAt(point.y());
    const int column = columnAt(point.x());
    if (row < 0 || column < 0)
        return {};
    return model()->index(row, column, rootIndex());
}

int BigTableView::sizeHintForRow(int) const
{
    return m_rowHeight;
}

int BigTableView::sizeHintForColumn(int column) const
{
    if (!model())
        return -1;
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    int width = 0;
    const int first = firstVisibleRow();
    const int last = qMin(rowCount() - 1, first + visibleRowCount());
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = model()->index(row, column, rootIndex());
        width = qMax(width, itemDelegateForIndex(index)->sizeHint(option, index).width());
    }
    return width;
}

void BigTableView::resizeColumnToContents(int column)
{
    setColumnWidth(column, qMax(sizeHintForColumn(column), m_header->sectionSizeHint(column)));
}

void BigTableView::doItemsLayout()
{
    QAbstractItemView::doItemsLayout();
    updateGeometries();
}

QModelIndex BigTableView::moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers)
{
    const int rows = rowCount();
    const int firstColumn = firstVisualColumn();
    if (rows == 0 || firstColumn < 0)
        return {};
    const QModelIndex current = currentIndex();
    if (!current.isValid())
        return model()->index(0, m_header->logicalIndex(firstColumn), rootIndex());
    qint64 row = current.row();
    int visual = m_header->visualIndex(current.column());
    // A list that selects whole rows goes to its first and last row on Home and End (a table of
    // cells, as QTableView, only with Ctrl).
    const bool byRow = selectionBehavior() == SelectRows || modifiers.testFlag(Qt::ControlModifier);
    switch (action) {
    case MoveUp:
        --row;
        break;
    case MoveDown:
        ++row;
        break;
    case MovePageUp:
        row -= visibleRowCount();
        break;
    case MovePageDown:
        row += visibleRowCount();
        break;
    case MoveHome:
        if (byRow)
            row = 0;
        else
            visual = firstColumn;
        break;
    case MoveEnd:
        if (byRow)
            row = rows - 1;
        else
            visual = lastVisualColumn();
        break;
    case MoveLeft:
    case MovePrevious:
        visual = nextVisualColumn(visual, isRightToLeft() ? 1 : -1);
        break;
    case MoveRight:
    case MoveNext:
        visual = nextVisualColumn(visual, isRightToLeft() ? -1 : 1);
        break;
    }
    row = std::clamp<qint64>(row, 0, rows - 1);
    return model()->index(int(row), m_header->logicalIndex(visual), rootIndex());
}

int BigTableView::horizontalOffset() const
{
    return m_header->offset();
}

int BigTableView::verticalOffset() const
{
    return int(std::min<qint64>(qint64(firstVisibleRow()) * m_rowHeight, kPixelBound));
}

bool BigTableView::isIndexHidden(const QModelIndex &index) const
{
    return m_header->isSectionHidden(index.column());
}

void BigTableView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command)
{
    QItemSelectionModel *selection = selectionModel();
    const int rows = rowCount();
    if (!selection)
        return;
    const QRect r = rect.normalized();
    const qint64 top = std::max<qint64>(rawRowAt(r.top()), 0);
    const qint64 bottom = std::min<qint64>(rawRowAt(r.bottom()), rows - 1);
    QItemSelection chosen;
    if (top <= bottom && m_header->count() > 0) {
        if (selectionBehavior() == SelectRows) {
            chosen.select(model()->index(int(top), 0, rootIndex()),
                          model()->index(int(bottom), m_header->count() - 1, rootIndex()));
        } else {
            int from = m_header->visualIndexAt(r.left());
            int to = m_header->visualIndexAt(r.right());
            if (from < 0)
                from = r.left() < 0 ? 0 : m_header->count() - 1;
            if (to < 0)
                to = r.right() < 0 ? 0 : m_header->count() - 1;
            for (int v = qMin(from, to); v <= qMax(from, to); ++v) {
                const int column = m_header->logicalIndex(v);
                if (!m_header->isSectionHidden(column))
                    chosen.merge(QItemSelection(model()->index(int(top), column, rootIndex()),
                                                model()->index(int(bottom), column, rootIndex())),
                                 QItemSelectionModel::Select);
            }
        }
    }
    selection->select(chosen, command);
}

QRegion BigTableView::visualRegionForSelection(const QItemSelection &selection) const
{
    QRegion region;
    const int first = firstVisibleRow();
    const int last = first + visibleRowCount();
    for (const QItemSelectionRange &range : selection) {
        if (!range.isValid() || range.parent() != rootIndex())
            continue;
        const int top = qMax(range.top(), first);
        const int bottom = qMin(range.bottom(), last);
        if (top > bottom)
            continue;
        for (int column = range.left(); column <= range.right(); ++column) {
            if (m_header->isSectionHidden(column))
                continue;
            region += QRect(m_header->sectionViewportPosition(column), rowTop(top), m_header->sectionSize(column),
                            (bottom - top + 1) * m_rowHeight);
        }
    }
    return region;
}

QModelIndexList BigTableView::selectedIndexes() const
{
    // Only those on screen: a whole list selected is millions of cells (what the pages act on
    // comes from the selection model's ranges, not from here).
    QModelIndexList indexes;
    const QItemSelectionModel *selection = selectionModel();
    if (!selection)
        return indexes;
    const int first = firstVisibleRow();
    const int last = qMin(rowCount() - 1, first + visibleRowCount());
    for (int row = first; row <= last; ++row)
        for (int column = 0; column < m_header->count(); ++column) {
            const QModelIndex index = model()->index(row, column, rootIndex());
            if (!isIndexHidden(index) && selection->isSelected(index))
                indexes << index;
        }
    return indexes;
}

void BigTableView::paintEvent(QPaintEvent *event)
{
    if (!model() || m_header->count() == 0)
        return;
    QPainter painter(viewport());
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QStyle::State baseState = option.state;
    const QItemSelectionModel *selection = selectionModel();
    const QModelIndex current = currentIndex();
    const bool focus = hasFocus() && current.isValid();
    const QRect dirty = event->rect();
    const int rows = rowCount();
    const int first = qMax<qint64>(rawRowAt(dirty.top()), 0);
    const int last = int(std::min<qint64>(rawRowAt(dirty.bottom()), rows - 1));
    int fromVisual = m_header->visualIndexAt(dirty.left());
    int toVisual = m_header->visualIndexAt(dirty.right());
    if (fromVisual < 0)
        fromVisual = 0;
    if (toVisual < 0)
        toVisual = m_header->count() - 1;
    for (int row = first; row <= last; ++row) {
        const int top = rowTop(row);
        for (int v = fromVisual; v <= toVisual; ++v) {
            const int column = m_header->logicalIndex(v);
            if (m_header->isSectionHidden(column))
                continue;
            const QModelIndex index = model()->index(row, column, rootIndex());
            option.rect = QRect(m_header->sectionViewportPosition(column), top, m_header->sectionSize(column), m_rowHeight);
            option.state = baseState;
            if (selection && selection->isSelected(index))
                option.state |= QStyle::State_Selected;
            if (focus && index == current)
                option.state |= QStyle::State_HasFocus;
            if (!(model()->flags(index) & Qt::ItemIsEnabled))
                option.state &= ~QStyle::State_Enabled;
            option.features.setFlag(QStyleOptionViewItem::Alternate, alternatingRowColors() && (row & 1));
            style()->drawPrimitive(QStyle::PE_PanelItemViewRow, &option, &painter, this);
            itemDelegateForIndex(index)->paint(&painter, option, index);
        }
    }
}

void BigTableView::scrollContentsBy(int dx, int)
{
    if (dx)
        m_header->setOffset(horizontalScrollBar()->value());
    viewport()->update();
}

void BigTableView::updateGeometries()
{
    if (m_inGeometries)
        return;
    m_inGeometries = true;
    const int headerHeight =
        m_header->isHidden() ? 0 : qBound(m_header->minimumHeight(), m_header->sizeHint().height(), m_header->maximumHeight());
    setViewportMargins(0, headerHeight, 0, 0);
    const QRect area = viewport()->geometry();
    m_header->setGeometry(area.left(), area.top() - headerHeight, area.width(), headerHeight);
    if (m_header->isHidden())
        QMetaObject::invokeMethod(m_header, "updateGeometries");

    const int visible = visibleRowCount();
    QScrollBar *vertical = verticalScrollBar();
    vertical->setSingleStep(1);
    vertical->setPageStep(visible);
    vertical->setRange(0, qMax(0, rowCount() - visible));

    QScrollBar *horizontal = horizontalScrollBar();
    horizontal->setSingleStep(qMax(1, m_header->defaultSectionSize() / 5));
    horizontal->setPageStep(area.width());
    horizontal->setRange(0, qMax(0, m_header->length() - area.width()));
    m_header->setOffset(horizontal->value());
    m_inGeometries = false;
    QAbstractItemView::updateGeometries();
}

void BigTableView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    updateGeometries();
    viewport()->update();
}

void BigTableView::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end)
{
    QAbstractItemView::rowsAboutToBeRemoved(parent, start, end);
    viewport()->update();
}

} // namespace lmo
