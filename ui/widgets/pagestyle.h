#pragma once

class QLabel;
class QString;
class QTableView;
class QWidget;

namespace lmo {

// How pages look. The settings every large table shares: fixed row heights, no
// resize-to-contents (which would read every row), alternating rows, whole-row selection.
void applyBigTableStyle(QTableView *table);
// Sizes each column to its header and a typical value, without reading the data.
void fitColumnsToHeader(QTableView *table, int minimumWidth = 90);

// The large bold title at the top of every page.
QLabel *makePageHeading(const QString &title, QWidget *parent);

} // namespace lmo
