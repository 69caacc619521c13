#pragma once

#include "domain/status.h"
#include "storage/dialect.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>
#include <vector>

namespace lmo {

// The columns of the license list, in their default order.
enum class LicenseColumn {
    Name,
    Account,
    Package,
    Version,
    Status,
    EffectiveStatus,
    Seats,
    Used,
    Expiration,
    InstallDate,
    OrgId,
    Edition,
    Instance,
    OrgStatus,
    Sandbox,
};
inline constexpr int kLicenseColumnCount = int(LicenseColumn::Sandbox) + 1;
QString licenseColumnTitle(LicenseColumn column);
// A stable name for settings and saved views ("install_date").
QString licenseColumnKey(LicenseColumn column);
std::optional<LicenseColumn> licenseColumnFromKey(const QString &key);

// What the license list shows. Empty lists and unset options mean "any"; filters combine.
struct LicenseFilter
{
    // License name, account name, subscriber org id (15 or 18 characters, exact) or package
    // name; an 18- or 15-character record id finds that license or that account.
    QString text;
    QList<Status> statuses;
    QList<EffectiveStatus> effectiveStatuses;
    QList<qint64> packages; // package row ids
    QStringList versions;   // version numbers
    QStringList editions;
    QStringList instances;
    std::optional<bool> sandbox;
    std::optional<bool> siteLicense;
    QDate installedFrom, installedTo; // inclusive; null: open
    std::optional<int> expiringWithinDays; // Active or Trial, expiring from asOf to asOf + N
    QDate asOf;                            // "today" for effective status and expiring
    std::optional<qint64> lmo;             // the LMO the licenses came from (lmo_ref); none: every LMO

    bool isEmpty() const;
    friend bool operator==(const LicenseFilter &, const LicenseFilter &) = default;
};

struct LicenseQuery
{
    LicenseFilter filter;
    LicenseColumn sortColumn = LicenseColumn::InstallDate;
    Qt::SortOrder order = Qt::DescendingOrder;
    friend bool operator==(const LicenseQuery &, const LicenseQuery &) = default;
};

// A package as the query builder needs it: sorting by package sorts by name.
struct PackageName
{
    qint64 rowId = 0;
    QString name;
};

// A sorted, filtered license list as SQL: one or more segments, whose rows, concatenated in
// order, are the list. Most sorts are one segment with an ORDER BY an index can serve; sorting
// by package is one segment per package (by name), by effective status one per status: each
// then still reads in index order, where one ORDER BY over a computed value would sort the
// whole table first.
struct LicenseQuerySegment
{
    QString where;    // on "licenses l"; includes the filter
    QVariantList binds; // positional, for `where`
    QString orderBy;  // ends with the row id, so the order is total
    QString reverseOrderBy; // the same backwards: the end of a long list read from its end
};

// How SQLite should read a filtered list. Natural lets its planner choose, which for a filter
// on an indexed column means: find every match through that index, then sort them. That is
// right when few rows match; when many do (a quarter of all licenses are site licenses, say)
// the first rows come far sooner by walking the sort's index and testing each row, which
// FollowSortOrder asks for. (SQLite's statistics keep one average per index and cannot see how
// skewed a column is; the caller decides from the count. PostgreSQL plans from histograms:
// there the hint is not written.)
enum class LicensePlan { Natural, FollowSortOrder };

// `packages` are the packages' names as they are now: the Package sort is read by them, and on
// PostgreSQL a text search that no package's name can match leaves the package names out of
// its test, so that the trigram index finds the licenses directly. An empty list is taken as
// not known: every package may match.
std::vector<LicenseQuerySegment> buildLicenseQuery(const LicenseQuery &query, const std::vector<PackageName> &packages,
                                                   Dialect dialect, LicensePlan plan = LicensePlan::Natural);

// Whether buildLicenseQuery's answer depends on the packages' names (above): a caller holding
// them from an earlier read reads them again first.
bool queryReadsPackageNames(const LicenseQuery &query, Dialect dialect);

// Whether the first rows should wait for the count to choose the plan: a filter on indexed
// columns only (a text search scans anyway).
bool planDependsOnCount(const LicenseFilter &filter);
// The plan for a list of `matching` rows out of `total`.
LicensePlan choosePlan(qint64 matching, qint64 total);

// A search on text alone, and what decides its plan. On SQLite, the substring index's candidates:
// the statement counting them, read from the index only (a few tens of ms at 10M, where counting
// the true matches reads every candidate's row: half a second warm and seconds cold). On
// PostgreSQL, where no package's name can have the text (buildLicenseQuery's test on the row),
// a probe: the true matches found through the trigram index, counted up to a limit
// (textProbeLimit), which stops reading rows once it is reached. Nothing for any other filter,
// a text under three characters, or a database without the index.
struct TextCandidates
{
    QString countSql;   // a probe's ends with its limit, bound last (LicenseListReader::candidateCount)
    QVariantList binds;
    bool probe = false; // PostgreSQL: the true matches, counted up to textProbeLimit(total)
};
// Whether `filter` is a text search and nothing else, the case textCandidates is for.
bool searchesTextAlone(const LicenseFilter &filter);
std::optional<TextCandidates> textCandidates(const LicenseFilter &filter, Dialect dialect,
                                             const std::vector<PackageName> &packages = {});
// The plan for a text search with `candidates` out of `total`. Walking the sort's index reads a
// row only for a candidate (its id is tested first, from the index), and finds 256 matches after
// about 256 * total / candidates index entries; the other plan reads every candidate's row and
// sorts them. The walk wins once candidates are more than about one in five hundred.
LicensePlan chooseTextPlan(qint64 candidates, qint64 total);
// The same from what textCandidates counted: on PostgreSQL, the walk once the probe reached its
// limit.
LicensePlan chooseTextPlan(const TextCandidates &counted, qint64 candidates, qint64 total);
// PostgreSQL: how many matches the probe counts before it stops. Finding them costs about a
// page read each (6 us warm at 10M; the matches of a word lie on as many pages as there are
// of them); walking the sort's index, testing each row, about 1 us a row in the sort's order,
// for 256 * total / matches rows. The two are even near sqrt(40 * total) matches: 20,000 at
// 10M, 6,300 at 1M; the worst case either way is then about 0.1 s at 10M.
qint64 textProbeLimit(qint64 total);

} // namespace lmo
