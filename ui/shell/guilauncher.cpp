#include "shell/guilauncher.h"

#include "document/jobrunner.h"
#include "shell/demojob.h"
#include "shell/mainwindow.h"
#include "shell/welcomedialog.h"
#include "storage/database.h"
#include "storage/postgres/pglocation.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

namespace lmo {

namespace {

// The first start, or a database that is gone: let the user pick what to start with, and offer
// the LMO setup wizard once it is open.
bool chooseFirstDatabase(MainWindow &window, const QString &suggested)
{
    for (;;) {
        WelcomeDialog welcome(suggested, &window);
        if (welcome.exec() != QDialog::Accepted)
            return false;
        QString error;
        bool opened = false;
        switch (welcome.choice()) {
        case WelcomeDialog::Choice::OpenExisting:
        case WelcomeDialog::Choice::TeamDatabase: // a postgresql:// URI: connected to, off the UI thread
            opened = window.openDatabase(welcome.path());
            break;
        case WelcomeDialog::Choice::Empty: {
            Database::OpenOptions create;
            create.create = true;
            opened = window.openDatabase(welcome.path(), create);
            break;
        }
        case WelcomeDialog::Choice::Demo: {
            DemoOptions options;
            options.licenses = welcome.demoLicenses();
            if (runDemoWithProgress(&window, welcome.path(), options, &error))
                opened = window.openDatabase(welcome.path());
            else if (!error.isEmpty())
                QMessageBox::warning(&window, QStringLiteral("Demo install base"), error);
            break;
        }
        }
        if (!opened)
            continue;
        // Whether it has an LMO is read off the UI thread: the wizard opens once that is known.
        if (welcome.setUpLmo() && window.database() && !window.database()->isReadOnly())
            window.whenLmoKnown([&window](bool designated) {
                if (!designated)
                    QTimer::singleShot(0, &window, [&window] { window.openLmoWizard(false); });
            });
        return true;
    }
}

bool looksLikeDatabasePath(const QString &word)
{
    return PgLocation::isPostgres(word) || QFileInfo(word).isFile() || word.contains(QLatin1Char('/'))
           || Database::localFileNames().isNamed(word);
}

} // namespace

std::optional<GuiOptions> parseGuiArguments(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("Database file, or a team database's postgresql:// URI."), QStringLiteral("PATH"));
    const QCommandLineOption pageOpt(QStringLiteral("page"), QStringLiteral("Page to open."), QStringLiteral("PAGE"));
    parser.addOptions({dbOpt, pageOpt});
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    GuiOptions options;
    options.databasePath = parser.value(dbOpt);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        *error = QStringLiteral("unexpected argument \"%1\": give one database at most").arg(positional.at(1));
        return std::nullopt;
    }
    if (positional.size() == 1) {
        if (!looksLikeDatabasePath(positional.first())) {
            *error = QStringLiteral("unknown command \"%1\"").arg(positional.first());
            return std::nullopt;
        }
        if (!options.databasePath.isEmpty()) {
            *error = QStringLiteral("two databases given (--db and \"%1\"): give one").arg(positional.first());
            return std::nullopt;
        }
        options.databasePath = positional.first();
    }
    if (options.databasePath.isEmpty())
        options.databasePath = qEnvironmentVariable("LMODESK_DB");
    if (parser.isSet(pageOpt)) {
        const auto page = pageFromName(parser.value(pageOpt));
        if (!page) {
            *error = QStringLiteral("--page \"%1\" is not a page: use licenses, subscribers, dashboard, billing, lmo or access.")
                         .arg(parser.value(pageOpt));
            return std::nullopt;
        }
        options.page = *page;
    }
    return options;
}

StartupPlan planStartup(const GuiOptions &options, const QString &lastDatabase, const QString &defaultPath)
{
    StartupPlan plan;
    plan.suggestNew = defaultPath;
    // A team database (a postgresql:// URI) is not a file: whether it is there is for the
    // server to say, when connecting.
    auto present = [](const QString &location) {
        return PgLocation::isPostgres(location) || QFileInfo::exists(location);
    };
    if (!options.databasePath.isEmpty()) {
        // Named on the command line: open it, or offer to create it there.
        if (present(options.databasePath)) {
            plan.open = options.databasePath;
            plan.strict = true;
        } else {
            plan.suggestNew = options.databasePath;
        }
    } else if (!lastDatabase.isEmpty() && present(lastDatabase)) {
        plan.open = lastDatabase;
    } else if (QFileInfo::exists(defaultPath)) {
        plan.open = defaultPath;
    }
    return plan;
}

int runGui(const GuiOptions &options)
{
    MainWindow window;
    window.setPage(options.page);
    window.show();

    const StartupPlan plan = planStartup(options, MainWindow::lastDatabase(),
                                         Database::defaultPath());
    const bool opened = !plan.open.isEmpty() && window.openDatabase(plan.open);
    if (!opened) {
        if (!plan.open.isEmpty() && plan.strict)
            return 2; // the reason was shown
        if (!chooseFirstDatabase(window, plan.suggestNew))
            return 0;
    }
    window.setPage(options.page);
    const int code = QApplication::exec();
    JobRunner::application()->waitForAll();
    return code;
}

} // namespace lmo
