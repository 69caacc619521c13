#include "commands.h"

#include "demo/demogenerator.h"
#include "export/licenseexport.h"
#include "import/importer.h"
#include "dashboard/chartrenderer.h"
#include "domain/salesforceid.h"
#include "lmo/lmoassign.h"
#include "lmo/lmoprofile.h"
#include "metrics/dashboardmetrics.h"
#include "metrics/installbasestats.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/postgres/pglocation.h"
#include "storage/packagerepository.h"
#include "storage/sqlutil.h"
#include "util/format.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QRegularExpression>
#include <QTextStream>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>
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
                         || error.code == Error::Code::SchemaTooOld
                         || error.code == Error::Code::ReadOnly || error.code == Error::Code::Io
                         || error.code == Error::Code::Locked || error.code == Error::Code::Unreachable
                         || error.code == Error::Code::AuthFailed || error.code == Error::Code::NoSuchDatabase;
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

// Every date option is read the same strict way: exactly YYYY-MM-DD and a real day. (Qt's ISO
// parser alone would take "2026-01-01xyz" or "2026-01-01T10:00" as the 1st of January.)
std::optional<QDate> strictIsoDate(const QString &text)
{
    static const QRegularExpression shape(QRegularExpression::anchoredPattern(QStringLiteral("[0-9]{4}-[0-9]{2}-[0-9]{2}")));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    const QDate date = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    if (!date.isValid())
        return std::nullopt;
    return date;
}

bool parseDate(const QString &text, const QString &option, QDate *date, int *exitCode)
{
    const auto parsed = strictIsoDate(text);
    if (!parsed) {
        *exitCode = fail(QStringLiteral("%1 \"%2\" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31.")
                             .arg(option, text),
                         2);
        return false;
    }
    *date = *parsed;
    return true;
}

// What a message calls a database location: a file's full path, or a team database's
// "alice@db.example:5432/lmo" (never its password).
QString shownLocation(const QString &location)
{
    if (Database::backendOf(location) == Database::Backend::PostgreSQL) {
        auto parsed = PgLocation::parse(location);
        return parsed ? parsed->display() : location;
    }
    return QDir::toNativeSeparators(QFileInfo(location).absoluteFilePath());
}

const QCommandLineOption &dbOption()
{
    static const QCommandLineOption option(
        QStringLiteral("db"),
        QStringLiteral("The database: a file, or a team database's postgresql://USER@HOST:PORT/DATABASE URI "
                       "(default: $LMODESK_DB, else %1).")
            .arg(Database::defaultPath()),
        QStringLiteral("PATH|URI"));
    return option;
}

// The commands that only read (stats, lmo show, the exports) open the database read-only: they
// never create a database or change its data, whatever file --db names. One thing they do
// write: an LMO Desk database of an older schema is brought forward, as File > Open does, when
// it can be (its data unchanged); where it cannot, it is refused with the reason.
Result<std::unique_ptr<Database>> openToRead(const QCommandLineParser &parser, const QString &command)
{
    Database::OpenOptions options;
    options.readOnly = true;
    options.readOnlyReason = QStringLiteral("lmodesk %1 only reads it").arg(command);
    const QString path = Database::resolvePath(parser.value(dbOption()));
    auto opened = Database::open(path, options);
    if (opened || opened.error().code != Error::Code::SchemaTooOld)
        return opened;
    // A file that cannot be written keeps its old schema; a server says for itself whether this
    // login may bring it forward.
    if (Database::backendOf(path) == Database::Backend::SQLite) {
        const QFileInfo info(path);
        if (!info.isWritable() || !QFileInfo(info.absolutePath()).isWritable())
            return opened;
    }
    Database::OpenOptions upgrade;
    upgrade.readOnly = false;
    auto upgraded = Database::open(path, upgrade);
    if (!upgraded)
        return upgraded;
    upgraded.value().reset();
    return Database::open(path, options);
}

// SIGINT and SIGTERM go to `handler` while it lives, and back to what they were after.
class InterruptScope
{
public:
    explicit InterruptScope(void (*handler)(int))
    {
        struct sigaction action = {};
        action.sa_handler = handler;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &m_int);
        sigaction(SIGTERM, &action, &m_term);
    }
    ~InterruptScope()
    {
        sigaction(SIGINT, &m_int, nullptr);
        sigaction(SIGTERM, &m_term, nullptr);
    }
    InterruptScope(const InterruptScope &) = delete;
    InterruptScope &operator=(const InterruptScope &) = delete;

private:
    struct sigaction m_int = {};
    struct sigaction m_term = {};
};

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
    const QCommandLineOption switchOpt(QStringLiteral("switch-lmo"),
                                       QStringLiteral("Record a switch of LMO on this day: two LMOs, the licenses installed "
                                                      "from then on coming from the second."),
                                       QStringLiteral("YYYY-MM-DD"));
    parser.addOptions({licensesOpt, seedOpt, untilOpt, replaceOpt, switchOpt});
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
    if (parser.isSet(switchOpt)
        && !parseDate(parser.value(switchOpt), QStringLiteral("--switch-lmo"), &options.switchLmoOn, &code))
        return code;

    const QString path = Database::resolvePath(parser.value(dbOption()));
    // Ctrl+C (or a TERM) cancels the demo between batches: it is rolled back, and a file it
    // created is removed, instead of the process dying with an empty database behind it.
    static std::atomic<bool> interrupted{false};
    const InterruptScope interrupt([](int) { interrupted = true; });
    const bool showProgress = isatty(fileno(stderr));
    auto progress = [&](qint64 done, qint64 total) {
        if (showProgress && total > 0)
            err() << "\r" << QStringLiteral("Writing licenses: %1%").arg(done * 100 / total) << Qt::flush;
        return !interrupted.load();
    };
    auto summary = generateDemoAt(path, options, progress);
    if (showProgress)
        err() << "\r" << QString(24, QLatin1Char(' ')) << "\r" << Qt::flush;
    if (!summary)
        return failWith(summary.error());
    out() << QStringLiteral("Wrote %1 licenses (%2 packages, %3 versions, %4 subscriber orgs) to %5 in %6 s\n")
                 .arg(groupedNumber(summary->licenses), groupedNumber(summary->packages),
                      groupedNumber(summary->packageVersions), groupedNumber(summary->subscriberOrgs),
                      shownLocation(path), QString::number(summary->seconds, 'f', 1));
    return 0;
}

// The LMO an option (--lmo, --to, --from) names, among the database's.
Result<KnownLmo> lmoOption(const QString &text, QSqlDatabase db, const QString &option = QStringLiteral("--lmo"))
{
    auto known = LmoRepository(std::move(db)).all();
    if (!known)
        return known.error();
    auto ref = resolveLmo(known.value(), text);
    if (!ref)
        return Error::make(Error::Code::Usage, QStringLiteral("%1: %2").arg(option, ref.error().message));
    for (const KnownLmo &k : known.value())
        if (k.ref == ref.value())
            return k;
    return Error::make(Error::Code::Usage, QStringLiteral("%1: no LMO %2").arg(option).arg(ref.value()));
}

// --package names a package by its name, exactly: every command that takes it (stats, export-csv,
// export-chart, export-report) refuses one the database does not hold, listing those it does,
// rather than counting or writing nothing.
Result<void> checkPackageOption(const Database &database, const QString &name)
{
    if (name.isEmpty())
        return {};
    auto packages = PackageRepository(database.connection()).all();
    if (!packages)
        return packages.error();
    QStringList names;
    for (const Package &p : packages.value()) {
        if (p.name == name)
            return {};
        names << QStringLiteral("\"%1\"").arg(p.name);
    }
    names.sort(Qt::CaseInsensitive);
    const QString shown = database.displayName();
    QString holds;
    if (names.isEmpty())
        holds = QStringLiteral("It holds no packages yet: import an export first (lmodesk import).");
    else if (names.size() == 1)
        holds = QStringLiteral("It holds one: %1.").arg(names.first());
    else
        holds = QStringLiteral("It holds %1 and %2.").arg(names.mid(0, names.size() - 1).join(QStringLiteral(", ")), names.last());
    return Error::make(Error::Code::Usage,
                       QStringLiteral("--package: there is no package named \"%1\" in %2. %3").arg(name, shown, holds));
}

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

    FilterOptions(QCommandLineParser &parser, bool dashboard)
        : sandboxes(dashboard ? QStringLiteral("include-sandboxes") : QStringLiteral("exclude-sandboxes"),
                    dashboard ? QStringLiteral("Count sandbox installs too (left out by default: customers, not sandboxes).")
                              : QStringLiteral("Leave sandbox installs out, as the dashboard does by default.")),
          dashboardDefaults(dashboard)
    {
        parser.addOptions({asOf, package, from, to, sandboxes, lmo});
    }

    bool read(const QCommandLineParser &parser, InstallBaseFilter *filter, int *code) const
    {
        filter->package = parser.value(package).trimmed();
        if (parser.isSet(from) && !parseDate(parser.value(from), QStringLiteral("--installed-from"), &filter->installedFrom, code))
            return false;
        if (parser.isSet(to) && !parseDate(parser.value(to), QStringLiteral("--installed-to"), &filter->installedTo, code))
            return false;
        filter->includeSandboxes = dashboardDefaults ? parser.isSet(sandboxes) : !parser.isSet(sandboxes);
        if (parser.isSet(asOf) && !parseDate(parser.value(asOf), QStringLiteral("--as-of"), &filter->asOf, code))
            return false;
        filter->asOf = filter->day();
        return true;
    }

    // --lmo needs the database to say which LMOs there are.
    Result<void> readLmo(const QCommandLineParser &parser, QSqlDatabase db, InstallBaseFilter *filter) const
    {
        if (!parser.isSet(lmo))
            return {};
        auto chosen = lmoOption(parser.value(lmo), db);
        if (!chosen)
            return chosen.error();
        filter->lmo = chosen->ref;
        filter->lmoName = chosen->name();
        return {};
    }
};

// What export-chart and export-report share: open the database, check it, compute.
Result<DashboardMetrics> dashboardFor(const QCommandLineParser &parser, const QString &command, const FilterOptions &options,
                                      InstallBaseFilter filter)
{
    auto database = openToRead(parser, command);
    if (!database)
        return database.error();
    if (auto r = options.readLmo(parser, database.value()->connection(), &filter); !r)
        return r.error();
    if (auto r = checkPackageOption(*database.value(), filter.package); !r)
        return r.error();
    auto metrics = computeDashboard(database.value()->connection(), filter);
    if (!metrics)
        return metrics.error();
    if (metrics->stats.licenses == 0)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 holds no licenses%2: there is nothing to chart. Import an export first "
                                          "(lmodesk import), or try the demo (lmodesk demo).")
                               .arg(database.value()->displayName(),
                                    filter.describe().isEmpty() ? QString() : QStringLiteral(" for these filters (%1)").arg(filter.describe())));
    return metrics;
}

int runExportChart(const QStringList &arguments)
{
    QCommandLineParser parser;
    QStringList ids;
    for (int i = 0; i < kChartCount; ++i)
        ids << chartKey(ChartId(i));
    parser.setApplicationDescription(QStringLiteral("Write one dashboard chart as PNG, SVG or PDF (from the file name), "
                                                    "laid out at its own size. Charts: %1.")
                                         .arg(ids.join(QStringLiteral(", "))));
    parser.addOption(dbOption());
    const QCommandLineOption chartOpt(QStringLiteral("chart"), QStringLiteral("Which chart."), QStringLiteral("ID"));
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The file: .png, .svg or .pdf."), QStringLiteral("FILE"));
    const QCommandLineOption sizeOpt(QStringLiteral("size"), QStringLiteral("Width x height (default 1200x750)."),
                                     QStringLiteral("WxH"), QStringLiteral("1200x750"));
    const QCommandLineOption scaleOpt(QStringLiteral("scale"), QStringLiteral("PNG pixels per point (default 1; 2 for sharp slides)."),
                                      QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({chartOpt, outOpt, sizeOpt, scaleOpt});
    const FilterOptions filterOptions(parser, true);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-chart"), &code))
        return code;
    const auto id = chartFromKey(parser.value(chartOpt).trimmed());
    if (!parser.isSet(chartOpt) || !id)
        return fail(QStringLiteral("--chart must be one of: %1 (got \"%2\")").arg(ids.join(QStringLiteral(", ")), parser.value(chartOpt)), 2);
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE is required (.png, .svg or .pdf)"), 2);
    const QString outPath = parser.value(outOpt);
    const QString suffix = QFileInfo(outPath).suffix().toLower();
    if (suffix != QStringLiteral("png") && suffix != QStringLiteral("svg") && suffix != QStringLiteral("pdf"))
        return fail(QStringLiteral("%1: the file name must end in .png, .svg or .pdf (that decides the format)").arg(outPath), 2);
    const QStringList wh = parser.value(sizeOpt).toLower().split(QLatin1Char('x'));
    bool okW = false, okH = false;
    const QSize size = wh.size() == 2 ? QSize(wh[0].toInt(&okW), wh[1].toInt(&okH)) : QSize();
    if (!okW || !okH || size.width() < 200 || size.height() < 150 || size.width() > 10000 || size.height() > 10000)
        return fail(QStringLiteral("--size \"%1\" is not WIDTHxHEIGHT from 200x150 to 10000x10000").arg(parser.value(sizeOpt)), 2);
    bool okScale = false;
    const double scale = parser.value(scaleOpt).toDouble(&okScale);
    if (!okScale || scale < 0.25 || scale > 8)
        return fail(QStringLiteral("--scale \"%1\" is not a number from 0.25 to 8").arg(parser.value(scaleOpt)), 2);
    InstallBaseFilter filter;
    if (!filterOptions.read(parser, &filter, &code))
        return code;
    auto metrics = dashboardFor(parser, QStringLiteral("export-chart"), filterOptions, filter);
    if (!metrics)
        return failWith(metrics.error());
    if (auto r = ChartRenderer::exportChart(metrics->chart(*id), outPath, size, scale); !r)
        return failWith(r.error());
    out() << QStringLiteral("Wrote %1 (%2) to %3\n").arg(chartKey(*id), metrics->chart(*id).title, QDir::toNativeSeparators(outPath));
    return 0;
}

int runExportReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write the dashboard report: a PDF with a title page (as-of day, filters, "
                                                    "key figures) and one chart per page with its numbers beneath."));
    parser.addOption(dbOption());
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("The PDF file."), QStringLiteral("FILE.pdf"));
    parser.addOption(outOpt);
    const FilterOptions filterOptions(parser, true);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-report"), &code))
        return code;
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE.pdf is required"), 2);
    const QString outPath = parser.value(outOpt);
    if (QFileInfo(outPath).suffix().toLower() != QStringLiteral("pdf"))
        return fail(QStringLiteral("%1: the report is a PDF; give a file name ending in .pdf").arg(outPath), 2);
    InstallBaseFilter filter;
    if (!filterOptions.read(parser, &filter, &code))
        return code;
    auto metrics = dashboardFor(parser, QStringLiteral("export-report"), filterOptions, filter);
    if (!metrics)
        return failWith(metrics.error());
    auto pages = ChartRenderer::exportReport(metrics.value(), outPath);
    if (!pages)
        return failWith(pages.error());
    out() << QStringLiteral("Wrote the dashboard report (%1 pages) to %2\n").arg(pages.value()).arg(QDir::toNativeSeparators(outPath));
    return 0;
}

int runLmoAssign(const QCommandLineParser &parser, const QCommandLineOption &toOpt, const QCommandLineOption &fromOpt,
                 const QCommandLineOption &installedFromOpt, const QCommandLineOption &installedToOpt,
                 const QCommandLineOption &orgOpt)
{
    const QString usage = QStringLiteral("usage: lmodesk lmo assign [--db PATH] --to LMO [--from LMO] [--installed-from D] "
                                         "[--installed-to D] [--org ORGID]");
    if (!parser.isSet(toOpt))
        return fail(QStringLiteral("--to LMO is required (%1)").arg(usage), 2);
    LicenseFilter filter;
    int code = 0;
    if (parser.isSet(installedFromOpt)
        && !parseDate(parser.value(installedFromOpt), QStringLiteral("--installed-from"), &filter.installedFrom, &code))
        return code;
    if (parser.isSet(installedToOpt)
        && !parseDate(parser.value(installedToOpt), QStringLiteral("--installed-to"), &filter.installedTo, &code))
        return code;
    if (parser.isSet(orgOpt)) {
        auto org = SalesforceId::parse(parser.value(orgOpt));
        if (!org || !org->hasKeyPrefix(u"00D"))
            return fail(QStringLiteral("--org \"%1\" is not an org id (15 or 18 characters beginning with 00D).")
                            .arg(parser.value(orgOpt)),
                        2);
        filter.text = org->to15();
    }
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions());
    if (!database)
        return failWith(database.error());
    QSqlDatabase db = database.value()->connection();
    auto to = lmoOption(parser.value(toOpt), db, QStringLiteral("--to"));
    if (!to)
        return fail(to.error().message, 2);
    if (parser.isSet(fromOpt)) {
        auto from = lmoOption(parser.value(fromOpt), db, QStringLiteral("--from"));
        if (!from)
            return fail(from.error().message, 2);
        filter.lmo = from->ref;
    }
    auto moved = assignLicensesToLmo(*database.value(), filter, to->ref, QStringLiteral("lmodesk lmo assign"));
    if (!moved)
        return failWith(moved.error());
    out() << QStringLiteral("Moved %1 licenses to LMO %2: %3\n").arg(groupedNumber(moved.value())).arg(to->ref).arg(to->label());
    return 0;
}

int runLmo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "lmodesk lmo show: the LMO this database belongs to, as the setup wizard recorded it (and the LMOs it replaced).\n"
        "lmodesk lmo assign: file the licenses chosen by --from, --installed-from/--installed-to and --org under the "
        "LMO --to (each move is in the audit log)."));
    parser.addOption(dbOption());
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object (show)."));
    const QCommandLineOption toOpt(QStringLiteral("to"), QStringLiteral("assign: the LMO to file the licenses under."),
                                   QStringLiteral("LMO"));
    const QCommandLineOption fromOpt(QStringLiteral("from"), QStringLiteral("assign: only licenses now under this LMO."),
                                     QStringLiteral("LMO"));
    const QCommandLineOption installedFromOpt(QStringLiteral("installed-from"),
                                              QStringLiteral("assign: only licenses installed on or after this day."),
                                              QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption installedToOpt(QStringLiteral("installed-to"),
                                            QStringLiteral("assign: only licenses installed on or before this day."),
                                            QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption orgOpt(QStringLiteral("org"), QStringLiteral("assign: only this subscriber org's licenses."),
                                    QStringLiteral("ORGID"));
    parser.addOptions({jsonOpt, toOpt, fromOpt, installedFromOpt, installedToOpt, orgOpt});
    parser.addPositionalArgument(QStringLiteral("show|assign"), QStringLiteral("Show the LMO, or move licenses to one."),
                                 QStringLiteral("show|assign"));
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("lmo"), &code))
        return code;
    if (parser.positionalArguments() == QStringList{QStringLiteral("assign")})
        return runLmoAssign(parser, toOpt, fromOpt, installedFromOpt, installedToOpt, orgOpt);
    if (parser.positionalArguments() != QStringList{QStringLiteral("show")})
        return fail(QStringLiteral("usage: lmodesk lmo show [--db PATH] [--json], or lmodesk lmo assign --to LMO ..."), 2);
    auto database = openToRead(parser, QStringLiteral("lmo show"));
    if (!database)
        return failWith(database.error());
    LmoRepository repository(database.value()->connection());
    auto current = repository.current();
    if (!current)
        return failWith(current.error());
    auto former = repository.former();
    if (!former)
        return failWith(former.error());
    auto known = repository.all();
    if (!known)
        return failWith(known.error());
    auto counted = repository.licensesByLmo();
    if (!counted)
        return failWith(counted.error());
    const QHash<qint64, qint64> &licenses = counted.value();
    const bool designated = current->designatedAt.isValid();
    if (parser.isSet(jsonOpt)) {
        QJsonArray formerJson;
        for (const auto &[profile, replaced] : former.value()) {
            QJsonObject o = profile.toJson();
            o.insert(QStringLiteral("replaced_on"), replaced.toString(Qt::ISODate));
            formerJson.append(o);
        }
        QJsonArray all;
        for (const KnownLmo &k : known.value()) {
            all.append(QJsonObject{{QStringLiteral("number"), k.ref},
                                   {QStringLiteral("name"), k.name()},
                                   {QStringLiteral("org_id"), k.profile.org.orgId},
                                   {QStringLiteral("current"), k.current},
                                   {QStringLiteral("replaced_on"), k.replacedOn.isValid() ? QJsonValue(k.replacedOn.toString(Qt::ISODate))
                                                                                          : QJsonValue()},
                                   {QStringLiteral("licenses"), licenses.value(k.ref)}});
        }
        QJsonObject o{{QStringLiteral("designated"), designated},
                      {QStringLiteral("refusals"), QJsonArray::fromStringList(LmoRules::designationRefusals(current.value()))},
                      {QStringLiteral("lmo"), current->toJson()},
                      {QStringLiteral("former"), formerJson},
                      {QStringLiteral("lmos"), all}};
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (current->org.name.isEmpty() && current->pagesDone == 0 && known->size() == 1) {
        out() << QStringLiteral("No LMO recorded for this database yet (%1 licenses). Designate it with the setup wizard: "
                                "Tools > LMO setup wizard.\n")
                     .arg(groupedNumber(licenses.value(1)));
        return 0;
    }
    out() << QStringLiteral("LMO            %1 (%2)\n").arg(current->org.name, current->org.orgId)
          << QStringLiteral("Status         %1\n")
                 .arg(designated ? QStringLiteral("designated %1").arg(current->designatedAt.toUTC().toString(Qt::ISODate))
                                 : QStringLiteral("being set up: %1 of 6 pages done").arg(current->pagesDone));
    // The wizard's rule, on what is recorded: an LMO designated before it knew a field may fail it.
    if (designated)
        for (const QString &reason : LmoRules::designationRefusals(current.value()))
            out() << QStringLiteral("Refused        %1\n").arg(reason);
    for (const LinkedPackage &p : current->packages)
        out() << QStringLiteral("Package        %1 (%2, %3)\n").arg(p.name, p.namespacePrefix, p.packageId);
    for (const auto &[profile, replaced] : former.value())
        out() << QStringLiteral("Former LMO     %1 (%2), replaced %3\n").arg(profile.org.name, profile.org.orgId, replaced.toString(Qt::ISODate));
    if (known->size() > 1) {
        out() << "\nLicenses by the LMO they came from (--lmo NUMBER chooses one in import, stats, export-csv and the "
                 "chart exports):\n";
        for (const KnownLmo &k : known.value())
            out() << QStringLiteral("  %1  %2: %3 licenses\n").arg(k.ref).arg(k.label(), groupedNumber(licenses.value(k.ref)));
    }
    return 0;
}

int runStats(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the install-base summary."));
    parser.addOption(dbOption());
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(jsonOpt);
    const FilterOptions filterOptions(parser, false);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("stats"), &code))
        return code;
    InstallBaseFilter filter;
    if (!filterOptions.read(parser, &filter, &code))
        return code;

    auto database = openToRead(parser, QStringLiteral("stats"));
    if (!database)
        return failWith(database.error());
    if (auto r = filterOptions.readLmo(parser, database.value()->connection(), &filter); !r)
        return failWith(r.error());
    if (auto r = checkPackageOption(*database.value(), filter.package); !r)
        return failWith(r.error());
    auto stats = computeInstallBaseStats(database.value()->connection(), filter);
    if (!stats)
        return failWith(stats.error());
    if (parser.isSet(jsonOpt))
        out() << QJsonDocument(stats->toJson()).toJson(QJsonDocument::Indented);
    else
        out() << "Database  " << database.value()->displayName() << "\n\n" << stats->toText();
    return 0;
}

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
            worst = worst == 1 ? 1 : ImportReport::exitCodeOf(report.error());
            continue;
        }
        out() << report->summary();
        out().flush();
        const int code = report->exitCode();
        if (worst != 1 && (code == 2 || (code == 3 && worst == 0)))
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
            worst = 1;
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
    const QCommandLineOption lmoOpt(QStringLiteral("lmo"),
                                    QStringLiteral("Only licenses from this LMO: its number or org id, or \"current\"."),
                                    QStringLiteral("LMO"));
    parser.addOptions({outOpt, packageOpt, statusOpt, orgOpt, lmoOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("export-csv"), &code))
        return code;
    if (!parser.isSet(outOpt))
        return fail(QStringLiteral("--out FILE is required (see \"lmodesk export-csv --help\")"), 2);
    LicenseExportFilter filter;
    filter.package = parser.value(packageOpt).trimmed();
    filter.orgId = parser.value(orgOpt);
    if (parser.isSet(statusOpt)) {
        for (const QString &s : parser.value(statusOpt).split(u',', Qt::SkipEmptyParts)) {
            auto status = statusFromString(s);
            if (!status)
                return fail(QStringLiteral("--status \"%1\" is not Trial, Active, Suspended or Uninstalled.").arg(s.trimmed()), 2);
            filter.statuses << statusName(*status);
        }
    }
    auto database = openToRead(parser, QStringLiteral("export-csv"));
    if (!database)
        return failWith(database.error());
    if (parser.isSet(lmoOpt)) {
        auto chosen = lmoOption(parser.value(lmoOpt), database.value()->connection());
        if (!chosen)
            return fail(chosen.error().message, 2);
        filter.lmo = chosen->ref;
    }
    if (auto r = checkPackageOption(*database.value(), filter.package); !r)
        return failWith(r.error());
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
           || word == QStringLiteral("export-csv") || word == QStringLiteral("lmo") || needsGraphics(word);
}

bool needsGraphics(const QString &word)
{
    return word == QStringLiteral("export-chart") || word == QStringLiteral("export-report");
}

QString usage()
{
    return QStringLiteral(
        "LMO Desk %1: browse, chart and set up an AppExchange partner's License Management Org.\n"
        "\n"
        "Usage:\n"
        "  lmodesk [--db PATH | PATH] [--page licenses|subscribers|dashboard|lmo]\n"
        "      Open the window (on the last database, or the one given). Qt's own options (-style NAME,\n"
        "      -platform NAME, -reverse, -stylesheet FILE, ...) go to Qt, as in every Qt application.\n"
        "  lmodesk demo [--db PATH] [--licenses N] [--seed S] [--until YYYY-MM-DD] [--replace] [--switch-lmo D]\n"
        "      Write a realistic, deterministic demo install base.\n"
        "  lmodesk stats [--db PATH] [--as-of YYYY-MM-DD] [--package NAME] [--installed-from D] [--installed-to D]\n"
        "                [--exclude-sandboxes] [--lmo LMO] [--json]\n"
        "      Print the install-base summary the dashboard shows.\n"
        "  lmodesk import [--db PATH] [--strict] [--date-order mdy|dmy] [--lmo LMO] FILE...\n"
        "      Import LMA CSV exports (Data Loader, Salesforce CLI, reports).\n"
        "  lmodesk export-csv [--db PATH] --out FILE [--package NAME] [--status S,...] [--org ID] [--lmo LMO]\n"
        "      Export licenses as CSV that Data Loader and LMO Desk read back.\n"
        "  lmodesk export-chart [--db PATH] --chart ID --out FILE.png|svg|pdf [--size WxH] [--scale N]\n"
        "                       [--as-of D] [--package NAME] [--installed-from D] [--installed-to D] [--include-sandboxes]\n"
        "                       [--lmo LMO]\n"
        "      Write one dashboard chart (IDs: installs-by-month, status-mix, edition-mix, version-adoption,\n"
        "      seat-utilization, expirations-by-month, top-instances).\n"
        "  lmodesk export-report [--db PATH] --out FILE.pdf [the same filters]\n"
        "      Write the dashboard report as a PDF.\n"
        "  lmodesk lmo show [--db PATH] [--json]\n"
        "      Show the LMO this database belongs to, as the setup wizard recorded it, the LMOs it replaced,\n"
        "      and how many licenses came from each. LMO is a number from this list, an org id, or \"current\".\n"
        "  lmodesk lmo assign [--db PATH] --to LMO [--from LMO] [--installed-from D] [--installed-to D] [--org ID]\n"
        "      File the licenses chosen under another LMO (a correction; each move is audited).\n"
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
    if (command == QStringLiteral("export-chart"))
        return runExportChart(rest);
    if (command == QStringLiteral("lmo"))
        return runLmo(rest);
    if (command == QStringLiteral("export-report"))
        return runExportReport(rest);
    return fail(QStringLiteral("unknown command \"%1\"\n\n%2").arg(command, usage()), 2);
}

} // namespace lmo::cli
