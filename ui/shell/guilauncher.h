#pragma once

#include "shell/pages.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace lmo {

struct GuiOptions
{
    QString databasePath; // --db or $LMODESK_DB; empty: the last one, else the first-run choice
    Page page = Page::Licenses;
};

// Reads the window's command line: [--db PATH | PATH] [--page NAME]. A lone PATH (what the
// desktop entry's %f passes) is the database. On a mistake returns nullopt and says why.
std::optional<GuiOptions> parseGuiArguments(const QStringList &arguments, QString *error);

// What to open when the window starts.
struct StartupPlan
{
    QString open;       // a database to open first; empty: none, ask
    bool strict = false; // named by the user: failing to open it ends the program
    QString suggestNew; // where the first-start dialog proposes a new database
};
// --db (or $LMODESK_DB) if it exists, else the last database if it still exists, else the
// default one if it exists; otherwise the first-start choice, proposing the named or default path.
StartupPlan planStartup(const GuiOptions &options, const QString &lastDatabase, const QString &defaultPath);

// Shows the main window and runs the event loop; returns the exit code.
int runGui(const GuiOptions &options);

} // namespace lmo
