// Chart and report exports: each format valid, drawn at its own size, the title inside.
#include "fixtures.h"

#include "dashboard/chartrenderer.h"
#include "metrics/dashboardmetrics.h"
#include "wizard/runbookfile.h"

#include <QAbstractAxis>
#include <QBarCategoryAxis>
#include <QLegend>
#include <QLegendMarker>
#include <QTextDocument>
#include <QChart>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
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

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    DashboardMetrics m_metrics;
};

QTEST_MAIN(TestChartExport)
#include "tst_chartexport.moc"
