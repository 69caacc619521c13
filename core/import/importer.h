#pragma once

#include "import/csvreader.h"
#include "import/importformat.h"
#include "import/valueparser.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace lmo {

class Database;

struct ImportProgress
{
    qint64 rows = 0;
    qint64 bytes = 0;
    qint64 totalBytes = 0;
    double seconds = 0;
};

struct ImportOptions
{
    bool strict = false; // any rejected row refuses the whole file
    DateOrder dateOrder = DateOrder::MonthDayYear;
    std::optional<std::vector<ImportField>> mapping; // the user's column mapping, else recognised
    std::function<bool(const ImportProgress &)> progress; // return false to cancel
    // Indexes an earlier load left are built before the rows are read (the import needs the
    // unique ones): told before each (done of total); return false to cancel, between two.
    std::function<bool(int done, int total)> indexProgress;
    int keepRejections = 10'000; // rejected rows kept with their values (all are counted)
    QString changedBy;           // for the audit log; default: the operating-system user
    // The audit log's source for every change; default: the file's absolute path. A sync names
    // the org ("sync from Acme (00D…)").
    QString source;
    // Runs on the import's connection inside its transaction, just before the commit (and even
    // when no row changed): what must be saved with the rows or not at all (a sync's watermark).
    std::function<Result<void>(QSqlDatabase &)> beforeCommit;
    // The LMO the file was exported from (its lmo_profiles row). None: the database's one LMO;
    // a database that knows more than one refuses the file until the caller says which.
    std::optional<qint64> lmoRef;
    // A license file into an empty table takes the fast path (two threads, rows read straight
    // from the bytes, indexes built after). Tests turn it off to compare with the careful path.
    bool fastLoad = true;
    // A value longer than this rejects its row unread (CsvReader::setMaxFieldBytes); tests lower it.
    qsizetype maxFieldBytes = CsvReader::kDefaultMaxFieldBytes;
    // The careful path (a table with licenses already) writes this many license rows at a
    // time: a few statements each batch, not a few each row. Tests vary it.
    int carefulBatchRows = 1000;
    // Tests only: runs on the import's connection after each careful batch's lookups, before
    // its writes, to be another writer meanwhile.
    std::function<void()> afterBatchLookups;
};

// A row that was not imported: where, and why.
struct Rejection
{
    qint64 line = 0;
    int column = 0; // 1-based; 0 when the row as a whole is wrong
    QString columnName;
    QString reason;
    QStringList values; // the row as read

    QString text(const QString &file) const; // "file:12:4: Seats: "ten" is not a number"
};

struct ImportReport
{
    QString file;
    RecordKind kind = RecordKind::License;
    ExportFormat format = ExportFormat::DataLoader;
    char delimiter = ',';
    TextEncoding encoding = TextEncoding::Utf8; // how the file's bytes were read
    qsizetype skippedBeforeHeader = 0;          // NULs and stray byte-order marks before the header
    QString skippedWhat;
    QStringList headers;
    std::vector<ImportField> mapping;
    QStringList ignoredColumns;
    qint64 read = 0;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
    // Of the unchanged: rows older than the license held (their SystemModstamp before the stored
    // one), which never overwrite it.
    qint64 older = 0;
    qint64 rejected = 0;
    std::vector<Rejection> rejections;
    bool refused = false; // --strict and rows were rejected: nothing was written
    QString refusal;
    double seconds = 0;
    // The statements the careful path ran for its license rows (lookups, writes, audit rows;
    // a COPY counts one): a few a batch, where it once took a few a row. For tests and tuning.
    qint64 statements = 0;

    // 0 all rows imported, 3 some rejected, 2 nothing imported.
    int exitCode() const;
    // An import that did not run: 2 when the file or the request is at fault (fix it and try
    // again), 1 when the work failed on a good file (a full disk, a database error).
    static int exitCodeOf(const Error &error);
    // How the file was read, where that is worth a word: an encoding other than UTF-8, bytes
    // skipped before the header. One sentence each; summary() and the import dialog show them.
    QStringList notes() const;
    QString summary(int maxRejections = 10) const;
};

struct ImportPreview
{
    HeaderAnalysis analysis;
    char delimiter = ',';
    std::vector<QStringList> rows;
    qint64 fileSize = 0;
};

// Reads the header and the first rows without writing anything.
Result<ImportPreview> previewImport(const QString &path, int rows = 20);

// Imports one file in one transaction: a failure, a cancel, a strict refusal or a killed process
// leaves the database as it was before the file. A license is the record with the file's Id,
// else the one of the same subscriber org and package; only the columns the file has are
// written, and each changed field goes to the audit log with the file as its source.
Result<ImportReport> importFile(Database &database, const QString &path, const ImportOptions &options = {});

} // namespace lmo
