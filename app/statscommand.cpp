// lmodesk stats: the install-base summary.
#include "cliutil.h"
#include "subcommands.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lmo::cli {

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
    // What the team's policy keeps from this login reads as empty: its figures are not given
    // (JSON null; "not shown" in the text), never a zero that would mean something.
    const team::SessionAccess &access = database.value()->access();
    const bool seats = access.isHidden(QStringLiteral("seats")), used = access.isHidden(QStringLiteral("used_licenses"));
    if (parser.isSet(jsonOpt)) {
        QJsonObject json = stats->toJson();
        if (seats)
            for (const char *key : {"seats_licensed", "site_licenses"})
                json.insert(QLatin1String(key), QJsonValue::Null);
        if (used)
            json.insert(QStringLiteral("seats_used"), QJsonValue::Null);
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return 0;
    }
    QStringList lines = stats->toText().split(QLatin1Char('\n'));
    for (QString &line : lines) {
        const bool hide = (seats && (line.startsWith(QLatin1String("Seats licensed")) || line.startsWith(QLatin1String("Site licenses"))))
                          || (used && line.startsWith(QLatin1String("Seats used")));
        if (hide)
            line = line.left(line.indexOf(QLatin1Char(' '), 12)).leftJustified(24) + QStringLiteral("not shown to %1").arg(access.login);
    }
    out() << "Database  " << database.value()->displayName() << "\n\n" << lines.join(QLatin1Char('\n'));
    return 0;
}

} // namespace lmo::cli
