// The dashboard's image of the licenses on a team database (storage/licenseimage.h, readShared):
// built by this client from the licenses it may read, kept in memory, and checked on every read
// against the server's stamps (schema 15, resources/sql/0015_license_image_stamps_pg.sql).
#include "storage/licenseimage.h"

#include "storage/postgres/pgcopy.h"

#include <libpq-fe.h>

#include <QDate>
#include <QMutex>
#include <QMutexLocker>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryFile>

#include <atomic>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace lmo::LicenseImage {

namespace {

// (chunk, package_ref, production): the stamps' key, ordered by row id first.
using Key = std::tuple<std::int64_t, std::int64_t, bool>;

struct Entry
{
    std::int64_t gen = 0;
    bool misfit = false; // a value the image cannot hold exactly: the server sums instead
    std::uint32_t rows = 0;
    qint64 offset = 0; // of its image in the cache's file
    qint64 size = 0;
};

QString g_cacheFolder; // under g_mutex; empty: the user's cache folder
qint64 g_compactionFloor = qint64(16) << 20; // under g_mutex

QString sharedCacheFolder()
{
    return g_cacheFolder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) : g_cacheFolder;
}

// The chunks' images are kept in a file of the user's cache folder, not in memory: about 39
// bytes a license (390 MB at 10M, where the whole window's aim is 300 MB). Only the place of
// each is in memory. The file is private to the user (0600; on Linux unnamed where the file
// system allows, so that not even a crash leaves it behind), appended to as chunks are read
// again, rewritten once more of it is stale than live, and removed with the copy (at the
// latest when the process ends).
struct Cache
{
    std::map<Key, std::unique_ptr<Entry>> entries;
    bool tooLarge = false;
    std::unique_ptr<QTemporaryFile> file;
    qint64 live = 0;  // bytes of the file still used
    qint64 stale = 0; // bytes of images read again since

    void clear()
    {
        entries.clear();
        file.reset();
        live = stale = 0;
    }
    bool openFile()
    {
        if (file)
            return true;
        const QString folder = sharedCacheFolder();
        if (folder.isEmpty() || !QDir().mkpath(folder))
            return false;
        file = std::make_unique<QTemporaryFile>(QDir(folder).filePath(QStringLiteral("team-image-XXXXXX.bin")));
        if (!file->open()) {
            file.reset();
            return false;
        }
        return true;
    }
    // Appends an image; false if the file cannot take it.
    bool append(const std::string &blob, Entry &e)
    {
        if (!openFile() || !file->seek(file->size()))
            return false;
        e.offset = file->pos();
        e.size = qint64(blob.size());
        if (file->write(blob.data(), e.size) != e.size)
            return false;
        live += e.size;
        return true;
    }
    bool readBack(const Entry &e, std::string &into)
    {
        into.resize(size_t(e.size));
        return file && file->seek(e.offset) && file->read(into.data(), e.size) == e.size;
    }
    void forget(const Entry &e)
    {
        live -= e.size;
        stale += e.size;
    }
    // Rewrites the live images into a new file once the stale ones outweigh them.
    bool compactIfWorthIt()
    {
        if (!file || stale <= live || stale < g_compactionFloor)
            return true;
        auto old = std::move(file);
        live = stale = 0;
        std::string blob;
        for (auto &[key, e] : entries) {
            if (e->misfit || e->size == 0)
                continue;
            blob.resize(size_t(e->size));
            if (!old->seek(e->offset) || old->read(blob.data(), e->size) != e->size || !append(blob, *e))
                return false;
        }
        return true;
    }
};

// One cache per server, schema, login and what the login may see (its roles, the policy's
// version): a copy never outlives the rights it was read under.
QMutex g_mutex;
std::unordered_map<std::string, std::shared_ptr<Cache>> g_caches;

std::atomic<std::uint64_t> g_rowLimit{kDefaultSharedRowLimit}; // about 160 MB: beyond it the server sums

struct PgResult
{
    PGresult *res = nullptr;
    ~PgResult() { PQclear(res); }
};

Result<void> run(PGconn *conn, const char *sql, const std::vector<std::string> &params, PgResult &out, const QString &doing)
{
    std::vector<const char *> values;
    for (const std::string &p : params)
        values.push_back(p.c_str());
    out.res = PQexecParams(conn, sql, int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(out.res) == PGRES_TUPLES_OK || PQresultStatus(out.res) == PGRES_COMMAND_OK)
        return {};
    const char *state = PQresultErrorField(out.res, PG_DIAG_SQLSTATE);
    const QString message = QString::fromUtf8(PQresultErrorMessage(out.res)).trimmed();
    const bool lost = PQstatus(conn) != CONNECTION_OK || (state && qstrncmp(state, "08", 2) == 0);
    return Error::make(lost ? Error::Code::ConnectionLost : Error::Code::Sql,
                       QStringLiteral("Database error while %1: %2").arg(doing, message));
}

std::string_view value(const PgResult &r, int row, int col)
{
    return std::string_view(PQgetvalue(r.res, row, col), size_t(PQgetlength(r.res, row, col)));
}

bool isNull(const PgResult &r, int row, int col)
{
    return PQgetisnull(r.res, row, col) != 0;
}

bool int64Of(std::string_view v, std::int64_t &out)
{
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && end == v.data() + v.size();
}

// The rows of one chunk range (and, given one, of one package and production only), as the
// dashboard's sums read them: DATE(last_modified) on this session's time zone (UTC), the audit
// log's last change of Status to Uninstalled. Days as days since 2000-01-01, NULL as NULL.
const char *const kRowsSql =
    "SELECT l.status, %1, %2, %3, l.seats, l.used_licenses, CASE WHEN l.is_sandbox IS NULL THEN NULL WHEN l.is_sandbox <> 0 "
    "THEN 1 ELSE 0 END, l.org_edition, l.org_instance, l.version_number, l.package_ref, l.org_id, l.lmo_ref, "
    "l.is_sandbox = 0, l.id FROM licenses l LEFT JOIN (SELECT record_ref, DATE(MAX(changed_at)) AS day FROM audit_log "
    "WHERE record_type = 'license' AND field = 'Status' AND new_value = 'Uninstalled' AND record_ref > $1 AND record_ref <= $2 "
    "GROUP BY record_ref) ud ON ud.record_ref = l.id WHERE l.id > $1 AND l.id <= $2%4 ORDER BY l.id";

// A day as days since 2000-01-01: half what to_char() costs the server at a million rows.
std::string dayText(const char *expression)
{
    return std::string("(") + expression + ") - DATE '2000-01-01'";
}

std::string rowsSql(bool onePartition)
{
    std::string sql = kRowsSql;
    auto put = [&](const char *token, const std::string &text) {
        const size_t at = sql.find(token);
        sql.replace(at, std::strlen(token), text);
    };
    put("%1", dayText("l.expiration"));
    put("%2", dayText("l.install_date"));
    put("%3", dayText("COALESCE(ud.day, DATE(l.last_modified))"));
    put("%4", onePartition ? " AND l.package_ref = $3 AND (l.is_sandbox = 0) = $4" : "");
    return sql;
}

// Days since 2000-01-01 as yyyymmdd; years 1 to 9999 only (beyond, the packed days would not
// order as the server orders DATEs).
bool day(const PgResult &r, int row, int col, std::int32_t &out)
{
    if (isNull(r, row, col)) {
        out = kNoDay;
        return true;
    }
    std::int64_t days = 0;
    if (!int64Of(value(r, row, col), days))
        return false;
    static const qint64 k2000 = QDate(2000, 1, 1).toJulianDay();
    const QDate d = QDate::fromJulianDay(k2000 + days);
    if (!d.isValid() || d.year() < 1 || d.year() > 9999)
        return false;
    out = std::int32_t(d.year() * 10000 + d.month() * 100 + d.day());
    return true;
}

bool count(const PgResult &r, int row, int col, std::int32_t &out)
{
    if (isNull(r, row, col)) {
        out = 0;
        return true;
    }
    std::int64_t v = 0;
    if (!int64Of(value(r, row, col), v) || v < INT32_MIN + 1 || v > INT32_MAX)
        return false;
    out = std::int32_t(v);
    return true;
}

struct Building
{
    ChunkBuilder builder;
    bool misfit = false;
};

// Reads the rows of chunks `first` to `last` into the builders of `wanted` (every key of them
// that must be read again); a row of another key is skipped.
Result<void> readChunks(PGconn *conn, std::int64_t first, std::int64_t last, const std::vector<Key> &wanted,
                        std::map<Key, Building> &out)
{
    const QString doing = QStringLiteral("reading the licenses for the dashboard's image");
    const std::int64_t lo = (first << kSharedChunkShift) - 1, hi = ((last + 1) << kSharedChunkShift) - 1;
    std::vector<std::string> params = {std::to_string(lo), std::to_string(hi)};
    const bool one = wanted.size() == 1;
    if (one) {
        params.push_back(std::to_string(std::get<1>(wanted.front())));
        params.push_back(std::get<2>(wanted.front()) ? "t" : "f");
    }
    for (const Key &k : wanted)
        out[k];
    PgResult r;
    if (auto ok = run(conn, rowsSql(one).c_str(), params, r, doing); !ok)
        return ok;
    const int rows = PQntuples(r.res);
    for (int i = 0; i < rows; ++i) {
        std::int64_t packageRef = 0;
        if (!int64Of(value(r, i, 10), packageRef))
            return Error::make(Error::Code::Sql, QStringLiteral("A license without a package while %1.").arg(doing));
        const bool production = value(r, i, 13) == "t";
        std::int64_t id = 0;
        if (!int64Of(value(r, i, 14), id))
            return Error::make(Error::Code::Sql, QStringLiteral("A license id that is not a number while %1.").arg(doing));
        auto it = out.find(Key{id >> kSharedChunkShift, packageRef, production});
        if (it == out.end())
            continue;
        Building &b = it->second;
        if (b.misfit)
            continue;
        ChunkBuilder::Row row;
        row.status = isNull(r, i, 0) ? std::string_view() : value(r, i, 0);
        if (!day(r, i, 1, row.expiration) || !day(r, i, 2, row.install) || !day(r, i, 3, row.uninstall)
            || !count(r, i, 4, row.seats) || !count(r, i, 5, row.used) || isNull(r, i, 6)) {
            b.misfit = true;
            continue;
        }
        row.sandbox = value(r, i, 6) == "1";
        row.edition = value(r, i, 7);
        row.instance = value(r, i, 8);
        row.version = value(r, i, 9);
        row.packageRef = packageRef;
        row.orgId = value(r, i, 11);
        std::int64_t lmo = 0;
        row.lmoRef = isNull(r, i, 12) || !int64Of(value(r, i, 12), lmo) ? kNoLmo : lmo;
        b.builder.add(row);
    }
    return {};
}

} // namespace

Result<std::optional<ReadStats>> readShared(QSqlDatabase db, const std::function<void(const Chunk &)> &chunk,
                                            const std::function<bool()> &stop)
{
    PGconn *conn = pg::connectionOf(db);
    if (!conn)
        return std::optional<ReadStats>();
    const QString doing = QStringLiteral("reading the stamps of the dashboard's image");
    // Who reads, and whether this schema keeps stamps this login may read.
    std::string identity;
    {
        PgResult r;
        if (auto ok = run(conn,
                          "SELECT COALESCE(has_table_privilege(to_regclass('license_image_stamps'), 'SELECT'), false), "
                          "current_database() || '/' || COALESCE(current_schema(), '') || '/' || session_user || '/' || "
                          "current_setting('search_path') || '/' || COALESCE((SELECT string_agg(r.rolname, ',' ORDER BY r.rolname) "
                          "FROM pg_roles r WHERE pg_has_role(session_user, r.oid, 'MEMBER')), ''), "
                          "to_regclass('team_policy') IS NOT NULL",
                          {}, r, doing);
            !ok)
            return ok.error();
        if (PQntuples(r.res) != 1 || value(r, 0, 0) != "t")
            return std::optional<ReadStats>();
        identity = std::string(PQhost(conn) ? PQhost(conn) : "") + ":" + (PQport(conn) ? PQport(conn) : "") + "/"
                   + std::string(value(r, 0, 1));
        if (value(r, 0, 2) == "t") {
            PgResult p;
            if (auto ok = run(conn, "SELECT COALESCE(MAX(applied_at)::text, '') || MAX(md5(policy::text)) FROM team_policy", {}, p, doing); !ok)
                return ok.error();
            if (PQntuples(p.res) == 1)
                identity += "/" + std::string(value(p, 0, 0));
        }
    }
    std::map<Key, std::int64_t> stamps;
    {
        PgResult r;
        if (auto ok = run(conn, "SELECT chunk, package_ref, production, gen FROM license_image_stamps", {}, r, doing); !ok)
            return ok.error();
        for (int i = 0, n = PQntuples(r.res); i < n; ++i) {
            std::int64_t c = 0, p = 0, g = 0;
            if (!int64Of(value(r, i, 0), c) || !int64Of(value(r, i, 1), p) || !int64Of(value(r, i, 3), g))
                return Error::make(Error::Code::Sql, QStringLiteral("A stamp that is not a number while %1.").arg(doing));
            stamps.emplace(Key{c, p, value(r, i, 2) == "t"}, g);
        }
    }

    std::shared_ptr<Cache> cache;
    QMutexLocker lock(&g_mutex);
    {
        auto &slot = g_caches[identity];
        if (!slot)
            slot = std::make_shared<Cache>();
        cache = slot;
    }
    if (cache->tooLarge)
        return std::optional<ReadStats>();
    ReadStats stats;
    // A file that cannot be written or read back (a full disk, say): the copy is dropped and
    // the server sums, this time and after.
    auto unusable = [&cache] {
        cache->clear();
        cache->tooLarge = true;
        return std::optional<ReadStats>();
    };
    // What is no longer there (or no longer visible) goes; what changed is read again.
    for (auto it = cache->entries.begin(); it != cache->entries.end();) {
        if (stamps.count(it->first)) {
            ++it;
        } else {
            cache->forget(*it->second);
            it = cache->entries.erase(it);
        }
    }
    std::map<std::int64_t, std::vector<Key>> stale;
    for (const auto &[key, gen] : stamps) {
        auto it = cache->entries.find(key);
        if (it == cache->entries.end() || it->second->gen != gen)
            stale[std::get<0>(key)].push_back(key);
    }
    std::uint64_t held = 0; // rows in the copy
    for (const auto &[key, e] : cache->entries)
        held += e->rows;
    // Runs of stale chunks up to 65,536 ids long in one statement each (a first read is a few
    // dozen statements at a million licenses, not a thousand).
    for (auto run = stale.begin(); run != stale.end();) {
        if (stop && stop())
            return Error::make(Error::Code::Cancelled, QStringLiteral("The dashboard was stopped."));
        const std::int64_t first = run->first;
        std::vector<Key> keys;
        auto end = run;
        while (end != stale.end() && end->first - first < (std::int64_t(1) << (kChunkShift - kSharedChunkShift))) {
            keys.insert(keys.end(), end->second.begin(), end->second.end());
            ++end;
        }
        const std::int64_t last = std::prev(end)->first;
        run = end;
        std::map<Key, Building> built;
        if (auto r = readChunks(conn, first, last, keys, built); !r)
            return r.error();
        for (auto &[key, b] : built) {
            auto e = std::make_unique<Entry>();
            e->gen = stamps.at(key);
            e->misfit = b.misfit;
            if (!b.misfit) {
                const std::string blob = b.builder.finish();
                Chunk decoded;
                if (!decode(blob.data(), blob.size(), decoded))
                    return Error::make(Error::Code::Sql, QStringLiteral("The dashboard's image of a chunk could not be read back."));
                e->rows = decoded.rows;
                if (!cache->append(blob, *e))
                    return unusable();
            }
            held += e->rows;
            if (auto old = cache->entries.find(key); old != cache->entries.end()) {
                held -= old->second->rows;
                cache->forget(*old->second);
            }
            cache->entries[key] = std::move(e);
            ++stats.built;
        }
        // Past the limit the copy would cost more memory than it saves time: dropped, and the
        // server sums from now on.
        if (held > g_rowLimit.load())
            return unusable();
    }
    if (!cache->compactIfWorthIt())
        return unusable();
    for (const auto &[key, e] : cache->entries)
        if (e->misfit)
            return std::optional<ReadStats>(); // the server sums: a value the image cannot hold
    std::string blob;
    Chunk decoded;
    for (const auto &[key, e] : cache->entries) {
        if (e->size == 0)
            continue; // no license of the chunk this login may read
        if (!cache->readBack(*e, blob) || !decode(blob.data(), blob.size(), decoded))
            return unusable();
        decoded.chunk = std::get<0>(key);
        chunk(decoded);
        ++stats.chunks;
        stats.bytes += e->size;
    }
    return std::optional<ReadStats>(stats);
}

void forgetShared()
{
    QMutexLocker lock(&g_mutex);
    g_caches.clear();
}

QString setSharedCacheFolder(const QString &folder)
{
    QMutexLocker lock(&g_mutex);
    return std::exchange(g_cacheFolder, folder);
}

qint64 setSharedCompactionFloor(qint64 bytes)
{
    QMutexLocker lock(&g_mutex);
    return std::exchange(g_compactionFloor, bytes);
}

std::uint64_t setSharedRowLimit(std::uint64_t rows)
{
    return g_rowLimit.exchange(rows);
}

} // namespace lmo::LicenseImage
