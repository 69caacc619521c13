#include "commands.h"

#include "shell/guilauncher.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <optional>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("lmodesk"));
    QCoreApplication::setApplicationName(QStringLiteral("lmodesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LMODESK_VERSION));
}

int usageError(const QString &message)
{
    QTextStream(stderr) << "lmodesk: " << message << "\n\n" << lmo::cli::usage();
    return 2;
}

// The window's own options, read before any display is needed so that a typo is reported the
// same way on a server as on a desktop.
std::optional<lmo::GuiOptions> parseGuiOptions(const QStringList &args, int *exitCode)
{
    QCommandLineParser parser;
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("Database file."), QStringLiteral("PATH"));
    const QCommandLineOption pageOpt(QStringLiteral("page"), QStringLiteral("Page to open."), QStringLiteral("PAGE"));
    parser.addOptions({dbOpt, pageOpt});
    if (!parser.parse(args)) {
        *exitCode = usageError(parser.errorText());
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *exitCode = usageError(QStringLiteral("unknown command \"%1\"").arg(parser.positionalArguments().first()));
        return std::nullopt;
    }
    lmo::GuiOptions options;
    options.databasePath = parser.value(dbOpt);
    if (options.databasePath.isEmpty())
        options.databasePath = qEnvironmentVariable("LMODESK_DB");
    if (parser.isSet(pageOpt)) {
        const auto page = lmo::pageFromName(parser.value(pageOpt));
        if (!page) {
            *exitCode = usageError(QStringLiteral("--page \"%1\" is not a page: use licenses, subscribers, dashboard or lmo.")
                                       .arg(parser.value(pageOpt)));
            return std::nullopt;
        }
        options.page = *page;
    }
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    const bool subcommand = args.size() > 1 && lmo::cli::isSubcommand(args.at(1));
    if (subcommand || args.contains(QStringLiteral("--version")) || args.contains(QStringLiteral("-v"))
        || args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        // No display needed: the command line works on a server, in CI and over ssh.
        QCoreApplication app(argc, argv);
        setIdentity();
        if (subcommand)
            return lmo::cli::run(args);
        QTextStream out(stdout);
        if (args.contains(QStringLiteral("--version")) || args.contains(QStringLiteral("-v")))
            out << "lmodesk " << QCoreApplication::applicationVersion() << Qt::endl;
        else
            out << lmo::cli::usage();
        return 0;
    }

    int exitCode = 0;
    const auto options = parseGuiOptions(args, &exitCode);
    if (!options)
        return exitCode;

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("LMO Desk"));
    QApplication::setDesktopFileName(QStringLiteral("org.lmodesk.LmoDesk"));
    return lmo::runGui(*options);
}
