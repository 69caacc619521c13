#pragma once

// A compact column image of the licenses (schema version 12, SQLite only), for the dashboard:
// the licenses in chunks of 65,536 row ids (chunk = id >> 16), each chunk one BLOB of fixed-width
// columns (status and flags, three days as yyyymmdd integers, seats, used) and small dictionaries
// (editions, instances, package versions, subscriber orgs, LMOs). About 31 bytes a license where
// a row of `licenses` is several hundred; read from the file in milliseconds.
//
// Triggers on `licenses` (every insert, update and delete) and on the audit log's Status changes
// to Uninstalled (the uninstall day) delete the chunk a change touches, in the same transaction
// as the change, so a chunk that is there is never stale, whichever program wrote. A missing
// chunk is built again from `licenses` the next time the image is read, and stored when this
// connection can take the write lock at once (else it serves that one read from memory).
//
// A chunk whose rows do not fit the columns exactly (a date that is not ISO text, a count beyond
// 32 bits, a type SQLite let in against the column's affinity) is stored as "raw": the reader is
// told to read those licenses from the table, so no value is ever approximated.

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lmo::LicenseImage {

inline constexpr int kChunkShift = 16;
// A team database's chunks (readShared): 8,192 ids, read again whole after a change.
inline constexpr int kSharedChunkShift = 13;
inline constexpr std::int32_t kNoDay = INT32_MIN;    // a NULL date
inline constexpr std::int64_t kNoLmo = INT64_MIN;    // a NULL lmo_ref

// The flags byte of a row.
enum Flag : std::uint8_t {
    StatusMask = 0x3, // 0 Active, 1 Trial, 2 Uninstalled, 3 anything else (Suspended)
    Sandbox = 0x4,
    NoExpiration = 0x8,
};
enum StatusCode : std::uint8_t { Active = 0, Trial = 1, Uninstalled = 2, Other = 3 };

// One chunk, decoded: views into the stored BLOB (valid during the callback only).
struct Chunk
{
    std::int64_t chunk = 0;
    std::uint32_t rows = 0;
    const std::uint8_t *flags = nullptr;
    // yyyymmdd, or kNoDay. `uninstall` is set on Uninstalled rows only: the audit log's day of
    // the last Status change to Uninstalled, else the day of the license's last change.
    const std::int32_t *expiration = nullptr, *install = nullptr, *uninstall = nullptr;
    const std::int32_t *seats = nullptr, *used = nullptr; // NULL as 0
    // Indexes into the dictionaries below.
    const std::uint16_t *lmo = nullptr, *edition = nullptr, *instance = nullptr, *version = nullptr, *org = nullptr;
    std::vector<std::int64_t> lmos;           // lmo_ref, or kNoLmo
    std::vector<std::string_view> editions;   // NULL as ""
    std::vector<std::string_view> instances;  // NULL as ""
    std::vector<std::int64_t> versionPackages; // package_ref (NULL as 0), per version entry
    std::vector<std::string_view> versions;   // version_number (NULL as ""), per version entry
    std::vector<std::uint64_t> orgs;          // orgHash(org_id) (NULL as "")
};

// The subscriber org id as the image keeps it, for counting distinct orgs: a 64-bit hash fixed
// here (not the standard library's, which may change with it while images stay on disk). Two
// ids with the same hash would count as one org; at a million orgs the odds are about 1 in 10^7.
inline std::uint64_t orgHash(std::string_view id)
{
    std::uint64_t h = 14695981039346656037ull; // FNV-1a, then a finalizer that spreads the bits
    for (unsigned char c : id)
        h = (h ^ c) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

// The chunk format (storage/licenseimagecodec.cpp), the same on every engine: the BLOB's first
// four bytes say which it is.
inline constexpr std::uint32_t kMagicImage = 0x324d494c; // "LIM2"
inline constexpr std::uint32_t kMagicRaw = 0x3152494c;   // "LIR1": read these licenses from the table
std::string rawMarker();

// "2026-06-15" as 20260615; false for anything else (another length, a non-digit). On ISO text
// the integers order as the text does, which is how SQLite compares these columns (and how
// PostgreSQL orders DATEs of years 1 to 9999).
bool packDay(const char *p, size_t n, std::int32_t &out);

// Packs rows, in row-id order, into one chunk's BLOB.
class ChunkBuilder
{
public:
    struct Row
    {
        std::string_view status;
        std::int32_t expiration = kNoDay, install = kNoDay;
        std::int32_t uninstall = kNoDay; // kept for Uninstalled rows only
        std::int32_t seats = 0, used = 0;
        bool sandbox = false;
        std::string_view edition, instance, version; // NULL as ""
        std::int64_t packageRef = 0;
        std::string_view orgId;
        std::int64_t lmoRef = kNoLmo;
    };
    void add(const Row &row);
    std::string finish() const;
    std::uint32_t rows() const { return std::uint32_t(m_flags.size()); }

private:
    struct Dictionary
    {
        std::unordered_map<std::string, std::uint16_t> index;
        std::vector<std::string> values;
        std::uint16_t of(std::string_view v);
    };
    std::vector<std::uint8_t> m_flags;
    std::vector<std::int32_t> m_expiration, m_install, m_uninstall, m_seats, m_used;
    std::vector<std::uint16_t> m_lmo, m_edition, m_instance, m_version, m_org;
    Dictionary m_lmos, m_editions, m_instances, m_versions, m_orgs;
    std::vector<std::uint64_t> m_orgHashes;
    std::vector<std::int64_t> m_lmoValues, m_versionPackages;
    std::vector<std::string> m_versionNumbers;
};

// Decodes a stored chunk (in 8-byte aligned memory) into `chunk`; false when it is not one.
bool decode(const char *data, size_t size, Chunk &chunk);

// Whether this engine keeps the image (SQLite).
bool supported(const Dialect &dialect);

// For a bulk load into an empty table, inside its transaction: drops the triggers and empties
// the image (every chunk would be rebuilt anyway). restore() puts the triggers back.
Result<void> suspend(QSqlDatabase db);
Result<void> restore(QSqlDatabase db);

// Reads every chunk of the image in row-id order, building the missing ones first. `chunk` is
// called for each chunk that has an image; `raw(lo, hi)` for each one that must be read from
// the table instead: the licenses with lo < id <= hi. Stops when `stop` says so (checked
// between chunks), answering Error::Code::Cancelled. Given `secondChunk`, a file's image is read
// in two halves at once: the second half's chunks go to `secondChunk`, on another thread (the
// caller sums them apart and merges), through a read-only connection of its own.
struct ReadStats
{
    int chunks = 0;   // read from the image
    int built = 0;    // built from the licenses during this read (stored or not)
    int stored = 0;   // of those, stored
    int raw = 0;      // read from the table
    qint64 bytes = 0; // of image read
};
Result<ReadStats> read(QSqlDatabase db, const std::function<void(const Chunk &)> &chunk,
                       const std::function<Result<void>(qint64 lo, qint64 hi)> &raw,
                       const std::function<bool()> &stop = {}, const std::function<void(const Chunk &)> &secondChunk = {});

// A team database (PostgreSQL, schema 15): the image is built here, from the licenses this login
// may read (its row-level policies and hidden columns apply as to any read), and kept for this
// process; each read first reads the server's stamps (which transaction last changed
// each chunk of one package's production or sandbox licenses) and reads again only the chunks
// whose stamp moved. Calls `chunk` for every chunk, in row-id order. Answers no stats (nothing
// read) where the server keeps no stamps this login may read, where a value does not fit the
// image (a date past year 9999, a count beyond 32 bits, a sandbox flag hidden from the role), or
// past the row limit (below), or where the copy's file cannot be written: the caller then sums
// on the server. The copy's images are kept in a file of the user's cache folder, not in memory.
Result<std::optional<ReadStats>> readShared(QSqlDatabase db, const std::function<void(const Chunk &)> &chunk,
                                            const std::function<bool()> &stop = {});
// Drops every copy this process keeps (tests).
void forgetShared();
// The most licenses one login's copy may hold (100M: about 4 GB in the user's cache folder, where
// the copy's images are kept; past it the copy is dropped and the server sums). Answers the limit
// before. Tests set a small one.
std::uint64_t setSharedRowLimit(std::uint64_t rows);
inline constexpr std::uint64_t kDefaultSharedRowLimit = 100'000'000;
// Where the copies' files go (empty: the user's cache folder). Answers the folder before. Tests
// name one that cannot be made, to see the server sum instead.
QString setSharedCacheFolder(const QString &folder);
// A copy's file is rewritten once more of it is stale than live, and at least this much is
// stale (16 MB). Answers the floor before. Tests set 0.
qint64 setSharedCompactionFloor(qint64 bytes);

// Builds and stores every missing chunk now (after an import, so that the first dashboard does
// not pay for it), in the caller's write transaction. Answers how many it built.
Result<int> buildMissing(QSqlDatabase db);

} // namespace lmo::LicenseImage
