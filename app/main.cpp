#include "commands.h"

#include "shell/appearance.h"
#include "shell/guilauncher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFileInfo>
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

// The option's name without its dashes and value: "--style=fusion" -> "style".
QString optionName(const QString &word)
{
    if (!word.startsWith(QLatin1Char('-')) || word == QStringLiteral("-") || word == QStringLiteral("--"))
        return {};
    QString name = word.mid(word.startsWith(QStringLiteral("--")) ? 2 : 1);
    return name.left(name.indexOf(QLatin1Char('=')));
}

// An option the window does not know: perhaps one of Qt's (-style, -platform, -reverse, ...),
// which only QApplication can recognise and take out.
bool mayHoldQtOptions(const QStringList &args)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString name = optionName(args.at(i));
        if (!name.isEmpty() && name != QStringLiteral("db") && name != QStringLiteral("page"))
            return true;
    }
    return false;
}

bool styleNamed(const QStringList &args)
{
    for (qsizetype i = 1; i < args.size(); ++i)
        if (optionName(args.at(i)) == QStringLiteral("style"))
            return true;
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    // With TZ unset, the C library looks at /etc/localtime again (a stat) on every conversion
    // to or from local time; Qt's PostgreSQL driver hands every TIMESTAMPTZ back in local time,
    // so a read of a few hundred thousand of them spent most of its time in those stats. Named
    // once, the same zone is read once. (A TZ the user set is theirs, and kept.)
    if (qEnvironmentVariableIsEmpty("TZ") && QFileInfo::exists(QStringLiteral("/etc/localtime")))
        qputenv("TZ", ":/etc/localtime");

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
            // Qt's own options (-platform, -style, ...) are QApplication's: it has taken them out.
            return lmo::cli::run(QCoreApplication::arguments());
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

    // The window's options are read before any display is needed where they can be, so that a
    // typo is reported the same way on a server as on a desktop. Qt's own options (-style
    // fusion, -platform offscreen, -reverse, -stylesheet FILE, ...) pass through to Qt as in
    // every Qt application: only QApplication knows them all, so when the arguments may hold
    // some, it reads them first and the window's options are read from what it leaves.
    QString error;
    auto options = lmo::parseGuiArguments(args, &error);
    if (!options && !mayHoldQtOptions(args))
        return usageError(error);

    const bool styleGiven = styleNamed(args);
    QApplication app(argc, argv);
    setIdentity();
    const QStringList ours = QCoreApplication::arguments();
    if (ours.size() > 1 && lmo::cli::isSubcommand(ours.at(1)))
        return lmo::cli::run(ours); // "lmodesk -platform offscreen stats": Qt's options first
    if (!options) {
        options = lmo::parseGuiArguments(ours, &error);
        if (!options)
            return usageError(error);
    }
    QApplication::setApplicationDisplayName(QStringLiteral("LMO Desk"));
    QApplication::setDesktopFileName(QStringLiteral("org.lmodesk.LmoDesk"));
    lmo::setStyleGivenOnCommandLine(styleGiven);
    lmo::applyColorScheme(lmo::savedColorScheme());
    return lmo::runGui(*options);
}
