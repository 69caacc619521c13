#include "metrics/dashboardmetrics.h"

#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <map>

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

thread_local std::vector<DashboardMetrics::QueryTiming> *g_timings = nullptr; // set by computeDashboard, one thread each
thread_local QString t_queryName;

// Runs a query with the filter's binds and :as_of; calls `row` for each result row.
template<typename Row>
Result<void> each(QSqlDatabase db, const InstallBaseFilter &f, const QString &sql, const QList<QPair<QString, QVariant>> &binds,
                  Row row)
{
    QElapsedTimer timer;
    timer.start();
    auto record = qScopeGuard([&] {
        if (!g_timings)
            return;
        QList<QPair<QString, QVariant>> all = binds;
        if (!f.package.isEmpty() && sql.contains(QStringLiteral(":f_package")))
            all.append({QStringLiteral(":f_package"), f.package});
        if (f.installedFrom.isValid() && sql.contains(QStringLiteral(":f_from")))
            all.append({QStringLiteral(":f_from"), dateToSql(f.installedFrom)});
        if (f.installedTo.isValid() && sql.contains(QStringLiteral(":f_to")))
            all.append({QStringLiteral(":f_to"), dateToSql(f.installedTo)});
        g_timings->push_back({t_queryName, sql, all, timer.nsecsElapsed() / 1e6});
    });
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return sqlError(q.lastError(), QStringLiteral("computing the dashboard"));
    f.bind(q);
    for (const auto &[name, value] : binds)
        q.bindValue(name, value);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("computing the dashboard"));
    while (q.next())
        row(q);
    return {};
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

Result<DashboardMetrics> computeDashboard(QSqlDatabase db, const InstallBaseFilter &filter)
{
    DashboardMetrics m;
    m.filter = filter;
    thread_local std::vector<DashboardMetrics::QueryTiming> timings;
    timings.clear();
    g_timings = &timings;
    auto done = qScopeGuard([] { g_timings = nullptr; });
    QElapsedTimer summaryTimer;
    summaryTimer.start();
    auto stats = computeInstallBaseStats(db, filter);
    if (!stats)
        return stats.error();
    m.stats = stats.value();
    timings.push_back({QStringLiteral("summary (lmodesk stats)"), QString(), {}, summaryTimer.nsecsElapsed() / 1e6});
    const QDate asOf = filter.day();
    const QString where = filter.whereSql(QString());
    const QString today = dateToSql(asOf);
    // The LMA records no uninstall date: an uninstalled license's last change is when the LMA
    // heard of it, which is the uninstall for all practical purposes.
    const QString uninstallDay = QStringLiteral("SUBSTR(last_modified, 1, 10)");

    // KPIs beyond the summary, in one pass.
    t_queryName = QStringLiteral("kpis");
    const QDate thisMonth = monthStart(asOf);
    const QDate lastMonth = thisMonth.addMonths(-1);
    {
        const QString sql = QStringLiteral(
            "SELECT "
            "SUM(CASE WHEN install_date > :d90 AND install_date <= :as_of AND status IN ('Active', 'Trial') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN install_date > :d90 AND install_date <= :as_of AND status = 'Active' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'Uninstalled' AND %1 > :d30 AND %1 <= :as_of THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN install_date >= :m0 AND install_date <= :as_of THEN 1 ELSE 0 END) "
            " - SUM(CASE WHEN status = 'Uninstalled' AND %1 >= :m0 AND %1 <= :as_of THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN install_date >= :m1 AND install_date < :m0 THEN 1 ELSE 0 END) "
            " - SUM(CASE WHEN status = 'Uninstalled' AND %1 >= :m1 AND %1 < :m0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status <> 'Uninstalled' AND seats <> -1 THEN used_licenses ELSE 0 END), "
            "SUM(CASE WHEN status <> 'Uninstalled' AND seats <> -1 THEN seats ELSE 0 END) "
            "FROM licenses WHERE %2")
                                .arg(uninstallDay, where);
        auto r = each(db, filter, sql,
                      {{QStringLiteral(":d90"), dateToSql(asOf.addDays(-90))},
                       {QStringLiteral(":d30"), dateToSql(asOf.addDays(-30))},
                       {QStringLiteral(":as_of"), today},
                       {QStringLiteral(":m0"), dateToSql(thisMonth)},
                       {QStringLiteral(":m1"), dateToSql(lastMonth)}},
                      [&](const QSqlQuery &q) {
                          m.recentInstalls90 = q.value(0).toLongLong();
                          m.recentConverted90 = q.value(1).toLongLong();
                          m.uninstalls30 = q.value(2).toLongLong();
                          m.netThisMonth = q.value(3).toLongLong();
                          m.netLastMonth = q.value(4).toLongLong();
                          m.utilisationUsed = q.value(5).toLongLong();
                          m.utilisationLicensed = q.value(6).toLongLong();
                      });
        if (!r)
            return r.error();
    }

    // Installs and uninstalls per month, the last 24 months to the as-of month, and the net.
    t_queryName = QStringLiteral("installs-by-month");
    {
        ChartData c;
        c.id = ChartId::InstallsByMonth;
        c.kind = ChartData::Kind::BarsAndLine;
        c.title = QStringLiteral("Installs and uninstalls per month");
        c.categoryAxis = QStringLiteral("Month");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Installs by install date; uninstalls by the day the LMA last changed the license. "
                                "Net = installs − uninstalls.");
        const QDate first = thisMonth.addMonths(-23);
        std::map<QString, std::pair<qint64, qint64>> byMonth;
        for (int i = 0; i < 24; ++i)
            byMonth[monthLabel(first.addMonths(i))] = {0, 0};
        const QString end = dateToSql(asOf);
        auto r = each(db, filter,
                      QStringLiteral("SELECT SUBSTR(install_date, 1, 7), COUNT(*) FROM licenses WHERE %1 AND install_date >= "
                                     ":first AND install_date <= :as_of GROUP BY 1")
                          .arg(where),
                      {{QStringLiteral(":first"), dateToSql(first)}, {QStringLiteral(":as_of"), end}},
                      [&](const QSqlQuery &q) { byMonth[q.value(0).toString()].first = q.value(1).toLongLong(); });
        if (!r)
            return r.error();
        r = each(db, filter,
                 QStringLiteral("SELECT SUBSTR(last_modified, 1, 7), COUNT(*) FROM licenses WHERE %1 AND status = "
                                "'Uninstalled' AND %2 >= :first AND %2 <= :as_of GROUP BY 1")
                     .arg(where, uninstallDay),
                 {{QStringLiteral(":first"), dateToSql(first)}, {QStringLiteral(":as_of"), end}},
                 [&](const QSqlQuery &q) { byMonth[q.value(0).toString()].second = q.value(1).toLongLong(); });
        if (!r)
            return r.error();
        ChartData::Series installs{QStringLiteral("Installs"), {}, false};
        ChartData::Series uninstalls{QStringLiteral("Uninstalls"), {}, false};
        ChartData::Series net{QStringLiteral("Net"), {}, true};
        for (const auto &[month, v] : byMonth) {
            if (!c.categories.contains(month) && c.categories.size() >= 24)
                continue;
            c.categories << month;
            installs.values.push_back(v.first);
            uninstalls.values.push_back(v.second);
            net.values.push_back(v.first - v.second);
        }
        c.series = {installs, uninstalls, net};
        m.charts.push_back(std::move(c));
    }

    // Effective status mix.
    {
        ChartData c;
        c.id = ChartId::StatusMix;
        c.kind = ChartData::Kind::Donut;
        c.title = QStringLiteral("Licenses by effective status");
        c.categoryAxis = QStringLiteral("Effective status");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("As of %1: an Active or Trial license past its expiration counts as Expired.")
                     .arg(asOf.toString(Qt::ISODate));
        ChartData::Series s{QStringLiteral("Licenses"), {}, false};
        for (EffectiveStatus e : kAllEffectiveStatuses) {
            c.categories << statusName(e);
            s.values.push_back(m.stats.byEffectiveStatus.value(e, 0));
        }
        c.series.push_back(std::move(s));
        m.charts.push_back(std::move(c));
    }

    auto counted = [&](const QString &expression, const QString &extraWhere) -> Result<std::vector<std::pair<QString, qint64>>> {
        std::vector<std::pair<QString, qint64>> out;
        auto r = each(db, filter,
                      QStringLiteral("SELECT %1, COUNT(*) FROM licenses WHERE %2 AND %3 GROUP BY 1")
                          .arg(expression, where, extraWhere),
                      {}, [&](const QSqlQuery &q) { out.emplace_back(q.value(0).toString(), q.value(1).toLongLong()); });
        if (!r)
            return r.error();
        return out;
    };

    // Editions of the orgs with the package installed.
    t_queryName = QStringLiteral("edition-mix");
    {
        ChartData c;
        c.id = ChartId::EditionMix;
        c.kind = ChartData::Kind::HorizontalBars;
        c.title = QStringLiteral("Installed licenses by org edition");
        c.categoryAxis = QStringLiteral("Edition");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Licenses not uninstalled, by the edition of the subscriber org; the 8 largest, then Other.");
        auto counts = counted(QStringLiteral("COALESCE(org_edition, '')"), QStringLiteral("status <> 'Uninstalled'"));
        if (!counts)
            return counts.error();
        topWithOther(c, counts.value(), 8);
        m.charts.push_back(std::move(c));
    }

    // Version adoption: the versions installed now, per package.
    t_queryName = QStringLiteral("version-adoption");
    {
        ChartData c;
        c.id = ChartId::VersionAdoption;
        c.kind = ChartData::Kind::HorizontalBars;
        c.title = QStringLiteral("Version adoption");
        c.categoryAxis = QStringLiteral("Package and version");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Licenses not uninstalled, by the version installed; the 10 most installed, then Other.");
        std::vector<std::pair<QString, qint64>> counts;
        auto r = each(db, filter,
                      QStringLiteral("SELECT p.name, COALESCE(l.version_number, ''), COUNT(*) FROM licenses l JOIN packages p "
                                     "ON p.id = l.package_ref WHERE %1 AND l.status <> 'Uninstalled' GROUP BY 1, 2")
                          .arg(filter.whereSql(QStringLiteral("l"))),
                      {}, [&](const QSqlQuery &q) {
                          const QString version = q.value(1).toString();
                          counts.emplace_back(
                              filter.package.isEmpty()
                                  ? QStringLiteral("%1 %2").arg(q.value(0).toString(), version.isEmpty() ? QStringLiteral("(no version)") : version)
                                  : (version.isEmpty() ? QStringLiteral("(no version)") : version),
                              q.value(2).toLongLong());
                      });
        if (!r)
            return r.error();
        topWithOther(c, counts, 10);
        m.charts.push_back(std::move(c));
    }

    // Seat utilisation: used over licensed, in buckets, for installed seat licenses.
    t_queryName = QStringLiteral("seat-utilization");
    {
        ChartData c;
        c.id = ChartId::SeatUtilization;
        c.kind = ChartData::Kind::Bars;
        c.title = QStringLiteral("Seat utilisation");
        c.categoryAxis = QStringLiteral("Seats used of seats licensed (%)");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Licenses not uninstalled with a seat count (site licenses have none to fill).");
        c.categories = {QStringLiteral("0"), QStringLiteral("1–25"), QStringLiteral("26–50"), QStringLiteral("51–75"),
                        QStringLiteral("76–100"), QStringLiteral(">100")};
        ChartData::Series s{QStringLiteral("Licenses"), std::vector<qint64>(6, 0), false};
        // Buckets by whole percent: used * 100 against seats * 25, 50, 75, 100 (no division).
        auto r = each(db, filter,
                      QStringLiteral("SELECT CASE WHEN used_licenses <= 0 THEN 0 "
                                     "WHEN used_licenses * 100 <= seats * 25 THEN 1 "
                                     "WHEN used_licenses * 100 <= seats * 50 THEN 2 "
                                     "WHEN used_licenses * 100 <= seats * 75 THEN 3 "
                                     "WHEN used_licenses <= seats THEN 4 ELSE 5 END, COUNT(*) "
                                     "FROM licenses WHERE %1 AND status <> 'Uninstalled' AND seats <> -1 GROUP BY 1")
                          .arg(where),
                      {}, [&](const QSqlQuery &q) {
                          const int bucket = q.value(0).toInt();
                          if (bucket >= 0 && bucket < 6)
                              s.values[size_t(bucket)] = q.value(1).toLongLong();
                      });
        if (!r)
            return r.error();
        c.series.push_back(std::move(s));
        m.charts.push_back(std::move(c));
    }

    // Expirations per month, the next 12 months from the as-of day.
    t_queryName = QStringLiteral("expirations-by-month");
    {
        ChartData c;
        c.id = ChartId::ExpirationsByMonth;
        c.kind = ChartData::Kind::Bars;
        c.title = QStringLiteral("Expirations in the next 12 months");
        c.categoryAxis = QStringLiteral("Month");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Active and Trial licenses expiring from %1 to the end of the 12th month.")
                     .arg(asOf.toString(Qt::ISODate));
        std::map<QString, qint64> byMonth;
        for (int i = 0; i < 12; ++i)
            byMonth[monthLabel(thisMonth.addMonths(i))] = 0;
        const QDate end = thisMonth.addMonths(12).addDays(-1);
        auto r = each(db, filter,
                      QStringLiteral("SELECT SUBSTR(expiration, 1, 7), COUNT(*) FROM licenses WHERE %1 AND status IN "
                                     "('Active', 'Trial') AND expiration >= :as_of AND expiration <= :end GROUP BY 1")
                          .arg(where),
                      {{QStringLiteral(":as_of"), today}, {QStringLiteral(":end"), dateToSql(end)}},
                      [&](const QSqlQuery &q) { byMonth[q.value(0).toString()] = q.value(1).toLongLong(); });
        if (!r)
            return r.error();
        ChartData::Series s{QStringLiteral("Licenses"), {}, false};
        for (const auto &[month, n] : byMonth) {
            c.categories << month;
            s.values.push_back(n);
        }
        c.series.push_back(std::move(s));
        m.charts.push_back(std::move(c));
    }

    // Top instances.
    t_queryName = QStringLiteral("top-instances");
    {
        ChartData c;
        c.id = ChartId::TopInstances;
        c.kind = ChartData::Kind::HorizontalBars;
        c.title = QStringLiteral("Top instances");
        c.categoryAxis = QStringLiteral("Instance");
        c.valueAxis = QStringLiteral("Licenses");
        c.note = QStringLiteral("Licenses not uninstalled, by the Salesforce instance of the org: the 10 with the most.");
        auto counts = counted(QStringLiteral("COALESCE(org_instance, '')"), QStringLiteral("status <> 'Uninstalled'"));
        if (!counts)
            return counts.error();
        topWithOther(c, counts.value(), 10, false); // the rest would dwarf them: this chart is about the top
        m.charts.push_back(std::move(c));
    }
    m.timings = timings;
    return m;
}

} // namespace lmo
