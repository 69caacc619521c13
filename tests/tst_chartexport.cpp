// Chart and report exports: each format valid, drawn at its own size, the title inside.
#include "fixtures.h"

#include "dashboard/chartrenderer.h"
#include "dashboard/dashboardpage.h"
#include "metrics/dashboardmetrics.h"
#include "shell/mainwindow.h"
#include "wizard/runbookfile.h"

#include <QAbstractAxis>
#include <QBarCategoryAxis>
#include <QLegend>
#include <QLegendMarker>
#include <QTextDocument>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPieSeries>
#include <QProcess>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

// The text of a PDF, through poppler's pdftotext (installed by packaging/install-deps.sh).
QString pdfText(const QString &path)
{
    QProcess p;
    p.start(u"pdftotext"_s, {u"-layout"_s, path, u"-"_s});
    if (!p.waitForFinished(30000))
        return {};
    // Compatibility form: the fonts' ligatures (ﬀ, ﬁ) come out as their letters.
    return QString::fromUtf8(p.readAllStandardOutput()).normalized(QString::NormalizationForm_KC);
}

// The PDF's pages as images at `dpi`, through poppler's pdftoppm.
QList<QImage> pdfPageImages(const QString &path, int dpi, const QString &dir)
{
    const QString prefix = QDir(dir).filePath(u"page"_s);
    QProcess p;
    p.start(u"pdftoppm"_s, {u"-png"_s, u"-r"_s, QString::number(dpi), path, prefix});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return {};
    QList<QImage> pages;
    for (const QString &name : QDir(dir).entryList({u"page-*.png"_s}, QDir::Files, QDir::Name))
        pages << QImage(QDir(dir).filePath(name));
    return pages;
}

// The text of an SVG file.
QString fileText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

// Dark pixels (text, not the light grid or the white ground) in `rect` of `image`.
int darkPixels(const QImage &image, const QRect &rect)
{
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            n += qGray(image.pixel(x, y)) < 160;
    return n;
}

int pdfPages(const QString &path)
{
    QProcess p;
    p.start(u"pdfinfo"_s, {path});
    if (!p.waitForFinished(30000))
        return -1;
    for (const QString &line : QString::fromUtf8(p.readAllStandardOutput()).split(u'\n'))
        if (line.startsWith(u"Pages:"_s))
            return line.mid(6).trimmed().toInt();
    return -1;
}

// This process's files limited to `bytes` while it lives (RLIMIT_FSIZE): a write past it fails
// with EFBIG, for real, as on a full disk. SIGXFSZ is ignored meanwhile so the write fails
// instead of killing the test.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = ::signal(SIGXFSZ, SIG_IGN);
        const struct rlimit limit = {bytes, m_old.rlim_max};
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_old);
        ::signal(SIGXFSZ, m_oldHandler);
    }

private:
    struct rlimit m_old = {};
    void (*m_oldHandler)(int) = nullptr;
};

} // namespace

class TestChartExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!QStandardPaths::findExecutable(u"pdftotext"_s).isEmpty(), "poppler-utils is missing: run packaging/install-deps.sh");
        m_db = test::createFixtureDatabase(m_dir.filePath(u"charts.sqlite"_s));
        QVERIFY(m_db);
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        auto m = computeDashboard(m_db->connection(), f);
        QVERIFY(m.ok());
        m_metrics = m.value();
    }

    void everyChartInEveryFormat_data()
    {
        QTest::addColumn<int>("chart");
        for (int i = 0; i < kChartCount; ++i)
            QTest::addRow("%s", qPrintable(chartKey(ChartId(i)))) << i;
    }
    void everyChartInEveryFormat()
    {
        QFETCH(int, chart);
        const ChartData &data = m_metrics.chart(ChartId(chart));
        const QString base = m_dir.filePath(chartKey(ChartId(chart)));

        // PNG at twice the size asked: laid out at 800x500, drawn with 1600x1000 pixels.
        QVERIFY(ChartRenderer::exportChart(data, base + u".png"_s, QSize(800, 500), 2.0).ok());
        QImage png(base + u".png"_s);
        QVERIFY(!png.isNull());
        QCOMPARE(png.size(), QSize(1600, 1000));
        QCOMPARE(png.text(u"Title"_s), data.title);
        // Not blank: the chart drew something besides the white background.
        int inked = 0;
        for (int y = 0; y < png.height(); y += 7)
            for (int x = 0; x < png.width(); x += 7)
                inked += png.pixel(x, y) != qRgb(255, 255, 255);
        QVERIFY(inked > 100);

        QVERIFY(ChartRenderer::exportChart(data, base + u".svg"_s, QSize(800, 500)).ok());
        QSvgRenderer svg(base + u".svg"_s);
        QVERIFY(svg.isValid());
        QFile svgFile(base + u".svg"_s);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QString svgText = QString::fromUtf8(svgFile.readAll());
        QVERIFY2(svgText.contains(u">%1<"_s.arg(data.title.toHtmlEscaped())), "the title is text in the SVG");
        QVERIFY(svgText.contains(u"<path"_s) || svgText.contains(u"<rect"_s) || svgText.contains(u"<polyline"_s));

        QVERIFY(ChartRenderer::exportChart(data, base + u".pdf"_s, QSize(800, 500)).ok());
        QFile pdf(base + u".pdf"_s);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        QCOMPARE(pdfPages(base + u".pdf"_s), 1);
        QVERIFY2(pdfText(base + u".pdf"_s).contains(data.title), qPrintable(pdfText(base + u".pdf"_s)));
    }

    void theReportHasATitlePageAndAPagePerChart()
    {
        const QString path = m_dir.filePath(u"report.pdf"_s);
        auto pages = ChartRenderer::exportReport(m_metrics, path);
        QVERIFY(pages.ok());
        QCOMPARE(pages.value(), 1 + kChartCount);
        QCOMPARE(pdfPages(path), 1 + kChartCount);
        const QString text = pdfText(path);
        QVERIFY(text.contains(u"Install base report"_s));
        QVERIFY(text.contains(u"Key figures"_s));
        QVERIFY(text.contains(u"Seat utilisation"_s));
        for (const ChartData &c : m_metrics.charts)
            QVERIFY2(text.contains(c.title), qPrintable(c.title));
        // The data tables: the fixture's May 2025 installs, the edition counts.
        QVERIFY(text.contains(u"2025-05"_s));
        QVERIFY(text.contains(u"Unlimited Edition"_s));
    }

    // Names are data, not markup: a package, edition or instance named like HTML is drawn as
    // written in every chart kind and format (Qt Charts reads its labels as rich text).
    void namesAreDrawnAsWrittenNotAsMarkup_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("bars") << int(ChartData::Kind::Bars);
        QTest::newRow("horizontal bars") << int(ChartData::Kind::HorizontalBars);
        QTest::newRow("bars and line") << int(ChartData::Kind::BarsAndLine);
        QTest::newRow("donut") << int(ChartData::Kind::Donut);
    }
    void namesAreDrawnAsWrittenNotAsMarkup()
    {
        QFETCH(int, kind);
        const QString name = u"Ed & <Co> \"x\""_s;
        ChartData data;
        data.id = ChartId::EditionMix;
        data.kind = ChartData::Kind(kind);
        data.title = u"Licenses of <b>Ed</b> & Co"_s;
        data.categoryAxis = u"Edition <i>"_s;
        data.valueAxis = u"Licenses"_s;
        data.categories = {name, u"Plain"_s};
        data.series.push_back({u"Installs <of> A&B"_s, {7, 3}, false});
        if (data.kind == ChartData::Kind::BarsAndLine) {
            data.series.push_back({u"Uninstalls"_s, {1, 1}, false});
            data.series.push_back({u"Net <growth>"_s, {6, 2}, true});
        }

        // What Qt Charts is given: each text read as HTML gives back the name as written.
        auto shown = [](const QString &html) {
            QTextDocument doc;
            doc.setHtml(html);
            return doc.toPlainText();
        };
        std::unique_ptr<QChart> chart(ChartRenderer::build(data, ChartRenderer::exportPalette()));
        QCOMPARE(shown(chart->title()), data.title);
        QStringList labels;
        for (QAbstractAxis *axis : chart->axes()) {
            if (auto *categories = qobject_cast<QBarCategoryAxis *>(axis)) {
                QCOMPARE(shown(axis->titleText()), data.categoryAxis);
                for (const QString &c : categories->categories())
                    labels << shown(c);
            }
        }
        for (QLegendMarker *marker : chart->legend()->markers())
            labels << shown(marker->label());
        if (data.kind == ChartData::Kind::Donut) {
            QVERIFY2(labels.contains(u"%1: 7 (70.0%)"_s.arg(name)), qPrintable(labels.join(u" | "_s)));
        } else {
            QVERIFY2(labels.contains(name), qPrintable(labels.join(u" | "_s)));
            if (data.series.size() > 1)
                QVERIFY2(labels.contains(u"Installs <of> A&B"_s), qPrintable(labels.join(u" | "_s)));
        }

        // In the SVG, the name is text, escaped once (as XML), not cut to "Ed &amp; ".
        const QString svgPath = m_dir.filePath(u"markup-%1.svg"_s.arg(kind));
        QVERIFY(ChartRenderer::exportChart(data, svgPath, QSize(800, 500)).ok());
        QFile svgFile(svgPath);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QString svg = QString::fromUtf8(svgFile.readAll());
        QVERIFY2(svg.contains(u"Ed &amp; &lt;Co&gt;"_s), "the category is in the SVG as written");
        QVERIFY(svg.contains(u"&lt;b&gt;Ed&lt;/b&gt;"_s));

        // In the PDF's text too.
        const QString pdfPath = m_dir.filePath(u"markup-%1.pdf"_s.arg(kind));
        QVERIFY(ChartRenderer::exportChart(data, pdfPath, QSize(800, 500)).ok());
        const QString text = pdfText(pdfPath);
        QVERIFY2(text.contains(u"Ed & <Co>"_s), qPrintable(text));
        QVERIFY2(text.contains(u"<b>Ed</b>"_s), qPrintable(text));

        // And the PNG draws the longer text: more text-coloured pixels (near-black grey; the bars
        // are coloured) than the same chart with the markup gone.
        ChartData stripped = data;
        stripped.title = u"Licenses of Ed & Co"_s;
        stripped.categoryAxis = u"Edition "_s;
        stripped.categories[0] = u"Ed & \"x\""_s;
        for (auto &series : stripped.series)
            series.name.remove(u"<of> "_s).remove(u" <growth>"_s);
        auto ink = [&](const ChartData &d) {
            const QString png = m_dir.filePath(u"markup.png"_s);
            if (!ChartRenderer::exportChart(d, png, QSize(800, 500)).ok())
                return -1;
            const QImage image(png);
            int text = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c(image.pixel(x, y));
                    const int high = std::max({c.red(), c.green(), c.blue()});
                    const int low = std::min({c.red(), c.green(), c.blue()});
                    text += high < 100 && high - low < 16;
                }
            return text;
        };
        const int withMarkup = ink(data);
        const int without = ink(stripped);
        QVERIFY2(withMarkup > without, qPrintable(u"%1 text pixels against %2"_s.arg(withMarkup).arg(without)));
    }

    void badPathsAndFormatsAreRefused()
    {
        const ChartData &data = m_metrics.chart(ChartId::StatusMix);
        auto wrongSuffix = ChartRenderer::exportChart(data, m_dir.filePath(u"chart.gif"_s), QSize(800, 500));
        QVERIFY(!wrongSuffix.ok());
        QVERIFY(wrongSuffix.error().message.contains(u".png, .svg or .pdf"_s));
        for (const char *suffix : {"png", "svg", "pdf"}) {
            auto r = ChartRenderer::exportChart(data, u"/nonexistent-dir/chart."_s + QLatin1String(suffix), QSize(800, 500));
            QVERIFY2(!r.ok(), suffix);
            QVERIFY(r.error().message.contains(u"Cannot write"_s));
        }
        QVERIFY(!ChartRenderer::exportReport(m_metrics, u"/nonexistent-dir/report.pdf"_s).ok());
        QVERIFY(!ChartRenderer::exportReport(m_metrics, m_dir.filePath(u"report.png"_s)).ok());
    }

    // What the dashboard's Export menu and its report button call: a disk that fills up is said
    // ("the disk is full", the path), as a write failure, and leaves the file that was there.
    void aFullDiskIsSaidAndKeepsTheOldFile()
    {
        const ChartData &data = m_metrics.chart(ChartId::EditionMix);
        for (const char *suffix : {"png", "svg", "pdf"}) {
            const QString full = m_dir.filePath(u"full."_s + QLatin1String(suffix));
            QFile::remove(full);
            QVERIFY(QFile::link(u"/dev/full"_s, full));
            auto r = ChartRenderer::exportChart(data, full, QSize(800, 500));
            QVERIFY2(!r.ok(), suffix);
            QCOMPARE(r.error().code, Error::Code::WriteFailed);
            QVERIFY2(r.error().message.contains(u"Cannot write %1: the disk is full"_s.arg(full)), qPrintable(r.error().message));
        }
        const QString report = m_dir.filePath(u"full-report.pdf"_s);
        QVERIFY(QFile::link(u"/dev/full"_s, report));
        auto r = ChartRenderer::exportReport(m_metrics, report);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::WriteFailed);
        QVERIFY2(r.error().message.contains(u"the disk is full"_s), qPrintable(r.error().message));
        QVERIFY(QFileInfo(u"/dev/full"_s).exists() && !QFileInfo(u"/dev/full"_s).isFile());
    }

    // The LMO runbook (Markdown or PDF) is an export like the others: a disk that fills up
    // (here: this process's files limited to 1,000 bytes, EFBIG) leaves the old runbook as it was.
    void theRunbookIsWrittenWholeOrNotAtAll_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("markdown") << u"md"_s;
        QTest::newRow("pdf") << u"pdf"_s;
    }
    void theRunbookIsWrittenWholeOrNotAtAll()
    {
        QFETCH(QString, suffix);
        const QString markdown = u"# LMO runbook\n\n"_s + QString(u"Every step, and why it matters. "_s).repeated(200);
        const QString path = m_dir.filePath(u"runbook."_s + suffix);
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("the runbook of last year\n");
        }
        Result<void> r;
        {
            const FileSizeLimit limit(1000);
            r = saveRunbookFile(markdown, path);
        }
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::WriteFailed);
        QVERIFY2(r.error().message.contains(u"Cannot write %1: the file would be larger"_s.arg(path)), qPrintable(r.error().message));
        QFile old(path);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("the runbook of last year\n"));
        QVERIFY(saveRunbookFile(markdown, path).ok());
        QVERIFY(QFileInfo(path).size() > 1000);
        const QString full = m_dir.filePath(u"full-runbook."_s + suffix);
        QVERIFY(QFile::link(u"/dev/full"_s, full));
        r = saveRunbookFile(markdown, full);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"the disk is full"_s), qPrintable(r.error().message));
    }

    void darkAndLightPalettesKeepTextReadable()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
        for (const QPalette &palette : {ChartRenderer::exportPalette(), dark}) {
            std::unique_ptr<QChart> chart(ChartRenderer::build(m_metrics.chart(ChartId::InstallsByMonth), palette));
            QCOMPARE(chart->title(), m_metrics.chart(ChartId::InstallsByMonth).title);
            const QColor text = chart->titleBrush().color();
            const QColor background = chart->backgroundBrush().color();
            QVERIFY(qAbs(text.lightness() - background.lightness()) > 150);
            QCOMPARE(chart->axes().size() >= 2, true);
            for (QAbstractAxis *axis : chart->axes())
                QVERIFY(!axis->isVisible() || !axis->titleText().isEmpty());
        }
    }

    // The "Licenses by effective status" legend: every entry whole ("Uninstalled: 6,654
    // (39.2%)", swatch and text) inside the chart, clear of the ring and of each other, in the
    // dashboard's widget (half of a 1280-pixel window) and at export sizes; and in the SVG the
    // whole text of each entry (Qt's own legend cut them to "Active: 6,128 (…").
    void theDonutLegendShowsEveryEntryWhole_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("widget");
        QTest::newRow("dashboard, half of 1280x800") << QSize(525, 320) << true;
        QTest::newRow("dashboard, narrow window") << QSize(380, 320) << true;
        QTest::newRow("export 400x300") << QSize(400, 300) << false;
        QTest::newRow("export 600x400") << QSize(600, 400) << false;
        QTest::newRow("export default 1200x750") << QSize(1200, 750) << false;
        QTest::newRow("export 2000x1200") << QSize(2000, 1200) << false;
        QTest::newRow("export tall 300x700") << QSize(300, 700) << false;
    }
    void theDonutLegendShowsEveryEntryWhole()
    {
        QFETCH(QSize, size);
        QFETCH(bool, widget);
        // Counts as wide as a big install base's, so the entries are long.
        ChartData data = m_metrics.chart(ChartId::StatusMix);
        data.categories = {u"Active"_s, u"Trial"_s, u"Suspended"_s, u"Uninstalled"_s, u"Expired"_s};
        data.series = {{u"Licenses"_s, {612'800, 30'400, 14'000, 665'400, 377'000}, false}};
        const QLocale locale;
        QStringList expected;
        const double total = double(data.total());
        for (qsizetype i = 0; i < data.categories.size(); ++i) {
            const qint64 v = data.series[0].values[size_t(i)];
            expected << u"%1: %2 (%3%)"_s.arg(data.categories[i], locale.toString(v)).arg(100.0 * double(v) / total, 0, 'f', 1);
        }

        if (!widget) {
            const QString svg = m_dir.filePath(u"legend-%1x%2.svg"_s.arg(size.width()).arg(size.height()));
            QVERIFY(ChartRenderer::exportChart(data, svg, size).ok());
            const QString text = fileText(svg);
            for (const QString &entry : expected)
                QVERIFY2(text.contains(u">%1<"_s.arg(entry)), qPrintable(entry + u" is not whole in the SVG"_s));
        }

        QGraphicsScene scene;
        QChartView view;
        QChart *chart = ChartRenderer::build(data, ChartRenderer::exportPalette());
        if (widget) {
            view.setChart(chart); // the view owns it
            view.resize(size);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
        } else {
            scene.addItem(chart);
            chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
            chart->layout()->activate();
        }
        QCoreApplication::processEvents();
        const auto entries = ChartRenderer::legendEntries(chart);
        QStringList texts;
        for (const auto &e : entries)
            texts << e.first;
        QCOMPARE(texts, expected);

        auto *pie = qobject_cast<QPieSeries *>(chart->series().value(0));
        QVERIFY(pie);
        const QRectF plot = chart->plotArea();
        const double radius = pie->pieSize() * std::min(plot.width(), plot.height()) / 2;
        const QPointF centre(plot.left() + pie->horizontalPosition() * plot.width(), plot.top() + pie->verticalPosition() * plot.height());
        QVERIFY2(radius >= 40, qPrintable(u"the ring is %1 pixels across"_s.arg(2 * radius)));
        const QRectF inside = QRectF(QPointF(0, 0), chart->size());
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const QRectF r = entries[i].second;
            QVERIFY2(inside.contains(r), qPrintable(u"%1 at %2,%3 %4x%5 leaves the %6x%7 chart"_s.arg(entries[i].first)
                                                        .arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())
                                                        .arg(inside.width()).arg(inside.height())));
            // Clear of the ring: the rect's nearest point lies outside its circle.
            const QPointF nearest(std::clamp(centre.x(), r.left(), r.right()), std::clamp(centre.y(), r.top(), r.bottom()));
            QVERIFY2(QLineF(centre, nearest).length() > radius, qPrintable(entries[i].first + u" lies on the ring"_s));
            for (qsizetype j = 0; j < i; ++j)
                QVERIFY2(!r.intersects(entries[j].second), qPrintable(entries[i].first + u" overlaps "_s + entries[j].first));
        }

    }

    // Each chart page of the report, and the title page, inside the page's 15 mm margins: the
    // chart and the numbers table beneath it once ran to the page's right edge. Read off the
    // PDF itself, rendered by poppler.
    void theReportKeepsItsMargins()
    {
        const QString path = m_dir.filePath(u"margins.pdf"_s);
        QVERIFY(ChartRenderer::exportReport(m_metrics, path).ok());
        QTemporaryDir pages;
        const int dpi = 50;
        const QList<QImage> images = pdfPageImages(path, dpi, pages.path());
        QCOMPARE(images.size(), 1 + kChartCount);
        const QMarginsF mm = ChartRenderer::reportPageLayout().margins(QPageLayout::Millimeter);
        for (qsizetype n = 0; n < images.size(); ++n) {
            const QImage &page = images[n];
            // A pixel of antialiasing to spare.
            const int left = int(mm.left() / 25.4 * dpi) - 1, top = int(mm.top() / 25.4 * dpi) - 1;
            const int right = page.width() - int(mm.right() / 25.4 * dpi) + 1, bottom = page.height() - int(mm.bottom() / 25.4 * dpi) + 1;
            int outside = 0, inked = 0;
            QPoint first(-1, -1);
            for (int y = 0; y < page.height(); ++y)
                for (int x = 0; x < page.width(); ++x) {
                    const QRgb c = page.pixel(x, y);
                    const bool ink = qRed(c) < 245 || qGreen(c) < 245 || qBlue(c) < 245;
                    const bool margin = x < left || x >= right || y < top || y >= bottom;
                    if (ink && margin && outside++ == 0)
                        first = QPoint(x, y);
                    inked += ink && !margin;
                }
            QVERIFY2(outside == 0, qPrintable(u"page %1: %2 pixels in the margins, the first at %3,%4 (the page %5x%6)"_s.arg(n + 1)
                                                  .arg(outside).arg(first.x()).arg(first.y()).arg(page.width()).arg(page.height())));
            QVERIFY2(inked > 500, qPrintable(u"page %1 is nearly blank"_s.arg(n + 1)));
        }
    }

    // A chart pasted into a slide says what it counts: the as-of day and the filters, under the
    // title, in every format and on the report's chart pages.
    void anExportedChartSaysItsFilters_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::newRow("png") << u"png"_s;
        QTest::newRow("svg") << u"svg"_s;
        QTest::newRow("pdf") << u"pdf"_s;
    }
    void anExportedChartSaysItsFilters()
    {
        QFETCH(QString, suffix);
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.package = u"Package A"_s;
        f.installedFrom = QDate(2024, 1, 1);
        f.installedTo = QDate(2026, 6, 15);
        f.includeSandboxes = false;
        auto m = computeDashboard(m_db->connection(), f);
        QVERIFY(m.ok());
        const QString scope = u"As of 2026-06-15; package Package A, installed 2024-01-01 to 2026-06-15, sandboxes left out"_s;
        for (const ChartData &c : m->charts)
            QCOMPARE(c.scope, scope);
        const ChartData &data = m->chart(ChartId::EditionMix);
        const QString path = m_dir.filePath(u"filters."_s + suffix);
        QVERIFY(ChartRenderer::exportChart(data, path, QSize(1200, 750)).ok());
        if (suffix == u"svg"_s) {
            QVERIFY2(fileText(path).contains(u">%1<"_s.arg(scope)), "the filters are a line of text under the title");
        } else if (suffix == u"pdf"_s) {
            QVERIFY2(pdfText(path).contains(scope), qPrintable(pdfText(path)));
        } else {
            const QImage png(path);
            QCOMPARE(png.text(u"Description"_s), scope);
            // Drawn, under the title: the band beneath it holds text only with the filters.
            ChartData without = data;
            without.scope.clear();
            const QString bare = m_dir.filePath(u"filters-bare.png"_s);
            QVERIFY(ChartRenderer::exportChart(without, bare, QSize(1200, 750)).ok());
            const QRect band(0, 30, 1200, 16);
            QVERIFY2(darkPixels(png, band) > 4 * darkPixels(QImage(bare), band) + 50,
                     qPrintable(u"%1 against %2"_s.arg(darkPixels(png, band)).arg(darkPixels(QImage(bare), band))));
        }
        // The report's chart pages too.
        const QString report = m_dir.filePath(u"filters-report.pdf"_s);
        QVERIFY(ChartRenderer::exportReport(m.value(), report).ok());
        QVERIFY(pdfText(report).count(scope) >= kChartCount);
    }

    // The dashboard's Export menu writes what the page shows, filters included.
    void theDashboardsExportSaysItsFilters()
    {
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"data"_s).toUtf8());
        MainWindow w;
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(test::location(m_dir.filePath(u"charts.sqlite"_s)), {}, nullptr, true));
        QVERIFY(refreshed.wait(10000));
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.package = u"Package B"_s;
        f.includeSandboxes = false;
        refreshed.clear();
        w.dashboardPage()->setFilter(f);
        QVERIFY(refreshed.wait(10000));
        const QString svg = m_dir.filePath(u"dashboard-export.svg"_s);
        QVERIFY(w.dashboardPage()->exportChart(ChartId::StatusMix, svg).ok());
        QVERIFY2(fileText(svg).contains(u">As of 2026-06-15; package Package B, sandboxes left out<"_s), qPrintable(fileText(svg).left(3000)));
    }

    // A filter set the moment a database opens, before its packages have been read (a saved view
    // restored, a tile clicked at once), keeps its package: the figures, the combo box and the
    // export all say Package B, and none falls back to "All packages" for want of the entry.
    void aFilterSetBeforeThePackagesAreReadKeepsItsPackage()
    {
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config2"_s).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"data2"_s).toUtf8());
        MainWindow w;
        DashboardPage *page = w.dashboardPage();
        QSignalSpy refreshed(page, &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(test::location(m_dir.filePath(u"charts.sqlite"_s)), {}, nullptr, true));
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        f.package = u"Package B"_s;
        f.includeSandboxes = false;
        page->setFilter(f);
        QCOMPARE(page->filter().package, u"Package B"_s);
        auto *combo = page->findChild<QComboBox *>(u"dashboardPackage"_s);
        QVERIFY(combo);
        // Wait until the packages are in the combo box and the last figures are computed.
        QTRY_COMPARE_WITH_TIMEOUT(combo->currentText(), u"Package B"_s, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty() && page->summaryText() != u"Computing…"_s, 10000);
        QCOMPARE(page->filter().package, u"Package B"_s);
        auto expected = computeDashboard(m_db->connection(), page->filter());
        QVERIFY(expected.ok());
        InstallBaseFilter every = f;
        every.package.clear();
        auto all = computeDashboard(m_db->connection(), every);
        QVERIFY(all.ok());
        const qint64 ofB = expected->stats.toJson().value(u"licenses"_s).toInteger();
        QVERIFY2(ofB > 0 && ofB < all->stats.toJson().value(u"licenses"_s).toInteger(), "Package B is some of the licenses");
        QCOMPARE(page->tileText(u"licenses"_s), QLocale().toString(ofB));
        const QString svg = m_dir.filePath(u"dashboard-early.svg"_s);
        QVERIFY(page->exportChart(ChartId::StatusMix, svg).ok());
        QVERIFY2(fileText(svg).contains(u">As of 2026-06-15; package Package B, sandboxes left out<"_s), qPrintable(fileText(svg).left(3000)));
    }

    // As of a past day the report's title page says what the figures cannot tell about it.
    void theReportSaysWhatAPastDayCannotTell()
    {
        InstallBaseFilter f;
        f.asOf = QDate(2026, 1, 1);
        auto m = computeDashboard(m_db->connection(), f);
        QVERIFY(m.ok());
        const QString caveat = m->stats.asOfCaveat();
        QVERIFY2(!caveat.isEmpty(), "the fixture has a license changed since 2026-01-01 with no history");
        const QString path = m_dir.filePath(u"past.pdf"_s);
        QVERIFY(ChartRenderer::exportReport(m.value(), path).ok());
        QProcess p;
        p.start(u"pdftotext"_s, {u"-f"_s, u"1"_s, u"-l"_s, u"1"_s, path, u"-"_s});
        QVERIFY(p.waitForFinished(30000));
        const QString titlePage = QString::fromUtf8(p.readAllStandardOutput()).normalized(QString::NormalizationForm_KC).simplified();
        QVERIFY2(titlePage.contains(u"Note: "_s + caveat), qPrintable(titlePage));
        // The key figures are the day's, not today's.
        QVERIFY2(titlePage.contains(u"Active on 2026-01-01"_s), qPrintable(titlePage));
        QVERIFY2(titlePage.contains(u"Uninstalls, 30 days to 2026-01-01"_s), qPrintable(titlePage));
        QVERIFY2(!titlePage.contains(u"today"_s), qPrintable(titlePage));

        // Today's figures have nothing to say.
        auto today = computeDashboard(m_db->connection(), InstallBaseFilter{});
        QVERIFY(today.ok());
        QVERIFY(today->stats.asOfCaveat().isEmpty());
        QVERIFY(ChartRenderer::exportReport(today.value(), path).ok());
        QVERIFY(!pdfText(path).contains(u"Note: "_s));
    }

    // A long package-and-version name beside a horizontal bar wraps onto lines instead of being
    // cut to "Ledgerly Revenue Recogniti…", in the dashboard's half-width chart.
    void aLongNameBesideABarIsNotCut()
    {
        ChartData data;
        data.id = ChartId::VersionAdoption;
        data.kind = ChartData::Kind::HorizontalBars;
        data.title = u"Version adoption"_s;
        data.categoryAxis = u"Package and version"_s;
        data.valueAxis = u"Licenses"_s;
        data.categories = {u"Ledgerly Revenue Recognition for Enterprise 12.4.1"_s, u"Short 1.0"_s, u"Other"_s};
        data.series.push_back({u"Licenses"_s, {1200, 800, 30}, false});
        QChartView view;
        view.setChart(ChartRenderer::build(data, ChartRenderer::exportPalette()));
        view.resize(525, 420);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCoreApplication::processEvents();
        QBarCategoryAxis *categories = nullptr;
        for (QAbstractAxis *axis : view.chart()->axes())
            if (auto *c = qobject_cast<QBarCategoryAxis *>(axis))
                categories = c;
        QVERIFY(categories);
        QVERIFY(!categories->labelsTruncated());
        // And still reads as the name (tooltips and clicks use the data's own names).
        QTextDocument doc;
        doc.setHtml(categories->categories().last());
        QCOMPARE(doc.toPlainText().replace(QChar(0x2028), u' ').replace(u'\n', u' '), data.categories.first());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    DashboardMetrics m_metrics;
};

QTEST_MAIN(TestChartExport)
#include "tst_chartexport.moc"
