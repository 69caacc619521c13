#pragma once

#include <QStringList>

namespace lmo::cli {

// The headless subcommands. Each returns the process exit code:
// 0 done, 1 failed while working, 2 usage error or refused input.
bool isSubcommand(const QString &word);
// The subcommands that draw (charts, reports): they need a GUI application, offscreen.
bool needsGraphics(const QString &word);
int run(const QStringList &arguments);

// What --help prints.
QString usage();

} // namespace lmo::cli
