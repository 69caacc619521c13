// View > Follow system / Light / Dark: the style and palette each gives, what is remembered, and
// that the window (the dashboard's charts included) is drawn in it.
#include "fixtures.h"

#include "browse/licensespage.h"
#include "dashboard/dashboardpage.h"
#include "models/licensetablemodel.h"
#include "shell/appearance.h"
#include "shell/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QTemporaryDir>
#include <QMenu>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

// The mean lightness (0 to 255) of an image, sampled.
int meanLightness(const QImage &image)
{
    qint64 sum = 0;
    qint64 n = 0;
    for (int y = 0; y < image.height(); y += 5)
        for (int x = 0; x < image.width(); x += 5) {
            sum += QColor(image.pixel(x, y)).lightness();
            ++n;
        }
    return n ? int(sum / n) : 0;
}

} // namespace

class TestAppearance : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"data"_s).toUtf8());
        QCoreApplication::setOrganizationName(u"lmodesk-test"_s);
        QCoreApplication::setApplicationName(u"lmodesk-test"_s);
        m_fixture = test::location(m_dir.filePath(u"fixture.sqlite"_s));
        QVERIFY(test::createFixtureDatabase(m_fixture));
        m_platformStyle = QApplication::style()->name();
        m_platformWindow = QApplication::palette().color(QPalette::Window);
    }

    void cleanup()
    {
        applyColorScheme(ColorScheme::System);
        QSettings().remove(u"view/colorScheme"_s);
    }

    void theViewMenuOffersThreeChoicesAndFollowsTheSystemByDefault()
    {
        MainWindow w;
        QCOMPARE(savedColorScheme(), ColorScheme::System);
        for (const char *name : {"system", "light", "dark"}) {
            auto *action = w.findChild<QAction *>(u"colorScheme_"_s + QLatin1String(name));
            QVERIFY2(action, name);
            QVERIFY(action->isCheckable());
            QCOMPARE(action->isChecked(), qstrcmp(name, "system") == 0);
        }
        // What the window shows is chosen here too: the Licenses page's detail panel.
        auto *view = w.findChild<QMenu *>(u"viewMenu"_s);
        QVERIFY(view);
        bool detail = false;
        for (QAction *a : view->actions())
            detail = detail || a->objectName() == u"detailAction"_s;
        QVERIFY(detail);
    }

    void eachChoiceGivesItsStyleAndPaletteAndIsRemembered_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<bool>("dark");
        QTest::newRow("dark") << u"dark"_s << true;
        QTest::newRow("light") << u"light"_s << false;
    }
    void eachChoiceGivesItsStyleAndPaletteAndIsRemembered()
    {
        QFETCH(QString, scheme);
        QFETCH(bool, dark);
        {
            MainWindow w;
            w.findChild<QAction *>(u"colorScheme_"_s + scheme)->trigger();
            QCOMPARE(QApplication::style()->name(), u"fusion"_s);
            const QPalette p = QApplication::palette();
            QCOMPARE(p.color(QPalette::Window).lightness() < 100, dark);
            QCOMPARE(p.color(QPalette::Base).lightness() < 100, dark);
            // Text stays readable on its background.
            QVERIFY(qAbs(p.color(QPalette::WindowText).lightness() - p.color(QPalette::Window).lightness()) > 120);
            QVERIFY(qAbs(p.color(QPalette::Text).lightness() - p.color(QPalette::Base).lightness()) > 120);
            QCOMPARE(QSettings().value(u"view/colorScheme"_s).toString(), scheme);
        }
        // The next window (the next start) finds the choice ticked.
        MainWindow again;
        QVERIFY(again.findChild<QAction *>(u"colorScheme_"_s + scheme)->isChecked());
        QCOMPARE(savedColorScheme(), *colorSchemeFromName(scheme));
    }

    void followingTheSystemGivesBackThePlatformLook()
    {
        MainWindow w;
        w.findChild<QAction *>(u"colorScheme_dark"_s)->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Window) != m_platformWindow);
        w.findChild<QAction *>(u"colorScheme_system"_s)->trigger();
        QCOMPARE(QApplication::style()->name(), m_platformStyle);
        QCOMPARE(QApplication::palette().color(QPalette::Window), m_platformWindow);
        QCOMPARE(QSettings().value(u"view/colorScheme"_s).toString(), u"system"_s);
    }

    // The window in each look, with the dashboard showing the fixture: saved as PNGs (under
    // $LMODESK_SHOT_DIR too, when set, to be looked at) and measured.
    void theWindowAndItsChartsAreDrawnInEachLook_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::newRow("light") << u"light"_s;
        QTest::newRow("dark") << u"dark"_s;
        QTest::newRow("system") << u"system"_s;
    }
    void theWindowAndItsChartsAreDrawnInEachLook()
    {
        QFETCH(QString, scheme);
        MainWindow w;
        w.resize(1280, 800);
        QSignalSpy refreshed(w.dashboardPage(), &DashboardPage::refreshed);
        QVERIFY(w.openDatabase(m_fixture));
        w.setPage(Page::Dashboard);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(!refreshed.isEmpty(), 10000);
        w.findChild<QAction *>(u"colorScheme_"_s + scheme)->trigger();
        QCoreApplication::processEvents();
        const QImage shot = w.grab().toImage();
        QVERIFY(shot.save(m_dir.filePath(u"window-%1.png"_s.arg(scheme))));
        const QString shots = qEnvironmentVariable("LMODESK_SHOT_DIR");
        if (!shots.isEmpty())
            shot.save(QDir(shots).filePath(u"window-%1.png"_s.arg(scheme)));

        const int lightness = meanLightness(shot);
        QChart *chart = w.dashboardPage()->chartView(ChartId::InstallsByMonth)->chart();
        const int chartBackground = chart->backgroundBrush().color().lightness();
        if (scheme == u"dark"_s) {
            QVERIFY2(lightness < 110, qPrintable(QString::number(lightness)));
            QVERIFY2(chartBackground < 100, "the charts follow the palette");
            QVERIFY(chart->titleBrush().color().lightness() > 180);
        } else if (scheme == u"light"_s) {
            QVERIFY2(lightness > 170, qPrintable(QString::number(lightness)));
            QVERIFY(chartBackground > 200);
        }

        // The Licenses page, its coloured rows (expired, suspended, uninstalled) on that ground.
        w.setPage(Page::Licenses);
        QTRY_COMPARE(w.licensesPage()->model()->rowCount(), 15);
        QTRY_VERIFY(!w.licensesPage()->model()->index(14, 0).data().toString().startsWith(u"…"_s)); // rows read
        const QImage list = w.grab().toImage();
        if (!shots.isEmpty())
            list.save(QDir(shots).filePath(u"licenses-%1.png"_s.arg(scheme)));
        if (scheme == u"dark"_s)
            QVERIFY(meanLightness(list) < 110);
        else if (scheme == u"light"_s)
            QVERIFY(meanLightness(list) > 170);
    }

private:
    QTemporaryDir m_dir;
    QString m_fixture;
    QString m_platformStyle;
    QColor m_platformWindow;
};

QTEST_MAIN(TestAppearance)
#include "tst_appearance.moc"
