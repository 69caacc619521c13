#pragma once

#include "browse/licensequery.h"
#include "domain/status.h"
#include "util/result.h"

#include <QDate>
#include <QSqlDatabase>
#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace lmo {

// One line of the license list: what its columns show, compact enough to cache thousands.
struct LicenseRow
{
    qint64 id = 0;
    QString name;
    QString account;
    QString package;
    QString version;
    Status status = Status::Active;
    EffectiveStatus effective = EffectiveStatus::Active;
    int seats = 0;
    int used = 0;
    QDate expiration; // null: does not expire
    QDate installDate;
    QString orgId; // 15 characters
    QString edition;
    QString instance;
    QString orgStatus;
    bool sandbox = false;
};

// The values the filter bar offers, as the database holds them.
struct LicenseFilterChoices
{
    std::vector<PackageName> packages; // by name
    QStringList versions; // every version number licenses carry, 1.9 before 1.10
    // The versions each package has (its package versions that licenses carry), in the order
    // of `versions`: what the Version filter offers for the packages chosen.
    std::vector<std::pair<qint64, QString>> packageVersions;
    QStringList editions;
    QStringList instances;
};

// The ids of a list in order, four bytes each while every id fits in 32 bits (all of them on
// SQLite up to four billion rows), eight once one does not: 40 MB at 10M instead of 80.
class LicenseIds
{
public:
    void reserve(size_t n);
    void push_back(qint64 id)
    {
        if (m_wide.empty() && id >= 0 && id <= qint64(UINT32_MAX))
            m_narrow.push_back(std::uint32_t(id));
        else
            pushWide(id);
    }
    qint64 operator[](size_t i) const { return m_wide.empty() ? qint64(m_narrow[i]) : m_wide[i]; }
    size_t size() const { return m_wide.empty() ? m_narrow.size() : m_wide.size(); }
    bool empty() const { return size() == 0; }
    // Where an id is (a scan), or -1.
    qint64 indexOf(qint64 id) const;
    // The ids in [from, to).
    std::vector<qint64> slice(size_t from, size_t to) const;
    std::vector<qint64> toVector() const { return slice(0, size()); }
    // Empty, its memory given back.
    void release();
    size_t bytes() const { return m_narrow.capacity() * sizeof(std::uint32_t) + m_wide.capacity() * sizeof(qint64); }

private:
    void pushWide(qint64 id);
    std::vector<std::uint32_t> m_narrow;
    std::vector<qint64> m_wide; // once in use, holds every id
};

// Reads a sorted, filtered license list through one connection, a window at a time. Used on
// the browser's worker threads, by the benchmark and by tests; knows nothing of widgets.
class LicenseListReader
{
public:
    LicenseListReader(QSqlDatabase db, Dialect dialect) : m_db(std::move(db)), m_dialect(dialect) {}

    Result<std::vector<PackageName>> packages();
    Result<LicenseFilterChoices> choices();
    // Every license, unfiltered.
    Result<qint64> total();

    // How many rows each segment holds.
    // How many licenses a text search's substring index proposes (textCandidates).
    // `total`: the licenses, as counted or estimated, for a probe's limit.
    Result<qint64> candidateCount(const TextCandidates &candidates, qint64 total);
    // About how many licenses there are, for a plan (Dialect::licensesEstimateSql): a server's
    // exact count at 10M takes most of a second.
    Result<qint64> estimatedTotal();
    Result<std::vector<qint64>> segmentCounts(const std::vector<LicenseQuerySegment> &segments);
    // Rows [offset, offset + limit) of the list. Without counts, only from the start (offset 0).
    // A window nearer the end of a segment is read from that end.
    Result<std::vector<LicenseRow>> window(const std::vector<LicenseQuerySegment> &segments,
                                           const std::vector<qint64> &counts, qint64 offset, int limit,
                                           const QDate &asOf);
    // The row ids of the whole list, in order (about 4 MB for a million). `expected`, the count
    // if known, is room made first: a list grown by doubling peaks near twice its size. `stopped`
    // returning true ends it early with Error::Code::Cancelled.
    Result<LicenseIds> ids(const std::vector<LicenseQuerySegment> &segments, const std::function<bool()> &stopped = {},
                           qint64 expected = 0);
    // These licenses, in the order given; one no longer in the database comes back with id 0.
    Result<std::vector<LicenseRow>> rowsById(const qint64 *ids, size_t count, const QDate &asOf);

    // What a selection holds: how many, their seats and used licenses, how many of each status.
    struct Summary
    {
        qint64 licenses = 0;
        qint64 seats = 0;        // of the seat licenses
        qint64 siteLicenses = 0; // seats -1
        qint64 used = 0;
        std::vector<std::pair<Status, qint64>> byStatus; // in the picklist's order, none left out
    };
    Result<Summary> summarise(const std::vector<qint64> &ids);

    static QString rowColumnsSql(); // the SELECT list readRow() expects, on "licenses l JOIN packages p"

private:
    QSqlDatabase m_db;
    Dialect m_dialect;
};

} // namespace lmo
