// lmodesk-bench coldstart: the whole window opening a database file that is not in the page
// cache, as after a reboot. The file (and its -wal, -shm) is dropped from the cache first
// (posix_fadvise DONTNEED after fdatasync) and mincore() says how much of it was left; then a
// MainWindow is shown and opens it, and the bench times the first window of licenses on the
// Licenses page, the dashboard's first refresh, and the longest the window's event loop went
// without running (a 10 ms timer's largest gap, less its 10 ms). Beside them, measured before
// the window opens and dropped from the cache again each time, the sqlite3 shell reading the
// same first window, the dashboard's image and the count (process start included: the shell
// must open the file cold too).
#include "coldstartbench.h"
#include "benchutil.h"

#include "dashboard/dashboardpage.h"
#include "models/licensetablemodel.h"
#include "browse/licensespage.h"
#include "browse/subscriberspage.h"
#include "models/subscribertablemodel.h"
#include "widgets/bigtableview.h"
#include "shell/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScrollBar>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace {

using namespace lmo;

struct Residency
{
    qint64 pages = 0, resident = 0;
};

// How many of the file's pages are in the page cache (mincore of a read-only mapping).
Residency residency(const QString &path)
{
    Residency r;
    const int fd = ::open(path.toLocal8Bit().constData(), O_RDONLY);
    if (fd < 0)
        return r;
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size > 0) {
        void *map = mmap(nullptr, size_t(size), PROT_READ, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) {
            const long page = sysconf(_SC_PAGESIZE);
            std::vector<unsigned char> vec(size_t((size + page - 1) / page));
            if (mincore(map, size_t(size), vec.data()) == 0) {
                r.pages = qint64(vec.size());
                r.resident = std::count_if(vec.begin(), vec.end(), [](unsigned char c) { return c & 1; });
            }
            munmap(map, size_t(size));
        }
    }
    ::close(fd);
    return r;
}

// Drops the database's files from the page cache; answers the share of pages still there.
double evict(const QString &path)
{
    Residency total;
    for (const QString &p : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        const int fd = ::open(p.toLocal8Bit().constData(), O_RDONLY);
        if (fd < 0)
            continue;
        fdatasync(fd);
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
        const Residency r = residency(p);
        total.pages += r.pages;
        total.resident += r.resident;
    }
    return total.pages ? 100.0 * double(total.resident) / double(total.pages) : 0.0;
}

// The sqlite3 shell running `sql` on the cold file, process start and all.
std::optional<double> coldShellMs(const QString &path, const QString &sql)
{
    evict(path);
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {QStringLiteral("-readonly"), path});
    p.write(QStringLiteral(".output /dev/null\n%1;\n").arg(sql).toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(600000) || p.exitCode() != 0)
        return std::nullopt;
    return t.nsecsElapsed() / 1e6;
}

QJsonValue msOrNull(std::optional<double> v)
{
    return v ? QJsonValue(benchMs(*v)) : QJsonValue();
}

} // namespace

int benchColdStart(const QStringList &args)
{
    QCommandLineParser parser;
    QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("An SQLite file (lmodesk demo --licenses 1000000 --db PATH)."),
                             QStringLiteral("path"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({dbOpt, jsonOpt});
    parser.process(args);
    QTextStream err(stderr);
    const QString path = parser.value(dbOpt);
    if (path.isEmpty() || !QFileInfo(path).isFile()) {
        err << "lmodesk-bench coldstart: --db PATH must name an SQLite file (make one with: lmodesk demo --licenses "
               "1000000 --db PATH)" << Qt::endl;
        return 2;
    }

    // The shell first, each run on a cold file: nothing of this process may have the file open
    // meanwhile (closing a descriptor of it, as evict() does, drops every POSIX lock SQLite
    // holds on it in this process, and a shell that then thinks itself alone truncates the
    // shared memory the window's connections map).
    const auto shellFirst = coldShellMs(path, QStringLiteral("SELECT * FROM licenses ORDER BY install_date DESC, id DESC LIMIT 256"));
    // The image's last byte of each chunk: every overflow page of it read.
    const auto shellImage = coldShellMs(path, QStringLiteral("SELECT COUNT(substr(data, -1, 1)) FROM license_image"));
    const auto shellCount = coldShellMs(path, QStringLiteral("SELECT COUNT(*) FROM licenses"));

    const double left = evict(path);
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QCoreApplication::processEvents();

    // The window's event loop: the largest gap between ticks of a 10 ms timer.
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = 0, worstGap = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (lastTick)
            worstGap = std::max(worstGap, now - lastTick);
        lastTick = now;
    });
    ticker.start(10);

    std::optional<double> firstRows, dashboard, everyId, orgsCounted;
    QEventLoop loop;
    auto maybeDone = [&] {
        if (firstRows && dashboard && everyId && orgsCounted)
            loop.quit();
    };
    // Then the list knows every row (the ids in order), and the Subscribers page has its count.
    QObject::connect(w.licensesPage()->model(), &LicenseTableModel::idsArrived, [&] {
        if (!everyId)
            everyId = clock.nsecsElapsed() / 1e6;
        maybeDone();
    });
    QObject::connect(w.subscribersPage()->model(), &SubscriberTableModel::countsChanged, [&] {
        if (!orgsCounted && w.subscribersPage()->model()->matchingCount())
            orgsCounted = clock.nsecsElapsed() / 1e6;
        maybeDone();
    });
    QObject::connect(w.licensesPage()->model(), &LicenseTableModel::firstRowsArrived, [&] {
        if (!firstRows && w.licensesPage()->model()->rowCount() > 0)
            firstRows = clock.nsecsElapsed() / 1e6;
        maybeDone();
    });
    QObject::connect(w.dashboardPage(), &DashboardPage::refreshed, [&] {
        if (!dashboard)
            dashboard = clock.nsecsElapsed() / 1e6;
        maybeDone();
    });
    QTimer::singleShot(600000, &loop, &QEventLoop::quit);
    QElapsedTimer openTimer;
    openTimer.start();
    QString error;
    if (!w.openDatabase(path, {}, &error, true)) {
        err << "lmodesk-bench coldstart: " << error << Qt::endl;
        return 1;
    }
    const double openMs = openTimer.nsecsElapsed() / 1e6;
    if (!firstRows || !dashboard || !everyId || !orgsCounted)
        loop.exec();
    // Browsing: the Subscribers page, then the licenses scrolled to the end and back.
    auto settle = [] {
        for (int i = 0; i < 20; ++i) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            QThread::msleep(10);
        }
    };
    w.setPage(Page::Subscribers);
    settle();
    w.setPage(Page::Licenses);
    QScrollBar *scroll = w.licensesPage()->table()->verticalScrollBar();
    scroll->setValue(scroll->maximum());
    settle();
    scroll->setValue(scroll->maximum() / 2);
    settle();
    ticker.stop();
    // The open itself ran on the window's thread: it counts as a stall too.
    const double stallMs = std::max(double(worstGap) / 1e6 - 10.0, openMs);

    const QJsonObject result{
        {QStringLiteral("file_mb"), benchMs(QFileInfo(path).size() / 1e6)},
        {QStringLiteral("left_in_page_cache_percent"), benchMs(left)},
        {QStringLiteral("open_on_window_thread_ms"), benchMs(openMs)},
        {QStringLiteral("first_window_of_licenses_ms"), msOrNull(firstRows)},
        {QStringLiteral("dashboard_refreshed_ms"), msOrNull(dashboard)},
        {QStringLiteral("every_id_listed_ms"), msOrNull(everyId)},
        {QStringLiteral("orgs_counted_ms"), msOrNull(orgsCounted)},
        {QStringLiteral("longest_window_stall_ms"), benchMs(stallMs)},
        {QStringLiteral("rss_after_browsing_mb"), qRound(benchRssNowMb())},
        {QStringLiteral("sqlite3_cold_first_window_ms"), msOrNull(shellFirst)},
        {QStringLiteral("sqlite3_cold_image_read_ms"), msOrNull(shellImage)},
        {QStringLiteral("sqlite3_cold_count_ms"), msOrNull(shellCount)},
        {QStringLiteral("peak_rss_mb"), qRound(benchPeakRssMb())},
    };
    if (parser.isSet(jsonOpt)) {
        QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Indented);
        return 0;
    }
    QTextStream out(stdout);
    out << QStringLiteral("Cold start of %1 (%2 MB, %3% left in the page cache)\n")
               .arg(path)
               .arg(result.value(QStringLiteral("file_mb")).toDouble())
               .arg(left);
    for (auto it = result.begin(); it != result.end(); ++it)
        out << "  " << it.key() << ": " << it.value().toVariant().toString() << "\n";
    return 0;
}
