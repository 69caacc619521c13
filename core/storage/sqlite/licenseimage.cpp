#include "storage/licenseimage.h"

#include "storage/sqlite/sqlitebackend.h"
#include "storage/sqlutil.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

namespace lmo::LicenseImage {

namespace {

// As schema version 12 creates them (resources/sql/0012_license_image.sql).
const char *const kTriggers[] = {
    "CREATE TRIGGER license_image_insert AFTER INSERT ON licenses BEGIN "
    "DELETE FROM license_image WHERE chunk = new.id >> 16; END",
    "CREATE TRIGGER license_image_update AFTER UPDATE ON licenses BEGIN "
    "DELETE FROM license_image WHERE chunk IN (old.id >> 16, new.id >> 16); END",
    "CREATE TRIGGER license_image_delete AFTER DELETE ON licenses BEGIN "
    "DELETE FROM license_image WHERE chunk = old.id >> 16; END",
    "CREATE TRIGGER license_image_audit_insert AFTER INSERT ON audit_log WHEN new.record_type = 'license' AND "
    "new.field = 'Status' BEGIN DELETE FROM license_image WHERE chunk = new.record_ref >> 16; END",
    "CREATE TRIGGER license_image_audit_delete AFTER DELETE ON audit_log WHEN old.record_type = 'license' AND "
    "old.field = 'Status' BEGIN DELETE FROM license_image WHERE chunk = old.record_ref >> 16; END",
    "CREATE TRIGGER license_image_audit_update AFTER UPDATE ON audit_log BEGIN "
    "DELETE FROM license_image WHERE chunk IN (old.record_ref >> 16, new.record_ref >> 16); END",
};
const char *const kTriggerNames[] = {"license_image_insert",       "license_image_update",       "license_image_delete",
                                     "license_image_audit_insert", "license_image_audit_delete", "license_image_audit_update"};


Error engineError(sqlite3 *h, const QString &doing)
{
    return sqliteError(sqlite3_extended_errcode(h), QString::fromUtf8(sqlite3_errmsg(h)), doing);
}

struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

Result<void> prepare(sqlite3 *h, const char *sql, Statement &out, const QString &doing)
{
    if (sqlite3_prepare_v2(h, sql, -1, &out.stmt, nullptr) != SQLITE_OK)
        return engineError(h, doing);
    return {};
}

Result<void> exec(sqlite3 *h, const char *sql, const QString &doing)
{
    if (sqlite3_exec(h, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return engineError(h, doing);
    return {};
}

// A date column: NULL as kNoDay, ISO text packed; anything else does not fit.
bool dayColumn(sqlite3_stmt *s, int c, std::int32_t &out)
{
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL: out = kNoDay; return true;
    case SQLITE_TEXT: return packDay(reinterpret_cast<const char *>(sqlite3_column_text(s, c)), size_t(sqlite3_column_bytes(s, c)), out);
    default: return false;
    }
}

// A count column: NULL as 0 (as the dashboard reads it), a 32-bit integer as itself.
bool countColumn(sqlite3_stmt *s, int c, std::int32_t &out)
{
    switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL: out = 0; return true;
    case SQLITE_INTEGER: {
        const sqlite3_int64 v = sqlite3_column_int64(s, c);
        if (v < INT32_MIN + 1 || v > INT32_MAX)
            return false;
        out = std::int32_t(v);
        return true;
    }
    default: return false;
    }
}

std::string_view textColumn(sqlite3_stmt *s, int c)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, c));
    return p ? std::string_view(p, size_t(sqlite3_column_bytes(s, c))) : std::string_view();
}

// The image of the licenses with lo < id <= hi: the BLOB to store (a raw marker when a value
// does not fit).
Result<std::string> buildChunk(sqlite3 *h, qint64 lo, qint64 hi)
{
    const QString doing = QStringLiteral("building the dashboard's image of the licenses");
    // The audit log's uninstall days first, as the dashboard's pass reads them (a day of fewer
    // than ten characters is no day: the license's last change stands).
    std::unordered_map<qint64, std::int32_t> uninstallDays;
    {
        Statement s;
        if (auto r = prepare(h,
                             "SELECT record_ref, DATE(MAX(changed_at)) FROM audit_log WHERE record_type = 'license' AND "
                             "field = 'Status' AND new_value = 'Uninstalled' AND record_ref > ?1 AND record_ref <= ?2 "
                             "GROUP BY record_ref",
                             s, doing);
            !r)
            return r.error();
        sqlite3_bind_int64(s.stmt, 1, lo);
        sqlite3_bind_int64(s.stmt, 2, hi);
        int rc;
        while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
            const int n = sqlite3_column_bytes(s.stmt, 1);
            if (sqlite3_column_type(s.stmt, 1) == SQLITE_NULL || n < 10)
                continue;
            std::int32_t day = 0;
            if (!packDay(reinterpret_cast<const char *>(sqlite3_column_text(s.stmt, 1)), 10, day))
                return rawMarker();
            uninstallDays.emplace(sqlite3_column_int64(s.stmt, 0), day);
        }
        if (rc != SQLITE_DONE)
            return engineError(h, doing);
    }
    Statement s;
    if (auto r = prepare(h,
                         "SELECT status, expiration, install_date, DATE(last_modified), seats, used_licenses, is_sandbox, "
                         "org_edition, org_instance, version_number, package_ref, org_id, lmo_ref, id FROM licenses "
                         "WHERE id > ?1 AND id <= ?2",
                         s, doing);
        !r)
        return r.error();
    sqlite3_bind_int64(s.stmt, 1, lo);
    sqlite3_bind_int64(s.stmt, 2, hi);
    ChunkBuilder builder;
    const std::string raw = rawMarker();
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        ChunkBuilder::Row row;
        row.status = textColumn(s.stmt, 0);
        std::int32_t last = 0;
        if (!dayColumn(s.stmt, 1, row.expiration) || !dayColumn(s.stmt, 2, row.install) || !dayColumn(s.stmt, 3, last)
            || !countColumn(s.stmt, 4, row.seats) || !countColumn(s.stmt, 5, row.used))
            return raw;
        if (sqlite3_column_type(s.stmt, 6) != SQLITE_INTEGER)
            return raw;
        const int packageType = sqlite3_column_type(s.stmt, 10);
        const int lmoType = sqlite3_column_type(s.stmt, 12);
        if ((packageType != SQLITE_INTEGER && packageType != SQLITE_NULL) || (lmoType != SQLITE_INTEGER && lmoType != SQLITE_NULL))
            return raw;
        row.sandbox = sqlite3_column_int64(s.stmt, 6) != 0;
        if (row.status == "Uninstalled") {
            const auto it = uninstallDays.find(sqlite3_column_int64(s.stmt, 13));
            row.uninstall = it != uninstallDays.end() ? it->second : last;
        }
        row.lmoRef = lmoType == SQLITE_NULL ? kNoLmo : sqlite3_column_int64(s.stmt, 12);
        row.edition = textColumn(s.stmt, 7);
        row.instance = textColumn(s.stmt, 8);
        row.version = textColumn(s.stmt, 9);
        row.packageRef = sqlite3_column_int64(s.stmt, 10); // NULL as 0
        row.orgId = textColumn(s.stmt, 11);
        builder.add(row);
    }
    if (rc != SQLITE_DONE)
        return engineError(h, doing);
    return builder.finish();
}

Result<std::pair<qint64, qint64>> chunkRange(sqlite3 *h, const QString &doing)
{
    Statement s;
    // Two subqueries: SQLite answers MIN and MAX from the key only when each is alone.
    if (auto r = prepare(h, "SELECT (SELECT MIN(id) FROM licenses), (SELECT MAX(id) FROM licenses)", s, doing); !r)
        return r.error();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return engineError(h, doing);
    if (sqlite3_column_type(s.stmt, 0) == SQLITE_NULL)
        return std::pair<qint64, qint64>(0, -1);
    return std::pair<qint64, qint64>(sqlite3_column_int64(s.stmt, 0) >> kChunkShift, sqlite3_column_int64(s.stmt, 1) >> kChunkShift);
}

qint64 chunkLo(qint64 chunk)
{
    return (chunk << kChunkShift) - 1;
}

qint64 chunkHi(qint64 chunk)
{
    return ((chunk + 1) << kChunkShift) - 1;
}

// The first chunk from `c` on that holds a license (`past` when none does): row ids may leave
// gaps of whole chunks, which have nothing to build or read.
Result<qint64> nextChunkWithRows(sqlite3 *h, Statement &s, qint64 c, qint64 past, const QString &doing)
{
    if (!s.stmt)
        if (auto r = prepare(h, "SELECT MIN(id) FROM licenses WHERE id > ?1", s, doing); !r)
            return r.error();
    sqlite3_reset(s.stmt);
    sqlite3_bind_int64(s.stmt, 1, chunkLo(c));
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return engineError(h, doing);
    const qint64 next = sqlite3_column_type(s.stmt, 0) == SQLITE_NULL ? past : sqlite3_column_int64(s.stmt, 0) >> kChunkShift;
    sqlite3_reset(s.stmt);
    return std::min(next, past);
}

// The chunks in [first, last] that hold licenses and have no image in this format (or a raw
// marker): what a read must build. Reads no BLOB.
Result<std::vector<qint64>> missingChunks(sqlite3 *h, qint64 first, qint64 last, const QString &doing)
{
    Statement present;
    if (auto r = prepare(h, "SELECT chunk FROM license_image WHERE chunk >= ?1 AND chunk <= ?2 AND format IN (?3, ?4) ORDER BY chunk",
                         present, doing);
        !r)
        return r.error();
    sqlite3_bind_int64(present.stmt, 1, first);
    sqlite3_bind_int64(present.stmt, 2, last);
    sqlite3_bind_int64(present.stmt, 3, kMagicImage);
    sqlite3_bind_int64(present.stmt, 4, kMagicRaw);
    std::vector<qint64> have;
    int rc;
    while ((rc = sqlite3_step(present.stmt)) == SQLITE_ROW)
        have.push_back(sqlite3_column_int64(present.stmt, 0));
    if (rc != SQLITE_DONE)
        return engineError(h, doing);
    std::vector<qint64> missing;
    size_t next = 0;
    Statement probe;
    for (qint64 c = first; c <= last; ++c) {
        while (next < have.size() && have[next] < c)
            ++next;
        if (next < have.size() && have[next] == c)
            continue;
        auto rows = nextChunkWithRows(h, probe, c, last + 1, doing);
        if (!rows)
            return rows.error();
        if (rows.value() != c) {
            c = rows.value() - 1;
            continue;
        }
        missing.push_back(c);
    }
    return missing;
}

std::uint32_t formatOf(const std::string &blob)
{
    std::uint32_t format = 0;
    if (blob.size() >= 4)
        memcpy(&format, blob.data(), 4);
    return format;
}

// Builds and stores the chunks in [first, last] that have no image, in the open transaction.
Result<int> storeMissing(sqlite3 *h, qint64 first, qint64 last, const QString &doing)
{
    auto missing = missingChunks(h, first, last, doing);
    if (!missing)
        return missing.error();
    Statement insert;
    if (auto r = prepare(h, "INSERT OR REPLACE INTO license_image (chunk, format, data) VALUES (?1, ?2, ?3)", insert, doing); !r)
        return r.error();
    for (qint64 c : missing.value()) {
        auto blob = buildChunk(h, chunkLo(c), chunkHi(c));
        if (!blob)
            return blob.error();
        sqlite3_bind_int64(insert.stmt, 1, c);
        sqlite3_bind_int64(insert.stmt, 2, formatOf(blob.value()));
        sqlite3_bind_blob64(insert.stmt, 3, blob.value().data(), sqlite3_uint64(blob.value().size()), SQLITE_STATIC);
        if (sqlite3_step(insert.stmt) != SQLITE_DONE)
            return engineError(h, doing);
        sqlite3_reset(insert.stmt);
    }
    return int(missing.value().size());
}

} // namespace

bool supported(const Dialect &dialect)
{
    return dialect.kind() == Dialect::Kind::SQLite;
}

Result<void> suspend(QSqlDatabase db)
{
    if (!supported(Dialect::forDriver(db.driverName())))
        return {};
    for (const char *name : kTriggerNames)
        if (auto r = execSql(db, QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(QLatin1String(name)),
                             QStringLiteral("preparing the bulk load"));
            !r)
            return r;
    return execSql(db, QStringLiteral("DELETE FROM license_image"), QStringLiteral("preparing the bulk load"));
}

Result<void> restore(QSqlDatabase db)
{
    if (!supported(Dialect::forDriver(db.driverName())))
        return {};
    const QString doing = QStringLiteral("putting back the dashboard image's triggers");
    for (const char *name : kTriggerNames)
        if (auto r = execSql(db, QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(QLatin1String(name)), doing); !r)
            return r;
    // The load wrote rows the image has not seen: none of it stands.
    if (auto r = execSql(db, QStringLiteral("DELETE FROM license_image"), doing); !r)
        return r;
    for (const char *sql : kTriggers)
        if (auto r = execSql(db, QString::fromLatin1(sql), doing); !r)
            return r;
    return {};
}

Result<int> buildMissing(QSqlDatabase db)
{
    sqlite3 *h = sqlite::handleOf(db);
    if (!h)
        return 0;
    const QString doing = QStringLiteral("building the dashboard's image of the licenses");
    auto range = chunkRange(h, doing);
    if (!range)
        return range.error();
    return storeMissing(h, range.value().first, range.value().second, doing);
}

Result<ReadStats> read(QSqlDatabase db, const std::function<void(const Chunk &)> &chunk,
                       const std::function<Result<void>(qint64 lo, qint64 hi)> &raw, const std::function<bool()> &stop,
                       const std::function<void(const Chunk &)> &secondChunk)
{
    sqlite3 *h = sqlite::handleOf(db);
    if (!h)
        return Error::make(Error::Code::Sql, QStringLiteral("The image of the licenses is kept in SQLite files only."));
    const QString doing = QStringLiteral("reading the dashboard's image of the licenses");
    ReadStats stats;
    const bool ownTransaction = sqlite3_get_autocommit(h) != 0;

    // The missing chunks, built and stored if the write lock is free this instant (an import in
    // progress, or a read-only file, and this read builds them in memory instead).
    bool anyMissing = false;
    if (ownTransaction && sqlite3_db_readonly(h, "main") == 0) {
        auto range = chunkRange(h, doing);
        if (!range)
            return range.error();
        auto missing = missingChunks(h, range.value().first, range.value().second, doing);
        if (!missing)
            return missing.error();
        anyMissing = !missing.value().empty();
    }
    if (anyMissing) {
        int waitMs = 0;
        {
            Statement t;
            if (prepare(h, "PRAGMA busy_timeout", t, doing) && sqlite3_step(t.stmt) == SQLITE_ROW)
                waitMs = sqlite3_column_int(t.stmt, 0);
        }
        sqlite3_busy_timeout(h, 0);
        const bool locked = sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
        sqlite3_busy_timeout(h, waitMs);
        if (locked) {
            auto range = chunkRange(h, doing);
            Result<int> built = range ? storeMissing(h, range.value().first, range.value().second, doing) : Result<int>(range.error());
            if (built && sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) {
                stats.built += built.value();
                stats.stored += built.value();
            } else {
                // Not kept (a full disk, say): no reason to fail the dashboard, which builds
                // what it needs in memory below, and reports any error that stands there.
                sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
            }
        }
    }
    if (ownTransaction)
        if (auto r = exec(h, "BEGIN", doing); !r)
            return r.error();
    auto end = [&] {
        if (ownTransaction)
            sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
    };
    // One snapshot from here on: the chunks read and any built in memory agree.
    auto range = chunkRange(h, doing);
    if (!range) {
        end();
        return range.error();
    }
    const auto [first, last] = range.value();
    Statement images;
    if (auto r = prepare(h, "SELECT chunk, format, data FROM license_image WHERE chunk >= ?1 AND chunk <= ?2 ORDER BY chunk", images, doing);
        !r) {
        end();
        return r.error();
    }
    sqlite3_bind_int64(images.stmt, 1, first);
    sqlite3_bind_int64(images.stmt, 2, last);
    std::vector<std::uint64_t> buffer; // 8-byte aligned
    Chunk decoded;
    // An image decoded and counted; a raw marker sent to the table; anything else (another
    // format, a damaged BLOB) built again from the licenses, in memory.
    auto serve = [&](qint64 c, const char *data, size_t size) -> Result<void> {
        std::uint32_t format = 0;
        if (size >= 4)
            memcpy(&format, data, 4);
        if (format == kMagicRaw) {
            ++stats.raw;
            return raw(chunkLo(c), chunkHi(c));
        }
        buffer.resize((size + 7) / 8);
        if (size)
            memcpy(buffer.data(), data, size);
        decoded.chunk = c;
        if (!decode(reinterpret_cast<const char *>(buffer.data()), size, decoded))
            return Error::make(Error::Code::Invalid, QString());
        ++stats.chunks;
        stats.bytes += qint64(size);
        chunk(decoded);
        return {};
    };
    auto buildAndServe = [&](qint64 c) -> Result<void> {
        auto blob = buildChunk(h, chunkLo(c), chunkHi(c));
        ++stats.built;
        if (!blob)
            return blob.error();
        auto served = serve(c, blob.value().data(), blob.value().size());
        if (!served && served.error().code == Error::Code::Invalid)
            return Error::make(Error::Code::Sql, QStringLiteral("The dashboard's image of licenses %1 to %2 could not be read back.")
                                                     .arg(chunkLo(c) + 1)
                                                     .arg(chunkHi(c)));
        return served;
    };
    // The second half of the stored images on a second thread, through a read-only connection
    // of its own (its own snapshot, as the row pass's second half has), when asked for and worth
    // it; whatever it does not serve (a raw marker, a missing or unreadable chunk) this thread
    // serves after it, as the first half.
    qint64 mid = last;
    std::vector<qint64> servedThere;
    Result<void> secondResult;
    ReadStats secondStats;
    std::thread second;
    const char *file = sqlite3_db_filename(h, "main");
    if (secondChunk && file && *file && last - first >= 3) {
        mid = first + (last - first) / 2;
        const std::string path(file);
        second = std::thread([&, path] {
            sqlite3 *other = nullptr;
            if (sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
                sqlite3_close(other);
                return; // this thread serves the whole range then
            }
            sqlite3_busy_timeout(other, 2000);
            const auto closer = std::unique_ptr<sqlite3, int (*)(sqlite3 *)>(other, sqlite3_close);
            Statement there;
            if (sqlite3_exec(other, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK
                || !prepare(other, "SELECT chunk, data FROM license_image WHERE chunk > ?1 AND chunk <= ?2 AND format = ?3 ORDER BY chunk",
                            there, doing))
                return;
            sqlite3_bind_int64(there.stmt, 1, mid);
            sqlite3_bind_int64(there.stmt, 2, last);
            sqlite3_bind_int64(there.stmt, 3, kMagicImage);
            std::vector<std::uint64_t> otherBuffer;
            Chunk otherChunk;
            int step;
            while ((step = sqlite3_step(there.stmt)) == SQLITE_ROW) {
                if (stop && stop())
                    break;
                const qint64 c = sqlite3_column_int64(there.stmt, 0);
                const size_t size = size_t(sqlite3_column_bytes(there.stmt, 1));
                otherBuffer.resize((size + 7) / 8);
                if (size)
                    memcpy(otherBuffer.data(), sqlite3_column_blob(there.stmt, 1), size);
                otherChunk.chunk = c;
                if (!decode(reinterpret_cast<const char *>(otherBuffer.data()), size, otherChunk))
                    continue;
                secondChunk(otherChunk);
                ++secondStats.chunks;
                secondStats.bytes += qint64(size);
                servedThere.push_back(c);
            }
            if (step != SQLITE_DONE && step != SQLITE_ROW)
                secondResult = engineError(other, doing);
            there = Statement();
            sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
        });
    }
    auto joinSecond = [&] {
        if (second.joinable())
            second.join();
    };

    int rc = sqlite3_step(images.stmt);
    Statement probe;
    size_t skipAt = 0;
    auto loop = [&](qint64 from, qint64 to, bool skipServed) -> Result<void> {
        for (qint64 c = from; c <= to; ++c) {
            if (stop && stop())
                return Error::make(Error::Code::Cancelled, QStringLiteral("Stopped."));
            while (rc == SQLITE_ROW && sqlite3_column_int64(images.stmt, 0) < c)
                rc = sqlite3_step(images.stmt);
            if (skipServed) {
                while (skipAt < servedThere.size() && servedThere[skipAt] < c)
                    ++skipAt;
                if (skipAt < servedThere.size() && servedThere[skipAt] == c)
                    continue;
            }
            Result<void> served;
            if (rc == SQLITE_ROW && sqlite3_column_int64(images.stmt, 0) == c) {
                const void *data = sqlite3_column_blob(images.stmt, 2);
                served = serve(c, static_cast<const char *>(data), size_t(sqlite3_column_bytes(images.stmt, 2)));
                if (!served && served.error().code == Error::Code::Invalid)
                    served = buildAndServe(c);
            } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
                served = engineError(h, doing);
            } else {
                auto rows = nextChunkWithRows(h, probe, c, to + 1, doing);
                if (!rows)
                    return rows.error();
                if (rows.value() != c) { // no license in this one: on to the next that has some
                    c = rows.value() - 1;
                    continue;
                }
                served = buildAndServe(c);
            }
            if (!served)
                return served;
        }
        return {};
    };
    Result<void> mine = loop(first, mid, false);
    joinSecond();
    if (mine && mid < last) {
        if (!secondResult)
            mine = secondResult;
        else
            mine = loop(mid + 1, last, true);
    }
    if (!mine) {
        end();
        return mine.error();
    }
    stats.chunks += secondStats.chunks;
    stats.bytes += secondStats.bytes;
    end();
    return stats;
}

} // namespace lmo::LicenseImage
