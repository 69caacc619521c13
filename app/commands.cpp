#include "commands.h"

#include "demo/demogenerator.h"
#include "metrics/installbasestats.h"
#include "storage/database.h"
#include "util/format.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
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

} // namespace

bool isSubcommand(const QString &word)
{
    return word == QStringLiteral("demo") || word == QStringLiteral("stats");
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
    return fail(QStringLiteral("unknown command \"%1\"\n\n%2").arg(command, usage()), 2);
}

} // namespace lmo::cli
