#pragma once

#include "shell/pages.h"

#include <QString>

namespace lmo {

struct GuiOptions
{
    QString databasePath; // --db or $LMODESK_DB; empty: the last one, else the first-run choice
    Page page = Page::Licenses;
};

// Shows the main window and runs the event loop; returns the exit code.
int runGui(const GuiOptions &options);

} // namespace lmo
