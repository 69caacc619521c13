// License rows written the careful way: found by their Id or their org and package, inserted, or
// compared and updated field by field with an audit entry for each change.
//
// A batch at a time (m_batchRows rows): two SELECTs find every license the batch's rows may be
// (by Id, any LMO; by org, this LMO), read whole; the rows are then taken in file order in
// memory, each seeing what the rows before it did (m_known), as one row at a time would see the
// table; the new licenses go through the writer (a server's COPY), the changed ones in one
// UPDATE (a server; SQLite, which has no round trips, runs its prepared one a row), the audit
// entries through the AuditWriter. A key the lookups did not see (another connection's write
// meanwhile) comes back as a Conflict: the batch is rolled back to its savepoint and stored again
// a row at a time, the old way (storeLicense), which words each conflict as a rejection.
#include "import/fileimport.h"

#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/database.h"
#include "storage/sqlutil.h"

#include <QDateTime>
#include <QSqlRecord>

namespace lmo::importing {

using F = ImportField;

namespace {

// The unique key (org_id, package_ref, lmo_ref) as a hash key.
QString orgKey(const QString &org, qint64 package, qint64 lmo)
{
    return org + QChar(0x1f) + QString::number(package) + QChar(0x1f) + QString::number(lmo);
}

// A lookup's number of values, rounded up, so that a few statements serve every batch.
int bucketFor(int values)
{
    int n = 16;
    while (n < values)
        n *= 2;
    return n;
}

// The most values one lookup binds (SQLite allows 32,766 parameters, PostgreSQL 65,535).
constexpr int kMostValues = 2048;

QString lmoMismatch(const License &l, qint64 foundInLmo, qint64 lmoRef)
{
    return QStringLiteral("record %1 is filed under LMO %2, and this file was said to come from LMO %3: import it "
                          "with the LMO it was exported from (lmodesk lmo show lists them), or move the record "
                          "with lmodesk lmo assign")
        .arg(l.id.to18())
        .arg(foundInLmo)
        .arg(lmoRef);
}

QString orgConflict(const License &l)
{
    return QStringLiteral("org %1 already has a license of this package with another Id (the LMA keeps one "
                          "license per package per org)")
        .arg(l.subscriberOrgId.to15());
}

} // namespace

// --- One row at a time: the fallback of a batch ---

Result<std::optional<qint64>> FileImport::findLicense(const License &l)
{
    if (!l.id.isNull()) {
        m_findById.addBindValue(l.id.to18());
        ++m_report.statements;
        if (!m_findById.exec())
            return sqlError(m_findById.lastError(), QStringLiteral("looking up license %1").arg(l.id.to18()));
        if (m_findById.next()) {
            const qint64 row = m_findById.value(0).toLongLong();
            m_foundInLmo = m_findById.value(1).toLongLong();
            m_findById.finish();
            return std::optional<qint64>(row);
        }
        m_findById.finish();
    }
    // The LMA keeps one license per package per org: without a known Id, that pair is the license.
    m_findByOrgPackage.addBindValue(l.subscriberOrgId.to15());
    m_findByOrgPackage.addBindValue(l.packageRowId);
    m_findByOrgPackage.addBindValue(m_lmoRef);
    ++m_report.statements;
    if (!m_findByOrgPackage.exec())
        return sqlError(m_findByOrgPackage.lastError(), QStringLiteral("looking up a license"));
    std::optional<qint64> found;
    if (m_findByOrgPackage.next()) {
        // A different Id for the same org and package is another record: leave the match to the
        // unique index, which refuses it with a clear message.
        const QString existingId = m_findByOrgPackage.value(1).toString();
        if (l.id.isNull() || existingId.isEmpty() || existingId == l.id.to18()) {
            found = m_findByOrgPackage.value(0).toLongLong();
            m_foundInLmo = m_lmoRef;
        }
    }
    m_findByOrgPackage.finish();
    return found;
}

Result<void> FileImport::updateLicense(qint64 rowId, const License &l)
{
    m_fetch.addBindValue(rowId);
    ++m_report.statements;
    if (!m_fetch.exec())
        return sqlError(m_fetch.lastError(), QStringLiteral("reading license row %1").arg(rowId));
    if (!m_fetch.next())
        return Error::make(Error::Code::Sql, QStringLiteral("license row %1 vanished during the import").arg(rowId));
    const License before = LicenseRepository::readLicense(m_fetch);
    m_fetch.finish();
    if (has(F::SystemModstamp) && l.systemModstamp.isValid() && before.systemModstamp.isValid()
        && l.systemModstamp < before.systemModstamp) {
        ++m_report.unchanged;
        ++m_report.older;
        return {};
    }

    std::vector<std::pair<const LicenseColumn *, QPair<QString, QString>>> changes;
    for (const LicenseColumn *c : m_presentColumns) {
        // A file without Ids does not blank the Id a record already has.
        if ((qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || !c->label)
            continue;
        const QString oldText = variantText(c->value(before));
        const QString newText = variantText(c->value(l));
        if (oldText != newText)
            changes.push_back({c, qMakePair(oldText, newText)});
    }
    if (changes.empty()) {
        ++m_report.unchanged;
        return {};
    }
    for (const LicenseColumn *c : m_presentColumns) {
        // Kept as they are: an Id the file does not have, a version the file names but the
        // database does not know.
        const bool keep = (qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || (!c->label && c->value(l).isNull());
        m_update.addBindValue(keep ? c->value(before) : c->value(l));
    }
    m_update.addBindValue(rowId);
    ++m_report.statements;
    if (!m_update.exec())
        return sqlError(m_update.lastError(), QStringLiteral("updating license %1").arg(before.name));
    AuditLog audit(m_db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[column, values] : changes) {
        AuditEntry e;
        e.changedAt = now;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("license");
        e.recordRef = rowId;
        e.recordSfId = (l.id.isNull() ? before.id : l.id).to18();
        e.field = QString::fromLatin1(column->label);
        e.oldValue = values.first;
        e.newValue = values.second;
        e.source = m_source;
        ++m_report.statements;
        if (auto r = audit.record(e); !r)
            return r;
    }
    ++m_report.updated;
    m_touchedOrgs.insert(before.subscriberOrgId.to15());
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

Result<void> FileImport::storeLicense(ParsedLicense &row, const CsvRecord *record)
{
    License &l = row.l;
    if (m_freshTable) {
        ++m_report.statements;
        auto inserted = m_writer->insert(l);
        if (inserted) {
            ++m_report.inserted;
            return {};
        }
        if (inserted.error().code != Error::Code::Conflict)
            return inserted.error();
        // The same license twice in one file: the later row updates the first.
    }
    auto existing = findLicense(l);
    if (!existing)
        return existing.error();
    // A record Id lives in one org: found under another LMO, the file is not from the LMO the
    // import was told (or the record was filed wrongly). Nothing is moved on a guess.
    if (existing->has_value() && m_foundInLmo != m_lmoRef && record) {
        reject(*record, m_columnOf[size_t(F::Id)], lmoMismatch(l, m_foundInLmo, m_lmoRef));
        return {};
    }
    if (existing->has_value())
        return updateLicense(**existing, l);
    ++m_report.statements;
    auto inserted = m_writer->insert(l);
    if (!inserted) {
        if (inserted.error().code == Error::Code::Conflict && record) {
            reject(*record, m_columnOf[size_t(F::Id)], orgConflict(l));
            return {};
        }
        return inserted.error();
    }
    ++m_report.inserted;
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

// --- A batch at a time ---

Result<void> FileImport::resolveLicense(ParsedLicense &row)
{
    License &l = row.l;
    l.lmoRef = m_lmoRef;
    auto package = packageFor(row.packageRef, row.packageName);
    if (!package)
        return package.error();
    l.packageRowId = package.value();
    auto version = resolveVersion(l.packageRowId, row.versionId, row.versionName, l.versionNumber);
    if (!version)
        return version.error();
    l.packageVersionRowId = version.value();
    if (l.versionNumber.isEmpty() && l.packageVersionRowId > 0)
        l.versionNumber = m_numberOfVersion.value(l.packageVersionRowId);
    return {};
}

void FileImport::rejectInTurn(Rejection rejection)
{
    if (m_pending.empty()) {
        addRejection(std::move(rejection));
        return;
    }
    PendingLicense p;
    p.row.rejection = std::move(rejection);
    m_pending.push_back(std::move(p));
}

Result<void> FileImport::licenseRow(const CsvRecord &record)
{
    ParsedLicense row = parseLicense(record);
    if (row.rejection) {
        rejectInTurn(std::move(*row.rejection));
        return {};
    }
    if (auto r = resolveLicense(row); !r) {
        // What the rows before this one would have met comes first, as a row at a time.
        if (auto stored = storePending(); !stored)
            return stored;
        return r;
    }
    m_pending.push_back(PendingLicense{std::move(row), record});
    if (qsizetype(m_pending.size()) >= m_batchRows)
        return storePending();
    return {};
}

Result<void> FileImport::finishLicenses()
{
    if (auto r = storePending(); !r)
        return r;
    // The writer took ids from the sequence ahead, a block at a time (LicenseWriter::setBuffered):
    // those it did not use are given back, so that the next license is numbered from the last,
    // as SQLite numbers it. The import holds the BulkWriteLock: nobody else inserts licenses.
    if (m_bufferedInserts > 0) {
        ++m_report.statements;
        if (auto r = m_database.storage().rewindSequences(m_db, {QStringLiteral("licenses")}); !r)
            return r;
    }
    return {};
}

Result<void> FileImport::storePending()
{
    if (m_pending.empty())
        return {};
    if (!m_audit) {
        m_audit = std::make_unique<AuditWriter>(m_database);
        // A server's rows wait in the writer for one COPY a batch; their ids are taken ahead.
        m_writer->setBuffered(true);
    }
    const qint64 inserted = m_report.inserted, updated = m_report.updated, unchanged = m_report.unchanged,
                 rejected = m_report.rejected;
    const size_t rejections = m_report.rejections.size();
    auto r = lookUpBatch();
    if (r && m_options.afterBatchLookups)
        m_options.afterBatchLookups();
    if (r)
        r = writeBatch();
    if (!r && r.error().code == Error::Code::Conflict && m_inSavepoint) {
        // The table held a key the lookups did not see: the batch again, a row at a time.
        ++m_report.statements;
        if (auto back = execSql(m_db, QStringLiteral("ROLLBACK TO SAVEPOINT careful_batch"),
                                QStringLiteral("storing the licenses again one by one"));
            !back)
            return back;
        m_report.inserted = inserted;
        m_report.updated = updated;
        m_report.unchanged = unchanged;
        m_report.rejected = rejected;
        m_report.rejections.resize(rejections);
        m_batchAudit.clear();
        m_batchOrgs.clear();
        m_batchInserts = 0;
        m_writer->setBuffered(false);
        r = {};
        for (PendingLicense &p : m_pending) {
            if (p.row.rejection) {
                addRejection(*p.row.rejection);
                continue;
            }
            if (r = storeLicense(p.row, &p.record); !r)
                break;
        }
        m_writer->setBuffered(true);
    }
    if (r && m_inSavepoint) {
        ++m_report.statements;
        r = execSql(m_db, QStringLiteral("RELEASE SAVEPOINT careful_batch"), QStringLiteral("storing licenses"));
    }
    m_inSavepoint = false;
    m_batchInserts = 0;
    m_pending.clear();
    m_known.clear();
    m_knownByRow.clear();
    m_knownBySfId.clear();
    m_knownByOrg.clear();
    m_batchAudit.clear();
    if (r)
        m_touchedOrgs.unite(m_batchOrgs);
    m_batchOrgs.clear();
    return r;
}

Result<void> FileImport::batchSavepoint()
{
    if (m_inSavepoint)
        return {};
    ++m_report.statements;
    if (auto r = execSql(m_db, QStringLiteral("SAVEPOINT careful_batch"), QStringLiteral("storing licenses")); !r)
        return r;
    m_inSavepoint = true;
    return {};
}

Result<void> FileImport::selectKnown(const QString &where, const QStringList &keys, bool byOrg)
{
    for (qsizetype from = 0; from < keys.size(); from += kMostValues) {
        const int count = int(std::min<qsizetype>(kMostValues, keys.size() - from));
        const int bucket = std::min(bucketFor(count), kMostValues);
        std::map<int, QSqlQuery> &cache = byOrg ? m_selectByOrg : m_selectBySfId;
        auto it = cache.find(bucket);
        if (it == cache.end()) {
            QSqlQuery q(m_db);
            // Forward-only only where other statements on the connection leave it alone (on a
            // server it is libpq's single-row mode: the rows are read whole there instead, so that
            // nothing else on the connection cuts them short).
            q.setForwardOnly(m_database.storage().forwardOnlyBetweenStatements());
            QStringList marks(bucket, QStringLiteral("?"));
            // The whole license as readLicense reads it, then its keys as stored.
            const QString sql = QStringLiteral("SELECT %1, l.sf_id, l.org_id FROM licenses l JOIN packages p ON p.id = "
                                               "l.package_ref WHERE %2")
                                    .arg(LicenseRepository::selectColumns(), where.arg(marks.join(QStringLiteral(", "))));
            if (!q.prepare(sql))
                return sqlError(q.lastError(), QStringLiteral("preparing the import"));
            it = cache.emplace(bucket, std::move(q)).first;
        }
        QSqlQuery &q = it->second;
        for (int i = 0; i < bucket; ++i)
            q.addBindValue(i < count ? QVariant(keys[from + i]) : nullText()); // NULL matches nothing
        if (byOrg)
            q.addBindValue(m_lmoRef);
        ++m_report.statements;
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("looking up licenses"));
        int keyColumn = -1;
        while (q.next()) {
            if (keyColumn < 0)
                keyColumn = q.record().count() - 2;
            const qint64 row = q.value(0).toLongLong();
            if (m_knownByRow.contains(row))
                continue; // found by both its Id and its org
            const License before = LicenseRepository::readLicense(q);
            KnownLicense k;
            k.row = row;
            k.lmo = before.lmoRef;
            k.sfId = q.value(keyColumn).toString();
            k.id = before.id;
            k.org15 = before.subscriberOrgId.to15();
            k.values.reserve(m_presentColumns.size());
            for (const LicenseColumn *c : m_presentColumns)
                k.values.push_back(c->value(before));
            const int index = int(m_known.size());
            m_knownByRow.insert(row, index);
            if (!k.sfId.isEmpty())
                m_knownBySfId.insert(k.sfId, index);
            m_knownByOrg.insert(orgKey(q.value(keyColumn + 1).toString(), before.packageRowId, before.lmoRef), index);
            m_known.push_back(std::move(k));
        }
        q.finish();
    }
    return {};
}

Result<void> FileImport::lookUpBatch()
{
    // By Id first, in every LMO (a record found under another one is refused).
    QStringList ids;
    QSet<QString> seen;
    for (const PendingLicense &p : m_pending) {
        if (p.row.rejection || p.row.l.id.isNull())
            continue;
        const QString id = p.row.l.id.to18();
        if (!seen.contains(id)) {
            seen.insert(id);
            ids << id;
        }
    }
    if (auto r = selectKnown(QStringLiteral("l.sf_id IN (%1)"), ids, false); !r)
        return r;
    // Then by org, in this LMO, for the rows their Id did not find: every license of those orgs
    // (the unique key's first column), matched by package in memory. A row found by its Id is
    // found by it in memory too (an Id is only ever added to a license, never taken away).
    QStringList orgs;
    seen.clear();
    for (const PendingLicense &p : m_pending) {
        if (p.row.rejection || (!p.row.l.id.isNull() && m_knownBySfId.contains(p.row.l.id.to18())))
            continue;
        const QString org = p.row.l.subscriberOrgId.to15();
        if (!seen.contains(org)) {
            seen.insert(org);
            orgs << org;
        }
    }
    return selectKnown(QStringLiteral("l.org_id IN (%1) AND l.lmo_ref = ?"), orgs, true);
}

void FileImport::compareAndUpdate(KnownLicense &known, const License &l)
{
    // A record older than the one held never overwrites it (a sync's page read again, an older
    // export): the org's own clock says which is newer.
    if (m_modstampColumn >= 0 && l.systemModstamp.isValid()) {
        const QDateTime held = dateTimeFromSql(known.values[size_t(m_modstampColumn)]);
        if (held.isValid() && l.systemModstamp < held) {
            ++m_report.unchanged;
            ++m_report.older;
            return;
        }
    }
    std::vector<std::pair<size_t, QPair<QString, QString>>> changes;
    for (size_t i = 0; i < m_presentColumns.size(); ++i) {
        const LicenseColumn *c = m_presentColumns[i];
        // A file without Ids does not blank the Id a record already has.
        if ((qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || !c->label)
            continue;
        const QString oldText = variantText(known.values[i]);
        const QString newText = variantText(c->value(l));
        if (oldText != newText)
            changes.push_back({i, qMakePair(oldText, newText)});
    }
    if (changes.empty()) {
        ++m_report.unchanged;
        return;
    }
    const QString recordSfId = (l.id.isNull() ? known.id : l.id).to18();
    for (size_t i = 0; i < m_presentColumns.size(); ++i) {
        const LicenseColumn *c = m_presentColumns[i];
        // Kept as they are: an Id the file does not have, a version the file names but the
        // database does not know.
        const bool isId = qstrcmp(c->column, "sf_id") == 0;
        const bool keep = (isId && l.id.isNull()) || (!c->label && c->value(l).isNull());
        if (keep)
            continue;
        known.values[i] = c->value(l);
        if (isId) {
            // An Id recorded on a license that had none: found by it from now on.
            const QString now = variantText(known.values[i]);
            if (now != known.sfId) {
                if (!known.sfId.isEmpty())
                    m_knownBySfId.remove(known.sfId);
                known.sfId = now;
                known.id = l.id;
                if (!now.isEmpty())
                    m_knownBySfId.insert(now, m_knownByRow.value(known.row));
            }
        }
    }
    known.dirty = true;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[column, values] : changes) {
        AuditEntry e;
        e.changedAt = now;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("license");
        e.recordRef = known.row;
        e.recordSfId = recordSfId;
        e.field = QString::fromLatin1(m_presentColumns[column]->label);
        e.oldValue = values.first;
        e.newValue = values.second;
        e.source = m_source;
        m_batchAudit.push_back(std::move(e));
    }
    ++m_report.updated;
    m_batchOrgs.insert(known.org15);
    m_batchOrgs.insert(l.subscriberOrgId.to15());
}

Result<void> FileImport::writeBatch()
{
    for (PendingLicense &p : m_pending) {
        if (p.row.rejection) {
            addRejection(*p.row.rejection); // kept: the fallback may count it again
            continue;
        }
        const License &l = p.row.l;
        // By its Id first (in any LMO), else by its org and package in this LMO, as findLicense.
        KnownLicense *found = nullptr;
        qint64 foundInLmo = m_lmoRef;
        if (!l.id.isNull()) {
            if (auto it = m_knownBySfId.constFind(l.id.to18()); it != m_knownBySfId.cend()) {
                found = &m_known[size_t(it.value())];
                foundInLmo = found->lmo;
            }
        }
        const QString key = orgKey(l.subscriberOrgId.to15(), l.packageRowId, m_lmoRef);
        KnownLicense *sameOrg = nullptr;
        if (!found) {
            if (auto it = m_knownByOrg.constFind(key); it != m_knownByOrg.cend()) {
                sameOrg = &m_known[size_t(it.value())];
                // A different Id for the same org and package is another record.
                if (l.id.isNull() || sameOrg->sfId.isEmpty() || sameOrg->sfId == l.id.to18())
                    found = sameOrg;
            }
        }
        if (found && foundInLmo != m_lmoRef) {
            reject(p.record, m_columnOf[size_t(F::Id)], lmoMismatch(l, foundInLmo, m_lmoRef));
            continue;
        }
        if (found) {
            compareAndUpdate(*found, l);
            continue;
        }
        if (sameOrg) {
            // The unique index would refuse it.
            reject(p.record, m_columnOf[size_t(F::Id)], orgConflict(l));
            continue;
        }
        if (auto r = batchSavepoint(); !r)
            return r;
        const bool buffered = m_writer->buffered();
        if (!buffered || m_bufferedInserts % LicenseWriter::kBufferedRows == 0)
            ++m_report.statements; // SQLite: the insert itself; a server: a block of ids taken ahead
        auto inserted = m_writer->insert(l);
        if (!inserted)
            return inserted.error(); // a Conflict: stored again a row at a time
        if (buffered)
            ++m_bufferedInserts;
        ++m_batchInserts;
        ++m_report.inserted;
        m_batchOrgs.insert(l.subscriberOrgId.to15());
        KnownLicense k;
        k.row = inserted.value();
        k.lmo = m_lmoRef;
        k.sfId = l.id.isNull() ? QString() : l.id.to18();
        k.id = l.id;
        k.org15 = l.subscriberOrgId.to15();
        k.values.reserve(m_presentColumns.size());
        for (const LicenseColumn *c : m_presentColumns)
            k.values.push_back(c->value(l));
        const int index = int(m_known.size());
        m_knownByRow.insert(k.row, index);
        if (!k.sfId.isEmpty())
            m_knownBySfId.insert(k.sfId, index);
        m_knownByOrg.insert(key, index);
        m_known.push_back(std::move(k));
    }
    return writeUpdates();
}

Result<void> FileImport::writeUpdates()
{
    const bool anyDirty = std::any_of(m_known.begin(), m_known.end(), [](const KnownLicense &k) { return k.dirty; });
    if (anyDirty) {
        if (auto r = batchSavepoint(); !r)
            return r;
    }
    // The new licenses first: a later row of the batch may have changed one.
    if (m_writer->buffered() && m_batchInserts > 0) {
        ++m_report.statements;
        if (auto r = m_writer->flush(); !r)
            return r;
    }
    if (anyDirty) {
        if (m_batchUpdate) {
            for (const KnownLicense &k : m_known)
                if (k.dirty)
                    m_batchUpdate->add(k.row, k.values);
            ++m_report.statements;
            if (auto r = m_batchUpdate->run(QStringLiteral("updating licenses")); !r)
                return r;
        } else {
            for (const KnownLicense &k : m_known) {
                if (!k.dirty)
                    continue;
                for (const QVariant &v : k.values)
                    m_update.addBindValue(v);
                m_update.addBindValue(k.row);
                ++m_report.statements;
                if (!m_update.exec()) {
                    const QSqlError e = m_update.lastError();
                    if (isUniqueViolation(e))
                        return Error::make(Error::Code::Conflict, e.text());
                    return sqlError(e, QStringLiteral("updating license row %1").arg(k.row));
                }
            }
        }
    }
    if (!m_batchAudit.empty()) {
        for (const AuditEntry &e : m_batchAudit) {
            if (auto r = m_audit->add(e); !r)
                return r;
        }
        if (auto r = m_audit->flush(); !r)
            return r;
        // Where rows go by COPY (a server) a COPY each kCopyRows; SQLite's kRowsPerStatement a
        // statement, what is left one a statement (AuditWriter).
        const qint64 n = qint64(m_batchAudit.size());
        m_report.statements += m_database.storage().copiesRows(m_db)
                                   ? (n + AuditWriter::kCopyRows - 1) / AuditWriter::kCopyRows
                                   : n / AuditWriter::kRowsPerStatement + n % AuditWriter::kRowsPerStatement;
    }
    return {};
}

} // namespace lmo::importing
