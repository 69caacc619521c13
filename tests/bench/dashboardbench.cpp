#include "dashboardbench.h"
#include "benchutil.h"

#include "metrics/dashboardmetrics.h"
#include "storage/database.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>


#include <algorithm>
#include <optional>

namespace {

using namespace lmo;

// The statement with its named binds written in as literals, for the sqlite3 shell.
QString literalSql(const DashboardMetrics::QueryTiming &t)
{
    QString sql = t.sql;
    auto binds = t.binds;
    std::sort(binds.begin(), binds.end(), [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
    for (const auto &[name, value] : binds) {
        const QString literal = value.typeId() == QMetaType::QString
                                    ? QLatin1Char('\'') + value.toString().replace(QLatin1Char('\''), QStringLiteral("''")) + QLatin1Char('\'')
                                    : value.toString();
        sql.replace(name, literal);
    }
    return sql;
}

// The sqlite3 shell's own timer for one statement (process start not included); nothing when
// the shell could not run it or printed no timing.
std::optional<double> sqlite3Ms(const QString &db, const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {db});
    // Rows to /dev/null (the timer still reports): the shell's printing is not the query's work.
    p.write(QStringLiteral(".timer on\n.output /dev/null\n%1;\n").arg(sql).toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(600000))
        return std::nullopt;
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const auto m = QRegularExpression(QStringLiteral("Run Time: real ([0-9.]+)")).match(out);
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const double seconds = m.captured(1).toDouble(&ok); // "1.2.3" would match the pattern: say so, not 0
    if (!ok)
        return std::nullopt;
    return seconds * 1000.0;
}

// psql's own timer for one statement on a team database (the server's work and the trip, not
// the client's start); nothing when psql could not run it.
std::optional<double> psqlMs(const QString &uri, const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral("psql"), {QStringLiteral("-X"), QStringLiteral("-q"), uri});
    p.write(QStringLiteral("\\timing on\n\\o /dev/null\n%1;\n").arg(sql).toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(600000))
        return std::nullopt;
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const auto m = QRegularExpression(QStringLiteral("Time: ([0-9.]+) ms")).match(out);
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const double v = m.captured(1).toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

QJsonValue ms(std::optional<double> v)
{
    return v ? QJsonValue(benchMs(*v)) : QJsonValue(QJsonValue::Null); // null: the shell gave no time
}

// The same aggregations as SQL, chart by chart (what the dashboard ran before its single pass),
// for the default filter: today, sandboxes left out.
QList<QPair<QString, QString>> bareAggregations(const QDate &asOf)
{
    const QString d = QLatin1Char('\'') + asOf.toString(Qt::ISODate) + QLatin1Char('\'');
    auto day = [](const QDate &x) { return QLatin1Char('\'') + x.toString(Qt::ISODate) + QLatin1Char('\''); };
    const QDate m0(asOf.year(), asOf.month(), 1);
    const QString w = QStringLiteral("is_sandbox = 0");
    const QString eff = QStringLiteral("(CASE WHEN status IN ('Uninstalled', 'Suspended') THEN status WHEN expiration IS NOT "
                                       "NULL AND expiration < %1 THEN 'Expired' ELSE status END)").arg(d);
    return {
        {QStringLiteral("summary"),
         QStringLiteral("SELECT COUNT(*), SUM(status = 'Active'), SUM(status = 'Trial'), SUM(status = 'Suspended'), "
                        "SUM(status = 'Uninstalled'), SUM(%1 = 'Active'), SUM(%1 = 'Trial'), SUM(%1 = 'Expired'), "
                        "SUM(is_sandbox), SUM(seats = -1), SUM(expiration IS NULL), SUM(CASE WHEN seats <> -1 AND status <> "
                        "'Uninstalled' THEN seats ELSE 0 END), SUM(CASE WHEN status <> 'Uninstalled' THEN used_licenses ELSE 0 "
                        "END), SUM(status IN ('Active','Trial') AND expiration >= %2 AND expiration <= %3) FROM licenses WHERE %4")
             .arg(eff, d, day(asOf.addDays(30)), w)},
        {QStringLiteral("subscriber orgs"),
         QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses WHERE %1 GROUP BY org_id)").arg(w)},
        {QStringLiteral("kpis"),
         QStringLiteral("SELECT SUM(install_date > %1 AND install_date <= %2 AND status IN ('Active','Trial')), "
                        "SUM(status = 'Uninstalled' AND SUBSTR(last_modified,1,10) > %3), SUM(install_date >= %4), "
                        "SUM(CASE WHEN status <> 'Uninstalled' AND seats <> -1 THEN used_licenses ELSE 0 END) FROM licenses WHERE %5")
             .arg(day(asOf.addDays(-90)), d, day(asOf.addDays(-30)), day(m0), w)},
        {QStringLiteral("installs-by-month"),
         QStringLiteral("SELECT SUBSTR(install_date,1,7), COUNT(*) FROM licenses WHERE %1 AND install_date >= %2 GROUP BY 1")
             .arg(w, day(m0.addMonths(-23)))},
        {QStringLiteral("uninstalls-by-month"),
         QStringLiteral("SELECT SUBSTR(last_modified,1,7), COUNT(*) FROM licenses WHERE %1 AND status = 'Uninstalled' AND "
                        "SUBSTR(last_modified,1,10) >= %2 GROUP BY 1")
             .arg(w, day(m0.addMonths(-23)))},
        {QStringLiteral("edition-mix"),
         QStringLiteral("SELECT org_edition, COUNT(*) FROM licenses WHERE %1 AND status <> 'Uninstalled' GROUP BY 1").arg(w)},
        {QStringLiteral("version-adoption"),
         QStringLiteral("SELECT package_ref, version_number, COUNT(*) FROM licenses WHERE %1 AND status <> 'Uninstalled' "
                        "GROUP BY 1, 2")
             .arg(w)},
        {QStringLiteral("seat-utilization"),
         QStringLiteral("SELECT CASE WHEN used_licenses <= 0 THEN 0 WHEN used_licenses * 100 <= seats * 25 THEN 1 WHEN "
                        "used_licenses * 100 <= seats * 50 THEN 2 WHEN used_licenses * 100 <= seats * 75 THEN 3 WHEN "
                        "used_licenses <= seats THEN 4 ELSE 5 END, COUNT(*) FROM licenses WHERE %1 AND status <> "
                        "'Uninstalled' AND seats <> -1 GROUP BY 1")
             .arg(w)},
        {QStringLiteral("expirations-by-month"),
         QStringLiteral("SELECT SUBSTR(expiration,1,7), COUNT(*) FROM licenses WHERE %1 AND status IN ('Active','Trial') AND "
                        "expiration >= %2 AND expiration <= %3 GROUP BY 1")
             .arg(w, d, day(m0.addMonths(12).addDays(-1)))},
        {QStringLiteral("top-instances"),
         QStringLiteral("SELECT org_instance, COUNT(*) FROM licenses WHERE %1 AND status <> 'Uninstalled' GROUP BY 1").arg(w)},
    };
}

} // namespace

int benchDashboard(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("An existing LMO Desk database: a file or a postgresql:// URI."), QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption asOfOpt(QStringLiteral("as-of"),
                                     QStringLiteral("The day to judge by (default today); a past day rebuilds the licenses "
                                                    "from the audit log, and the pass's SELECT run by the shell does the same."),
                                     QStringLiteral("YYYY-MM-DD"));
    parser.addOptions({dbOpt, jsonOpt, asOfOpt});
    parser.addHelpOption();
    parser.process(args);
    QTextStream err(stderr);
    if (!parser.isSet(dbOpt)) {
        err << "lmodesk-bench dashboard: --db PATH is required (make one with: lmodesk demo --licenses 1000000 --db PATH)"
            << Qt::endl;
        return 2;
    }
    auto database = Database::open(parser.value(dbOpt), Database::OpenOptions());
    if (!database) {
        err << "lmodesk-bench: " << database.error().message << Qt::endl;
        return 1;
    }
    InstallBaseFilter filter; // what the page shows first: today, sandboxes left out
    filter.includeSandboxes = false;
    if (parser.isSet(asOfOpt)) {
        filter.asOf = QDate::fromString(parser.value(asOfOpt), Qt::ISODate);
        if (!filter.asOf.isValid()) {
            err << "lmodesk-bench dashboard: --as-of takes YYYY-MM-DD" << Qt::endl;
            return 2;
        }
    }
    QJsonArray refreshes;
    double best = 1e18;
    DashboardMetrics last;
    for (int run = 0; run < 3; ++run) {
        QElapsedTimer t;
        t.start();
        auto m = computeDashboard(database.value()->connection(), filter);
        const double elapsed = t.nsecsElapsed() / 1e6;
        if (!m) {
            err << "lmodesk-bench: " << m.error().message << Qt::endl;
            return 1;
        }
        refreshes.append(ms(elapsed));
        best = std::min(best, elapsed);
        last = m.value();
    }
    // On a team database the dashboard is a few aggregate statements; each is run bare by psql
    // on the same server. The chart-by-chart SQLite statements below use SQLite's own functions.
    const bool team = database.value()->isTeamDatabase();
    QJsonObject queries;
    for (const auto &t : last.timings) {
        QJsonObject q{{QStringLiteral("ms"), ms(t.ms)}};
        // The pass's SELECT in the shell (which also prints every row it reads).
        if (!t.sql.isEmpty()) {
            if (team)
                q[QStringLiteral("same_select_in_psql_ms")] = ms(psqlMs(database.value()->path(), literalSql(t)));
            else
                q[QStringLiteral("same_select_in_sqlite3_ms")] = ms(sqlite3Ms(database.value()->path(), literalSql(t)));
        }
        queries[t.name] = q;
    }
    // A team database sums from this client's image; beside it, what the server's own sums take
    // (the statements, each also in psql), and a refresh after one license changed (its chunk
    // is read again: the stamp of a transaction that changes nothing still moves).
    QJsonObject serverSums;
    if (team) {
        QElapsedTimer t;
        t.start();
        auto sums = computeDashboardInSql(database.value()->connection(), filter);
        const double elapsed = t.nsecsElapsed() / 1e6;
        if (!sums) {
            err << "lmodesk-bench: " << sums.error().message << Qt::endl;
            return 1;
        }
        serverSums[QStringLiteral("total_ms")] = ms(elapsed);
        double psqlTotal = 0;
        for (const auto &q : sums.value().timings)
            psqlTotal += psqlMs(database.value()->path(), literalSql(q)).value_or(0);
        serverSums[QStringLiteral("same_statements_in_psql_ms")] = ms(psqlTotal);
        serverSums[QStringLiteral("same_figures")] = sums.value().stats.licenses == last.stats.licenses
                                                     && sums.value().stats.seatsUsed == last.stats.seatsUsed;
        QSqlQuery touch(database.value()->connection());
        if (!touch.exec(QStringLiteral("UPDATE licenses SET seats = seats WHERE id = (SELECT MIN(id) FROM licenses)"))) {
            err << "lmodesk-bench: " << touch.lastError().text() << Qt::endl;
            return 1;
        }
        t.restart();
        auto after = computeDashboard(database.value()->connection(), filter);
        if (!after) {
            err << "lmodesk-bench: " << after.error().message << Qt::endl;
            return 1;
        }
        serverSums[QStringLiteral("refresh_after_one_edit_ms")] = ms(t.nsecsElapsed() / 1e6);
    }
    QJsonObject bare;
    double bareTotal = 0;
    // Chart by chart over the table as it is: the same figures only for today (a past day's
    // rebuilt licenses are compared through the pass's own SELECT above).
    for (const auto &[name, sql] : filter.isPast() || team ? QList<QPair<QString, QString>>() : bareAggregations(last.filter.day())) {
        const auto t = sqlite3Ms(database.value()->path(), sql);
        bare[name] = ms(t);
        bareTotal += t.value_or(0);
    }
    const QJsonObject result{
        {QStringLiteral("licenses"), last.stats.licenses},
        {QStringLiteral("full_refresh_ms"), refreshes},
        {QStringLiteral("full_refresh_best_ms"), ms(best)},
        {QStringLiteral("queries"), queries},
        {QStringLiteral("sqlite3_aggregations_ms"), bare},
        {QStringLiteral("sqlite3_aggregations_total_ms"), ms(bareTotal)},
        {QStringLiteral("peak_rss_mb"), qRound(benchPeakRssMb())},
    };
    QJsonObject out = result;
    if (team)
        out[QStringLiteral("team_database")] = serverSums;
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return 0;
}
