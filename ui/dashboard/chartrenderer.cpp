#include "dashboard/chartrenderer.h"

#include "export/exportfile.h"
#include "util/format.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QHorizontalBarSeries>
#include <QImage>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QPieSeries>
#include <QPieSlice>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace lmo::ChartRenderer {

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// Colour-blind-safe (Okabe-Ito), with lighter variants for dark backgrounds.
QColor seriesColor(int i, bool dark)
{
    static const QColor light[] = {QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x9E, 0x73),
                                   QColor(0xCC, 0x79, 0xA7), QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                   QColor(0x7F, 0x7F, 0x7F), QColor(0xF0, 0xE4, 0x42)};
    QColor c = light[i % 8];
    return dark ? c.lighter(125) : c;
}

QColor statusColor(const QString &status, bool dark)
{
    QColor c = status == QLatin1String("Active")        ? QColor(0x00, 0x9E, 0x73)
               : status == QLatin1String("Trial")       ? QColor(0x56, 0xB4, 0xE9)
               : status == QLatin1String("Suspended")   ? QColor(0xCC, 0x79, 0xA7)
               : status == QLatin1String("Uninstalled") ? QColor(0x99, 0x99, 0x99)
                                                        : QColor(0xD5, 0x5E, 0x00); // Expired
    return dark ? c.lighter(120) : c;
}

qint64 maxValue(const ChartData &data, bool stacked = false)
{
    qint64 m = 0;
    for (const auto &s : data.series)
        for (qint64 v : s.values)
            m = std::max(m, stacked ? v : std::abs(v));
    return m;
}

// Qt Charts reads every text it draws (title, axis titles and labels, legend entries, slice
// labels) as rich text: a package named "Ed & <Co>" would lose its "<Co>". Names are data, so
// each is escaped on its way in and shown exactly as written.
QString plain(const QString &text)
{
    return text.toHtmlEscaped();
}

void styleAxis(QAbstractAxis *axis, const QPalette &palette, const QString &title)
{
    axis->setTitleText(plain(title));
    axis->setLabelsColor(palette.color(QPalette::WindowText));
    axis->setTitleBrush(palette.color(QPalette::WindowText));
    QPen grid = axis->gridLinePen();
    grid.setColor(palette.color(QPalette::Mid));
    axis->setGridLinePen(grid);
}

} // namespace

QPalette exportPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::WindowText, QColor(0x22, 0x22, 0x22));
    p.setColor(QPalette::Text, QColor(0x22, 0x22, 0x22));
    p.setColor(QPalette::Mid, QColor(0xDD, 0xDD, 0xDD));
    return p;
}

QChart *build(const ChartData &data, const QPalette &palette)
{
    const bool dark = isDark(palette);
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(plain(data.title));
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(std::max(11.0, titleFont.pointSizeF() * 1.15));
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(palette.color(QPalette::WindowText));
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->legend()->setLabelColor(palette.color(QPalette::WindowText));
    chart->setMargins(QMargins(6, 6, 6, 6));

    const QLocale locale;
    if (data.kind == ChartData::Kind::Donut) {
        auto *pie = new QPieSeries;
        pie->setHoleSize(0.45);
        const qint64 total = data.total();
        for (qsizetype i = 0; i < data.categories.size(); ++i) {
            const qint64 v = data.series[0].values[size_t(i)];
            if (v == 0)
                continue;
            auto *slice = pie->append(plain(QStringLiteral("%1: %2 (%3%)")
                                                .arg(data.categories[i], locale.toString(v))
                                                .arg(total ? 100.0 * double(v) / double(total) : 0.0, 0, 'f', 1)),
                                      double(v));
            slice->setColor(statusColor(data.categories[i], dark));
            slice->setBorderColor(palette.color(QPalette::Base));
            slice->setLabelColor(palette.color(QPalette::WindowText));
            slice->setProperty("category", data.categories[i]);
        }
        chart->addSeries(pie);
        // The values in the legend beside the ring: small slices' labels would collide.
        chart->legend()->setAlignment(Qt::AlignRight);
        chart->legend()->setVisible(true);
        QFont legendFont = chart->legend()->font();
        legendFont.setPointSizeF(legendFont.pointSizeF() * 1.1);
        chart->legend()->setFont(legendFont);
        return chart;
    }

    const bool horizontal = data.kind == ChartData::Kind::HorizontalBars;
    QAbstractBarSeries *bars = horizontal ? static_cast<QAbstractBarSeries *>(new QHorizontalBarSeries)
                                          : static_cast<QAbstractBarSeries *>(new QBarSeries);
    int colour = 0;
    QLineSeries *line = nullptr;
    QStringList categories = data.categories;
    if (horizontal)
        std::reverse(categories.begin(), categories.end()); // largest on top
    for (const auto &s : data.series) {
        if (s.line) {
            line = new QLineSeries;
            line->setName(plain(s.name));
            for (size_t i = 0; i < s.values.size(); ++i)
                line->append(double(i), double(s.values[i]));
            QPen pen(seriesColor(2, dark));
            pen.setWidthF(2.5);
            line->setPen(pen);
            line->setPointsVisible(true);
            continue;
        }
        auto *set = new QBarSet(plain(s.name));
        set->setProperty("series", s.name); // the name as written, for clicks and tooltips
        std::vector<qint64> values = s.values;
        if (horizontal)
            std::reverse(values.begin(), values.end());
        for (qint64 v : values)
            *set << double(v);
        set->setColor(seriesColor(colour++, dark));
        set->setBorderColor(set->color());
        set->setLabelColor(palette.color(QPalette::WindowText));
        bars->append(set);
    }
    bars->setLabelsVisible(data.categories.size() <= 12);
    bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    bars->setLabelsFormat(QStringLiteral("@value"));
    chart->addSeries(bars);

    // Months read "Nov 24" on the axis (the data keeps 2024-11).
    QStringList shown = categories;
    for (QString &c : shown) {
        const QDate month = QDate::fromString(c + QStringLiteral("-01"), Qt::ISODate);
        if (month.isValid() && c.size() == 7)
            c = QLocale::c().toString(month, QStringLiteral("MMM yy"));
        c = plain(c);
    }
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(shown);
    styleAxis(categoryAxis, palette, data.categoryAxis);
    // Qt Charts shortens a label to "…" once it is wider than its slot: upright labels when
    // there are many, and a smaller font for long lists.
    if (!horizontal && data.categories.size() > 8)
        categoryAxis->setLabelsAngle(-90);
    if (data.categories.size() > 8) {
        QFont small = categoryAxis->labelsFont();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        categoryAxis->setLabelsFont(small);
    }
    auto *valueAxis = new QValueAxis;
    styleAxis(valueAxis, palette, data.valueAxis);
    // At least 0 to 4: a smaller range would label its ticks 0, 0, 1, 1 in whole numbers.
    qint64 top = std::max<qint64>(4, maxValue(data));
    qint64 bottom = 0;
    if (line)
        for (const auto &s : data.series)
            for (qint64 v : s.values)
                bottom = std::min(bottom, v);
    valueAxis->setRange(double(bottom), double(top) * 1.15);
    valueAxis->setLabelFormat(QStringLiteral("%d"));
    valueAxis->applyNiceNumbers();
    if (horizontal) {
        chart->addAxis(valueAxis, Qt::AlignBottom);
        chart->addAxis(categoryAxis, Qt::AlignLeft);
    } else {
        chart->addAxis(categoryAxis, Qt::AlignBottom);
        chart->addAxis(valueAxis, Qt::AlignLeft);
    }
    bars->attachAxis(categoryAxis);
    bars->attachAxis(valueAxis);
    if (line) {
        chart->addSeries(line);
        auto *lineX = new QValueAxis;
        lineX->setRange(-0.5, double(data.categories.size()) - 0.5);
        lineX->setVisible(false);
        chart->addAxis(lineX, Qt::AlignTop);
        line->attachAxis(lineX);
        line->attachAxis(valueAxis);
    }
    chart->legend()->setVisible(data.series.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

void paint(const ChartData &data, QPainter *painter, const QRectF &rect, const QPalette &palette)
{
    QGraphicsScene scene;
    QChart *chart = build(data, palette);
    scene.addItem(chart); // the scene owns it now
    chart->setGeometry(QRectF(QPointF(0, 0), rect.size()));
    scene.setSceneRect(QRectF(QPointF(0, 0), rect.size()));
    // Twice: the layout settles on the second pass (axis label sizes).
    chart->layout()->activate();
    scene.render(painter, rect, scene.sceneRect());
}

Result<void> exportChart(const ChartData &data, const QString &path, QSize size, double scale)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf"))
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1: the file name must end in .png, .svg or .pdf (that decides the format).").arg(path));
    if (size.isEmpty())
        size = QSize(1200, 750);
    const QPalette palette = exportPalette();
    // Drawn into a file that appears whole or not at all: a full disk leaves nothing behind.
    ExportFile file(path);
    if (auto r = file.open(); !r)
        return r;
    if (suffix == QLatin1String("png")) {
        const double s = std::clamp(scale, 0.25, 8.0);
        QImage image(QSize(int(size.width() * s), int(size.height() * s)), QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(s);
        image.fill(Qt::white);
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::Antialiasing);
            p.setRenderHint(QPainter::TextAntialiasing);
            paint(data, &p, QRectF(QPointF(0, 0), QSizeF(size)), palette);
        }
        image.setText(QStringLiteral("Title"), data.title);
        if (!image.save(file.device(), "PNG") && !file.failed())
            return Error::make(Error::Code::WriteFailed,
                               QStringLiteral("Cannot write %1: the PNG could not be encoded.").arg(QDir::toNativeSeparators(path)));
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(file.device());
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(data.title);
        svg.setDescription(data.note);
        QPainter p;
        if (!p.begin(&svg))
            return file.failed() ? file.error()
                                 : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the SVG could not be begun.")
                                                                             .arg(QDir::toNativeSeparators(path)));
        paint(data, &p, QRectF(QPointF(0, 0), QSizeF(size)), palette);
        p.end();
    } else {
        QPdfWriter pdf(file.device());
        pdf.setTitle(data.title);
        pdf.setCreator(QStringLiteral("LMO Desk"));
        pdf.setResolution(96);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p;
        if (!p.begin(&pdf))
            return file.failed() ? file.error()
                                 : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the PDF could not be begun.")
                                                                             .arg(QDir::toNativeSeparators(path)));
        const QRect page = pdf.pageLayout().paintRectPixels(pdf.resolution());
        paint(data, &p, QRectF(page), palette);
        p.end();
    }
    return file.commit();
}

QList<QPair<QString, QString>> kpiRows(const DashboardMetrics &m)
{
    const QLocale locale;
    auto n = [&](qint64 v) { return locale.toString(v); };
    auto pct = [&](std::optional<double> v) {
        return v ? QStringLiteral("%1%").arg(locale.toString(*v * 100.0, 'f', 1)) : QStringLiteral("—");
    };
    const InstallBaseStats &s = m.stats;
    QList<QPair<QString, QString>> rows{
        {QStringLiteral("Licenses"), n(s.licenses)},
        {QStringLiteral("Subscriber orgs"), n(s.subscriberOrgs)},
        {QStringLiteral("Packages"), n(s.packages)},
    };
    for (EffectiveStatus e : kAllEffectiveStatuses)
        rows.append({QStringLiteral("%1 (today)").arg(statusName(e)), n(s.byEffectiveStatus.value(e, 0))});
    for (Status st : kAllStatuses)
        rows.append({QStringLiteral("Stored %1").arg(statusName(st)), n(s.byStatus.value(st, 0))});
    rows.append({QStringLiteral("Sandbox licenses"), n(s.sandboxLicenses)});
    rows.append({QStringLiteral("Site licenses"), n(s.siteLicenses)});
    rows.append({QStringLiteral("Do not expire"), n(s.perpetualLicenses)});
    rows.append({QStringLiteral("Seats licensed"), n(s.seatsLicensed)});
    rows.append({QStringLiteral("Seats used"), n(s.seatsUsed)});
    rows.append({QStringLiteral("Expiring within 30 days"), n(s.expiringWithin30Days)});
    rows.append({QStringLiteral("Trial conversion, last 90 days"),
                 m.trialConversion() ? QStringLiteral("%1 (%2 of %3)").arg(pct(m.trialConversion()), n(m.recentConverted90), n(m.recentInstalls90))
                                     : QStringLiteral("— (no installs)")});
    rows.append({QStringLiteral("Uninstalls, last 30 days"), n(m.uninstalls30)});
    rows.append({QStringLiteral("Net growth this month"),
                 QStringLiteral("%1%2 (last month %3%4)")
                     .arg(m.netThisMonth > 0 ? QStringLiteral("+") : QString(), n(m.netThisMonth),
                          m.netLastMonth > 0 ? QStringLiteral("+") : QString(), n(m.netLastMonth))});
    rows.append({QStringLiteral("Seat utilisation"),
                 m.seatUtilisation() ? QStringLiteral("%1 (%2 of %3 seats)").arg(pct(m.seatUtilisation()), n(m.utilisationUsed), n(m.utilisationLicensed))
                                     : QStringLiteral("—")});
    return rows;
}

Result<int> exportReport(const DashboardMetrics &m, const QString &path)
{
    if (QFileInfo(path).suffix().toLower() != QLatin1String("pdf"))
        return Error::make(Error::Code::Usage, QStringLiteral("%1: the report is a PDF; give a file name ending in .pdf.").arg(path));
    ExportFile file(path);
    if (auto r = file.open(); !r)
        return r.error();
    QPdfWriter pdf(file.device());
    pdf.setTitle(QStringLiteral("Install base report"));
    pdf.setCreator(QStringLiteral("LMO Desk"));
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageOrientation(QPageLayout::Portrait);
    pdf.setResolution(96);
    pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    QPainter p;
    if (!p.begin(&pdf))
        return file.failed() ? file.error()
                             : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the PDF could not be begun.")
                                                                         .arg(QDir::toNativeSeparators(path)));
    const QRectF page = pdf.pageLayout().paintRectPixels(pdf.resolution());
    const QPalette palette = exportPalette();
    const QLocale locale;
    QFont base(QStringLiteral("DejaVu Sans"));
    base.setPointSizeF(10);
    QFont title = base;
    title.setPointSizeF(22);
    title.setBold(true);
    QFont heading = base;
    heading.setPointSizeF(13);
    heading.setBold(true);
    p.setPen(QColor(0x22, 0x22, 0x22));

    // Title page.
    double y = page.top();
    p.setFont(title);
    const QFontMetricsF tm(title);
    p.drawText(QPointF(page.left(), y + tm.ascent()), QStringLiteral("Install base report"));
    y += tm.height() * 1.6;
    p.setFont(base);
    const QFontMetricsF bm(base);
    const QString filters = m.filter.describe();
    const QStringList intro{
        QStringLiteral("As of %1").arg(locale.toString(m.filter.day(), QLocale::LongFormat)),
        QStringLiteral("Licenses counted: %1").arg(filters.isEmpty() ? QStringLiteral("all") : filters),
        QStringLiteral("Written by LMO Desk on %1").arg(locale.toString(QDateTime::currentDateTime(), QLocale::LongFormat)),
    };
    for (const QString &line : intro) {
        p.drawText(QPointF(page.left(), y + bm.ascent()), line);
        y += bm.height() * 1.4;
    }
    y += bm.height();
    p.setFont(heading);
    p.drawText(QPointF(page.left(), y + QFontMetricsF(heading).ascent()), QStringLiteral("Key figures"));
    y += QFontMetricsF(heading).height() * 1.5;
    p.setFont(base);
    const double valueX = page.left() + page.width() * 0.55;
    bool shade = false;
    for (const auto &[label, value] : kpiRows(m)) {
        const QRectF row(page.left(), y, page.width(), bm.height() * 1.35);
        if (shade)
            p.fillRect(row, QColor(0xF2, 0xF4, 0xF7));
        shade = !shade;
        p.drawText(row.adjusted(6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, label);
        p.drawText(QRectF(valueX, y, page.right() - valueX - 6, row.height()), Qt::AlignVCenter | Qt::AlignRight, value);
        y += row.height();
    }
    int pages = 1;

    // One chart a page, its numbers beneath.
    for (const ChartData &chart : m.charts) {
        pdf.newPage();
        ++pages;
        const double chartHeight = page.height() * 0.55;
        paint(chart, &p, QRectF(page.left(), page.top(), page.width(), chartHeight), palette);
        double ty = page.top() + chartHeight + bm.height();
        p.setFont(base);
        p.setPen(QColor(0x55, 0x55, 0x55));
        const QRectF noteRect(page.left(), ty, page.width(), bm.height() * 2.4);
        p.drawText(noteRect, Qt::TextWordWrap, chart.note);
        ty += noteRect.height() + bm.height() * 0.5;
        p.setPen(QColor(0x22, 0x22, 0x22));
        // The table: categories down, series across; it wraps onto columns if long.
        const int columns = 1 + int(chart.series.size());
        const double rowHeight = bm.height() * 1.25;
        const int rowsFit = std::max(1, int((page.bottom() - ty) / rowHeight) - 1);
        const int blocks = (int(chart.categories.size()) + rowsFit - 1) / rowsFit;
        const double blockWidth = page.width() / std::max(1, blocks);
        for (int b = 0; b < std::max(1, blocks); ++b) {
            const double x0 = page.left() + b * blockWidth;
            const double colWidth = blockWidth / columns;
            QFont bold = base;
            bold.setBold(true);
            p.setFont(bold);
            p.drawText(QRectF(x0, ty, colWidth * 1.2, rowHeight), Qt::AlignVCenter | Qt::AlignLeft, chart.categoryAxis);
            for (int s = 0; s < int(chart.series.size()); ++s)
                p.drawText(QRectF(x0 + colWidth * (s + 1), ty, colWidth - 8, rowHeight), Qt::AlignVCenter | Qt::AlignRight,
                           chart.series[size_t(s)].name);
            p.setFont(base);
            for (int r = 0; r < rowsFit; ++r) {
                const int i = b * rowsFit + r;
                if (i >= chart.categories.size())
                    break;
                const double ry = ty + rowHeight * (r + 1);
                if (r % 2 == 0)
                    p.fillRect(QRectF(x0, ry, blockWidth - 8, rowHeight), QColor(0xF2, 0xF4, 0xF7));
                p.drawText(QRectF(x0 + 4, ry, colWidth * 1.2, rowHeight), Qt::AlignVCenter | Qt::AlignLeft,
                           chart.categories[i]);
                for (int s = 0; s < int(chart.series.size()); ++s)
                    p.drawText(QRectF(x0 + colWidth * (s + 1), ry, colWidth - 8, rowHeight), Qt::AlignVCenter | Qt::AlignRight,
                               locale.toString(chart.series[size_t(s)].values[size_t(i)]));
            }
        }
    }
    p.end();
    if (auto r = file.commit(); !r)
        return r.error();
    return pages;
}

} // namespace lmo::ChartRenderer
