// One file's import from start to commit: what the header says, the transaction, the fast or careful
// load (and the careful one again when the fast one finds a license twice), the refusal or the commit.
#include "import/fileimport.h"

#include "import/importinput.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "util/format.h"

#include <QFileInfo>

#include <algorithm>

namespace lmo::importing {

FileImport::FileImport(Database &database, const QString &path, const ImportOptions &options, ImportReport &report)
    : m_database(database), m_db(database.connection()), m_path(path), m_file(path), m_options(options), m_report(report)
{
    m_columnOf.fill(-1);
    m_batchRows = std::max(1, options.carefulBatchRows);
}

Result<void> FileImport::prepare(const HeaderAnalysis &analysis)
{
    for (size_t i = 0; i < analysis.fields.size(); ++i) {
        const ImportField f = analysis.fields[i];
        if (f != ImportField::Ignore && m_columnOf[size_t(f)] < 0)
            m_columnOf[size_t(f)] = int(i);
    }
    m_source = m_options.source.isEmpty() ? QFileInfo(m_path).absoluteFilePath() : m_options.source;
    m_changedBy = m_options.changedBy.isEmpty() ? AuditLog::currentUser() : m_options.changedBy;
    if (auto r = m_database.storage().setChangeSource(m_db, m_source); !r)
        return r;
    if (auto r = loadPackages(); !r)
        return r;
    if (analysis.kind != RecordKind::License)
        return {};
    if (auto r = chooseLmo(); !r)
        return r;

    for (const LicenseColumn &c : licenseColumns()) {
        for (ImportField f : c.fromFields) {
            if (f != ImportField::Ignore && has(f)) {
                if (qstrcmp(c.column, "system_modstamp") == 0)
                    m_modstampColumn = int(m_presentColumns.size());
                m_presentColumns.push_back(&c);
                break;
            }
        }
    }
    auto count = queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
    if (!count)
        return count.error();
    // Taking a table's indexes and keys off for a load needs its owner: on a team database
    // nobody who imports is, so an empty table is loaded as any other (its indexes kept).
    m_freshTable = count.value() == 0 && !(m_database.access().enforced && !m_database.access().seesEverything());

    m_writer = std::make_unique<LicenseWriter>(m_database);
    m_writer->setLmoRef(m_lmoRef);
    m_writer->checkTableRules(m_tableRulesInWriter);
    if (auto r = m_writer->prepare(); !r)
        return r;
    m_findById = QSqlQuery(m_db);
    if (!m_findById.prepare(QStringLiteral("SELECT id, lmo_ref FROM licenses WHERE sf_id = ?")))
        return sqlError(m_findById.lastError(), QStringLiteral("preparing the import"));
    m_fetch = QSqlQuery(m_db);
    // Forward-only only where the lookups and updates that follow on this connection leave it
    // alone (on a server it is libpq's single-row mode, which they would cut short: the one row
    // is read whole there).
    m_fetch.setForwardOnly(m_database.storage().forwardOnlyBetweenStatements());
    if (!m_fetch.prepare(LicenseRepository::selectSql(QStringLiteral("l.id = ?"))))
        return sqlError(m_fetch.lastError(), QStringLiteral("preparing the import"));
    m_findByOrgPackage = QSqlQuery(m_db);
    if (!m_findByOrgPackage.prepare(
            QStringLiteral("SELECT id, sf_id FROM licenses WHERE org_id = ? AND package_ref = ? AND lmo_ref = ?")))
        return sqlError(m_findByOrgPackage.lastError(), QStringLiteral("preparing the import"));
    QStringList columns, sets;
    for (const LicenseColumn *c : m_presentColumns) {
        columns << QString::fromLatin1(c->column);
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(c->column));
    }
    m_update = QSqlQuery(m_db);
    if (!sets.isEmpty() && !m_update.prepare(QStringLiteral("UPDATE licenses SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", ")))))
        return sqlError(m_update.lastError(), QStringLiteral("preparing the import"));
    // A batch's updates in one statement where the backend has that (a server, to which each
    // UPDATE is a round trip); elsewhere m_update runs once a row.
    m_batchUpdate = m_database.storage().bulkUpdate(m_db, QStringLiteral("licenses"), columns);
    return {};
}

void FileImport::releaseStatements()
{
    m_writer.reset();
    m_audit.reset();
    m_batchUpdate.reset();
    m_selectBySfId.clear();
    m_selectByOrg.clear();
    m_findById = QSqlQuery();
    m_findByOrgPackage = QSqlQuery();
    m_update = QSqlQuery();
    m_fetch = QSqlQuery();
}

Result<void> FileImport::chooseLmo()
{
    LmoRepository lmos(m_db);
    auto known = lmos.all();
    if (!known)
        return known.error();
    if (m_options.lmoRef) {
        for (const KnownLmo &k : known.value())
            if (k.ref == *m_options.lmoRef) {
                m_lmoRef = k.ref;
                return {};
            }
        return Error::make(Error::Code::Usage,
                           QStringLiteral("LMO %1 is not one this database knows (see lmodesk lmo show).").arg(*m_options.lmoRef));
    }
    if (known->size() > 1) {
        QStringList choices;
        for (const KnownLmo &k : known.value())
            choices << QStringLiteral("%1 for %2").arg(k.ref).arg(k.label());
        return Error::make(Error::Code::Usage,
                           QStringLiteral("This database has licenses from more than one LMO: say which org %1 was exported "
                                          "from with --lmo: %2.")
                               .arg(QFileInfo(m_path).fileName(), choices.join(QStringLiteral("; "))));
    }
    m_lmoRef = known->first().ref;
    return {};
}

Result<void> FileImport::loadRows(const HeaderAnalysis &analysis, bool fast)
{
    QElapsedTimer timer;
    timer.start();
    const qint64 totalBytes = m_file.isSequential() ? 0 : m_file.size(); // a pipe's size is not known

    // Into an empty table the indexes go, to be built once the rows are saved, from sorted keys
    // (buildDeferredIndexes). The fast path keeps none and checks the keys itself; the careful
    // one keeps the unique indexes, to find the licenses the file updates.
    IndexSuspension indexes(m_db, m_database.dialect());
    if (m_freshTable) {
        if (auto r = indexes.suspend(QStringLiteral("licenses"),
                                     fast ? IndexSuspension::Keep::Nothing : IndexSuspension::Keep::UniqueIndexes);
            !r)
            return r;
    }

    Result<void> rows;
    if (fast) {
        rows = readLicensesOnTwoThreads(analysis, totalBytes, timer);
    } else {
        rows = readRowsHere(analysis, totalBytes, timer);
    }
    m_report.encoding = m_reader->encoding(); // final once a non-ASCII byte was read
    if (!rows)
        return rows;
    // Once more at the end, so that a cancel after the last progress report still counts.
    if (auto r = progressed(totalBytes, totalBytes, timer); !r)
        return r;
    if (m_options.strict && m_report.rejected > 0)
        return {}; // refused whole: the caller rolls back, indexes and all
    return indexes.defer();
}

Result<void> FileImport::run()
{
    QElapsedTimer timer;
    timer.start();
    if (auto r = openInput(); !r)
        return r;
    HeaderAnalysis analysis = m_options.mapping ? analyseMapping(m_report.headers, *m_options.mapping)
                                                : analyseHeader(m_report.headers);
    m_report.kind = analysis.kind;
    m_report.format = analysis.format;
    m_report.mapping = analysis.fields;
    m_report.ignoredColumns = analysis.ignored;
    if (std::all_of(analysis.fields.begin(), analysis.fields.end(), [](ImportField f) { return f == ImportField::Ignore; }))
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 is not an LMA export: none of its columns (%2) is a License, Package or "
                                          "Package Version field.")
                               .arg(shownPath(m_path), m_report.headers.mid(0, 6).join(QStringLiteral(", "))));
    if (!analysis.acceptable())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 was refused whole: its header lacks %2, which a %3 import needs. Export "
                                          "again with those columns.")
                               .arg(shownPath(m_path), analysis.missing.join(QStringLiteral(", ")), kindName(analysis.kind)));

    // The write-ahead log stays on during the load, so that readers go on reading the database
    // as it was before this file (a rollback journal would lock them out until the commit).
    // importFile() holds the BulkWriteLock: no other import can fill the table between this
    // count and the transaction's own (prepare()).
    std::unique_ptr<StorageBackend::TrustedLoad> trusted;
    if (analysis.kind == RecordKind::License) {
        auto count = queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
        if (!count)
            return count.error();
        if (count.value() == 0) {
            // The engine's checks of each row would confirm what the import knows already:
            // every reference it writes is a row it has just found or created itself, the
            // writer holds every row to the table's CHECK rules (LicenseWriter::checkTableRules),
            // and an update writes only values the import has read and checked.
            trusted = m_database.storage().trustedLoadScope(m_db);
            // Where rows go by COPY (a server), the engine checks the rules too; the writer's own
            // check words a broken rule as on SQLite, before a COPY of thousands of rows fails on it.
            m_tableRulesInWriter = trusted->rulesUnchecked() || m_database.storage().copiesRows(m_db);
        }
    }
    Transaction transaction(m_db);
    if (auto r = transaction.beginWrite(QStringLiteral("starting the import")); !r)
        return r;
    if (auto r = prepare(analysis); !r)
        return r;
    // The fast path may have to start again the careful way (a license twice in the file): it
    // needs a file it can read again, not a pipe.
    bool fast = m_options.fastLoad && m_freshTable && analysis.kind == RecordKind::License && !m_file.isSequential();
    // A larger page cache while loading keeps the b-trees in memory; the index builds may sort
    // on a second thread. Both are put back when this import is done.
    const auto tuning = m_database.storage().bulkLoadScope(m_db, fast);

    // On a server, the foreign keys go for the fast load (every reference is a row the import
    // found or made itself) and come back checked once over the table at the end; the primary
    // key too (the table is empty and numbers the rows itself), built once from the sorted ids.
    // SQLite has no keys to take off here: its checks are off already (trustedLoadScope).
    std::unique_ptr<KeySuspension> foreignKeysOff;
    if (fast) {
        if (auto r = execSql(m_db, QStringLiteral("SAVEPOINT fast_load"), QStringLiteral("starting the import")); !r)
            return r;
        foreignKeysOff = m_database.storage().keySuspension(m_db);
        if (foreignKeysOff) {
            if (auto r = foreignKeysOff->suspend(QStringLiteral("licenses"), true); !r)
                return r;
        }
    }
    auto loaded = loadRows(analysis, fast);
    if (!loaded && fast && loaded.error().code == Error::Code::Conflict) {
        // The file holds some license twice: load it again the careful way, where the later
        // row updates the earlier one.
        if (auto r = execSql(m_db, QStringLiteral("ROLLBACK TO fast_load"), QStringLiteral("restarting the import")); !r)
            return r;
        if (foreignKeysOff)
            foreignKeysOff->forget(); // back with the rollback
        // A server's sequences keep the ids the fast pass used: the careful pass numbers its
        // packages, versions and licenses from where the fast one began, as SQLite does.
        if (auto r = m_database.storage().rewindSequences(m_db, {QStringLiteral("packages"), QStringLiteral("package_versions"),
                                                                 QStringLiteral("licenses")});
            !r)
            return r;
        m_report.read = m_report.inserted = m_report.updated = m_report.unchanged = m_report.rejected = 0;
        m_report.statements = 0;
        m_report.rejections.clear();
        forgetPackages(); // rolled back with the rest: what the fast pass learned is gone
        if (auto r = loadPackages(); !r)
            return r;
        tuning->setAppendOnly(false);
        if (auto r = openInput(); !r) // from the start again (not a pipe: see above)
            return r;
        loaded = loadRows(analysis, false);
    }
    if (!loaded)
        return loaded;
    if (foreignKeysOff && !(m_options.strict && m_report.rejected > 0)) {
        if (auto r = foreignKeysOff->restore(); !r)
            return r;
    }

    if (m_options.strict && m_report.rejected > 0) {
        m_report.refused = true;
        m_report.refusal = QStringLiteral("%1 was refused whole (--strict): %2 row(s) could not be read; the database is "
                                          "as it was.")
                               .arg(shownPath(m_path), groupedNumber(m_report.rejected));
        m_report.inserted = m_report.updated = m_report.unchanged = 0;
        m_report.seconds = timer.elapsed() / 1000.0;
        return {}; // the transaction rolls back as it goes out of scope
    }
    // Nothing changed (every row rejected or unchanged): nothing to audit.
    if (m_report.inserted + m_report.updated == 0 && !m_options.beforeCommit) {
        releaseStatements();
        m_report.seconds = timer.elapsed() / 1000.0;
        return {}; // the transaction rolls back: whatever a rejected row looked up is not kept
    }
    if (m_report.inserted + m_report.updated > 0) {
        if (auto r = recordAndSummarise(analysis, fast); !r)
            return r;
    }
    releaseStatements(); // they must be finished before the commit
    if (m_options.beforeCommit) {
        if (auto r = m_options.beforeCommit(m_db); !r)
            return r;
    }
    if (auto r = transaction.commit(QStringLiteral("saving the import of %1").arg(shownPath(m_path))); !r)
        return r;
    m_report.seconds = timer.elapsed() / 1000.0;
    return {};
}

} // namespace lmo::importing
