#pragma once

#include <QStringList>

class QLabel;
class QTableWidget;
class QWidget;

namespace lmo {

class BigTableView;

// How pages look. The settings every large table shares: a row height from the font,
// alternating rows, whole-row selection, columns that can be resized and the last one stretched.
void applyBigTableStyle(BigTableView *table);

// A small list of whole rows (a few hundred at most): one row selected at a time, nothing
// editable, the last column stretched. `wrap`: long values wrap onto more lines (else they are
// elided, whole in their tooltip).
enum class CellText { Wrap, Elide };
QTableWidget *makeListTable(const QStringList &headers, const QString &objectName, CellText text);

// The large bold title at the top of every page.
QLabel *makePageHeading(const QString &title, QWidget *parent);

} // namespace lmo
