// lmodesk-bench: speed and memory figures, measured through the real code paths. Prints
// figures; never asserts a time (these machines are shared and noisy).
//
//   lmodesk-bench demo [--licenses N] [--seed S] [--db PATH] [--json]
//       Writes a demo install base into a fresh database (a temporary one unless --db) and
//       reports generation time, rows per second, peak memory, file size and the time of the
//       install-base summary (`lmodesk stats`) on the result.

#include "demo/demogenerator.h"
#include "metrics/installbasestats.h"
#include "storage/database.h"
#include "util/format.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // kilobytes on Linux
}

int benchDemo(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"), QStringLiteral("Licenses (default 1000000)."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Seed."), QStringLiteral("S"),
                                     QStringLiteral("1"));
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("Keep the database here (must not exist)."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({licensesOpt, seedOpt, dbOpt, jsonOpt});
    parser.addHelpOption();
    parser.process(args);

    QTemporaryDir dir;
    const QString path = parser.isSet(dbOpt) ? parser.value(dbOpt) : dir.filePath(QStringLiteral("bench.sqlite"));
    if (QFileInfo::exists(path)) {
        QTextStream(stderr) << "lmodesk-bench: " << path << " exists; give a new file." << Qt::endl;
        return 2;
    }
    lmo::Database::OpenOptions open;
    open.create = true;
    auto db = lmo::Database::open(path, open);
    if (!db) {
        QTextStream(stderr) << "lmodesk-bench: " << db.error().message << Qt::endl;
        return 1;
    }
    lmo::DemoOptions options;
    options.licenses = parser.value(licensesOpt).toLongLong();
    options.seed = parser.value(seedOpt).toULongLong();
    QElapsedTimer timer;
    timer.start();
    auto summary = lmo::generateDemo(*db.value(), options);
    const double generateMs = timer.nsecsElapsed() / 1e6;
    if (!summary) {
        QTextStream(stderr) << "lmodesk-bench: " << summary.error().message << Qt::endl;
        return 1;
    }
    timer.restart();
    auto stats = lmo::computeInstallBaseStats(db.value()->connection(), QDate::currentDate());
    const double statsMs = timer.nsecsElapsed() / 1e6;
    if (!stats) {
        QTextStream(stderr) << "lmodesk-bench: " << stats.error().message << Qt::endl;
        return 1;
    }
    const double sizeMb = QFileInfo(path).size() / (1024.0 * 1024.0);
    const QJsonObject result{
        {QStringLiteral("licenses"), summary->licenses},
        {QStringLiteral("subscriber_orgs"), summary->subscriberOrgs},
        {QStringLiteral("generate_ms"), qRound(generateMs)},
        {QStringLiteral("licenses_per_second"), qRound64(summary->licenses / (generateMs / 1000.0))},
        {QStringLiteral("stats_ms"), qRound(statsMs)},
        {QStringLiteral("database_mb"), qRound(sizeMb)},
        {QStringLiteral("peak_rss_mb"), qRound(peakRssMb())},
    };
    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
    } else {
        out << "demo install base: " << lmo::groupedNumber(summary->licenses) << " licenses, "
            << lmo::groupedNumber(summary->subscriberOrgs) << " subscriber orgs\n"
            << "  generate        " << QString::number(generateMs / 1000.0, 'f', 1) << " s ("
            << lmo::groupedNumber(result.value(QStringLiteral("licenses_per_second")).toInteger())
            << " licenses/s, indexes and ANALYZE included)\n"
            << "  stats           " << qRound(statsMs) << " ms\n"
            << "  database file   " << qRound(sizeMb) << " MB\n"
            << "  peak RSS        " << qRound(peakRssMb()) << " MB\n";
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments();
    const QString command = args.value(1);
    if (command == QStringLiteral("demo")) {
        args.removeAt(1);
        return benchDemo(args);
    }
    QTextStream(stderr) << "usage: lmodesk-bench demo [--licenses N] [--seed S] [--db PATH] [--json]\n";
    return command.isEmpty() || command == QStringLiteral("--help") ? 0 : 2;
}
