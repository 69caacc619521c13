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

// Shows the main window and runs the event loop; returns the exit code.
int runGui(const GuiOptions &options);

} // namespace lmo
