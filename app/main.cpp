#include "commands.h"

#include "shell/guilauncher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTextStream>

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

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    const bool subcommand = args.size() > 1 && lmo::cli::isSubcommand(args.at(1));
    if (subcommand || args.contains(QStringLiteral("--version")) || args.contains(QStringLiteral("-v"))
        || args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        // No display needed: the command line works on a server, in CI and over ssh. Charts are
        // drawn offscreen, by the same code as on screen.
        if (subcommand && lmo::cli::needsGraphics(args.at(1))) {
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            QApplication app(argc, argv);
            setIdentity();
            return lmo::cli::run(args);
        }
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

    // The window's options are read before any display is needed, so that a typo is reported
    // the same way on a server as on a desktop.
    QString error;
    const auto options = lmo::parseGuiArguments(args, &error);
    if (!options)
        return usageError(error);

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("LMO Desk"));
    QApplication::setDesktopFileName(QStringLiteral("org.lmodesk.LmoDesk"));
    return lmo::runGui(*options);
}
