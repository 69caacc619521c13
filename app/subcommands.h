#pragma once

#include <QStringList>

// The subcommands, one family to a file; each takes the arguments with the program name first
// (the command word removed) and returns the process exit code.
namespace lmo::cli {

int runDemo(const QStringList &arguments);       // democommand.cpp
int runImport(const QStringList &arguments);     // importcommand.cpp
int runStats(const QStringList &arguments);      // statscommand.cpp
int runExport(const QStringList &arguments);     // exportcommands.cpp: export-csv
int runExportChart(const QStringList &arguments);  // exportcommands.cpp
int runExportReport(const QStringList &arguments); // exportcommands.cpp
int runLmo(const QStringList &arguments);        // lmocommands.cpp: lmo show, lmo assign
int runTeam(const QStringList &arguments);       // teamcommands.cpp: team init, add-user, users, policy...
int runSync(const QStringList &arguments);       // synccommands.cpp: sync
int runConnectCommand(const QStringList &arguments);    // synccommands.cpp: connect
int runDisconnectCommand(const QStringList &arguments); // synccommands.cpp: disconnect
int runBilling(const QStringList &arguments);    // billingcommands.cpp: billing import
int runReconcile(const QStringList &arguments);  // billingcommands.cpp: reconcile

} // namespace lmo::cli
