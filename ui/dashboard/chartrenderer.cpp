#include "dashboard/chartrenderer.h"

#include "export/exportfile.h"
#include "util/format.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QHorizontalBarSeries>
#include <QImage>
#include <QLegend>
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

// A long name beside horizontal bars in lines of at most kLabelLine pixels, broken at spaces:
// Qt Charts gives the labels and title of a vertical axis at most 40% of the chart's width and
// cuts a longer label to "Ledgerly Revenue Recogniti…". 170 pixels fit beside a chart half
// the dashboard wide (525 pixels, less the axis title). A label with more lines than its bar's
// height holds is still cut, at its end.
QString wrappedLabel(const QString &text, const QFont &font)
{
    constexpr double kLabelLine = 170;
    const QFontMetricsF fm(font);
    if (fm.horizontalAdvance(text) <= kLabelLine)
        return plain(text);
    QStringList lines;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && fm.horizontalAdvance(longer) > kLabelLine) {
            lines << plain(line);
            line = word;
        } else {
            line = longer;
        }
    }
    if (!line.isEmpty())
        lines << plain(line);
    // Right-aligned, as Qt aligns one-line labels against the axis.
    return QStringLiteral("<div align=\"right\">%1</div>").arg(lines.join(QStringLiteral("<br>")));
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

// The donut's legend, drawn by itself. Qt Charts gives a legend beside the chart at most 40% of
// the chart's width and cuts longer entries to "Active: 6,1…", and a legend beneath it never
// wraps: at the dashboard's sizes the counts were cut off. Here every entry is drawn whole, in
// one column beside the ring or in rows of columns beneath it (layOutDonut chooses).
class DonutLegend : public QGraphicsItem
{
public:
    enum { Type = UserType + 0x4C4D };
    struct Entry
    {
        QString text; // plain text, drawn as written
        QColor color;
    };

    DonutLegend(QList<Entry> entries, const QFont &font, const QColor &textColor, QGraphicsItem *parent)
        : QGraphicsItem(parent), m_entries(std::move(entries)), m_font(font), m_textColor(textColor)
    {
        arrange(1, 1.0);
    }

    int type() const override { return Type; }
    int count() const { return int(m_entries.size()); }

    // One entry's box at `scale`: the widest entry's swatch, gap and text, and a row's height.
    QSizeF entrySize(double scale) const
    {
        const QFontMetricsF fm(scaledFont(scale));
        double text = 0;
        for (const Entry &e : m_entries)
            text = std::max(text, fm.horizontalAdvance(e.text));
        return QSizeF(std::ceil(swatch(fm) + gap(fm) + text + 2), std::ceil(fm.height() * 1.4));
    }
    double columnGap(double scale) const { return std::ceil(QFontMetricsF(scaledFont(scale)).height() * 1.2); }

    // The size the entries take in `columns` columns (filled row by row) at `scale`.
    QSizeF sizeFor(int columns, double scale) const
    {
        columns = std::clamp(columns, 1, std::max(1, count()));
        const QSizeF e = entrySize(scale);
        const int rows = (count() + columns - 1) / columns;
        return QSizeF(columns * e.width() + (columns - 1) * columnGap(scale), rows * e.height());
    }

    void arrange(int columns, double scale)
    {
        prepareGeometryChange();
        m_columns = std::clamp(columns, 1, std::max(1, count()));
        m_scale = scale;
        m_size = sizeFor(m_columns, m_scale);
    }

    QRectF boundingRect() const override { return QRectF(QPointF(0, 0), m_size); }

    // Each entry's text and the box its swatch and whole text take, in this item's coordinates.
    QList<QPair<QString, QRectF>> entryRects() const
    {
        const QFontMetricsF fm(scaledFont(m_scale));
        const QSizeF e = entrySize(m_scale);
        QList<QPair<QString, QRectF>> rects;
        for (int i = 0; i < count(); ++i) {
            const QPointF at((i % m_columns) * (e.width() + columnGap(m_scale)), (i / m_columns) * e.height());
            rects.append({m_entries[i].text,
                          QRectF(at, QSizeF(swatch(fm) + gap(fm) + fm.horizontalAdvance(m_entries[i].text), e.height()))});
        }
        return rects;
    }

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *) override
    {
        const QFont font = scaledFont(m_scale);
        const QFontMetricsF fm(font);
        painter->save();
        painter->setFont(font);
        const auto rects = entryRects();
        for (int i = 0; i < count(); ++i) {
            const QRectF r = rects[i].second;
            const double s = swatch(fm);
            painter->fillRect(QRectF(r.left(), r.center().y() - s / 2, s, s), m_entries[i].color);
            painter->setPen(m_textColor);
            // Unclipped, in a box as wide as the whole entry: the text is never cut.
            painter->drawText(QRectF(r.left() + s + gap(fm), r.top(), entrySize(m_scale).width(), r.height()),
                              Qt::AlignVCenter | Qt::AlignLeft | Qt::TextSingleLine | Qt::TextDontClip, m_entries[i].text);
        }
        painter->restore();
    }

private:
    QFont scaledFont(double scale) const
    {
        QFont f = m_font;
        f.setPointSizeF(m_font.pointSizeF() * scale);
        return f;
    }
    static double swatch(const QFontMetricsF &fm) { return std::round(fm.height() * 0.6); }
    static double gap(const QFontMetricsF &fm) { return std::round(fm.height() * 0.45); }

    QList<Entry> m_entries;
    QFont m_font;
    QColor m_textColor;
    int m_columns = 1;
    double m_scale = 1.0;
    QSizeF m_size;
};

// Places the ring and its legend in the plot area (the chart less its title): the legend beside
// the ring, the two centred together, when that leaves the ring at least as big as beneath;
// else the legend beneath in as many columns as fit. The legend is laid out first, so it is
// whole at any size; the ring takes what is left. Its text shrinks only when one entry is
// wider than the chart (or the rows taller).
void layOutDonut(QPieSeries *pie, DonutLegend *legend, const QRectF &plot)
{
    if (plot.width() <= 0 || plot.height() <= 0 || legend->count() == 0)
        return;
    const double gap = 14;
    double scale = 1.0;
    const QSizeF widest = legend->entrySize(1.0);
    if (widest.width() > plot.width())
        scale = std::max(0.5, plot.width() / widest.width());
    const QSizeF entry = legend->entrySize(scale);
    const double colGap = legend->columnGap(scale);
    int columns = std::clamp(int((plot.width() + colGap) / (entry.width() + colGap)), 1, legend->count());
    QSizeF beneath = legend->sizeFor(columns, scale);
    // Even the rows too tall: smaller text, down to half.
    while (beneath.height() > plot.height() && scale > 0.5) {
        scale = std::max(0.5, scale * 0.9);
        columns = std::clamp(int((plot.width() + colGap) / (legend->entrySize(scale).width() + colGap)), 1, legend->count());
        beneath = legend->sizeFor(columns, scale);
    }
    const QSizeF beside = legend->sizeFor(1, scale);
    const double ringBeside = beside.height() <= plot.height() ? std::min(plot.height(), plot.width() - gap - beside.width()) : -1;
    const double ringBeneath = std::min(plot.width(), plot.height() - gap - beneath.height());
    const bool side = ringBeside >= ringBeneath;
    // Room for a slice pulled out on hover.
    const double ring = std::max(0.0, (side ? ringBeside : ringBeneath) * 0.88);
    QPointF centre;
    QPointF legendAt;
    if (side) {
        legend->arrange(1, scale);
        const double left = plot.left() + (plot.width() - ring - gap - beside.width()) / 2;
        centre = QPointF(left + ring / 2, plot.center().y());
        legendAt = QPointF(left + ring + gap, plot.center().y() - beside.height() / 2);
    } else {
        legend->arrange(columns, scale);
        const double top = plot.top() + (plot.height() - ring - gap - beneath.height()) / 2;
        centre = QPointF(plot.center().x(), top + ring / 2);
        legendAt = QPointF(plot.center().x() - beneath.width() / 2, top + ring + gap);
    }
    legend->setPos(legendAt.toPoint()); // whole pixels: crisp text
    const double size = ring / std::min(plot.width(), plot.height());
    pie->setPieSize(std::max(0.01, size));
    pie->setHoleSize(std::max(0.0, size * 0.64)); // the ring's width as before
    pie->setHorizontalPosition((centre.x() - plot.left()) / plot.width());
    pie->setVerticalPosition((centre.y() - plot.top()) / plot.height());
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
        const qint64 total = data.total();
        QList<DonutLegend::Entry> entries;
        for (qsizetype i = 0; i < data.categories.size(); ++i) {
            const qint64 v = data.series[0].values[size_t(i)];
            if (v == 0)
                continue;
            const QString text = QStringLiteral("%1: %2 (%3%)")
                                     .arg(data.categories[i], locale.toString(v))
                                     .arg(total ? 100.0 * double(v) / double(total) : 0.0, 0, 'f', 1);
            auto *slice = pie->append(plain(text), double(v));
            slice->setColor(statusColor(data.categories[i], dark));
            slice->setBorderColor(palette.color(QPalette::Base));
            slice->setLabelColor(palette.color(QPalette::WindowText));
            slice->setProperty("category", data.categories[i]);
            entries.append({text, slice->color()});
        }
        chart->addSeries(pie);
        // The values in the legend beside the ring (small slices' labels would collide), in a
        // legend of our own: Qt's cuts its entries short (see DonutLegend).
        chart->legend()->setVisible(false);
        QFont legendFont = chart->legend()->font();
        legendFont.setPointSizeF(legendFont.pointSizeF() * 1.1);
        auto *legend = new DonutLegend(std::move(entries), legendFont, palette.color(QPalette::WindowText), chart);
        legend->setZValue(10);
        QObject::connect(chart, &QChart::plotAreaChanged, chart, [pie, legend](const QRectF &plot) { layOutDonut(pie, legend, plot); });
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
    auto *categoryAxis = new QBarCategoryAxis;
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
    QStringList shown = categories;
    for (QString &c : shown) {
        const QDate month = QDate::fromString(c + QStringLiteral("-01"), Qt::ISODate);
        if (month.isValid() && c.size() == 7)
            c = QLocale::c().toString(month, QStringLiteral("MMM yy"));
        c = horizontal ? wrappedLabel(c, categoryAxis->labelsFont()) : plain(c);
    }
    categoryAxis->append(shown);
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

QList<QPair<QString, QRectF>> legendEntries(const QChart *chart)
{
    for (QGraphicsItem *item : chart->childItems())
        if (auto *legend = qgraphicsitem_cast<DonutLegend *>(item)) {
            QList<QPair<QString, QRectF>> rects = legend->entryRects();
            for (auto &r : rects)
                r.second = legend->mapRectToParent(r.second);
            return rects;
        }
    return {};
}

static double drawHeader(const ChartData &data, const QFont &titleFont, QPainter *painter, const QRectF &rect, const QPalette &palette)
{
    const double side = 12;
    double y = rect.top() + 8;
    const int flags = Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap;
    painter->save();
    auto paragraph = [&](const QString &text, const QFont &font, const QColor &colour) {
        painter->setFont(font);
        painter->setPen(colour);
        const QRectF box(rect.left() + side, y, rect.width() - 2 * side, rect.height());
        const QRectF used = painter->boundingRect(box, flags, text);
        painter->drawText(QRectF(box.left(), y, box.width(), used.height()), flags, text);
        y += used.height();
    };
    paragraph(data.title, titleFont, palette.color(QPalette::WindowText));
    if (!data.scope.isEmpty()) {
        y += 2;
        QFont small = titleFont;
        small.setBold(false);
        small.setPointSizeF(titleFont.pointSizeF() * 0.8);
        QColor grey = palette.color(QPalette::WindowText);
        grey.setAlphaF(0.75);
        paragraph(data.scope, small, grey);
    }
    painter->restore();
    return y + 4 - rect.top();
}

void paint(const ChartData &data, QPainter *painter, const QRectF &rect, const QPalette &palette)
{
    QGraphicsScene scene;
    QChart *chart = build(data, palette);
    scene.addItem(chart); // the scene owns it now
    // The title, and the filters beneath it, drawn here above the chart: QChart has no subtitle,
    // and cuts a title longer than the chart is wide where this wraps it.
    const double header = drawHeader(data, chart->titleFont(), painter, rect, palette);
    chart->setTitle(QString());
    const QRectF chartRect(rect.left(), rect.top() + header, rect.width(), std::max(1.0, rect.height() - header));
    chart->setGeometry(QRectF(QPointF(0, 0), chartRect.size()));
    scene.setSceneRect(QRectF(QPointF(0, 0), chartRect.size()));
    chart->layout()->activate();
    scene.render(painter, chartRect, scene.sceneRect());
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
        if (!data.scope.isEmpty())
            image.setText(QStringLiteral("Description"), data.scope);
        if (!image.save(file.device(), "PNG") && !file.failed())
            return Error::make(Error::Code::WriteFailed,
                               QStringLiteral("Cannot write %1: the PNG could not be encoded.").arg(QDir::toNativeSeparators(path)));
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(file.device());
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(data.title);
        svg.setDescription(data.scope.isEmpty() ? data.note : data.scope + QStringLiteral(". ") + data.note);
        QPainter p;
        if (!p.begin(&svg))
            return file.failed() ? file.error()
                                 : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the SVG could not be begun.")
                                                                             .arg(QDir::toNativeSeparators(path)));
        paint(data, &p, QRectF(QPointF(0, 0), QSizeF(size)), palette);
        p.end();
    } else {
        QPdfWriter pdf(file.device());
        pdf.setTitle(data.scope.isEmpty() ? data.title : QStringLiteral("%1 (%2)").arg(data.title, data.scope));
        pdf.setCreator(QStringLiteral("LMO Desk"));
        pdf.setResolution(96);
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p;
        if (!p.begin(&pdf))
            return file.failed() ? file.error()
                                 : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the PDF could not be begun.")
                                                                             .arg(QDir::toNativeSeparators(path)));
        // The painter's origin is the paint rect's top left.
        const QRect page = pdf.pageLayout().paintRectPixels(pdf.resolution());
        paint(data, &p, QRectF(QPointF(0, 0), QSizeF(page.size())), palette);
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
    // Every figure is as of the filter's day, which may be a past one: the labels name it.
    const QString day = m.filter.day().toString(Qt::ISODate);
    QList<QPair<QString, QString>> rows{
        {QStringLiteral("Licenses"), n(s.licenses)},
        {QStringLiteral("Subscriber orgs"), n(s.subscriberOrgs)},
        {QStringLiteral("Packages"), n(s.packages)},
    };
    for (EffectiveStatus e : kAllEffectiveStatuses)
        rows.append({QStringLiteral("%1 on %2").arg(statusName(e), day), n(s.byEffectiveStatus.value(e, 0))});
    for (Status st : kAllStatuses)
        rows.append({QStringLiteral("Stored %1").arg(statusName(st)), n(s.byStatus.value(st, 0))});
    rows.append({QStringLiteral("Sandbox licenses"), n(s.sandboxLicenses)});
    rows.append({QStringLiteral("Site licenses"), n(s.siteLicenses)});
    rows.append({QStringLiteral("Do not expire"), n(s.perpetualLicenses)});
    rows.append({QStringLiteral("Seats licensed"), n(s.seatsLicensed)});
    rows.append({QStringLiteral("Seats used"), n(s.seatsUsed)});
    rows.append({QStringLiteral("Expiring within 30 days of %1").arg(day), n(s.expiringWithin30Days)});
    rows.append({QStringLiteral("Trial conversion, 90 days to %1").arg(day),
                 m.trialConversion() ? QStringLiteral("%1 (%2 of %3)").arg(pct(m.trialConversion()), n(m.recentConverted90), n(m.recentInstalls90))
                                     : QStringLiteral("— (no installs)")});
    rows.append({QStringLiteral("Uninstalls, 30 days to %1").arg(day), n(m.uninstalls30)});
    rows.append({QStringLiteral("Net growth, the month to %1").arg(day),
                 QStringLiteral("%1%2 (last month %3%4)")
                     .arg(m.netThisMonth > 0 ? QStringLiteral("+") : QString(), n(m.netThisMonth),
                          m.netLastMonth > 0 ? QStringLiteral("+") : QString(), n(m.netLastMonth))});
    rows.append({QStringLiteral("Seat utilisation"),
                 m.seatUtilisation() ? QStringLiteral("%1 (%2 of %3 seats)").arg(pct(m.seatUtilisation()), n(m.utilisationUsed), n(m.utilisationLicensed))
                                     : QStringLiteral("—")});
    return rows;
}

namespace {

struct ReportFonts
{
    QFont base{QStringLiteral("DejaVu Sans")};
    QFont title;
    QFont heading;
    QFont bold;
    ReportFonts()
    {
        base.setPointSizeF(10);
        title = base;
        title.setPointSizeF(22);
        title.setBold(true);
        heading = base;
        heading.setPointSizeF(13);
        heading.setBold(true);
        bold = base;
        bold.setBold(true);
    }
};

// Draws `text` wrapped to `width` from (x, y) and returns its height.
double drawParagraph(QPainter *p, const QFont &font, double x, double y, double width, const QString &text)
{
    p->setFont(font);
    const QRectF box(x, y, width, 1e6);
    const QRectF used = p->boundingRect(box, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
    p->drawText(QRectF(x, y, width, used.height()), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
    return used.height();
}

// A table cell's text, shortened with "…" rather than run into the next cell.
void drawCell(QPainter *p, const QRectF &cell, Qt::Alignment align, const QString &text)
{
    const QFontMetricsF fm(p->font(), p->device());
    p->drawText(cell, align | Qt::AlignVCenter, fm.elidedText(text, Qt::ElideRight, cell.width()));
}

void drawTitlePage(const DashboardMetrics &m, QPainter *p, const QRectF &page)
{
    const ReportFonts f;
    const QLocale locale;
    p->setPen(QColor(0x22, 0x22, 0x22));
    double y = page.top();
    y += drawParagraph(p, f.title, page.left(), y, page.width(), QStringLiteral("Install base report"));
    y += QFontMetricsF(f.base, p->device()).height() * 0.8;
    const QFontMetricsF bm(f.base, p->device());
    const QString filters = m.filter.describe();
    QStringList intro{
        QStringLiteral("As of %1").arg(locale.toString(m.filter.day(), QLocale::LongFormat)),
        QStringLiteral("Licenses counted: %1").arg(filters.isEmpty() ? QStringLiteral("all") : filters),
    };
    for (const QString &line : intro)
        y += drawParagraph(p, f.base, page.left(), y, page.width(), line) + bm.height() * 0.4;
    // A past day's figures are rebuilt from install dates and history: say what they cannot tell.
    if (const QString caveat = m.stats.asOfCaveat(); !caveat.isEmpty()) {
        p->setPen(QColor(0x8A, 0x4B, 0x00));
        y += drawParagraph(p, f.base, page.left(), y, page.width(), QStringLiteral("Note: ") + caveat) + bm.height() * 0.4;
        p->setPen(QColor(0x22, 0x22, 0x22));
    }
    y += drawParagraph(p, f.base, page.left(), y, page.width(),
                       QStringLiteral("Written by LMO Desk on %1").arg(locale.toString(QDateTime::currentDateTime(), QLocale::LongFormat)));
    y += bm.height() * 1.4;
    y += drawParagraph(p, f.heading, page.left(), y, page.width(), QStringLiteral("Key figures"));
    y += bm.height() * 0.5;
    p->setFont(f.base);
    const double valueX = page.left() + page.width() * 0.55;
    bool shade = false;
    for (const auto &[label, value] : kpiRows(m)) {
        const QRectF row(page.left(), y, page.width(), bm.height() * 1.35);
        if (shade)
            p->fillRect(row, QColor(0xF2, 0xF4, 0xF7));
        shade = !shade;
        drawCell(p, QRectF(row.left() + 6, y, valueX - row.left() - 12, row.height()), Qt::AlignLeft, label);
        drawCell(p, QRectF(valueX, y, page.right() - valueX - 6, row.height()), Qt::AlignRight, value);
        y += row.height();
    }
}

void drawChartPage(const ChartData &chart, QPainter *p, const QRectF &page, const QPalette &palette)
{
    const ReportFonts f;
    const QLocale locale;
    const QFontMetricsF bm(f.base, p->device());
    const double chartHeight = page.height() * 0.55;
    paint(chart, p, QRectF(page.left(), page.top(), page.width(), chartHeight), palette);
    double ty = page.top() + chartHeight + bm.height();
    p->setPen(QColor(0x55, 0x55, 0x55));
    ty += drawParagraph(p, f.base, page.left(), ty, page.width(), chart.note) + bm.height();
    p->setPen(QColor(0x22, 0x22, 0x22));
    // The table: categories down, series across; side-by-side blocks when it is long.
    const int series = int(chart.series.size());
    const double rowHeight = bm.height() * 1.25;
    const int rowsFit = std::max(1, int((page.bottom() - ty) / rowHeight) - 1);
    const int blocks = std::max(1, (int(chart.categories.size()) + rowsFit - 1) / rowsFit);
    const double blockGap = 16;
    const double blockWidth = (page.width() - blockGap * (blocks - 1)) / blocks;
    // Each number column as wide as its widest heading or value; the names take the rest.
    double numberWidth = bm.horizontalAdvance(QStringLiteral("0000"));
    const QFontMetricsF boldMetrics(f.bold, p->device());
    for (const auto &s : chart.series) {
        numberWidth = std::max(numberWidth, boldMetrics.horizontalAdvance(s.name));
        for (qint64 v : s.values)
            numberWidth = std::max(numberWidth, bm.horizontalAdvance(locale.toString(v)));
    }
    numberWidth = std::min(numberWidth + 20, blockWidth * 0.7 / std::max(1, series));
    const double nameWidth = blockWidth - numberWidth * series;
    for (int b = 0; b < blocks; ++b) {
        const double x0 = page.left() + b * (blockWidth + blockGap);
        p->setFont(f.bold);
        drawCell(p, QRectF(x0 + 4, ty, nameWidth - 8, rowHeight), Qt::AlignLeft, chart.categoryAxis);
        for (int s = 0; s < series; ++s)
            drawCell(p, QRectF(x0 + nameWidth + numberWidth * s, ty, numberWidth - 4, rowHeight), Qt::AlignRight,
                     chart.series[size_t(s)].name);
        p->setFont(f.base);
        for (int r = 0; r < rowsFit; ++r) {
            const int i = b * rowsFit + r;
            if (i >= chart.categories.size())
                break;
            const double ry = ty + rowHeight * (r + 1);
            if (r % 2 == 0)
                p->fillRect(QRectF(x0, ry, blockWidth, rowHeight), QColor(0xF2, 0xF4, 0xF7));
            drawCell(p, QRectF(x0 + 4, ry, nameWidth - 8, rowHeight), Qt::AlignLeft, chart.categories[i]);
            for (int s = 0; s < series; ++s)
                drawCell(p, QRectF(x0 + nameWidth + numberWidth * s, ry, numberWidth - 4, rowHeight), Qt::AlignRight,
                         locale.toString(chart.series[size_t(s)].values[size_t(i)]));
        }
    }
}

} // namespace

QPageLayout reportPageLayout()
{
    return QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
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
    pdf.setResolution(96);
    pdf.setPageLayout(reportPageLayout());
    QPainter p;
    if (!p.begin(&pdf))
        return file.failed() ? file.error()
                             : Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: the PDF could not be begun.")
                                                                         .arg(QDir::toNativeSeparators(path)));
    // The painter's origin is the top left of the paint rect (the page inside its margins):
    // everything is laid out in that rect from (0, 0).
    const QRectF page(QPointF(0, 0), QSizeF(pdf.pageLayout().paintRectPixels(pdf.resolution()).size()));
    const QPalette palette = exportPalette();
    drawTitlePage(m, &p, page);
    int pages = 1;
    // One chart a page, its numbers beneath.
    for (const ChartData &chart : m.charts) {
        pdf.newPage();
        ++pages;
        drawChartPage(chart, &p, page, palette);
    }
    p.end();
    if (auto r = file.commit(); !r)
        return r.error();
    return pages;
}

} // namespace lmo::ChartRenderer
