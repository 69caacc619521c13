// lmodesk stats: the install-base summary.
#include "cliutil.h"
#include "subcommands.h"

#include <QJsonDocument>

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
    if (parser.isSet(jsonOpt))
        out() << QJsonDocument(stats->toJson()).toJson(QJsonDocument::Indented);
    else
        out() << "Database  " << database.value()->displayName() << "\n\n" << stats->toText();
    return 0;
}

} // namespace lmo::cli
