#include "metrics/dashboardmetrics.h"

#include "storage/backend.h"
#include "storage/licenseimage.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <cstring>
#include <set>
#include <thread>
#include <unordered_map>
#include <string>
#include <string_view>

namespace lmo {

namespace {

constexpr std::array<const char *, kChartCount> kKeys{"installs-by-month", "status-mix", "edition-mix",
                                                       "version-adoption", "seat-utilization",
                                                       "expirations-by-month", "top-instances"};

QDate monthStart(const QDate &d)
{
    return QDate(d.year(), d.month(), 1);
}

QString monthLabel(const QDate &d)
{
    return d.toString(QStringLiteral("yyyy-MM"));
}

// The largest `keep` categories, then "Other" for the rest (if any).
void topWithOther(ChartData &chart, std::vector<std::pair<QString, qint64>> counts, size_t keep, bool withOther = true)
{
    std::stable_sort(counts.begin(), counts.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    ChartData::Series s{chart.valueAxis, {}, false};
    qint64 other = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (i < keep) {
            chart.categories << (counts[i].first.isEmpty() ? QStringLiteral("(blank)") : counts[i].first);
            s.values.push_back(counts[i].second);
        } else {
            other += counts[i].second;
        }
    }
    if (other > 0 && withOther) {
        chart.categories << QStringLiteral("Other");
        s.values.push_back(other);
    }
    chart.series.push_back(std::move(s));
}

} // namespace

QString chartKey(ChartId id)
{
    return QString::fromLatin1(kKeys[size_t(id)]);
}

std::optional<ChartId> chartFromKey(const QString &key)
{
    for (int i = 0; i < kChartCount; ++i)
        if (key == QLatin1String(kKeys[size_t(i)]))
            return ChartId(i);
    return std::nullopt;
}

qint64 ChartData::total(size_t s) const
{
    qint64 sum = 0;
    if (s < series.size())
        for (qint64 v : series[s].values)
            sum += v;
    return sum;
}

std::optional<double> DashboardMetrics::trialConversion() const
{
    if (recentInstalls90 == 0)
        return std::nullopt;
    return double(recentConverted90) / double(recentInstalls90);
}

std::optional<double> DashboardMetrics::seatUtilisation() const
{
    if (utilisationLicensed == 0)
        return std::nullopt;
    return double(utilisationUsed) / double(utilisationLicensed);
}

namespace {

// One row of the single pass, as the database hands it over (text as bytes, NULL as empty).
struct PassRow
{
    std::string_view status, expiration, installDate, uninstallDay, edition, instance, version, orgId;
    bool expirationNull = true;
    qint64 seats = 0, used = 0, packageRef = 0;
    bool sandbox = false;
    bool asOfUnknown = false;
    bool asOfChanged = false;
    qint64 id = 0;
};

// "2026-06" of "2026-06-15..." as a month number (year * 12 + month - 1), or -1.
int monthOf(std::string_view date)
{
    if (date.size() < 7 || date[4] != '-')
        return -1;
    int y = 0, m = 0;
    for (int i = 0; i < 4; ++i) {
        if (date[size_t(i)] < '0' || date[size_t(i)] > '9')
            return -1;
        y = y * 10 + (date[size_t(i)] - '0');
    }
    if (date[5] < '0' || date[5] > '9' || date[6] < '0' || date[6] > '9')
        return -1;
    m = (date[5] - '0') * 10 + (date[6] - '0');
    return y * 12 + m - 1;
}

int monthOf(const QDate &d)
{
    return d.year() * 12 + d.month() - 1;
}

// The audit log's uninstall days (auditUninstallDaysSql), compact and in row id order: read
// once per refresh, looked up by binary search for each uninstalled license. (A join in the
// pass's SELECT cost more than the pass itself at a million licenses.)
struct UninstallDays
{
    std::vector<qint64> ids;
    std::vector<std::array<char, 10>> days;
};

const char *findUninstallDay(const UninstallDays *d, qint64 id)
{
    const auto it = std::lower_bound(d->ids.begin(), d->ids.end(), id);
    return it != d->ids.end() && *it == id ? d->days[size_t(it - d->ids.begin())].data() : nullptr;
}

// Through QSqlQuery whatever the engine: a few hundred thousand short rows (reading them through
// SQLite's own statement saved about 45 ms of a 600 ms refresh at a million licenses).
Result<void> readUninstallDays(QSqlDatabase db, UninstallDays &out)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(auditUninstallDaysSql()))
        return sqlError(q.lastError(), QStringLiteral("reading the uninstall days from the audit log"));
    while (q.next()) {
        const QByteArray day = q.value(1).toString().toLatin1();
        if (day.size() < 10)
            continue;
        std::array<char, 10> d;
        memcpy(d.data(), day.constData(), 10);
        out.ids.push_back(q.value(0).toLongLong());
        out.days.push_back(d);
    }
    return {};
}

// InstallBaseFilter::whereSql, for the image: which packages (by row id), install days and LMO.
struct ImageFilter
{
    bool byPackage = false;
    std::vector<qint64> packageRefs; // sorted; the packages named so (none: nothing passes)
    std::int32_t from = LicenseImage::kNoDay, to = LicenseImage::kNoDay; // yyyymmdd, or no bound
    bool noSandboxes = false;
    std::optional<qint64> lmo;
};

// The org hashes a pass meets, to count the distinct ones at its end: in 256 buckets by their
// top byte, each kept in blocks of 16 KB. A bucket at a time is then counted in a set of its own
// size. One vector and one set over all of them peaked at 350 MB at 10M licenses (the vector
// doubling, then a set of 32M slots); this, at the hashes' own 8 bytes each and 4 MB more.
class OrgHashes
{
public:
    void push(std::uint64_t h)
    {
        Bucket &b = m_buckets[h >> 56];
        const size_t at = b.count % kBlock;
        if (at == 0)
            b.blocks.push_back(std::make_unique_for_overwrite<std::uint64_t[]>(kBlock));
        b.blocks.back()[at] = h;
        ++b.count;
    }
    void take(OrgHashes &other)
    {
        for (Bucket &b : other.m_buckets) {
            for (size_t i = 0; i < b.count; ++i)
                push(b.blocks[i / kBlock][i % kBlock]);
            b = Bucket();
        }
    }
    // The distinct hashes, by an open-addressing set at most half full per bucket (a sort of a
    // million hashes took 80 ms; this, about a tenth of that). Empties the buckets.
    qint64 countDistinct()
    {
        qint64 distinct = 0;
        bool zero = false; // 0 marks an empty slot: the hash 0 is counted apart
        std::vector<std::uint64_t> table;
        for (Bucket &b : m_buckets) {
            size_t size = 16;
            while (size < b.count * 2)
                size <<= 1;
            table.assign(size, 0);
            const size_t mask = size - 1;
            for (size_t i = 0; i < b.count; ++i) {
                const std::uint64_t h = b.blocks[i / kBlock][i % kBlock];
                if (h == 0) {
                    zero = true;
                    continue;
                }
                for (size_t slot = size_t(h) & mask;; slot = (slot + 1) & mask) {
                    if (table[slot] == h)
                        break;
                    if (table[slot] == 0) {
                        table[slot] = h;
                        ++distinct;
                        break;
                    }
                }
            }
            b = Bucket();
        }
        return distinct + (zero ? 1 : 0);
    }

private:
    static constexpr size_t kBlock = 2048;
    struct Bucket {
        std::vector<std::unique_ptr<std::uint64_t[]>> blocks;
        size_t count = 0;
    };
    std::array<Bucket, 256> m_buckets;
};

// Everything the dashboard shows, summed over the rows of one SELECT.
class Pass
{
public:
    explicit Pass(const InstallBaseFilter &f) : m_asOf(f.day()), m_reconstructed(f.isPast())
    {
        const QDate asOf = m_asOf;
        m_today = dateToSql(asOf).toStdString();
        m_window = dateToSql(asOf.addDays(InstallBaseStats::kExpiringWindowDays)).toStdString();
        m_d90 = dateToSql(asOf.addDays(-90)).toStdString();
        m_d30 = dateToSql(asOf.addDays(-30)).toStdString();
        m_thisMonth = monthOf(asOf);
        m_firstMonth = m_thisMonth - 23;
        m_expEnd = dateToSql(QDate(asOf.year(), asOf.month(), 1).addMonths(12).addDays(-1)).toStdString();
        auto packed = [](const QDate &d) { return std::int32_t(d.year() * 10000 + d.month() * 100 + d.day()); };
        m_todayDay = packed(asOf);
        m_windowDay = packed(asOf.addDays(InstallBaseStats::kExpiringWindowDays));
        m_d90Day = packed(asOf.addDays(-90));
        m_d30Day = packed(asOf.addDays(-30));
        m_expEndDay = packed(QDate(asOf.year(), asOf.month(), 1).addMonths(12).addDays(-1));
    }

    // The licenses of the filter a chunk of the image holds: the same sums as add() gives them
    // row by row (its comments say what each means), on days packed as yyyymmdd (which order as
    // their ISO text does) and dictionary entries counted per chunk.
    void addChunk(const LicenseImage::Chunk &c, const struct ImageFilter &f);

    void add(const PassRow &r)
    {
        InstallBaseStats &s = m.stats;
        ++s.licenses;
        const bool uninstalled = r.status == "Uninstalled";
        const bool active = r.status == "Active";
        const bool trial = r.status == "Trial";
        const Status st = active ? Status::Active : trial ? Status::Trial : uninstalled ? Status::Uninstalled : Status::Suspended;
        ++byStatus[size_t(st)];
        // lmo::effectiveStatus, on ISO text: an Active or Trial license past its expiration.
        const bool expired = (active || trial) && !r.expirationNull && r.expiration < m_today;
        const EffectiveStatus effective = expired       ? EffectiveStatus::Expired
                                          : active      ? EffectiveStatus::Active
                                          : trial       ? EffectiveStatus::Trial
                                          : uninstalled ? EffectiveStatus::Uninstalled
                                                        : EffectiveStatus::Suspended;
        ++byEffective[size_t(effective)];
        if (r.sandbox)
            ++s.sandboxLicenses;
        if (r.seats == -1)
            ++s.siteLicenses;
        if (r.expirationNull)
            ++s.perpetualLicenses;
        if (r.seats != -1 && !uninstalled)
            s.seatsLicensed += r.seats;
        if (!uninstalled)
            s.seatsUsed += r.used;
        if ((active || trial) && !r.expirationNull && r.expiration >= m_today && r.expiration <= m_window)
            ++s.expiringWithin30Days;
        m_orgs.push(LicenseImage::orgHash(r.orgId));
        m_packages.insert(r.packageRef);

        // The KPIs beyond the summary.
        const bool recent = r.installDate > m_d90 && r.installDate <= m_today;
        if (recent && (active || trial))
            ++m.recentInstalls90;
        if (recent && active)
            ++m.recentConverted90;
        // From the audit log, else the license's last change (InstallBaseFilter::sourceSql; today
        // the source gives the last change and the audit log's days are looked up here).
        std::string_view uninstallDay = r.uninstallDay;
        if (uninstalled && m_uninstallDays)
            if (const char *day = findUninstallDay(m_uninstallDays, r.id))
                uninstallDay = std::string_view(day, 10);
        if (r.asOfUnknown)
            ++s.asOfUnknown;
        if (r.asOfChanged)
            ++s.asOfChanged;
        if (uninstalled && uninstallDay > m_d30 && uninstallDay <= m_today)
            ++m.uninstalls30;
        const int installMonth = r.installDate <= m_today ? monthOf(r.installDate) : -1;
        const int uninstallMonth = uninstalled && uninstallDay <= m_today ? monthOf(uninstallDay) : -1;
        addMonthsAndSeats(installMonth, uninstallMonth, uninstalled, r.seats, r.used);
        if ((active || trial) && !r.expirationNull && r.expiration >= m_today && r.expiration <= m_expEnd) {
            const int month = monthOf(r.expiration) - m_thisMonth;
            if (month >= 0 && month < 12)
                ++expirations[size_t(month)];
        }
        if (!uninstalled) {
            count(editions, r.edition);
            count(instances, r.instance);
            m_versionKey.assign(reinterpret_cast<const char *>(&r.packageRef), sizeof r.packageRef);
            m_versionKey.append(r.version);
            count(versionCounts, m_versionKey);
        }
    }

    // The months of an install and an uninstall (a month number, or -1) and the seats of one
    // license, added to the net growth, the months chart and the seat figures.
    void addMonthsAndSeats(int installMonth, int uninstallMonth, bool uninstalled, qint64 seats, qint64 used)
    {
        if (installMonth == m_thisMonth)
            ++m.netThisMonth;
        if (uninstallMonth == m_thisMonth)
            --m.netThisMonth;
        if (installMonth == m_thisMonth - 1)
            ++m.netLastMonth;
        if (uninstallMonth == m_thisMonth - 1)
            --m.netLastMonth;
        if (installMonth >= m_firstMonth && installMonth <= m_thisMonth)
            ++installs[size_t(installMonth - m_firstMonth)];
        if (uninstallMonth >= m_firstMonth && uninstallMonth <= m_thisMonth)
            ++uninstalls[size_t(uninstallMonth - m_firstMonth)];
        if (!uninstalled && seats != -1) {
            m.utilisationUsed += used;
            m.utilisationLicensed += seats;
            // Buckets by whole percent, without division: as 25, 50, 75, 100 of the seats.
            const int bucket = used <= 0                  ? 0
                               : used * 100 <= seats * 25 ? 1
                               : used * 100 <= seats * 50 ? 2
                               : used * 100 <= seats * 75 ? 3
                               : used <= seats            ? 4
                                                          : 5;
            ++seatBuckets[size_t(bucket)];
        }
    }

    // Counts by a text key, without making a string per row (the keys repeat).
    struct Hash
    {
        using is_transparent = void;
        size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
    };
    using Counts = std::unordered_map<std::string, qint64, Hash, std::equal_to<>>;
    static void count(Counts &counts, std::string_view key)
    {
        auto it = counts.find(key);
        if (it == counts.end())
            it = counts.emplace(std::string(key), 0).first;
        ++it->second;
    }

    // Adds another pass's sums (over other rows of the same filter) to this one.
    void merge(Pass &o)
    {
        InstallBaseStats &s = m.stats;
        const InstallBaseStats &t = o.m.stats;
        s.licenses += t.licenses;
        s.sandboxLicenses += t.sandboxLicenses;
        s.siteLicenses += t.siteLicenses;
        s.perpetualLicenses += t.perpetualLicenses;
        s.seatsLicensed += t.seatsLicensed;
        s.seatsUsed += t.seatsUsed;
        s.expiringWithin30Days += t.expiringWithin30Days;
        s.asOfUnknown += t.asOfUnknown;
        s.asOfChanged += t.asOfChanged;
        m.recentInstalls90 += o.m.recentInstalls90;
        m.recentConverted90 += o.m.recentConverted90;
        m.uninstalls30 += o.m.uninstalls30;
        m.netThisMonth += o.m.netThisMonth;
        m.netLastMonth += o.m.netLastMonth;
        m.utilisationUsed += o.m.utilisationUsed;
        m.utilisationLicensed += o.m.utilisationLicensed;
        auto add = [](auto &a, const auto &b) {
            for (size_t i = 0; i < a.size(); ++i)
                a[i] += b[i];
        };
        add(byStatus, o.byStatus);
        add(byEffective, o.byEffective);
        add(installs, o.installs);
        add(uninstalls, o.uninstalls);
        add(seatBuckets, o.seatBuckets);
        add(expirations, o.expirations);
        for (const auto &[k, v] : o.editions)
            editions[k] += v;
        for (const auto &[k, v] : o.instances)
            instances[k] += v;
        for (const auto &[k, v] : o.versionCounts)
            versionCounts[k] += v;
        m_orgs.take(o.m_orgs);
        m_packages.insert(o.m_packages.begin(), o.m_packages.end());
    }

    DashboardMetrics finish()
    {
        for (const auto &[key, n] : versionCounts) {
            qint64 package = 0;
            memcpy(&package, key.data(), sizeof package);
            versions[{package, key.substr(sizeof package)}] += n;
        }
        for (Status st : kAllStatuses)
            m.stats.byStatus[st] = byStatus[size_t(st)];
        for (EffectiveStatus e : kAllEffectiveStatuses)
            m.stats.byEffectiveStatus[e] = byEffective[size_t(e)];
        m.stats.subscriberOrgs = m_orgCount ? *m_orgCount : m_orgs.countDistinct();
        m.stats.packages = m_packageCount ? *m_packageCount : qint64(m_packages.size());
        m.stats.asOf = m_asOf;
        m.stats.reconstructed = m_reconstructed;
        return m;
    }

    DashboardMetrics m;
    std::array<qint64, 4> byStatus{};
    std::array<qint64, 5> byEffective{}; // by EffectiveStatus
    std::array<qint64, 24> installs{};
    std::array<qint64, 24> uninstalls{};
    std::array<qint64, 6> seatBuckets{};
    std::array<qint64, 12> expirations{};
    Counts editions, instances, versionCounts;
    std::map<std::pair<qint64, std::string>, qint64> versions;
    QDate m_asOf;
    bool m_reconstructed = false;
    const struct UninstallDays *m_uninstallDays = nullptr; // today only
    int m_thisMonth = 0;
    int m_firstMonth = 0;
    // Counted by the database (aggregatePass) instead of from the rows.
    std::optional<qint64> m_orgCount, m_packageCount;

private:
    static int monthOfDay(std::int32_t day) { return day == LicenseImage::kNoDay ? -1 : (day / 10000) * 12 + (day / 100) % 100 - 1; }
    std::int32_t m_todayDay = 0, m_windowDay = 0, m_d90Day = 0, m_d30Day = 0, m_expEndDay = 0;
    std::vector<qint64> m_chunkEditions, m_chunkInstances, m_chunkVersions;
    std::vector<std::uint8_t> m_chunkVersionSeen, m_chunkOrgSeen, m_chunkVersionPasses, m_chunkLmoPasses;
    std::string m_today, m_window, m_d90, m_d30, m_expEnd;
    std::string m_versionKey;
    OrgHashes m_orgs; // LicenseImage::orgHash of each license's org (repeats and all)
    std::set<qint64> m_packages;
};

void Pass::addChunk(const LicenseImage::Chunk &c, const ImageFilter &f)
{
    using namespace LicenseImage;
    InstallBaseStats &s = m.stats;
    m_chunkEditions.assign(c.editions.size(), 0);
    m_chunkInstances.assign(c.instances.size(), 0);
    m_chunkVersions.assign(c.versions.size(), 0);
    m_chunkVersionSeen.assign(c.versions.size(), 0);
    m_chunkOrgSeen.assign(c.orgs.size(), 0);
    // The package and LMO filters, decided once per dictionary entry.
    m_chunkVersionPasses.assign(c.versions.size(), 1);
    if (f.byPackage)
        for (size_t v = 0; v < c.versions.size(); ++v)
            m_chunkVersionPasses[v] = std::binary_search(f.packageRefs.begin(), f.packageRefs.end(), c.versionPackages[v]);
    m_chunkLmoPasses.assign(c.lmos.size(), 1);
    if (f.lmo)
        for (size_t l = 0; l < c.lmos.size(); ++l)
            m_chunkLmoPasses[l] = c.lmos[l] != kNoLmo && c.lmos[l] == *f.lmo;
    const bool byInstall = f.from != kNoDay || f.to != kNoDay;
    std::array<qint64, 4> statusCounts{};
    std::array<qint64, 5> effectiveCounts{};
    for (std::uint32_t i = 0; i < c.rows; ++i) {
        const std::uint8_t flags = c.flags[i];
        if (f.noSandboxes && (flags & Flag::Sandbox))
            continue;
        const std::uint16_t version = c.version[i];
        if (!m_chunkVersionPasses[version] || !m_chunkLmoPasses[c.lmo[i]])
            continue;
        const std::int32_t install = c.install[i];
        if (byInstall
            && (install == kNoDay || (f.from != kNoDay && install < f.from) || (f.to != kNoDay && install > f.to)))
            continue;
        ++s.licenses;
        const std::uint8_t code = flags & Flag::StatusMask;
        const bool active = code == StatusCode::Active;
        const bool trial = code == StatusCode::Trial;
        const bool uninstalled = code == StatusCode::Uninstalled;
        const Status st = active ? Status::Active : trial ? Status::Trial : uninstalled ? Status::Uninstalled : Status::Suspended;
        ++statusCounts[size_t(st)];
        const bool hasExpiration = !(flags & Flag::NoExpiration);
        const std::int32_t expiration = c.expiration[i];
        const bool expired = (active || trial) && hasExpiration && expiration < m_todayDay;
        const EffectiveStatus effective = expired       ? EffectiveStatus::Expired
                                          : active      ? EffectiveStatus::Active
                                          : trial       ? EffectiveStatus::Trial
                                          : uninstalled ? EffectiveStatus::Uninstalled
                                                        : EffectiveStatus::Suspended;
        ++effectiveCounts[size_t(effective)];
        const qint64 seats = c.seats[i], used = c.used[i];
        if (flags & Flag::Sandbox)
            ++s.sandboxLicenses;
        if (seats == -1)
            ++s.siteLicenses;
        if (!hasExpiration)
            ++s.perpetualLicenses;
        if (seats != -1 && !uninstalled)
            s.seatsLicensed += seats;
        if (!uninstalled)
            s.seatsUsed += used;
        if ((active || trial) && hasExpiration && expiration >= m_todayDay && expiration <= m_windowDay)
            ++s.expiringWithin30Days;
        m_chunkOrgSeen[c.org[i]] = 1;
        m_chunkVersionSeen[version] = 1;

        const bool recent = install != kNoDay && install > m_d90Day && install <= m_todayDay;
        if (recent && (active || trial))
            ++m.recentInstalls90;
        if (recent && active)
            ++m.recentConverted90;
        const std::int32_t uninstallDay = c.uninstall[i];
        if (uninstalled && uninstallDay != kNoDay && uninstallDay > m_d30Day && uninstallDay <= m_todayDay)
            ++m.uninstalls30;
        const int installMonth = install <= m_todayDay ? monthOfDay(install) : -1;
        const int uninstallMonth = uninstalled && uninstallDay <= m_todayDay ? monthOfDay(uninstallDay) : -1;
        addMonthsAndSeats(installMonth, uninstallMonth, uninstalled, seats, used);
        if ((active || trial) && hasExpiration && expiration >= m_todayDay && expiration <= m_expEndDay) {
            const int month = monthOfDay(expiration) - m_thisMonth;
            if (month >= 0 && month < 12)
                ++expirations[size_t(month)];
        }
        if (!uninstalled) {
            ++m_chunkEditions[c.edition[i]];
            ++m_chunkInstances[c.instance[i]];
            ++m_chunkVersions[version];
        }
    }
    for (size_t i = 0; i < 4; ++i)
        byStatus[i] += statusCounts[i];
    for (size_t i = 0; i < 5; ++i)
        byEffective[i] += effectiveCounts[i];
    auto merge = [](Counts &into, const std::vector<std::string_view> &keys, const std::vector<qint64> &counts) {
        for (size_t k = 0; k < keys.size(); ++k) {
            if (!counts[k])
                continue;
            auto it = into.find(keys[k]);
            if (it == into.end())
                it = into.emplace(std::string(keys[k]), 0).first;
            it->second += counts[k];
        }
    };
    merge(editions, c.editions, m_chunkEditions);
    merge(instances, c.instances, m_chunkInstances);
    for (size_t v = 0; v < c.versions.size(); ++v) {
        if (m_chunkVersionSeen[v])
            m_packages.insert(c.versionPackages[v]);
        if (!m_chunkVersions[v])
            continue;
        m_versionKey.assign(reinterpret_cast<const char *>(&c.versionPackages[v]), sizeof(qint64));
        m_versionKey.append(c.versions[v]);
        auto it = versionCounts.find(m_versionKey);
        if (it == versionCounts.end())
            it = versionCounts.emplace(m_versionKey, 0).first;
        it->second += m_chunkVersions[v];
    }
    for (size_t o = 0; o < c.orgs.size(); ++o)
        if (m_chunkOrgSeen[o])
            m_orgs.push(c.orgs[o]);
}

const char *const kPassColumns = "l.status, l.expiration, l.install_date, l.uninstall_day, l.seats, l.used_licenses, "
                                 "l.is_sandbox, l.org_edition, l.org_instance, l.version_number, l.package_ref, l.org_id, "
                                 "l.as_of_unknown, l.as_of_changed, l.id";

// Steps a prepared pass statement to its end, adding each row.
Result<void> stepPass(FastCursor &cursor, Pass &pass)
{
    PassRow r;
    while (cursor.next()) {
        r.status = cursor.utf8(0);
        r.expirationNull = cursor.isNull(1);
        r.expiration = cursor.utf8(1);
        r.installDate = cursor.utf8(2);
        r.uninstallDay = cursor.utf8(3);
        r.seats = cursor.integer(4);
        r.used = cursor.integer(5);
        r.sandbox = cursor.integer(6) != 0;
        r.edition = cursor.utf8(7);
        r.instance = cursor.utf8(8);
        r.version = cursor.utf8(9);
        r.packageRef = cursor.integer(10);
        r.orgId = cursor.utf8(11);
        r.asOfUnknown = cursor.integer(12) != 0;
        r.asOfChanged = cursor.integer(13) != 0;
        r.id = cursor.integer(14);
        pass.add(r);
    }
    if (auto e = cursor.error(); !e)
        return storageError(e.error(), QStringLiteral("computing the dashboard"));
    return {};
}

// The pass's statement over the rows with lo < id <= hi; nullptr when the backend has no fast
// read (or, on ReadOn::Second, no second connection to give).
Result<std::unique_ptr<FastCursor>> passCursor(QSqlDatabase db, StorageBackend::ReadOn on, const QString &where,
                                               const InstallBaseFilter &f)
{
    const QByteArray sql = QStringLiteral("SELECT %1 FROM %2 l WHERE %3 AND l.id > :lo AND l.id <= :hi")
                               .arg(QLatin1String(kPassColumns), f.sourceSql(), where)
                               .toUtf8();
    auto cursor = StorageBackend::of(db).prepareCursor(db, sql, on);
    if (!cursor)
        return storageError(cursor.error(), QStringLiteral("computing the dashboard"));
    return cursor;
}

// The filter's values, bound by reference: alive as long as the cursor they are bound to.
struct PassBinds
{
    explicit PassBinds(const InstallBaseFilter &f)
        : package(f.package.toUtf8()), from(dateToSql(f.installedFrom).toUtf8()), to(dateToSql(f.installedTo).toUtf8()),
          nextDay(f.isPast() ? dateToSql(f.asOf.addDays(1)).toUtf8() : QByteArray()), filter(f)
    {
    }
    void bind(FastCursor &cursor, qint64 lo, qint64 hi) const
    {
        cursor.bindUtf8(":f_package", package);
        cursor.bindUtf8(":f_from", from);
        cursor.bindUtf8(":f_to", to);
        if (filter.isPast())
            cursor.bindUtf8(":f_next_day", nextDay);
        if (filter.lmo)
            cursor.bindInteger(":f_lmo", *filter.lmo);
        cursor.bindInteger(":lo", lo);
        cursor.bindInteger(":hi", hi);
    }
    QByteArray package, from, to, nextDay;
    const InstallBaseFilter &filter;
};

// Reads the pass through the backend's fast read (SQLite's own API: no QVariant per value),
// the table split in two by row id and read on two threads (the second through its own
// read-only connection to the same file). A server sums instead (aggregatePass).
Result<void> runPass(QSqlDatabase db, const InstallBaseFilter &f, Pass &pass)
{
    const QString where = f.whereSql(QStringLiteral("l"));
    auto mine = passCursor(db, StorageBackend::ReadOn::Same, where, f);
    if (!mine)
        return mine.error();
    if (!mine.value())
        return Error::make(Error::Code::Sql, QStringLiteral("The row-by-row dashboard pass needs a backend with a fast "
                                                            "read (an SQLite file)."));
    QSqlQuery range(db);
    if (!range.exec(QStringLiteral("SELECT COALESCE((SELECT MIN(id) FROM licenses), 0), COALESCE((SELECT MAX(id) FROM licenses), 0)")) || !range.next())
        return sqlError(range.lastError(), QStringLiteral("computing the dashboard"));
    const qint64 lo = range.value(0).toLongLong() - 1;
    const qint64 hi = range.value(1).toLongLong();
    range.finish();
    const qint64 mid = lo + (hi - lo) / 2;
    const PassBinds binds(f);
    // The second half on a second connection, where there can be one (not in memory).
    std::unique_ptr<FastCursor> second;
    if (hi - lo > 100000) {
        auto opened = passCursor(db, StorageBackend::ReadOn::Second, where, f);
        if (!opened)
            return opened.error();
        second = std::move(opened.value());
    }
    if (!second) {
        binds.bind(*mine.value(), lo, hi);
        return stepPass(*mine.value(), pass);
    }
    binds.bind(*mine.value(), lo, mid);
    binds.bind(*second, mid, hi);
    Pass other(f);
    other.m_uninstallDays = pass.m_uninstallDays;
    Result<void> otherResult;
    std::thread worker([&] { otherResult = stepPass(*second, other); });
    Result<void> result = stepPass(*mine.value(), pass);
    worker.join();
    second.reset();
    if (!result)
        return result;
    if (!otherResult)
        return otherResult;
    pass.merge(other);
    return {};
}

// The filter as the image's pass applies it.
Result<ImageFilter> imageFilterOf(QSqlDatabase db, const InstallBaseFilter &f)
{
    ImageFilter image;
    if (!f.package.isEmpty()) {
        image.byPackage = true;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id FROM packages WHERE name = ?"));
        q.addBindValue(f.package);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("computing the dashboard"));
        while (q.next())
            image.packageRefs.push_back(q.value(0).toLongLong());
        std::sort(image.packageRefs.begin(), image.packageRefs.end());
    }
    auto packed = [](const QDate &d) {
        return d.isValid() ? std::int32_t(d.year() * 10000 + d.month() * 100 + d.day()) : LicenseImage::kNoDay;
    };
    image.from = packed(f.installedFrom);
    image.to = packed(f.installedTo);
    image.noSandboxes = !f.includeSandboxes;
    image.lmo = f.lmo;
    return image;
}

// The pass over the image of the licenses (storage/licenseimage.h) instead of the table: today's
// figures on an SQLite file. A chunk the image cannot hold is read from the table by the row
// pass, over its row ids only.
Result<LicenseImage::ReadStats> runImagePass(QSqlDatabase db, const InstallBaseFilter &f, Pass &pass, UninstallDays &uninstallDays)
{
    auto filtered = imageFilterOf(db, f);
    if (!filtered)
        return filtered.error();
    const ImageFilter image = filtered.value();
    const QString where = f.whereSql(QStringLiteral("l"));
    const PassBinds binds(f);
    bool daysRead = false;
    Pass other(f);
    auto read = LicenseImage::read(
        db, [&](const LicenseImage::Chunk &c) { pass.addChunk(c, image); },
        [&](qint64 lo, qint64 hi) -> Result<void> {
            if (!daysRead) {
                if (auto r = readUninstallDays(db, uninstallDays); !r)
                    return r;
                pass.m_uninstallDays = &uninstallDays;
                daysRead = true;
            }
            auto cursor = passCursor(db, StorageBackend::ReadOn::Same, where, f);
            if (!cursor)
                return cursor.error();
            binds.bind(*cursor.value(), lo, hi);
            return stepPass(*cursor.value(), pass);
        },
        {}, [&](const LicenseImage::Chunk &c) { other.addChunk(c, image); });
    if (read)
        pass.merge(other);
    return read;
}

// Literal ISO dates in the aggregate SQL: they are made here from QDates (digits and dashes
// only), and a hundred binds would only spell the same. An untyped literal compares as a DATE
// with a DATE column on PostgreSQL, and as text with text (SQLite, or the as-of rebuilt
// expiration): both in ISO order.
QString dayLiteral(const QDate &d)
{
    return QLatin1Char('\'') + dateToSql(d) + QLatin1Char('\'');
}

// Runs one aggregate query of the dashboard, read whole (a few hundred numbers at most), and
// records how long it took and what it was.
Result<QSqlQuery> runAggregate(QSqlDatabase db, const InstallBaseFilter &f, const QString &name, const QString &sql,
                               std::vector<DashboardMetrics::QueryTiming> &timings)
{
    QElapsedTimer timer;
    timer.start();
    QSqlQuery q(db);
    if (!q.prepare(sql))
        return sqlError(q.lastError(), QStringLiteral("computing the dashboard (%1)").arg(name));
    f.bind(q);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("computing the dashboard (%1)").arg(name));
    QList<QPair<QString, QVariant>> binds;
    const QVariantMap bound = [&] {
        QVariantMap out;
        const QStringList names = {QStringLiteral(":f_package"), QStringLiteral(":f_from"), QStringLiteral(":f_to"),
                                   QStringLiteral(":f_lmo"), QStringLiteral(":f_next_day")};
        for (const QString &n : names)
            if (sql.contains(n))
                out.insert(n, q.boundValue(n));
        return out;
    }();
    for (auto it = bound.begin(); it != bound.end(); ++it)
        binds.append({it.key(), it.value()});
    timings.push_back({name, sql, binds, timer.nsecsElapsed() / 1e6});
    return q;
}

// The pass's sums, each as an aggregate over `FROM source l WHERE filter`: the same rules as
// Pass::add, spelled in SQL (see there for what each figure means).
Result<void> aggregatePass(QSqlDatabase db, const InstallBaseFilter &f, Pass &pass, std::vector<DashboardMetrics::QueryTiming> &timings)
{
    const QDate asOf = f.day();
    const QString today = dayLiteral(asOf);
    const QString window = dayLiteral(asOf.addDays(InstallBaseStats::kExpiringWindowDays));
    const QString d90 = dayLiteral(asOf.addDays(-90));
    const QString d30 = dayLiteral(asOf.addDays(-30));
    const QDate thisMonth = monthStart(asOf);
    const QDate expEnd = thisMonth.addMonths(12).addDays(-1);
    // Today the audit log's day of the uninstall beats the license's last change.
    const QString from = f.isPast() ? QStringLiteral("%1 l").arg(f.sourceSql())
                                    : QStringLiteral("%1 l LEFT JOIN (%2) ud ON ud.record_ref = l.id").arg(f.sourceSql(), auditUninstallDaysSql());
    // The counts by edition, instance, version, org and package need no uninstall day.
    const QString plainFrom = QStringLiteral("%1 l").arg(f.sourceSql());
    const QString uday = f.isPast() ? QStringLiteral("l.uninstall_day") : QStringLiteral("COALESCE(ud.day, l.uninstall_day)");
    const QString where = f.whereSql(QStringLiteral("l"));
    const QString uninstalled = QStringLiteral("l.status = 'Uninstalled'");
    const QString installed = QStringLiteral("COALESCE(l.status, '') <> 'Uninstalled'");
    const QString activeOrTrial = QStringLiteral("l.status IN ('Active', 'Trial')");
    const QString expired = QStringLiteral("(%1 AND l.expiration IS NOT NULL AND l.expiration < %2)").arg(activeOrTrial, today);
    const QString seats = QStringLiteral("COALESCE(l.seats, 0)");
    const QString used = QStringLiteral("COALESCE(l.used_licenses, 0)");
    auto sum = [](const QString &condition) { return QStringLiteral("SUM(CASE WHEN %1 THEN 1 ELSE 0 END)").arg(condition); };

    QStringList cols;
    cols << QStringLiteral("COUNT(*)") << sum(QStringLiteral("l.status = 'Active'")) << sum(QStringLiteral("l.status = 'Trial'"))
         << sum(uninstalled) << sum(QStringLiteral("l.status = 'Active' AND ") + expired)
         << sum(QStringLiteral("l.is_sandbox <> 0")) << sum(QStringLiteral("l.seats = -1")) << sum(QStringLiteral("l.expiration IS NULL"))
         << QStringLiteral("SUM(CASE WHEN %1 <> -1 AND %2 THEN %1 ELSE 0 END)").arg(seats, installed)
         << QStringLiteral("SUM(CASE WHEN %1 THEN %2 ELSE 0 END)").arg(installed, used)
         << sum(QStringLiteral("%1 AND l.expiration IS NOT NULL AND l.expiration >= %2 AND l.expiration <= %3").arg(activeOrTrial, today, window))
         << QStringLiteral("SUM(l.as_of_unknown)") << QStringLiteral("SUM(l.as_of_changed)")
         << sum(QStringLiteral("%1 AND l.install_date > %2 AND l.install_date <= %3").arg(activeOrTrial, d90, today))
         << sum(QStringLiteral("l.status = 'Active' AND l.install_date > %1 AND l.install_date <= %2").arg(d90, today))
         << sum(QStringLiteral("%1 AND %2 > %3 AND %2 <= %4").arg(uninstalled, uday, d30, today))
         << QStringLiteral("SUM(CASE WHEN %1 <> -1 AND %2 THEN %3 ELSE 0 END)").arg(seats, installed, used)
         << QStringLiteral("SUM(CASE WHEN %1 <> -1 AND %2 THEN %1 ELSE 0 END)").arg(seats, installed)
         << sum(QStringLiteral("l.status = 'Trial' AND ") + expired);
    const int monthsAt = int(cols.size());
    for (int i = 0; i < 24; ++i) {
        const QDate lo = thisMonth.addMonths(i - 23);
        const QDate hi = std::min(lo.addMonths(1).addDays(-1), asOf);
        cols << sum(QStringLiteral("l.install_date >= %1 AND l.install_date <= %2").arg(dayLiteral(lo), dayLiteral(hi)))
             << sum(QStringLiteral("%1 AND %2 >= %3 AND %2 <= %4").arg(uninstalled, uday, dayLiteral(lo), dayLiteral(hi)));
    }
    const int bucketsAt = int(cols.size());
    const QString bucket = QStringLiteral("(CASE WHEN %1 <= 0 THEN 0 WHEN %1 * 100 <= %2 * 25 THEN 1 WHEN %1 * 100 <= %2 * 50 THEN 2 "
                                          "WHEN %1 * 100 <= %2 * 75 THEN 3 WHEN %1 <= %2 THEN 4 ELSE 5 END)")
                               .arg(used, seats);
    for (int b = 0; b < 6; ++b)
        cols << sum(QStringLiteral("%1 AND %2 <> -1 AND %3 = %4").arg(installed, seats, bucket).arg(b));
    const int expirationsAt = int(cols.size());
    for (int i = 0; i < 12; ++i) {
        const QDate lo = std::max(thisMonth.addMonths(i), asOf);
        const QDate hi = std::min(thisMonth.addMonths(i + 1).addDays(-1), expEnd);
        cols << sum(QStringLiteral("%1 AND l.expiration IS NOT NULL AND l.expiration >= %2 AND l.expiration <= %3")
                        .arg(activeOrTrial, dayLiteral(lo), dayLiteral(hi)));
    }
    auto main = runAggregate(db, f, QStringLiteral("the figures, summed"),
                             QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(cols.join(QStringLiteral(", ")), from, where), timings);
    if (!main)
        return main.error();
    QSqlQuery &q = main.value();
    if (!q.next())
        return sqlError(q.lastError(), QStringLiteral("computing the dashboard"));
    auto n = [&](int c) { return q.value(c).toLongLong(); };
    InstallBaseStats &st = pass.m.stats;
    st.licenses = n(0);
    const qint64 active = n(1), trial = n(2), uninst = n(3), expiredActive = n(4), expiredTrial = n(18);
    pass.byStatus[size_t(Status::Active)] = active;
    pass.byStatus[size_t(Status::Trial)] = trial;
    pass.byStatus[size_t(Status::Uninstalled)] = uninst;
    pass.byStatus[size_t(Status::Suspended)] = st.licenses - active - trial - uninst;
    st.sandboxLicenses = n(5);
    st.siteLicenses = n(6);
    st.perpetualLicenses = n(7);
    st.seatsLicensed = n(8);
    st.seatsUsed = n(9);
    st.expiringWithin30Days = n(10);
    st.asOfUnknown = n(11);
    st.asOfChanged = n(12);
    pass.m.recentInstalls90 = n(13);
    pass.m.recentConverted90 = n(14);
    pass.m.uninstalls30 = n(15);
    pass.m.utilisationUsed = n(16);
    pass.m.utilisationLicensed = n(17);
    for (int i = 0; i < 24; ++i) {
        pass.installs[size_t(i)] = n(monthsAt + 2 * i);
        pass.uninstalls[size_t(i)] = n(monthsAt + 2 * i + 1);
    }
    pass.m.netThisMonth = pass.installs[23] - pass.uninstalls[23];
    pass.m.netLastMonth = pass.installs[22] - pass.uninstalls[22];
    for (int b = 0; b < 6; ++b)
        pass.seatBuckets[size_t(b)] = n(bucketsAt + b);
    for (int i = 0; i < 12; ++i)
        pass.expirations[size_t(i)] = n(expirationsAt + i);
    q.finish();

    // Grouped counts: editions, instances, versions, and the distinct orgs and packages.
    auto grouped = [&](const QString &name, const QString &keys, auto &&row) -> Result<void> {
        auto r = runAggregate(db, f, name,
                              QStringLiteral("SELECT %1, COUNT(*) FROM %2 WHERE %3 AND %4 GROUP BY %1").arg(keys, plainFrom, where, installed),
                              timings);
        if (!r)
            return r.error();
        while (r.value().next())
            row(r.value());
        return {};
    };
    auto text = [](const QVariant &v) { return v.toString().toStdString(); };
    if (auto r = grouped(QStringLiteral("editions"), QStringLiteral("l.org_edition"),
                         [&](QSqlQuery &g) { pass.editions[text(g.value(0))] += g.value(1).toLongLong(); });
        !r)
        return r;
    if (auto r = grouped(QStringLiteral("instances"), QStringLiteral("l.org_instance"),
                         [&](QSqlQuery &g) { pass.instances[text(g.value(0))] += g.value(1).toLongLong(); });
        !r)
        return r;
    if (auto r = grouped(QStringLiteral("versions"), QStringLiteral("l.package_ref, l.version_number"),
                         [&](QSqlQuery &g) {
                             const qint64 package = g.value(0).toLongLong();
                             std::string key(reinterpret_cast<const char *>(&package), sizeof package);
                             key += text(g.value(1));
                             pass.versionCounts[key] += g.value(2).toLongLong();
                         });
        !r)
        return r;
    pass.byEffective[size_t(EffectiveStatus::Expired)] = expiredActive + expiredTrial;
    pass.byEffective[size_t(EffectiveStatus::Active)] = active - expiredActive;
    pass.byEffective[size_t(EffectiveStatus::Trial)] = trial - expiredTrial;
    pass.byEffective[size_t(EffectiveStatus::Uninstalled)] = uninst;
    pass.byEffective[size_t(EffectiveStatus::Suspended)] = pass.byStatus[size_t(Status::Suspended)];

    auto distinct = [&](const QString &name, const QString &key) -> Result<qint64> {
        auto r = runAggregate(db, f, name,
                              QStringLiteral("SELECT COUNT(*) FROM (SELECT %1 FROM %2 WHERE %3 GROUP BY %1) g").arg(key, plainFrom, where), timings);
        if (!r)
            return r.error();
        if (!r.value().next())
            return sqlError(r.value().lastError(), QStringLiteral("computing the dashboard"));
        return r.value().value(0).toLongLong();
    };
    auto orgs = distinct(QStringLiteral("subscriber orgs"), QStringLiteral("l.org_id"));
    if (!orgs)
        return orgs.error();
    auto packages = distinct(QStringLiteral("packages"), QStringLiteral("l.package_ref"));
    if (!packages)
        return packages.error();
    pass.m_orgCount = orgs.value();
    pass.m_packageCount = packages.value();
    return {};
}

ChartData chartHead(ChartId id, ChartData::Kind kind, const QString &title, const QString &categoryAxis, const QString &note)
{
    ChartData c;
    c.id = id;
    c.kind = kind;
    c.title = title;
    c.categoryAxis = categoryAxis;
    c.valueAxis = QStringLiteral("Licenses");
    c.note = note;
    return c;
}

} // namespace

QString dashboardScope(const InstallBaseFilter &filter)
{
    const QString filters = filter.describe();
    return QStringLiteral("As of %1; %2")
        .arg(filter.day().toString(Qt::ISODate), filters.isEmpty() ? QStringLiteral("all licenses, sandboxes included") : filters);
}

namespace {

// How the figures are summed: by the server's SQL, on this machine from a file, or (a team
// database) from this client's image of the licenses it may read, else by the server.
enum class Summing { Sql, Local, Shared };

Result<DashboardMetrics> buildDashboard(QSqlDatabase db, const InstallBaseFilter &filter, Summing summing)
{
    QElapsedTimer timer;
    timer.start();
    Pass pass(filter);
    UninstallDays uninstallDays;
    std::vector<DashboardMetrics::QueryTiming> sqlTimings;
    std::optional<LicenseImage::ReadStats> imageStats;
    bool inSql = summing == Summing::Sql;
    if (summing == Summing::Shared) {
        // Today's figures from this client's image; the server sums whatever it cannot hold.
        if (!filter.isPast()) {
            auto image = imageFilterOf(db, filter);
            if (!image)
                return image.error();
            auto r = LicenseImage::readShared(db, [&](const LicenseImage::Chunk &c) { pass.addChunk(c, image.value()); });
            if (!r)
                return r.error();
            imageStats = r.value();
        }
        inSql = !imageStats;
    }
    if (inSql) {
        if (auto r = aggregatePass(db, filter, pass, sqlTimings); !r)
            return r.error();
    } else if (summing == Summing::Local && !filter.isPast() && LicenseImage::supported(Dialect::forDriver(db.driverName()))) {
        auto r = runImagePass(db, filter, pass, uninstallDays);
        if (!r)
            return r.error();
        imageStats = r.value();
    } else if (summing == Summing::Local) {
        if (!filter.isPast()) {
            if (auto r = readUninstallDays(db, uninstallDays); !r)
                return r.error();
            pass.m_uninstallDays = &uninstallDays;
        }
        if (auto r = runPass(db, filter, pass); !r)
            return r.error();
    }
    DashboardMetrics m = pass.finish();
    m.filter = filter;
    auto undated = countUndatedLicenses(db, filter);
    if (!undated)
        return undated.error();
    m.stats.asOfUndated = undated.value();
    const double passMs = timer.nsecsElapsed() / 1e6;
    const QDate asOf = filter.day();
    const QDate thisMonth = monthStart(asOf);
    auto toQString = [](const std::string &s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); };

    QHash<qint64, QString> packageNames;
    {
        QSqlQuery p(db);
        if (!p.exec(QStringLiteral("SELECT id, name FROM packages")))
            return sqlError(p.lastError(), QStringLiteral("computing the dashboard"));
        while (p.next())
            packageNames.insert(p.value(0).toLongLong(), p.value(1).toString());
    }

    {
        ChartData c = chartHead(ChartId::InstallsByMonth, ChartData::Kind::BarsAndLine,
                                QStringLiteral("Installs and uninstalls per month"), QStringLiteral("Month"),
                                QStringLiteral("Installs by install date; uninstalls by the day the audit log records, else the day "
                                "the license last changed. Net = installs − uninstalls."));
        ChartData::Series installs{QStringLiteral("Installs"), {}, false};
        ChartData::Series uninstalls{QStringLiteral("Uninstalls"), {}, false};
        ChartData::Series net{QStringLiteral("Net"), {}, true};
        for (int i = 0; i < 24; ++i) {
            c.categories << monthLabel(thisMonth.addMonths(i - 23));
            installs.values.push_back(pass.installs[size_t(i)]);
            uninstalls.values.push_back(pass.uninstalls[size_t(i)]);
            net.values.push_back(pass.installs[size_t(i)] - pass.uninstalls[size_t(i)]);
        }
        c.series = {installs, uninstalls, net};
        m.charts.push_back(std::move(c));
    }
    {
        ChartData c = chartHead(ChartId::StatusMix, ChartData::Kind::Donut, QStringLiteral("Licenses by effective status"), QStringLiteral("Effective status"),
                                QStringLiteral("As of %1: an Active or Trial license past its expiration counts as Expired.")
                     .arg(asOf.toString(Qt::ISODate)));
        ChartData::Series s{QStringLiteral("Licenses"), {}, false};
        for (EffectiveStatus e : kAllEffectiveStatuses) {
            c.categories << statusName(e);
            s.values.push_back(m.stats.byEffectiveStatus.value(e, 0));
        }
        c.series.push_back(std::move(s));
        m.charts.push_back(std::move(c));
    }
    // In key order first, so that ties among the largest always fall the same way.
    auto counts = [&](const Pass::Counts &from) {
        std::vector<std::pair<QString, qint64>> out;
        for (const auto &[k, v] : from)
            out.emplace_back(toQString(k), v);
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        return out;
    };
    {
        ChartData c = chartHead(ChartId::EditionMix, ChartData::Kind::HorizontalBars, QStringLiteral("Installed licenses by org edition"), QStringLiteral("Edition"),
                                QStringLiteral("Licenses not uninstalled, by the edition of the subscriber org; the 8 largest, then Other."));
        topWithOther(c, counts(pass.editions), 8);
        m.charts.push_back(std::move(c));
    }
    {
        ChartData c = chartHead(ChartId::VersionAdoption, ChartData::Kind::HorizontalBars, QStringLiteral("Version adoption"), QStringLiteral("Package and version"),
                                QStringLiteral("Licenses not uninstalled, by the version installed; the 10 most installed, then Other."));
        std::vector<std::pair<QString, qint64>> labelled;
        for (const auto &[key, n] : pass.versions) {
            const QString version = key.second.empty() ? QStringLiteral("(no version)") : toQString(key.second);
            labelled.emplace_back(filter.package.isEmpty() ? QStringLiteral("%1 %2").arg(packageNames.value(key.first), version)
                                                           : version,
                                  n);
        }
        std::sort(labelled.begin(), labelled.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        topWithOther(c, labelled, 10);
        m.charts.push_back(std::move(c));
    }
    {
        ChartData c = chartHead(ChartId::SeatUtilization, ChartData::Kind::Bars, QStringLiteral("Seat utilisation"), QStringLiteral("Seats used of seats licensed (%)"),
                                QStringLiteral("Licenses not uninstalled with a seat count (site licenses have none to fill)."));
        c.categories = {QStringLiteral("0"), QStringLiteral("1–25"), QStringLiteral("26–50"), QStringLiteral("51–75"),
                        QStringLiteral("76–100"), QStringLiteral(">100")};
        c.series.push_back({QStringLiteral("Licenses"), std::vector<qint64>(pass.seatBuckets.begin(), pass.seatBuckets.end()), false});
        m.charts.push_back(std::move(c));
    }
    {
        ChartData c = chartHead(ChartId::ExpirationsByMonth, ChartData::Kind::Bars, QStringLiteral("Expirations in the next 12 months"), QStringLiteral("Month"),
                                QStringLiteral("Active and Trial licenses expiring from %1 to the end of the 12th month.")
                     .arg(asOf.toString(Qt::ISODate)));
        ChartData::Series s{QStringLiteral("Licenses"), {}, false};
        for (int i = 0; i < 12; ++i) {
            c.categories << monthLabel(thisMonth.addMonths(i));
            s.values.push_back(pass.expirations[size_t(i)]);
        }
        c.series.push_back(std::move(s));
        m.charts.push_back(std::move(c));
    }
    {
        ChartData c = chartHead(ChartId::TopInstances, ChartData::Kind::HorizontalBars, QStringLiteral("Top instances"), QStringLiteral("Instance"),
                                QStringLiteral("Licenses not uninstalled, by the Salesforce instance of the org: the 10 with the most."));
        topWithOther(c, counts(pass.instances), 10, false); // the rest would dwarf them: this chart is about the top
        m.charts.push_back(std::move(c));
    }
    // A chart pasted into a slide says what it counts.
    const QString scope = dashboardScope(filter);
    for (ChartData &c : m.charts)
        c.scope = scope;
    if (inSql) {
        m.timings = std::move(sqlTimings);
        return m;
    }
    m.timings.push_back({imageStats ? QStringLiteral("one pass over the image of the licenses (%1 chunks read, %2 built, %3 "
                                                     "from the table, %4 MB)")
                                          .arg(imageStats->chunks)
                                          .arg(imageStats->built)
                                          .arg(imageStats->raw)
                                          .arg(double(imageStats->bytes) / 1e6, 0, 'f', 1)
                                    : QStringLiteral("one pass over the licenses"),
                         QStringLiteral("SELECT %1 FROM %2 l WHERE %3").arg(QLatin1String(kPassColumns), filter.sourceSql(), filter.whereSql(QStringLiteral("l"))),
                         [&] {
                             QList<QPair<QString, QVariant>> binds;
                             if (!filter.package.isEmpty())
                                 binds.append({QStringLiteral(":f_package"), filter.package});
                             if (filter.installedFrom.isValid())
                                 binds.append({QStringLiteral(":f_from"), dateToSql(filter.installedFrom)});
                             if (filter.installedTo.isValid())
                                 binds.append({QStringLiteral(":f_to"), dateToSql(filter.installedTo)});
                             if (filter.lmo)
                                 binds.append({QStringLiteral(":f_lmo"), *filter.lmo});
                             if (filter.isPast())
                                 binds.append({QStringLiteral(":f_next_day"), dateToSql(filter.asOf.addDays(1))});
                             return binds;
                         }(),
                         passMs});
    return m;
}

} // namespace

Result<DashboardMetrics> computeDashboard(QSqlDatabase db, const InstallBaseFilter &filter)
{
    // Row by row through the backend's fast read on a local file; summed by the server elsewhere.
    return buildDashboard(db, filter, StorageBackend::of(db).scansLicensesLocally() ? Summing::Local : Summing::Shared);
}

Result<DashboardMetrics> computeDashboardInSql(QSqlDatabase db, const InstallBaseFilter &filter)
{
    return buildDashboard(db, filter, Summing::Sql);
}

} // namespace lmo
