#pragma once

#include "metrics/dashboardmetrics.h"
#include "util/result.h"

#include <QPalette>
#include <QSize>

class QChart;
class QPainter;
class QRectF;

namespace lmo {

// Draws the dashboard's charts: the same QChart for the screen, PNG, SVG and PDF, always with
// its title, axis titles and values, in colours readable on light and dark backgrounds.
namespace ChartRenderer {

// A new chart for the data, coloured for `palette` (the caller owns it).
QChart *build(const ChartData &data, const QPalette &palette);

// Lays the chart out at `rect`'s size and paints it there (no screen involved): what the
// exports use, so they are drawn at their own size, not scaled up from a window.
void paint(const ChartData &data, QPainter *painter, const QRectF &rect, const QPalette &palette);

// Writes one chart: PNG (pixels = size x scale), SVG or PDF (vector), by the file's extension.
Result<void> exportChart(const ChartData &data, const QString &path, QSize size, double scale = 1.0);

// The dashboard report: a title page (as-of day, filters, KPI table), then one page per chart
// with its data table beneath. Returns the number of pages.
Result<int> exportReport(const DashboardMetrics &metrics, const QString &path);

// The KPI rows of the dashboard and the report: label and value.
QList<QPair<QString, QString>> kpiRows(const DashboardMetrics &metrics);

// A light palette for exports (documents are read on paper and white slides).
QPalette exportPalette();

} // namespace ChartRenderer

} // namespace lmo
