// lmodesk export-csv, export-chart and export-report.
#include "cliutil.h"
#include "subcommands.h"

#include "dashboard/chartrenderer.h"
#include "export/licenseexport.h"
#include "metrics/dashboardmetrics.h"
#include "util/format.h"

#include <QDir>
#include <QFileInfo>

namespace lmo::cli {

namespace {

// What export-chart and export-report share: open the database, check it, compute.
Result<DashboardMetrics> dashboardFor(const QCommandLineParser &parser, const QString &command, const FilterOptions &options,
                                      InstallBaseFilter filter)
{
    auto database = openToRead(parser, command);
    if (!database)
        return database.error();
    if (auto r = options.readLmo(parser, database.value()->connection(), &filter); !r)
        return r.error();
    if (auto r = checkPackageOption(*database.value(), filter.package); !r)
        return r.error();
    auto metrics = computeDashboard(database.value()->connection(), filter);
    if (!metrics)
        return metrics.error();
    if (metrics->stats.licenses == 0)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 holds no licenses%2: there is nothing to chart. Import an export first "
                                          "(lmodesk import), or try the demo (lmodesk demo).")
                               .arg(database.value()->displayName(),
                                    filter.describe().isEmpty() ? QString() : QStringLiteral(" for these filters (%1)").arg(filter.describe())));
    return metrics;
}

} // namespace

int runExportChart(const QStringList &arguments)
{
    QCommandLineParser parser;
    QStringList ids;
    for (int i = 0; i < kChartCount; ++i)
        ids << chartKey(ChartId(i));
    parser.setApplicationDescription(QStringLiteral("Write one dashboard chart as PNG, SVG or PDF (from the file name), "
                                                    "laid out at its own size. Charts: %1.")
                                         .arg(ids.join(QStringLiteral(", "))));
    parser.addOption(dbOption());
    const QCommandLineOption chartOpt(QStringLiteral("chart"), QStringLiteral("Which chart."), QStringLiteral("ID"));
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The file: .png, .svg or .pdf."), QStringLiteral("FILE"));
    const QCommandLineOption sizeOpt(QStringLiteral("size"), QStringLiteral("Width x height (default 1200x750)."),
                                     QStringLiteral("WxH"), QStringLiteral("1200x750"));
    const QCommandLineOption scaleOpt(QStringLiteral("scale"), QStringLiteral("PNG pixels per point (default 1; 2 for sharp slides)."),
                                      QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({chartOpt, outOpt, sizeOpt, scaleOpt});
    const FilterOptions filterOptions(parser, true);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-chart"), &code))
        return code;
    const auto id = chartFromKey(parser.value(chartOpt).trimmed());
    if (!parser.isSet(chartOpt) || !id)
        return fail(QStringLiteral("--chart must be one of: %1 (got \"%2\")").arg(ids.join(QStringLiteral(", ")), parser.value(chartOpt)), 2);
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE is required (.png, .svg or .pdf)"), 2);
    const QString outPath = parser.value(outOpt);
    const QString suffix = QFileInfo(outPath).suffix().toLower();
    if (suffix != QStringLiteral("png") && suffix != QStringLiteral("svg") && suffix != QStringLiteral("pdf"))
        return fail(QStringLiteral("%1: the file name must end in .png, .svg or .pdf (that decides the format)").arg(outPath), 2);
    const QStringList wh = parser.value(sizeOpt).toLower().split(QLatin1Char('x'));
    bool okW = false, okH = false;
    const QSize size = wh.size() == 2 ? QSize(wh[0].toInt(&okW), wh[1].toInt(&okH)) : QSize();
    if (!okW || !okH || size.width() < 200 || size.height() < 150 || size.width() > 10000 || size.height() > 10000)
        return fail(QStringLiteral("--size \"%1\" is not WIDTHxHEIGHT from 200x150 to 10000x10000").arg(parser.value(sizeOpt)), 2);
    bool okScale = false;
    const double scale = parser.value(scaleOpt).toDouble(&okScale);
    if (!okScale || scale < 0.25 || scale > 8)
        return fail(QStringLiteral("--scale \"%1\" is not a number from 0.25 to 8").arg(parser.value(scaleOpt)), 2);
    InstallBaseFilter filter;
    if (!filterOptions.read(parser, &filter, &code))
        return code;
    auto metrics = dashboardFor(parser, QStringLiteral("export-chart"), filterOptions, filter);
    if (!metrics)
        return failWith(metrics.error());
    if (auto r = ChartRenderer::exportChart(metrics->chart(*id), outPath, size, scale); !r)
        return failWith(r.error());
    out() << QStringLiteral("Wrote %1 (%2) to %3\n").arg(chartKey(*id), metrics->chart(*id).title, QDir::toNativeSeparators(outPath));
    return 0;
}

int runExportReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write the dashboard report: a PDF with a title page (as-of day, filters, "
                                                    "key figures) and one chart per page with its numbers beneath."));
    parser.addOption(dbOption());
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The PDF file."), QStringLiteral("FILE.pdf"));
    parser.addOption(outOpt);
    const FilterOptions filterOptions(parser, true);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-report"), &code))
        return code;
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE.pdf is required"), 2);
    const QString outPath = parser.value(outOpt);
    if (QFileInfo(outPath).suffix().toLower() != QStringLiteral("pdf"))
        return fail(QStringLiteral("%1: the report is a PDF; give a file name ending in .pdf").arg(outPath), 2);
    InstallBaseFilter filter;
    if (!filterOptions.read(parser, &filter, &code))
        return code;
    auto metrics = dashboardFor(parser, QStringLiteral("export-report"), filterOptions, filter);
    if (!metrics)
        return failWith(metrics.error());
    auto pages = ChartRenderer::exportReport(metrics.value(), outPath);
    if (!pages)
        return failWith(pages.error());
    out() << QStringLiteral("Wrote the dashboard report (%1 pages) to %2\n").arg(pages.value()).arg(QDir::toNativeSeparators(outPath));
    return 0;
}

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Export licenses as CSV with the LMA's API names as headers (UTF-8, RFC 4180). Cells that a spreadsheet "
        "would run as formulas are neutralised with a leading apostrophe."));
    parser.addOption(dbOption());
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The CSV file to write."), QStringLiteral("FILE"));
    const QCommandLineOption packageOpt(QStringLiteral("package"), QStringLiteral("Only this package (by name)."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption statusOpt(QStringLiteral("status"),
                                       QStringLiteral("Only these stored statuses (comma separated)."),
                                       QStringLiteral("STATUS"));
    const QCommandLineOption orgOpt(QStringLiteral("org"), QStringLiteral("Only this subscriber org (15 or 18 characters)."),
                                    QStringLiteral("ORGID"));
    const QCommandLineOption lmoOpt(QStringLiteral("lmo"),
                                    QStringLiteral("Only licenses from this LMO: its number or org id, or \"current\"."),
                                    QStringLiteral("LMO"));
    parser.addOptions({outOpt, packageOpt, statusOpt, orgOpt, lmoOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-csv"), &code))
        return code;
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE is required (see \"lmodesk export-csv --help\")"), 2);
    LicenseExportFilter filter;
    filter.package = parser.value(packageOpt).trimmed();
    filter.orgId = parser.value(orgOpt);
    if (parser.isSet(statusOpt)) {
        for (const QString &s : parser.value(statusOpt).split(u',', Qt::SkipEmptyParts)) {
            auto status = statusFromString(s);
            if (!status)
                return fail(QStringLiteral("--status \"%1\" is not Trial, Active, Suspended or Uninstalled.").arg(s.trimmed()), 2);
            filter.statuses << statusName(*status);
        }
    }
    auto database = openToRead(parser, QStringLiteral("export-csv"));
    if (!database)
        return failWith(database.error());
    if (parser.isSet(lmoOpt)) {
        auto chosen = lmoOption(parser.value(lmoOpt), database.value()->connection());
        if (!chosen)
            return fail(chosen.error().message, 2);
        filter.lmo = chosen->ref;
    }
    if (auto r = checkPackageOption(*database.value(), filter.package); !r)
        return failWith(r.error());
    auto rows = exportLicensesCsv(*database.value(), parser.value(outOpt), filter);
    if (!rows)
        return failWith(rows.error());
    out() << QStringLiteral("Wrote %1 licenses to %2\n").arg(groupedNumber(rows.value()), parser.value(outOpt));
    return 0;
}

} // namespace lmo::cli
