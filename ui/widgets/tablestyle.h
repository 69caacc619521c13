#pragma once

class QTableView;

namespace lmo {

// The look and the performance settings every large table shares: fixed row heights, no
// resize-to-contents (which would read every row), alternating rows, whole-row selection.
void applyBigTableStyle(QTableView *table);
// Sizes each column to its header and a typical value, without reading the data.
void fitColumnsToHeader(QTableView *table, int minimumWidth = 90);

} // namespace lmo
