#pragma once

#include "billing/billing.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <functional>

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
    // The columns of `extra` are the source's whole mapping from now on (the dialog's, which
    // shows every column): the kept ones it does not name are dropped. Status words merge.
    bool replaceColumns = false;
    // Asked between rows with how many were read: true stops the import (Cancelled), and
    // nothing of the file is kept.
    std::function<bool(qint64 rows)> cancelled;
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

// A billing export as it would be read, before anything is written: its header, its first
// rows, what kind of file it is, and the column each field would be read from (the mapping
// kept for `source`, then the columns' names, then, for the org ids, their values).
struct BillingPreview
{
    QString path;
    qint64 fileSize = 0;
    QStringList header;
    std::vector<QStringList> rows;      // the first few
    qint64 rowCount = 0;                // every row (not blank) of the file
    Format detected = Format::Table;    // what the header says
    std::optional<Format> sourceFormat; // the source's, when one of its files was imported
    Mapping kept;                       // the mapping kept for the source
    ColumnMap byNames;                  // the columns found without the kept mapping
    ColumnMap map;                      // with it: what the import would read
    QStringList missing;                // columns the kept mapping names that the file lacks
    QString source;                     // the source it would be imported as
    // Another source that already holds subscriptions of this file (of its first 200 ids, how
    // many): imported under another name they would be counted twice.
    QString elsewhereSource;
    qint64 elsewhere = 0, elsewhereOf = 0;
};
// `source` empty: the format's own ("stripe", "chargebee"), or none for a table (the caller
// must name one). `rows`: how many to keep.
Result<BillingPreview> previewBillingFile(QSqlDatabase db, const QString &path, const QString &source, int rows = 20);
// The sources imported so far, by name.
Result<QStringList> billingSources(QSqlDatabase db);
// "Stripe subscriptions export", "Chargebee subscriptions export", "billing table".
QString formatTitle(Format format);
// A name for a format's files when the user gives none ("stripe"); empty for a table.
QString defaultSourceName(Format format);

// Reads a billing export and saves its subscriptions under their source, by their id: a
// subscription already there is updated (the fields the file has a column for; the others
// keep what an earlier file said), a new one inserted, one the file does not name kept.
// The whole file goes in one transaction. A file it cannot read at all (no id or status column,
// a mapped column missing, a table without --source) is an Error, and nothing is written.
Result<BillingImportReport> importBillingFile(Database &database, const QString &path, const BillingImportOptions &options);
// The same on a connection of the caller's own (a job's).
Result<BillingImportReport> importBillingFile(QSqlDatabase db, const QString &path, const BillingImportOptions &options);

} // namespace lmo::billing
