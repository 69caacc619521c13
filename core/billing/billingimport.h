#pragma once

#include "billing/billing.h"
#include "util/result.h"

#include <QString>

#include <vector>

namespace lmo {
class Database;
}

namespace lmo::billing {

struct BillingImportOptions
{
    QString source;                // the source's name; default the format's ("stripe", "chargebee")
    std::optional<Format> format;  // default: the source's, else what the header says
    Mapping extra;                 // columns and status words given now (--map, --status): kept
    bool strict = false;           // a file with any rejected row writes nothing
};

struct BillingRejection
{
    qint64 line = 0;
    QString column; // the header of the column at fault; empty for the row as a whole
    QString reason;
};

struct BillingImportReport
{
    QString path;
    QString source;
    Format format = Format::Table;
    qint64 read = 0, inserted = 0, updated = 0, unchanged = 0;
    std::vector<BillingRejection> rejected;
    QString orgColumn; // the header the org ids were read from; empty: none
    bool orgColumnRecognised = false; // found by its values, not by its name
    qint64 withOrg = 0;               // subscriptions of the file that name their org
    bool written = true;              // false: --strict refused the file (nothing written)

    // 0 every row imported, 3 some rows rejected (the rest imported), 2 nothing (--strict).
    int exitCode() const;
    // "stripe.csv: Stripe subscriptions export, source "stripe" ...", the rejected rows listed
    // as FILE:LINE: COLUMN: reason.
    QString summary() const;
};

// Reads a billing export and saves its subscriptions under their source, by their id: a
// subscription already there is updated (the fields the file has a column for; the others
// keep what an earlier file said), a new one inserted, one the file does not name kept.
// The whole file goes in one transaction. A file it cannot read at all (no id or status column,
// a mapped column missing, a table without --source) is an Error, and nothing is written.
Result<BillingImportReport> importBillingFile(Database &database, const QString &path, const BillingImportOptions &options);

} // namespace lmo::billing
