#pragma once

// Two dashboards hold the same figures: every tile, every chart's categories and values.
#include "metrics/dashboardmetrics.h"

#include <QtTest>

namespace lmo::test {

inline void compareDashboards(const DashboardMetrics &a, const DashboardMetrics &b)
{
    QCOMPARE(a.stats.toJson(), b.stats.toJson());
    QCOMPARE(a.recentInstalls90, b.recentInstalls90);
    QCOMPARE(a.recentConverted90, b.recentConverted90);
    QCOMPARE(a.uninstalls30, b.uninstalls30);
    QCOMPARE(a.netThisMonth, b.netThisMonth);
    QCOMPARE(a.netLastMonth, b.netLastMonth);
    QCOMPARE(a.utilisationUsed, b.utilisationUsed);
    QCOMPARE(a.utilisationLicensed, b.utilisationLicensed);
    QCOMPARE(a.charts.size(), b.charts.size());
    for (size_t i = 0; i < a.charts.size(); ++i) {
        const ChartData &x = a.charts[i], &y = b.charts[i];
        QCOMPARE(x.title, y.title);
        QCOMPARE(x.scope, y.scope);
        QCOMPARE(x.categories, y.categories);
        QCOMPARE(x.series.size(), y.series.size());
        for (size_t s = 0; s < x.series.size(); ++s) {
            QCOMPARE(x.series[s].name, y.series[s].name);
            QCOMPARE(x.series[s].values, y.series[s].values);
        }
    }
}

} // namespace lmo::test
