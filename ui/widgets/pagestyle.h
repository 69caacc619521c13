#pragma once

class QLabel;
class QString;
class QWidget;

namespace lmo {

class BigTableView;

// How pages look. The settings every large table shares: a row height from the font,
// alternating rows, whole-row selection, columns that can be resized and the last one stretched.
void applyBigTableStyle(BigTableView *table);

// The large bold title at the top of every page.
QLabel *makePageHeading(const QString &title, QWidget *parent);

} // namespace lmo
