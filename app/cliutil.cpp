#include "cliutil.h"

#include "storage/packagerepository.h"
#include "storage/postgres/pglocation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace lmo::cli {

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

int fail(const QString &message, int code)
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
int worseExitCode(int worst, int code)
{
    for (int rank : {1, 2, 3})
        if (worst == rank || code == rank)
            return rank;
    return 0;
}

bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &command, int *exitCode, int maxPositional)
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
    if (parser.positionalArguments().size() > maxPositional) {
        *exitCode = fail(QStringLiteral("unexpected argument \"%1\" (see \"lmodesk %2 --help\")")
                             .arg(parser.positionalArguments().at(maxPositional), command),
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

// The LMO an option (--lmo, --to, --from) names, among the database's.
Result<KnownLmo> lmoOption(const QString &text, QSqlDatabase db, const QString &option)
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

FilterOptions::FilterOptions(QCommandLineParser &parser, bool dashboard)
    : sandboxes(dashboard ? QStringLiteral("include-sandboxes") : QStringLiteral("exclude-sandboxes"),
                dashboard ? QStringLiteral("Count sandbox installs too (left out by default: customers, not sandboxes).")
                          : QStringLiteral("Leave sandbox installs out, as the dashboard does by default.")),
      dashboardDefaults(dashboard)
{
    parser.addOptions({asOf, package, from, to, sandboxes, lmo});
}

bool FilterOptions::read(const QCommandLineParser &parser, InstallBaseFilter *filter, int *code) const
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

Result<void> FilterOptions::readLmo(const QCommandLineParser &parser, QSqlDatabase db, InstallBaseFilter *filter) const
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

} // namespace lmo::cli
