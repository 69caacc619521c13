#pragma once

#include "util/result.h"

#include <QDate>
#include <QString>

#include <functional>

namespace lmo {

class Database;

struct DemoOptions
{
    qint64 licenses = 100'000;
    quint64 seed = 1;
    // The last day of the generated history ("today" in the demo). The same seed, size and
    // until date always give the same install base.
    QDate until = QDate::currentDate();
    // Replace whatever the database holds; without it a database with licenses is refused.
    bool replace = false;
    // A switch of LMO on this day (none: one LMO, not yet described). The demo then records two
    // designated LMOs, and the licenses installed from that day come from the second.
    QDate switchLmoOn;
};

struct DemoSummary
{
    qint64 licenses = 0;
    qint64 packages = 0;
    qint64 packageVersions = 0;
    qint64 subscriberOrgs = 0;
    qint64 auditRows = 0; // the licenses' history: conversions, renewals, seats, suspensions, uninstalls
    qint64 billingSubscriptions = 0; // what the demo's billing system (source "stripe-demo") charges
    double seconds = 0;
};

// Called now and then with (licenses written, licenses asked for), and once more with
// done == total when the rows are in and the indexes are being built; return false to cancel,
// and the database is left exactly as it was.
using DemoProgress = std::function<bool(qint64 done, qint64 total)>;

// Writes a realistic, deterministic install base: packages with version histories, installs
// that grow with the seasons, trials that convert or lapse, uninstall churn, sandbox site
// licenses, editions, instances and org statuses in plausible proportions, and the audit log of
// every change made to a license by `until` (each row's old value the previous row's new, the
// last the license's value; nothing after `until`), and a billing system's subscriptions for most
// production licenses of two packages, most agreeing, some not (see writeDemoBilling). All in one transaction, with the secondary
// indexes rebuilt after the load.
Result<DemoSummary> generateDemo(Database &database, const DemoOptions &options, const DemoProgress &progress = {});

// The same into the database at `path`, created (with its folder) if it does not exist. A demo
// that fails or is cancelled leaves an existing database as it was, and nothing at all where
// there was nothing: the file it created, SQLite's files beside it and the folders it made go.
// The command line and the first-start dialog both write their demo through this.
Result<DemoSummary> generateDemoAt(const QString &path, const DemoOptions &options, const DemoProgress &progress = {});

// What generateDemo refuses before it touches a database (a count out of range, a switch of LMO
// outside the history).
Result<void> checkDemoOptions(const DemoOptions &options);

} // namespace lmo
