// The table the Licenses and Subscribers pages browse millions of rows with: nothing kept per
// row, and the parts of QTableView's behaviour people use (keys, clicks, Shift and Ctrl, sorting,
// hidden and moved columns, a list that shrinks under the view) on a model of 20 million rows.

#include "widgets/bigtableview.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

using namespace lmo;
using namespace Qt::StringLiterals;

namespace {

// Rows are numbers; it remembers which rows were read and each sort asked of it.
class CountingModel : public QAbstractTableModel
{
public:
    explicit CountingModel(int rows, int columns = 6) : m_rows(rows), m_columns(columns) {}

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : m_rows; }
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : m_columns; }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || index.row() >= m_rows || index.column() >= m_columns) {
            ++badReads;
            return {};
        }
        if (role != Qt::DisplayRole)
            return {};
        highestRowRead = qMax(highestRowRead, index.row());
        lowestRowRead = qMin(lowestRowRead, index.row());
        return u"r%1c%2"_s.arg(index.row()).arg(index.column());
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
            return u"Column %1"_s.arg(section);
        return {};
    }
    void sort(int column, Qt::SortOrder order) override { sorts.append({column, order}); }

    void shrinkTo(int rows)
    {
        beginRemoveRows({}, rows, m_rows - 1);
        m_rows = rows;
        endRemoveRows();
    }
    void growTo(int rows)
    {
        beginInsertRows({}, m_rows, rows - 1);
        m_rows = rows;
        endInsertRows();
    }
    void resetReads()
    {
        highestRowRead = -1;
        lowestRowRead = std::numeric_limits<int>::max();
    }

    mutable int highestRowRead = -1;
    mutable int lowestRowRead = std::numeric_limits<int>::max();
    mutable int badReads = 0;
    QList<QPair<int, Qt::SortOrder>> sorts;

private:
    int m_rows;
    int m_columns;
};

// Reaches the protected selectedIndexes().
class OpenView : public BigTableView
{
public:
    using BigTableView::selectedIndexes;
};

constexpr int kBig = 20'000'000;

} // namespace

class TestBigTableView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CountingModel> m_model;
    std::unique_ptr<OpenView> m_view;

    void open(int rows)
    {
        m_view.reset();
        m_model = std::make_unique<CountingModel>(rows);
        m_view = std::make_unique<OpenView>();
        m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
        m_view->setModel(m_model.get());
        m_view->resize(800, 500);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        m_view->setFocus();
    }
    QModelIndex at(int row, int column = 0) const { return m_model->index(row, column); }
    // The viewport point at the middle of a row's first visible cell.
    QPoint pointOf(int row) const { return m_view->visualRect(at(row, 1)).center(); }
    QList<QPair<int, int>> selectedRanges() const
    {
        QList<QPair<int, int>> ranges;
        for (const QItemSelectionRange &r : m_view->selectionModel()->selection())
            ranges.append({r.top(), r.bottom()});
        return ranges;
    }
    int currentRow() const { return m_view->currentIndex().row(); }

private slots:
    void keepsNoHeaderPerRow()
    {
        open(kBig);
        const QList<QHeaderView *> headers = m_view->findChildren<QHeaderView *>();
        QCOMPARE(headers.size(), 1);
        QCOMPARE(headers.first()->orientation(), Qt::Horizontal);
        QCOMPARE(headers.first()->count(), 6);
        const int visible = m_view->visibleRowCount();
        QVERIFY(visible > 5);
        QCOMPARE(m_view->verticalScrollBar()->maximum(), kBig - visible);
        QCOMPARE(m_view->verticalScrollBar()->pageStep(), visible);
    }

    void aPointAndItsCellAgreeAnywhereInTheList()
    {
        open(kBig);
        m_view->horizontalHeader()->moveSection(4, 0);
        m_view->setColumnHidden(2, true);
        for (int row : {0, 1, 12'345'678, kBig - 1}) {
            m_view->scrollTo(at(row), QAbstractItemView::PositionAtCenter);
            for (int column : {0, 1, 3, 4, 5}) {
                const QRect rect = m_view->visualRect(at(row, column));
                QVERIFY2(m_view->viewport()->rect().intersects(rect), qPrintable(u"row %1 column %2"_s.arg(row).arg(column)));
                QCOMPARE(m_view->indexAt(rect.center()), at(row, column));
            }
            QVERIFY(m_view->visualRect(at(row, 2)).isNull()); // hidden
        }
        // Column 4 was moved first: it is the leftmost.
        QCOMPARE(m_view->columnAt(2), 4);
        // The last row goes no higher than the bottom of the view.
        m_view->scrollTo(at(kBig - 1), QAbstractItemView::PositionAtTop);
        QCOMPARE(m_view->firstVisibleRow(), kBig - m_view->visibleRowCount());
        QCOMPARE(m_model->badReads, 0);

        // Below the last row of a short list: nothing.
        open(5);
        QCOMPARE(m_view->indexAt(QPoint(5, m_view->rowHeight() * 4 + 2)), at(4, 0));
        QCOMPARE(m_view->indexAt(QPoint(5, m_view->rowHeight() * 5 + 2)), QModelIndex());
        QCOMPARE(m_view->rowAt(m_view->rowHeight() * 7), -1);
    }

    void paintsAndReadsOnlyTheRowsOnScreen()
    {
        open(kBig);
        m_view->scrollTo(at(9'000'000), QAbstractItemView::PositionAtTop);
        m_model->resetReads();
        m_view->viewport()->repaint();
        QCOMPARE(m_model->lowestRowRead, 9'000'000);
        QVERIFY(m_model->highestRowRead <= 9'000'000 + m_view->visibleRowCount() + 1);
        QVERIFY(m_model->highestRowRead >= 9'000'000 + m_view->visibleRowCount() - 1);

        // What a double click on a column's edge reads to fit it: the rows on screen.
        m_model->resetReads();
        m_view->resizeColumnToContents(1);
        QVERIFY(m_model->lowestRowRead >= 9'000'000);
        QVERIFY(m_model->highestRowRead <= 9'000'000 + m_view->visibleRowCount() + 1);
        QVERIFY(m_view->columnWidth(1) >= m_view->fontMetrics().horizontalAdvance(u"r9000000c1"_s));
        QCOMPARE(m_model->badReads, 0);
    }

    void aSelectedRowIsPaintedAsSelected()
    {
        open(100);
        m_view->selectRow(2);
        const QImage image = m_view->viewport()->grab().toImage();
        const QRect selected = m_view->visualRect(at(2, 1));
        const QRect plain = m_view->visualRect(at(4, 1));
        // The right edge of the cell: past its text.
        const QColor highlight = image.pixelColor(selected.right() - 3, selected.center().y());
        const QColor base = image.pixelColor(plain.right() - 3, plain.center().y());
        QCOMPARE(highlight, m_view->palette().color(QPalette::Active, QPalette::Highlight));
        QVERIFY(base != highlight);
    }

    void keysMoveAndExtendAsInAnyList()
    {
        open(kBig);
        QTest::keyClick(m_view.get(), Qt::Key_Home);
        QCOMPARE(currentRow(), 0);
        QTest::keyClick(m_view.get(), Qt::Key_Down);
        QCOMPARE(currentRow(), 1);
        QTest::keyClick(m_view.get(), Qt::Key_PageDown);
        QCOMPARE(currentRow(), 1 + m_view->visibleRowCount());
        QTest::keyClick(m_view.get(), Qt::Key_PageUp);
        QCOMPARE(currentRow(), 1);
        QTest::keyClick(m_view.get(), Qt::Key_Up);
        QTest::keyClick(m_view.get(), Qt::Key_Up); // stays on the first
        QCOMPARE(currentRow(), 0);
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{0, 0}}));

        // Shift+End: every row from the current one, as one range, and the last row on screen.
        QTest::keyClick(m_view.get(), Qt::Key_End, Qt::ShiftModifier);
        QCOMPARE(currentRow(), kBig - 1);
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{0, kBig - 1}}));
        QVERIFY(m_view->viewport()->rect().contains(m_view->visualRect(at(kBig - 1, 1))));
        // What the view itself lists of it is what is on screen, not 120M cells.
        QVERIFY(m_view->selectedIndexes().size() <= (m_view->visibleRowCount() + 1) * 6);

        QTest::keyClick(m_view.get(), Qt::Key_Home);
        QCOMPARE(currentRow(), 0);
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{0, 0}}));
        QCOMPARE(m_view->firstVisibleRow(), 0);

        QTest::keyClick(m_view.get(), Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{0, kBig - 1}}));
        QCOMPARE(m_view->selectedRowCount(), qint64(kBig));
        QCOMPARE(m_view->selectedRowNumbers(3), (std::vector<int>{0, 1, 2}));
    }

    void clicksSelectAsInAnyList()
    {
        open(kBig);
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, pointOf(3));
        QCOMPARE(currentRow(), 3);
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{3, 3}}));
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, Qt::ShiftModifier, pointOf(7));
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{3, 7}}));
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, Qt::ControlModifier, pointOf(10));
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{3, 7}, {10, 10}}));
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, Qt::ControlModifier, pointOf(5));
        QCOMPARE(m_view->selectionModel()->selectedRows().size(), 5);
        QCOMPARE(m_view->selectedRowNumbers(), (std::vector<int>{3, 4, 6, 7, 10}));
        QCOMPARE(m_view->selectedRowCount(), 5);
        QCOMPARE(m_view->selectedRowNumbers(2), (std::vector<int>{3, 4}));

        // Shift+click far away, after scrolling: the pixels between the two rows are 480M.
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, pointOf(0));
        m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum());
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, Qt::ShiftModifier, pointOf(kBig - 1));
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{0, kBig - 1}}));
        QCOMPARE(m_model->badReads, 0);
    }

    void aDragSelectsTheRowsItCrosses()
    {
        open(1000);
        QTest::mousePress(m_view->viewport(), Qt::LeftButton, {}, pointOf(2));
        QMouseEvent move(QEvent::MouseMove, pointOf(6), m_view->viewport()->mapToGlobal(pointOf(6)), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QApplication::sendEvent(m_view->viewport(), &move);
        QTest::mouseRelease(m_view->viewport(), Qt::LeftButton, {}, pointOf(6));
        QCOMPARE(selectedRanges(), (QList<QPair<int, int>>{{2, 6}}));
    }

    void sortsOnceForEachWayOfAskingAndNotWhenOff()
    {
        open(1000);
        QCOMPARE(m_model->sorts.size(), 0);
        m_view->horizontalHeader()->setSortIndicator(2, Qt::DescendingOrder);
        QCOMPARE(m_model->sorts.size(), 0); // sorting off: only the indicator moves
        m_view->setSortingEnabled(true);    // as QTableView: sorts by what the indicator shows
        QCOMPARE(m_model->sorts, (QList<QPair<int, Qt::SortOrder>>{{2, Qt::DescendingOrder}}));
        m_view->sortByColumn(2, Qt::DescendingOrder); // the same again: sorted again, once
        m_view->sortByColumn(3, Qt::AscendingOrder);
        QCOMPARE(m_model->sorts.size(), 3);
        QCOMPARE(m_model->sorts.last(), (QPair<int, Qt::SortOrder>{3, Qt::AscendingOrder}));
        QCOMPARE(m_view->horizontalHeader()->sortIndicatorSection(), 3);

        // A click on a column's title.
        QHeaderView *header = m_view->horizontalHeader();
        const QPoint title(header->sectionViewportPosition(1) + header->sectionSize(1) / 2, header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, title);
        QCOMPARE(m_model->sorts.size(), 4);
        QCOMPARE(m_model->sorts.last().first, 1);

        m_view->setSortingEnabled(false);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, title);
        QCOMPARE(m_model->sorts.size(), 4);
    }

    void aListThatShrinksOrGrowsUnderTheViewStaysTrue()
    {
        open(kBig);
        m_view->scrollTo(at(kBig - 1), QAbstractItemView::PositionAtBottom);
        QVERIFY(m_view->firstVisibleRow() > kBig - 100);
        m_model->shrinkTo(10);
        QCOMPARE(m_view->verticalScrollBar()->maximum(), 0);
        QCOMPARE(m_view->firstVisibleRow(), 0);
        m_model->resetReads();
        m_view->viewport()->repaint();
        QCOMPARE(m_model->highestRowRead, 9);
        QCOMPARE(m_model->badReads, 0);

        m_model->growTo(kBig);
        QCOMPARE(m_view->verticalScrollBar()->maximum(), kBig - m_view->visibleRowCount());
        QTest::keyClick(m_view.get(), Qt::Key_End);
        QCOMPARE(currentRow(), kBig - 1);

        // A resize changes how many rows a page is.
        const int before = m_view->visibleRowCount();
        m_view->resize(800, 900);
        QTRY_VERIFY(m_view->visibleRowCount() > before);
        QCOMPARE(m_view->verticalScrollBar()->pageStep(), m_view->visibleRowCount());
        QCOMPARE(m_view->verticalScrollBar()->maximum(), kBig - m_view->visibleRowCount());
    }

    void wideColumnsScrollSideways()
    {
        open(100);
        for (int c = 0; c < 6; ++c)
            m_view->setColumnWidth(c, 300);
        QHeaderView *header = m_view->horizontalHeader();
        QVERIFY(m_view->horizontalScrollBar()->maximum() > 0);
        m_view->setCurrentIndex(at(0, 0));
        QTest::keyClick(m_view.get(), Qt::Key_End, Qt::NoModifier); // rows: to the last row
        QCOMPARE(currentRow(), 99);
        m_view->scrollTo(at(50, 5));
        QVERIFY(m_view->viewport()->rect().contains(m_view->visualRect(at(50, 5)).topRight() - QPoint(1, 0)));
        QCOMPARE(header->offset(), m_view->horizontalScrollBar()->value());
        QCOMPARE(m_view->indexAt(m_view->visualRect(at(50, 5)).center()), at(50, 5));
    }
};

QTEST_MAIN(TestBigTableView)
#include "tst_bigtableview.moc"
