#include "commands.h"

#include "cliutil.h"
#include "subcommands.h"
#include "storage/database.h"

#include <QDir>

namespace lmo::cli {

bool isSubcommand(const QString &word)
{
    return word == QStringLiteral("demo") || word == QStringLiteral("stats") || word == QStringLiteral("import")
           || word == QStringLiteral("export-csv") || word == QStringLiteral("lmo") || word == QStringLiteral("team")
           || word == QStringLiteral("sync") || word == QStringLiteral("connect") || word == QStringLiteral("disconnect")
           || word == QStringLiteral("billing") || word == QStringLiteral("reconcile")
           || needsGraphics(word);
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
        "  lmodesk [--db PATH | PATH] [--page licenses|subscribers|dashboard|billing|lmo|access]\n"
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
        "  lmodesk team init|add-user|set-role|remove-user|users|whoami|policy --db URI\n"
        "      Set up a team database on PostgreSQL, its people and who sees what (the server enforces it).\n"
        "  lmodesk connect --client-id KEY [--login-url URL] [--port N] | --sf-org ALIAS | --instance-url URL\n"
        "      Connect to the LMO in Salesforce (OAuth with PKCE in the browser, or the Salesforce CLI's org).\n"
        "  lmodesk sync [--db PATH] [--lmo LMO] [--full] [--json] [--new-lmo] [--reserve PCT]\n"
        "      Read packages, versions and licenses straight from the org, incrementally, within its API limits.\n"
        "  lmodesk disconnect [--org ID]\n"
        "      Revoke and forget a Salesforce connection.\n"
        "  lmodesk billing import [--db PATH] [--source NAME] [--map FIELD=COLUMN]... [--status WORD=STATE]... [--strict] FILE...\n"
        "      Import what the billing system charges (Stripe, Chargebee, any table), to set beside the licenses.\n"        "  lmodesk billing links [--propose] | link SUB ORG | unlink SUB | plans | plan PLAN PACKAGE [--source NAME]\n"
        "      The org each subscription pays for where its export does not say; the package each plan pays for.\n"
        "  lmodesk reconcile [--db PATH] [--as-of YYYY-MM-DD] [--tolerance DAYS] [--json]\n"
        "      List where the licenses and the billing disagree, each with what to do.\n"
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
    if (command == QStringLiteral("team"))
        return runTeam(rest);
    if (command == QStringLiteral("sync"))
        return runSync(rest);
    if (command == QStringLiteral("connect"))
        return runConnectCommand(rest);
    if (command == QStringLiteral("disconnect"))
        return runDisconnectCommand(rest);
    if (command == QStringLiteral("billing"))
        return runBilling(rest);
    if (command == QStringLiteral("reconcile"))
        return runReconcile(rest);
    if (command == QStringLiteral("export-report"))
        return runExportReport(rest);
    return fail(QStringLiteral("unknown command \"%1\"\n\n%2").arg(command, usage()), 2);
}

} // namespace lmo::cli
