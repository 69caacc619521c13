// lmodesk import: LMA CSV exports into the database, then the indexes a bulk load left.
#include "cliutil.h"
#include "subcommands.h"

#include "import/importer.h"
#include "storage/bulkload.h"
#include "util/format.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <cstdio>
#include <unistd.h>

namespace lmo::cli {

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Import LMA CSV exports (Data Loader, Salesforce CLI, report \"Details Only\"): licenses, packages or "
        "package versions. Each file is imported whole or not at all. Another import into the same database "
        "waits for this one to finish.\n"
        "Exit codes: 0 every row imported, 3 some rows rejected (the rest imported), 2 nothing imported (bad "
        "input), 1 failed while working (e.g. the disk is full: nothing of that file was imported; or the "
        "licenses were saved but their indexes could not be built)."));
    parser.addOption(dbOption());
    const QCommandLineOption strictOpt(QStringLiteral("strict"),
                                       QStringLiteral("Refuse a whole file when any of its rows is rejected."));
    const QCommandLineOption orderOpt(QStringLiteral("date-order"),
                                      QStringLiteral("How to read slash dates: mdy (3/31/2026, default) or dmy (31/3/2026)."),
                                      QStringLiteral("mdy|dmy"), QStringLiteral("mdy"));
    const QCommandLineOption lmoOpt(QStringLiteral("lmo"),
                                    QStringLiteral("The LMO the files were exported from: its number or org id, or "
                                                   "\"current\". Needed once the database has more than one LMO "
                                                   "(see lmodesk lmo show)."),
                                    QStringLiteral("LMO"));
    parser.addOptions({strictOpt, orderOpt, lmoOpt});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("CSV files to import."), QStringLiteral("FILE..."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return fail(QStringLiteral("%1 (see \"lmodesk import --help\")").arg(parser.errorText()), 2);
    if (parser.isSet(help)) {
        out() << parser.helpText();
        return 0;
    }
    ImportOptions options;
    options.strict = parser.isSet(strictOpt);
    const QString order = parser.value(orderOpt).toLower();
    if (order == QStringLiteral("dmy"))
        options.dateOrder = DateOrder::DayMonthYear;
    else if (order != QStringLiteral("mdy"))
        return fail(QStringLiteral("--date-order \"%1\" is not mdy or dmy.").arg(parser.value(orderOpt)), 2);
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return fail(QStringLiteral("no file to import (see \"lmodesk import --help\")"), 2);

    Database::OpenOptions openOptions;
    openOptions.create = true;
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), openOptions);
    if (!database)
        return failWith(database.error());
    if (parser.isSet(lmoOpt)) {
        auto chosen = lmoOption(parser.value(lmoOpt), database.value()->connection());
        if (!chosen)
            return fail(chosen.error().message, 2);
        options.lmoRef = chosen->ref;
    }
    // One import at a time into a database, across processes: this one holds the lock through
    // all its files and the indexes they leave, so that another waits for all of it, saying so.
    bool toldWaiting = false;
    auto lock = BulkWriteLock::acquire(database.value()->connection(), [&](const QString &holder) {
        if (!toldWaiting)
            err() << "lmodesk: waiting for another import to finish (" << holder << " is writing to "
                  << QDir::toNativeSeparators(database.value()->displayName()) << ")..." << Qt::endl;
        toldWaiting = true;
        return true;
    }, 2000, database.value()->displayName());
    if (!lock)
        return failWith(lock.error());

    // The worst outcome of all files decides the exit code: 1 (failed while working, the index
    // build after them included) over 2 over 3 over 0.
    int worst = 0;
    for (const QString &file : files) {
        const bool showProgress = isatty(fileno(stderr));
        options.progress = [&](const ImportProgress &p) {
            if (showProgress) {
                const int percent = p.totalBytes > 0 ? int(p.bytes * 100 / p.totalBytes) : 0;
                err() << "\r" << QStringLiteral("%1: %2% (%3 rows, %4 rows/s)")
                                      .arg(QFileInfo(file).fileName())
                                      .arg(percent)
                                      .arg(groupedNumber(p.rows), groupedNumber(qint64(p.rows / qMax(0.001, p.seconds))))
                      << Qt::flush;
            }
            return true;
        };
        auto report = importFile(*database.value(), file, options);
        if (showProgress)
            err() << "\r" << QString(72, QLatin1Char(' ')) << "\r" << Qt::flush;
        if (!report) {
            err() << "lmodesk: " << report.error().message << Qt::endl;
            worst = worseExitCode(worst, ImportReport::exitCodeOf(report.error()));
            continue;
        }
        out() << report->summary();
        out().flush();
        worst = worseExitCode(worst, report->exitCode());
    }

    // A load into an empty table saves its rows first and leaves the indexes for after: build
    // them now, so that the next window opens ready to browse.
    QSqlDatabase connection = database.value()->connection();
    auto pending = deferredIndexCount(connection);
    if (pending && pending.value() > 0) {
        QElapsedTimer timer;
        timer.start();
        const bool showProgress = isatty(fileno(stderr));
        auto built = buildDeferredIndexes(connection, [&](int done, int total) {
            if (showProgress)
                err() << "\r" << QStringLiteral("building indexes: %1 of %2").arg(done).arg(total) << Qt::flush;
            return true;
        });
        if (showProgress)
            err() << "\r" << QString(40, QLatin1Char(' ')) << "\r" << Qt::flush;
        if (!built) {
            err() << "lmodesk: " << built.error().message
                  << " The licenses are saved; LMO Desk builds the rest of the indexes when it next opens the database."
                  << Qt::endl;
            worst = 1;
        } else {
            out() << QStringLiteral("indexes: built %1 in %2 s\n").arg(pending.value()).arg(timer.elapsed() / 1000.0, 0, 'f', 1);
        }
    }
    return worst;
}

} // namespace lmo::cli
