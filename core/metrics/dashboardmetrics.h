#pragma once

#include "metrics/installbasestats.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>

#include <optional>
#include <vector>

namespace lmo {

// The dashboard's charts, by the ids `lmodesk export-chart --chart` takes.
enum class ChartId {
    InstallsByMonth,
    StatusMix,
    EditionMix,
    VersionAdoption,
    SeatUtilization,
    ExpirationsByMonth,
    TopInstances,
};
inline constexpr int kChartCount = int(ChartId::TopInstances) + 1;
QString chartKey(ChartId id); // "installs-by-month"
std::optional<ChartId> chartFromKey(const QString &key);

// One chart's numbers: categories along one axis, one or more series of counts over them.
struct ChartData
{
    enum class Kind { Bars, HorizontalBars, Donut, BarsAndLine };
    ChartId id = ChartId::StatusMix;
    Kind kind = Kind::Bars;
    QString title;
    QString categoryAxis; // "Month"
    QString valueAxis;    // "Licenses"
    QString note;         // what is counted, in a sentence (under the chart, in the report)
    QString scope;        // the filters it was computed under (dashboardScope): an export's subtitle
    QStringList categories;
    struct Series
    {
        QString name;
        std::vector<qint64> values; // one per category
        bool line = false;          // drawn as a line over the bars
    };
    std::vector<Series> series;

    qint64 total(size_t series = 0) const;
};

// Every figure the dashboard shows, for one filter: the summary of `lmodesk stats` (the same
// computation) and the KPIs and charts beyond it.
struct DashboardMetrics
{
    InstallBaseFilter filter;
    InstallBaseStats stats;
    // Installed in the last 90 days and now Active, against those now Active or Trial (a trial
    // past its end counts as one that did not convert). The LMA keeps no status history, so a
    // license bought outright counts as converted.
    qint64 recentInstalls90 = 0;   // Active + Trial among the last 90 days' installs
    qint64 recentConverted90 = 0;  // Active among them
    qint64 uninstalls30 = 0;       // Uninstalled, last changed in the last 30 days
    qint64 netThisMonth = 0;       // installs - uninstalls in the as-of month, to the as-of day
    qint64 netLastMonth = 0;       // the same for the month before
    qint64 utilisationUsed = 0;    // used seats on installed seat licenses
    qint64 utilisationLicensed = 0;
    std::vector<ChartData> charts; // in ChartId order

    // How long each query took (for lmodesk-bench dashboard), with its SQL and named binds so
    // the same aggregation can be run bare elsewhere. The summary is one entry without SQL.
    struct QueryTiming
    {
        QString name;
        QString sql;
        QList<QPair<QString, QVariant>> binds;
        double ms = 0;
    };
    std::vector<QueryTiming> timings;

    std::optional<double> trialConversion() const;
    std::optional<double> seatUtilisation() const;
    const ChartData &chart(ChartId id) const { return charts[size_t(id)]; }
};

// The filters a dashboard's figures were computed under, as one line for a chart's subtitle:
// "As of 2025-06-30; package Ledgerly CPQ, sandboxes left out" (InstallBaseFilter::describe()).
QString dashboardScope(const InstallBaseFilter &filter);

Result<DashboardMetrics> computeDashboard(QSqlDatabase db, const InstallBaseFilter &filter);
// The same figures summed by the database itself (a few aggregate queries answering a few
// hundred numbers): what computeDashboard does on a server, where reading every license to the
// client would cost the network a million rows. Portable SQL, so a test can hold it against the
// SQLite pass.
Result<DashboardMetrics> computeDashboardInSql(QSqlDatabase db, const InstallBaseFilter &filter);

} // namespace lmo
