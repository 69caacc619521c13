#pragma once

#include <QAbstractItemView>

#include <limits>
#include <vector>

class QHeaderView;

namespace lmo {

// A table for lists of millions of rows. Every row has one height, so where a row is on screen is
// a product, not an entry kept per row. QTableView keeps one section per row in its vertical
// header (even hidden): at 10M licenses that is 80 MB per view and a stall of over a second each
// time the row count grows or the model resets. Here nothing is kept per row, and painting,
// hit-testing and selection touch only the rows on screen. Columns are a QHeaderView as in
// QTableView (sorting, moving, hiding, resizing, saved state), and the parts of QTableView's API
// that the pages use are here under the same names.
//
// Scrolling is by whole rows: the vertical scroll bar's value is the first row shown. Positions in
// pixels (for the selection a drag or Shift+click makes) are kept in int: lists up to about 40M
// rows at the default row height.
class BigTableView : public QAbstractItemView
{
    Q_OBJECT
public:
    explicit BigTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void setSelectionModel(QItemSelectionModel *selectionModel) override;
    QHeaderView *horizontalHeader() const { return m_header; }

    int rowHeight() const { return m_rowHeight; }
    void setRowHeight(int height);
    int columnWidth(int column) const;
    void setColumnWidth(int column, int width);
    bool isColumnHidden(int column) const;
    void setColumnHidden(int column, bool hide);
    bool isSortingEnabled() const { return m_sortingEnabled; }
    // As QTableView: turning sorting on sorts by the column the header's indicator shows.
    void setSortingEnabled(bool enable);
    void sortByColumn(int column, Qt::SortOrder order);
    void selectRow(int row);
    // The selected rows, in order and each once, at most `limit` of them; and how many there
    // are. From the selection's ranges: QItemSelectionModel::selectedRows() makes a model index
    // per row, 240 MB for a whole list of 10M.
    std::vector<int> selectedRowNumbers(qint64 limit = std::numeric_limits<qint64>::max()) const;
    qint64 selectedRowCount() const;

    // The row at a viewport y (-1 past the last row) and the column at a viewport x.
    int rowAt(int y) const;
    int columnAt(int x) const;
    int firstVisibleRow() const;
    // Rows wholly on screen.
    int visibleRowCount() const;

    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;
    int sizeHintForRow(int row) const override;
    // From the rows on screen, not every row (QAbstractItemView's reads them all).
    int sizeHintForColumn(int column) const override;
    void resizeColumnToContents(int column);
    void doItemsLayout() override;

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &index) const override;
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    QModelIndexList selectedIndexes() const override;
    void paintEvent(QPaintEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void updateGeometries() override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;

private:
    int rowCount() const;
    // A row's top in viewport coordinates, bounded so that rects built from it stay valid.
    int rowTop(qint64 row) const;
    // The row under a viewport y, not bounded to the rows there are.
    qint64 rawRowAt(int y) const;
    // The first and last column in visual order that are not hidden (-1: none).
    int firstVisualColumn() const;
    int lastVisualColumn() const;
    int nextVisualColumn(int visual, int step) const;

    QHeaderView *m_header;
    int m_rowHeight;
    bool m_sortingEnabled = false;
    bool m_inGeometries = false;
};

} // namespace lmo
