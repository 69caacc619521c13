#pragma once

#include "metrics/dashboardmetrics.h"
#include "util/result.h"

#include <QList>
#include <QPageLayout>
#include <QPair>
#include <QPalette>
#include <QRectF>
#include <QSize>

class QChart;
class QPainter;

namespace lmo {

// Draws the dashboard's charts: the same QChart for the screen, PNG, SVG and PDF, always with
// its title, axis titles and values, in colours readable on light and dark backgrounds.
namespace ChartRenderer {

// A new chart for the data, coloured for `palette` (the caller owns it).
QChart *build(const ChartData &data, const QPalette &palette);

// Lays the chart out at `rect`'s size and paints it there (no screen involved): what the
// exports use, so they are drawn at their own size, not scaled up from a window. Above the chart:
// its title and, beneath that, the filters it was computed under (ChartData::scope), wrapped.
void paint(const ChartData &data, QPainter *painter, const QRectF &rect, const QPalette &palette);

// The donut's legend entries, each with its text and where it is drawn (the chart's
// coordinates, swatch and whole text). Empty for the other charts (Qt's legend: their series).
QList<QPair<QString, QRectF>> legendEntries(const QChart *chart);

// Writes one chart: PNG (pixels = size x scale), SVG or PDF (vector), by the file's extension.
Result<void> exportChart(const ChartData &data, const QString &path, QSize size, double scale = 1.0);

// The dashboard report: a title page (as-of day, filters, what a past day's figures cannot tell,
// KPI table), then one page per chart with its data table beneath, all inside the page's
// margins (reportPageLayout). Returns the number of pages.
Result<int> exportReport(const DashboardMetrics &metrics, const QString &path);

// A4 portrait with 15 mm margins.
QPageLayout reportPageLayout();

// The KPI rows of the dashboard and the report: label and value.
QList<QPair<QString, QString>> kpiRows(const DashboardMetrics &metrics);

// A light palette for exports (documents are read on paper and white slides).
QPalette exportPalette();

} // namespace ChartRenderer

} // namespace lmo
