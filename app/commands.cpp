#include "commands.h"

#include "demo/demogenerator.h"
#include "export/licenseexport.h"
#include "import/importer.h"
#include "metrics/installbasestats.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "util/format.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace lmo::cli {

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}
QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int fail(const QString &message, int code = 1)
{
    err() << "lmodesk: " << message << Qt::endl;
    return code;
}

int failWith(const Error &error)
{
    const bool refusal = error.code == Error::Code::Usage || error.code == Error::Code::NotADatabase
                         || error.code == Error::Code::NotOurDatabase || error.code == Error::Code::SchemaTooNew
                         || error.code == Error::Code::ReadOnly || error.code == Error::Code::Io
                         || error.code == Error::Code::Locked;
    return fail(error.message, refusal ? 2 : 1);
}

// Parses the subcommand's options; prints the problem and returns false on a usage error.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &command, int *exitCode)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        *exitCode = fail(QStringLiteral("%1 (see \"lmodesk %2 --help\")").arg(parser.errorText(), command), 2);
        return false;
    }
    if (parser.isSet(help)) {
        out() << parser.helpText();
        *exitCode = 0;
        return false;
    }
    if (parser.positionalArguments().size() > 1) {
        *exitCode = fail(QStringLiteral("unexpected argument \"%1\" (see \"lmodesk %2 --help\")")
                             .arg(parser.positionalArguments().at(1), command),
                         2);
        return false;
    }
    return true;
}

bool parseDate(const QString &text, const QString &option, QDate *date, int *exitCode)
{
    *date = QDate::fromString(text, Qt::ISODate);
    if (!date->isValid()) {
        *exitCode = fail(QStringLiteral("%1 \"%2\" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31.")
                             .arg(option, text),
                         2);
        return false;
    }
    return true;
}

const QCommandLineOption &dbOption()
{
    static const QCommandLineOption option(
        QStringLiteral("db"),
        QStringLiteral("The database file (default: $LMODESK_DB, else %1).").arg(Database::defaultPath()),
        QStringLiteral("PATH"));
    return option;
}

int runDemo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write a realistic, deterministic demo install base."));
    parser.addOption(dbOption());
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"),
                                         QStringLiteral("How many licenses (default 100000)."), QStringLiteral("N"),
                                         QStringLiteral("100000"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."),
                                     QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption untilOpt(QStringLiteral("until"),
                                      QStringLiteral("Last day of the history (default today)."),
                                      QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption replaceOpt(QStringLiteral("replace"),
                                        QStringLiteral("Replace everything the database already holds."));
    parser.addOptions({licensesOpt, seedOpt, untilOpt, replaceOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("demo"), &code))
        return code;

    DemoOptions options;
    bool ok = false;
    options.licenses = parser.value(licensesOpt).remove(QLatin1Char(',')).remove(QLatin1Char('_')).toLongLong(&ok);
    if (!ok || options.licenses < 0)
        return fail(QStringLiteral("--licenses \"%1\" is not a count: give a whole number such as 100000.")
                        .arg(parser.value(licensesOpt)),
                    2);
    options.seed = parser.value(seedOpt).toULongLong(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed \"%1\" is not a whole number.").arg(parser.value(seedOpt)), 2);
    if (parser.isSet(untilOpt) && !parseDate(parser.value(untilOpt), QStringLiteral("--until"), &options.until, &code))
        return code;
    options.replace = parser.isSet(replaceOpt);

    const QString path = Database::resolvePath(parser.value(dbOption()));
    Database::OpenOptions openOptions;
    openOptions.create = true;
    auto database = Database::open(path, openOptions);
    if (!database)
        return failWith(database.error());

    const bool showProgress = isatty(fileno(stderr));
    auto progress = [&](qint64 done, qint64 total) {
        if (showProgress && total > 0)
            err() << "\r" << QStringLiteral("Writing licenses: %1%").arg(done * 100 / total) << Qt::flush;
        return true;
    };
    auto summary = generateDemo(*database.value(), options, progress);
    if (showProgress)
        err() << "\r" << QString(24, QLatin1Char(' ')) << "\r" << Qt::flush;
    if (!summary)
        return failWith(summary.error());
    out() << QStringLiteral("Wrote %1 licenses (%2 packages, %3 versions, %4 subscriber orgs) to %5 in %6 s\n")
                 .arg(groupedNumber(summary->licenses), groupedNumber(summary->packages),
                      groupedNumber(summary->packageVersions), groupedNumber(summary->subscriberOrgs),
                      QDir::toNativeSeparators(database.value()->path()))
                 .arg(summary->seconds, 0, 'f', 1);
    return 0;
}

int runStats(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the install-base summary."));
    parser.addOption(dbOption());
    const QCommandLineOption asOfOpt(QStringLiteral("as-of"), QStringLiteral("The day to judge by (default today)."),
                                     QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({asOfOpt, jsonOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("stats"), &code))
        return code;
    QDate asOf = QDate::currentDate();
    if (parser.isSet(asOfOpt) && !parseDate(parser.value(asOfOpt), QStringLiteral("--as-of"), &asOf, &code))
        return code;

    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions());
    if (!database)
        return failWith(database.error());
    auto stats = computeInstallBaseStats(database.value()->connection(), asOf);
    if (!stats)
        return failWith(stats.error());
    if (parser.isSet(jsonOpt))
        out() << QJsonDocument(stats->toJson()).toJson(QJsonDocument::Indented);
    else
        out() << "Database  " << QDir::toNativeSeparators(database.value()->path()) << "\n\n" << stats->toText();
    return 0;
}

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Import LMA CSV exports (Data Loader, Salesforce CLI, report \"Details Only\"): licenses, packages or "
        "package versions. Each file is imported whole or not at all.\n"
        "Exit codes: 0 every row imported, 3 some rows rejected (the rest imported), 2 nothing imported."));
    parser.addOption(dbOption());
    const QCommandLineOption strictOpt(QStringLiteral("strict"),
                                       QStringLiteral("Refuse a whole file when any of its rows is rejected."));
    const QCommandLineOption orderOpt(QStringLiteral("date-order"),
                                      QStringLiteral("How to read slash dates: mdy (3/31/2026, default) or dmy (31/3/2026)."),
                                      QStringLiteral("mdy|dmy"), QStringLiteral("mdy"));
    parser.addOptions({strictOpt, orderOpt});
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

    // The worst outcome of all files decides the exit code: 2 over 3 over 0.
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
            worst = 2;
            continue;
        }
        out() << report->summary();
        out().flush();
        const int code = report->exitCode();
        if (code == 2 || (code == 3 && worst == 0))
            worst = code;
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
        } else {
            out() << QStringLiteral("indexes: built %1 in %2 s\n").arg(pending.value()).arg(timer.elapsed() / 1000.0, 0, 'f', 1);
        }
    }
    return worst;
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
    parser.addOptions({outOpt, packageOpt, statusOpt, orgOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-csv"), &code))
        return code;
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE is required (see \"lmodesk export-csv --help\")"), 2);
    LicenseExportFilter filter;
    filter.package = parser.value(packageOpt);
    filter.orgId = parser.value(orgOpt);
    if (parser.isSet(statusOpt)) {
        for (const QString &s : parser.value(statusOpt).split(u',', Qt::SkipEmptyParts)) {
            auto status = statusFromString(s);
            if (!status)
                return fail(QStringLiteral("--status \"%1\" is not Trial, Active, Suspended or Uninstalled.").arg(s.trimmed()), 2);
            filter.statuses << statusName(*status);
        }
    }
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions());
    if (!database)
        return failWith(database.error());
    auto rows = exportLicensesCsv(*database.value(), parser.value(outOpt), filter);
    if (!rows)
        return failWith(rows.error());
    out() << QStringLiteral("Wrote %1 licenses to %2\n").arg(groupedNumber(rows.value()), parser.value(outOpt));
    return 0;
}

} // namespace

bool isSubcommand(const QString &word)
{
    return word == QStringLiteral("demo") || word == QStringLiteral("stats") || word == QStringLiteral("import")
           || word == QStringLiteral("export-csv");
}

QString usage()
{
    return QStringLiteral(
        "LMO Desk %1: browse, chart and set up an AppExchange partner's License Management Org.\n"
        "\n"
        "Usage:\n"
        "  lmodesk [--db PATH | PATH] [--page licenses|subscribers|dashboard|lmo]\n"
        "      Open the window (on the last database, or the one given).\n"
        "  lmodesk demo [--db PATH] [--licenses N] [--seed S] [--until YYYY-MM-DD] [--replace]\n"
        "      Write a realistic, deterministic demo install base.\n"
        "  lmodesk stats [--db PATH] [--as-of YYYY-MM-DD] [--json]\n"
        "      Print the install-base summary the dashboard shows.\n"
        "  lmodesk import [--db PATH] [--strict] [--date-order mdy|dmy] FILE...\n"
        "      Import LMA CSV exports (Data Loader, Salesforce CLI, reports).\n"
        "  lmodesk export-csv [--db PATH] --out FILE [--package NAME] [--status S,...] [--org ID]\n"
        "      Export licenses as CSV that Data Loader and LMO Desk read back.\n"
        "  lmodesk --version | --help\n"
        "\n"
        "The database is --db PATH, else $LMODESK_DB, else %2.\n"
        "\"lmodesk COMMAND --help\" tells more about a command.\n")
        .arg(QStringLiteral(LMODESK_VERSION), QDir::toNativeSeparators(Database::defaultPath()));
}

int run(const QStringList &arguments)
{
    const QString command = arguments.value(1);
    QStringList rest = arguments;
    rest.removeAt(1); // QCommandLineParser wants the program name first
    if (command == QStringLiteral("demo"))
        return runDemo(rest);
    if (command == QStringLiteral("stats"))
        return runStats(rest);
    if (command == QStringLiteral("import"))
        return runImport(rest);
    if (command == QStringLiteral("export-csv"))
        return runExport(rest);
    return fail(QStringLiteral("unknown command \"%1\"\n\n%2").arg(command, usage()), 2);
}

} // namespace lmo::cli
