#pragma once

// The import of one file, shared by the files that do its parts (internal to core/import):
//   fileimport.cpp     the run: checks, transaction, the fast or careful load, the commit
//   importreading.cpp  opening the file, the data rows, progress, the careful path's loop
//   rejections.cpp     rejected rows, as the report keeps them
//   licenseparse.cpp   a license row read and checked (the careful reader)
//   licensestore.cpp   the careful path's license rows written a batch at a time: found (two
//                      SELECTs a batch), inserted, or compared and updated with their audit;
//                      and one row at a time, the batch's fallback
//   fastload.cpp       the fast load: two threads, encoded batches, the duplicate check
//   packagelookup.cpp  packages and versions known, looked up and created
//   packagerows.cpp    package and package-version files
//   afterload.cpp      the import's audit entry and the subscriber-org summaries

#include "import/csvreader.h"
#include "import/importer.h"
#include "import/importformat.h"
#include "import/licensecolumns.h"
#include "import/licenserowencoder.h"
#include "import/valueparser.h"
#include "storage/auditlog.h"
#include "storage/bulkwrite.h"
#include "storage/licenserepository.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QPair>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lmo {
class Database;
}

namespace lmo::importing {

constexpr int kFieldCount = kImportFieldCount;
constexpr qint64 kProgressEvery = 5000;


// A license row as read from the file, before the database is asked anything: what a reading
// thread hands to the writing one.
struct ParsedLicense
{
    License l;
    SalesforceId packageRef;
    QString packageName;
    SalesforceId versionId;
    QString versionName;
    std::optional<Rejection> rejection; // set when the row cannot be read
};

// A careful load's row waiting for its batch to be written: a license with its package and
// version resolved, or a rejection to be counted in its turn (the report keeps file order).
struct PendingLicense
{
    ParsedLicense row;
    CsvRecord record; // for a rejection the batch may make
};

// A license row as a batch knows it: read from the table, or inserted by the batch, with what
// it holds now (earlier rows of the batch applied).
struct KnownLicense
{
    qint64 row = 0;
    qint64 lmo = 0;
    QString sfId;        // the sf_id as stored (empty: none)
    SalesforceId id;     // the same, read as an Id (what its audit entries name)
    QString org15;       // the org, as the subscriber summaries take it
    std::vector<QVariant> values; // LicenseColumn::value of each present column
    bool dirty = false;  // changed by the batch: written by its UPDATE
};


// The whole import of one file: reading, checking, writing, counting.
class FileImport
{
public:
    FileImport(Database &database, const QString &path, const ImportOptions &options, ImportReport &report);

    Result<void> run();

private:
    Result<void> prepare(const HeaderAnalysis &analysis);
    // Opens the file (once: a pipe cannot be read twice) and reads its header.
    Result<void> openInput();
    Rejection makeRejection(const CsvRecord &record, int column, const QString &reason, qint64 line = 0) const;
    void addRejection(Rejection rejection);
    void reject(const CsvRecord &record, int column, const QString &reason);
    // Rejects the row for the value in `field`'s column; the row is done, the import goes on.
    Result<void> rejectField(const CsvRecord &record, ImportField field, const QString &why);
    // A license row read, resolved and added to the batch (written when it is full).
    Result<void> licenseRow(const CsvRecord &record);
    ParsedLicense parseLicense(const CsvRecord &record) const;
    // A row's package and version, looked up (created if new).
    Result<void> resolveLicense(ParsedLicense &row);
    // A rejection in its turn: after the rows waiting in the batch.
    void rejectInTurn(Rejection rejection);
    // Writes the rows waiting in the batch (careful path); nothing to do when none wait.
    Result<void> storePending();
    // The end of a careful load: the last batch written, the ids left over given back.
    Result<void> finishLicenses();
    // The batch's license rows, read by Id and by org (a statement each for all the rows).
    Result<void> lookUpBatch();
    Result<void> selectKnown(const QString &where, const QStringList &keys, bool byOrg);
    // The batch, row by row in memory, then its writes; a Conflict means the table held
    // something the lookups did not see: the batch is rolled back and stored row by row.
    Result<void> writeBatch();
    void compareAndUpdate(KnownLicense &known, const License &l);
    Result<void> writeUpdates();
    Result<void> batchSavepoint();
    // One row the old way (findLicense, updateLicense): the fallback of a batch.
    Result<void> storeLicense(ParsedLicense &row, const CsvRecord *record);
    // The version a license row names: by record id, by name, by number; 0 for none.
    Result<qint64> resolveVersion(qint64 package, const SalesforceId &versionId, const QString &versionName,
                                  const QString &versionNumber);
    // Row `r` of a fast load's batch: its package and version looked up (once per distinct
    // value, creating them when new), ready to insert. `orgHash` is the hash of its org id,
    // taken on the reading thread.
    Result<void> resolveEncoded(LicenseRowBatch &batch, size_t r, size_t orgHash);
    // A fast load's batch, resolved row by row, then inserted many rows a statement.
    // `orgHashes` has one per row; `idHashes`, one per row with a record Id.
    Result<void> storeEncoded(LicenseRowBatch &batch, const std::vector<size_t> &orgHashes,
                              const std::vector<size_t> &idHashes);
    // A fast load's batch into the open COPY (m_licenseCopy), held to the table's rules first.
    Result<void> copyEncoded(const LicenseRowBatch &batch);
    // Ends the fast load's COPY, if one is open, so that another statement may run: every row
    // sent is saved (a broken rule comes back here). The next batch opens another.
    Result<void> pauseCopy();
    // A fast load has no unique index to stop a license coming twice: its keys' hashes are
    // kept and compared at the end. A Conflict sends the file down the careful path.
    Result<void> checkNoDuplicates();
    // The data rows, past blank lines and a report's footer.
    bool nextDataRecord(CsvReader &reader, CsvRecord &record, bool &footer, bool report) const;
    std::optional<Rejection> shapeRejection(const CsvRecord &record) const;
    // Reports progress; a cancel comes back as the error to return.
    Result<void> progressed(qint64 bytes, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> readRowsHere(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> readLicensesOnTwoThreads(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> packageRow(const CsvRecord &record);
    Result<void> versionRow(const CsvRecord &record);
    Result<qint64> packageFor(const SalesforceId &ref, const QString &name);
    Result<qint64> versionFor(qint64 package, const SalesforceId &id, const QString &number);
    // The LMO the licenses are filed under: the caller's choice, else the only one.
    Result<void> chooseLmo();
    Result<std::optional<qint64>> findLicense(const License &l);
    Result<void> updateLicense(qint64 rowId, const License &l);
    // The prepared statements and writers, finished (before the commit or the rollback).
    void releaseStatements();
    // Empties every package and version lookup (after a rollback that took their rows).
    void forgetPackages();
    Result<void> loadPackages();
    Result<void> loadRows(const HeaderAnalysis &analysis, bool fast);
    // After the rows: the import's own audit entry, and the subscriber orgs summarised again (a
    // few now; after a big load all of them, later).
    Result<void> recordAndSummarise(const HeaderAnalysis &analysis, bool fast);
    bool has(ImportField f) const { return m_columnOf[size_t(f)] >= 0; }
    ValueParser::NumberStyle numberStyle() const
    {
        return m_report.format == ExportFormat::Report ? ValueParser::NumberStyle::Report : ValueParser::NumberStyle::Plain;
    }
    QString cell(const CsvRecord &record, ImportField f) const
    {
        const int c = m_columnOf[size_t(f)];
        return c >= 0 && c < record.size() ? ValueParser::text(record.text(c)) : QString();
    }

    Database &m_database;
    QSqlDatabase m_db;
    QString m_path;
    QFile m_file;
    std::unique_ptr<CsvReader> m_reader; // past the header once openInput() is done
    const ImportOptions &m_options;
    ImportReport &m_report;
    std::array<int, kFieldCount> m_columnOf{};
    std::vector<const LicenseColumn *> m_presentColumns;
    int m_modstampColumn = -1; // system_modstamp's index in m_presentColumns, when the file has it
    bool m_freshTable = false;
    std::unique_ptr<LicenseWriter> m_writer;
    bool m_tableRulesInWriter = false; // SQLite's CHECK constraints are off for this load
    QSqlQuery m_findById;
    QSqlQuery m_findByOrgPackage;
    QSqlQuery m_update;
    QSqlQuery m_fetch; // a whole license by its row, to compare with the file
    // The careful path's batch (licensestore.cpp).
    int m_batchRows = 1000;
    std::vector<PendingLicense> m_pending;
    std::vector<KnownLicense> m_known;
    QHash<qint64, int> m_knownByRow;
    QHash<QString, int> m_knownBySfId;
    QHash<QString, int> m_knownByOrg; // org, package, LMO (orgKey())
    std::vector<AuditEntry> m_batchAudit;
    QSet<QString> m_batchOrgs;
    bool m_inSavepoint = false;
    qint64 m_bufferedInserts = 0; // through the writer's buffer (a server): ids from the sequence
    qint64 m_batchInserts = 0;
    std::map<int, QSqlQuery> m_selectBySfId, m_selectByOrg; // by the number of values they take
    std::unique_ptr<AuditWriter> m_audit;
    std::unique_ptr<BulkUpdate> m_batchUpdate; // the careful path's UPDATE of a batch, where the backend has one
    QHash<QString, qint64> m_packageBySfId, m_packageBy033, m_packageByName;
    QSet<qint64> m_packagesWithSfId, m_packagesWith033;
    QHash<QString, qint64> m_versionBySfId;
    QHash<QPair<qint64, QString>, qint64> m_versionByName; // (package, version name)
    QHash<qint64, QString> m_numberOfVersion;
    QHash<QPair<qint64, QString>, qint64> m_versionByNumber; // (package, version number)
    QString m_source;
    QString m_changedBy;
    qint64 m_lmoRef = 1;
    qint64 m_foundInLmo = 1; // the LMO of the license findLicense found
    // Fast loads: lookups already made, and the keys seen.
    std::string m_key;
    std::unordered_map<std::string, qint64> m_packageMemo;
    std::unordered_map<std::string, std::pair<qint64, std::string>> m_versionMemo;
    std::vector<size_t> m_idHashes, m_orgPackageHashes;
    // A fast load where the backend copies rows (a server): its COPY, open from batch to batch,
    // and the rows for the next send.
    std::unique_ptr<BulkRowStream> m_licenseCopy;
    std::unique_ptr<BulkRows> m_copyRows;
    // The subscriber orgs a careful load changed, to summarise again.
    QSet<QString> m_touchedOrgs;
};

} // namespace lmo::importing
