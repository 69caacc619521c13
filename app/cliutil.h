#pragma once

// What every headless subcommand shares: its output streams, the exit codes of a failure, the
// parsing of its options (--db, dates, --lmo, --package, the dashboard's filters) and opening
// the database to read.

#include "lmo/lmoprofile.h"
#include "metrics/installbasestats.h"
#include "storage/database.h"
#include "util/result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDate>
#include <QSqlDatabase>
#include <QTextStream>

#include <memory>
#include <optional>

namespace lmo::cli {

QTextStream &out();
QTextStream &err();

// Prints "lmodesk: message" and returns `code`.
int fail(const QString &message, int code = 1);
// A refusal before any work (bad input, the wrong file, a server that cannot be reached or
// refuses the login) exits 2; a failure while working exits 1.
int failWith(const Error &error);

// Of two outcomes of a command over several files, the one its exit code says: 1 (failed
// while working) over 2 (refused) over 3 (some rows rejected) over 0.
int worseExitCode(int worst, int code);

// Parses the subcommand's options; prints the problem and returns false on a usage error.
bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &command, int *exitCode,
           int maxPositional = 1);

// Every date option is read the same strict way: exactly YYYY-MM-DD and a real day.
std::optional<QDate> strictIsoDate(const QString &text);
bool parseDate(const QString &text, const QString &option, QDate *date, int *exitCode);

// What a message calls a database location: a file's full path, or a team database's
// "alice@db.example:5432/lmo" (never its password).
QString shownLocation(const QString &location);

const QCommandLineOption &dbOption();

// The database --db names, opened by a command that only reads it.
Result<std::unique_ptr<Database>> openToRead(const QCommandLineParser &parser, const QString &command);

// The LMO an option (--lmo, --to, --from) names, among the database's.
Result<KnownLmo> lmoOption(const QString &text, QSqlDatabase db, const QString &option = QStringLiteral("--lmo"));

// Refuses a --package the database does not hold, listing those it does.
Result<void> checkPackageOption(const Database &database, const QString &name);

// The dashboard's filters, shared by stats, export-chart and export-report. The dashboard leaves
// sandboxes out unless asked (--include-sandboxes); stats counts every license unless asked
// (--exclude-sandboxes), as it always has.
struct FilterOptions
{
    QCommandLineOption package{QStringLiteral("package"), QStringLiteral("Only this package (by name)."), QStringLiteral("NAME")};
    QCommandLineOption from{QStringLiteral("installed-from"), QStringLiteral("Only licenses installed on or after this day."),
                            QStringLiteral("YYYY-MM-DD")};
    QCommandLineOption to{QStringLiteral("installed-to"), QStringLiteral("Only licenses installed on or before this day."),
                          QStringLiteral("YYYY-MM-DD")};
    QCommandLineOption asOf{QStringLiteral("as-of"), QStringLiteral("The day to judge by (default today)."),
                            QStringLiteral("YYYY-MM-DD")};
    QCommandLineOption lmo{QStringLiteral("lmo"),
                           QStringLiteral("Only licenses from this LMO: its number or org id, or \"current\" (see lmodesk lmo show)."),
                           QStringLiteral("LMO")};
    QCommandLineOption sandboxes;
    bool dashboardDefaults;

    FilterOptions(QCommandLineParser &parser, bool dashboard);

    bool read(const QCommandLineParser &parser, InstallBaseFilter *filter, int *code) const;

    // --lmo needs the database to say which LMOs there are.
    Result<void> readLmo(const QCommandLineParser &parser, QSqlDatabase db, InstallBaseFilter *filter) const;
};

} // namespace lmo::cli
