// The fast load into an empty table: rows read and encoded on one thread, resolved and written in
// batches on the other; duplicates checked once at the end by their keys' hashes.
#include "import/fileimport.h"

#include "import/importinput.h"
#include "storage/backend.h"
#include "storage/database.h"

#include <QScopeGuard>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace lmo::importing {

namespace {

// The columns of the licenses a fast load streams to a server: LicenseRowBatch's, then lmo_ref.
QByteArray copyTarget()
{
    return QStringLiteral("licenses (%1)").arg(licenseColumnList()).toLatin1();
}

// The licenses table's CHECK rules (0001_initial.sql), as LicenseWriter::checkTableRules holds a
// row to them, worded as it words a broken one.
bool rowAllowed(const LicenseRowBatch &batch, const LicenseRowBatch::Cell *cells)
{
    const LicenseRowBatch::Cell &status = cells[LicenseRowBatch::Status];
    const LicenseRowBatch::Cell &seats = cells[LicenseRowBatch::Seats];
    if (status.isNull() || status.isInteger() || !seats.isInteger())
        return false;
    const std::string_view s = batch.text(status);
    return (s == "Active" || s == "Trial" || s == "Suspended" || s == "Uninstalled") && (seats.number == -1 || seats.number >= 0);
}

Error ruleBroken(const LicenseRowBatch &batch, size_t r)
{
    const std::string_view name = batch.text(batch.row(r)[LicenseRowBatch::Name]);
    return Error::make(Error::Code::Sql, QStringLiteral("Database error while saving license %1: CHECK constraint failed "
                                                        "(status must be Trial, Active, Suspended or Uninstalled; seats -1 or more)")
                                             .arg(QString::fromUtf8(name.data(), qsizetype(name.size()))));
}

} // namespace

Result<void> FileImport::pauseCopy()
{
    return m_licenseCopy ? m_licenseCopy->finish() : Result<void>();
}

Result<void> FileImport::copyEncoded(const LicenseRowBatch &batch)
{
    if (m_tableRulesInWriter) {
        for (size_t r = 0; r < batch.size(); ++r) {
            if (!rowAllowed(batch, batch.row(r)))
                return ruleBroken(batch, r);
        }
    }
    // In COPY's binary format, each value as its column's type (the license fields' list) says:
    // the server parses none of them.
    BulkRows &rows = *m_copyRows;
    rows.clear();
    for (size_t r = 0; r < batch.size(); ++r) {
        const LicenseRowBatch::Cell *cells = batch.row(r);
        for (int i = 0; i < LicenseRowBatch::InsertColumns; ++i) {
            const LicenseRowBatch::Cell &c = cells[i];
            const FieldType type = kLicenseFields[i].type;
            if (c.isNull()) {
                rows.null();
            } else if (c.isInteger()) {
                copyFieldInteger(rows, type, c.number);
            } else {
                const std::string_view v = batch.text(c);
                if (!copyFieldText(rows, type, v)) {
                    const std::string_view name = batch.text(cells[LicenseRowBatch::Name]);
                    return Error::make(Error::Code::Sql,
                                       QStringLiteral("Database error while saving license %1: %2 \"%3\" is not a value the column takes")
                                           .arg(QString::fromUtf8(name.data(), qsizetype(name.size())),
                                                QString::fromLatin1(kLicenseFields[i].column),
                                                QString::fromUtf8(v.data(), qsizetype(v.size()))));
                }
            }
        }
        rows.bigint(m_lmoRef);
        rows.endRow();
    }
    return m_licenseCopy->send(rows);
}

Result<void> FileImport::resolveEncoded(LicenseRowBatch &batch, size_t r, size_t orgHash)
{
    using B = LicenseRowBatch;
    using E = LicenseRowEncoder;
    auto qs = [](std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); };
    B::Cell *cells = batch.row(r);

    const std::string_view ref = batch.text(cells[E::PackageRefKey]);
    const std::string_view name = batch.text(cells[E::PackageNameKey]);
    m_key.assign(ref).push_back('\x1f');
    m_key.append(name);
    qint64 package = 0;
    if (auto it = m_packageMemo.find(m_key); it != m_packageMemo.end()) {
        package = it->second;
    } else {
        auto found = packageFor(SalesforceId::fromString(qs(ref)), qs(name));
        if (!found)
            return found.error();
        package = found.value();
        m_packageMemo.emplace(m_key, package);
    }

    const std::string_view versionId = batch.text(cells[E::VersionIdKey]);
    const std::string_view versionName = batch.text(cells[E::VersionNameKey]);
    const std::string_view number = batch.text(cells[B::VersionNumber]);
    m_key.assign(reinterpret_cast<const char *>(&package), sizeof package);
    m_key.append(versionId).push_back('\x1f');
    m_key.append(versionName).push_back('\x1f');
    m_key.append(number);
    auto it = m_versionMemo.find(m_key);
    if (it == m_versionMemo.end()) {
        auto version = resolveVersion(package, SalesforceId::fromString(qs(versionId)), qs(versionName), qs(number));
        if (!version)
            return version.error();
        std::string knownNumber;
        if (number.empty() && version.value() > 0)
            knownNumber = m_numberOfVersion.value(version.value()).toStdString();
        it = m_versionMemo.emplace(m_key, std::make_pair(version.value(), std::move(knownNumber))).first;
    }
    const bool fillNumber = number.empty() && !it->second.second.empty();

    // (org, package): the org's hash mixed with the package's row id (a 64-bit multiplicative mix).
    m_orgPackageHashes.push_back((orgHash ^ size_t(package)) * size_t(0x9E3779B97F4A7C15ull) + size_t(package));

    cells[B::PackageRef].number = package;
    cells[B::PackageRef].length = B::Cell::kInteger;
    if (it->second.first > 0) {
        cells[B::PackageVersionRef].number = it->second.first;
        cells[B::PackageVersionRef].length = B::Cell::kInteger;
    }
    if (fillNumber)
        batch.setTextOf(r, B::VersionNumber, it->second.second);
    return {};
}

Result<void> FileImport::storeEncoded(LicenseRowBatch &batch, const std::vector<size_t> &orgHashes,
                                      const std::vector<size_t> &idHashes)
{
    for (size_t r = 0; r < batch.size(); ++r) {
        if (auto resolved = resolveEncoded(batch, r, orgHashes[r]); !resolved)
            return resolved;
    }
    m_idHashes.insert(m_idHashes.end(), idHashes.begin(), idHashes.end());
    if (m_licenseCopy) {
        if (auto copied = copyEncoded(batch); !copied)
            return copied;
    } else if (auto inserted = m_writer->insertRows(batch, 0, batch.size()); !inserted) {
        return inserted;
    }
    m_report.inserted += qint64(batch.size());
    return {};
}

Result<void> FileImport::checkNoDuplicates()
{
    // The two lists are checked side by side, one on another thread: the load waits for this.
    auto hasRepeat = [](std::vector<size_t> &hashes) {
        std::sort(hashes.begin(), hashes.end());
        const bool repeat = std::adjacent_find(hashes.begin(), hashes.end()) != hashes.end();
        std::vector<size_t>().swap(hashes);
        return repeat;
    };
    bool idRepeat = false;
    std::thread ids([&] { idRepeat = hasRepeat(m_idHashes); });
    const bool orgPackageRepeat = hasRepeat(m_orgPackageHashes);
    ids.join();
    if (idRepeat || orgPackageRepeat)
        return Error::make(Error::Code::Conflict, QStringLiteral("the file may hold a license twice"));
    return {};
}

Result<void> FileImport::readLicensesOnTwoThreads(const HeaderAnalysis &analysis, qint64 totalBytes,
                                                  const QElapsedTimer &timer)
{
    // Reading and checking on one core, writing on the other: a batch at a time, a few batches
    // in flight at most, so memory stays flat. The reading thread hands over rows ready to bind.
    struct Batch
    {
        LicenseRowBatch rows{LicenseRowEncoder::Width};
        std::vector<size_t> orgHashes; // a row's org id, one per row
        std::vector<size_t> idHashes;  // a row's record Id, one per row that has one
        std::vector<Rejection> rejections;
        qint64 read = 0;
        qint64 bytes = 0;
        bool last = false;
        QString error;
    };
    constexpr qint64 kBatchRows = 4096;
    constexpr size_t kMaxBatches = 4;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Batch> queue;
    std::atomic<bool> stop{false};
    const bool report = analysis.format == ExportFormat::Report;
    const LicenseRowEncoder encoder(m_columnOf, m_options.dateOrder, numberStyle());

    // On a server the rows go in one COPY kept open from batch to batch (paused only while a new
    // package or version is recorded): the server saves a batch while this thread makes the next.
    // Elsewhere there is no such stream, and the writer inserts each batch.
    const StorageBackend &storage = m_database.storage();
    m_licenseCopy = storage.rowStream(m_db, copyTarget(), QStringLiteral("saving licenses"), BulkRows::Format::Binary);
    if (m_licenseCopy)
        m_copyRows = storage.bulkRows(BulkRows::Format::Binary);
    auto endCopy = qScopeGuard([this] {
        m_licenseCopy.reset(); // one still open (a failure, a cancel) is abandoned: nothing of it is kept
        m_copyRows.reset();    // its memory too
    });

    std::thread reader([&] {
        auto push = [&](Batch &&batch) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return queue.size() < kMaxBatches || stop.load(); });
            queue.push_back(std::move(batch));
            changed.notify_all();
        };
        Batch batch;
        CsvReader &csv = *m_reader; // this thread's alone until it ends
        CsvRecord record;
        bool footer = false;
        while (!stop.load() && nextDataRecord(csv, record, footer, report)) {
            ++batch.read;
            if (auto bad = shapeRejection(record)) {
                batch.rejections.push_back(std::move(*bad));
            } else if (!encoder.encodeFast(record, batch.rows)) {
                ParsedLicense row = parseLicense(record);
                if (row.rejection)
                    batch.rejections.push_back(std::move(*row.rejection));
                else
                    LicenseRowEncoder::encode(row.l, row.packageRef, row.packageName, row.versionId, row.versionName,
                                              batch.rows);
            }
            // Hashed here, where there is time to spare, for the duplicate check.
            if (batch.orgHashes.size() < batch.rows.size()) {
                const LicenseRowBatch::Cell *cells = batch.rows.row(batch.rows.size() - 1);
                batch.orgHashes.push_back(std::hash<std::string_view>{}(batch.rows.text(cells[LicenseRowBatch::OrgId])));
                if (!cells[LicenseRowBatch::SfId].isNull())
                    batch.idHashes.push_back(std::hash<std::string_view>{}(batch.rows.text(cells[LicenseRowBatch::SfId])));
            }
            if (batch.read >= kBatchRows) {
                batch.bytes = csv.bytesRead();
                push(std::move(batch));
                batch = Batch();
            }
        }
        batch.bytes = csv.bytesRead();
        batch.error = csv.error();
        batch.last = true;
        push(std::move(batch));
    });
    auto finish = [&]() {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        reader.join();
    };

    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return !queue.empty(); });
            batch = std::move(queue.front());
            queue.pop_front();
            changed.notify_all();
        }
        m_report.read += batch.read;
        for (Rejection &rejection : batch.rejections)
            addRejection(std::move(rejection));
        Result<void> r = storeEncoded(batch.rows, batch.orgHashes, batch.idHashes);
        if (r)
            r = progressed(batch.bytes, totalBytes, timer);
        if (!r) {
            finish();
            return r;
        }
        if (batch.last) {
            finish();
            if (auto r = pauseCopy(); !r) // every row saved before anything else runs
                return r;
            if (!batch.error.isEmpty())
                return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: %2").arg(shownPath(m_path), batch.error));
            return checkNoDuplicates();
        }
    }
}

} // namespace lmo::importing
