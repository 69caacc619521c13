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
#include <string_view>
#include <vector>

namespace lmo::LicenseImage {

inline constexpr int kChunkShift = 16;
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

// Builds and stores every missing chunk now (after an import, so that the first dashboard does
// not pay for it), in the caller's write transaction. Answers how many it built.
Result<int> buildMissing(QSqlDatabase db);

} // namespace lmo::LicenseImage
