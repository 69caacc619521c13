#include "dashboardbench.h"

#include "metrics/dashboardmetrics.h"
#include "storage/database.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTextStream>

#include <sys/resource.h>

#include <algorithm>

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

// The sqlite3 shell's own timer for one statement (process start not included).
double sqlite3Ms(const QString &db, const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral("sqlite3"), {db});
    p.write(QStringLiteral(".timer on\n%1;\n").arg(sql).toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(600000))
        return -1;
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const auto m = QRegularExpression(QStringLiteral("Run Time: real ([0-9.]+)")).match(out);
    return m.hasMatch() ? m.captured(1).toDouble() * 1000.0 : -1;
}

QJsonValue ms(double v)
{
    return qRound(v * 10) / 10.0;
}

} // namespace

int benchDashboard(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("An existing LMO Desk database."), QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({dbOpt, jsonOpt});
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
    QJsonObject queries;
    double bareTotal = 0;
    QMap<QString, int> seen;
    for (const auto &t : last.timings) {
        const int n = ++seen[t.name];
        const QString key = n == 1 ? t.name : QStringLiteral("%1 #%2").arg(t.name).arg(n);
        QJsonObject q{{QStringLiteral("ms"), ms(t.ms)}};
        if (!t.sql.isEmpty()) {
            const double bare = sqlite3Ms(database.value()->path(), literalSql(t));
            q[QStringLiteral("sqlite3_ms")] = ms(bare);
            bareTotal += std::max(0.0, bare);
        }
        queries[key] = q;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const QJsonObject result{
        {QStringLiteral("licenses"), last.stats.licenses},
        {QStringLiteral("full_refresh_ms"), refreshes},
        {QStringLiteral("full_refresh_best_ms"), ms(best)},
        {QStringLiteral("queries"), queries},
        {QStringLiteral("sqlite3_total_ms_without_summary"), ms(bareTotal)},
        {QStringLiteral("peak_rss_mb"), qRound(usage.ru_maxrss / 1024.0)},
    };
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Indented);
    return 0;
}
