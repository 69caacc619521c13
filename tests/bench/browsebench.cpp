// The Licenses page's model on an existing database, against the same SQL run bare.
//
// Each model figure is the time from the change (open, sort, filter, jump to the end) until
// the rows it needs have arrived on the UI thread. Each *_raw_sql_ms figure runs the SQL the
// model sends for those rows directly through QSqlQuery, reading every value, with no model,
// no thread and no cache: the floor. naive_100k does what the architecture rules out, a
// QSqlQueryModel with a QSortFilterProxyModel, on the first 100,000 licenses.
#include "browsebench.h"
#include "benchutil.h"

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "models/licensetablemodel.h"
#include "storage/database.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <QSqlQuery>
#include <QSqlQueryModel>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <map>
#include <vector>


namespace {

using namespace lmo;

double rssMb()
{
    return benchPeakRssMb();
}

// Runs `change`, then the event loop until `done()` holds; returns the milliseconds.
template<typename Change, typename Done>
double timeUntil(LicenseTableModel &model, Change change, Done done)
{
    QElapsedTimer timer;
    timer.start();
    change();
    QEventLoop loop;
    auto check = [&] {
        if (done())
            loop.quit();
    };
    const auto c1 = QObject::connect(&model, &LicenseTableModel::rowsArrived, &loop, check, Qt::QueuedConnection);
    const auto c2 = QObject::connect(&model, &LicenseTableModel::countsChanged, &loop, check, Qt::QueuedConnection);
    const auto c3 = QObject::connect(&model, &LicenseTableModel::idsArrived, &loop, check, Qt::QueuedConnection);
    const auto c4 = QObject::connect(&model, &LicenseTableModel::firstRowsArrived, &loop, check, Qt::QueuedConnection);
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    const double ms = timer.nsecsElapsed() / 1e6;
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    QObject::disconnect(c3);
    QObject::disconnect(c4);
    return ms;
}

bool loaded(LicenseTableModel &model, int row)
{
    return model.rowAt(row) != nullptr;
}

// The first window of a query, bare: the first segment's SELECT ... LIMIT 256.
double rawFirstWindow(QSqlDatabase db, const std::vector<LicenseQuerySegment> &segments, bool fromEnd = false)
{
    QElapsedTimer timer;
    timer.start();
    qint64 rows = 0;
    const std::vector<LicenseQuerySegment> order = segments;
    for (size_t i = 0; i < order.size() && rows < LicenseTableModel::kBlockSize; ++i) {
        const LicenseQuerySegment &s = fromEnd ? order[order.size() - 1 - i] : order[i];
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref WHERE %2 ORDER BY %3 "
                                 "LIMIT %4")
                      .arg(LicenseListReader::rowColumnsSql(), s.where, fromEnd ? s.reverseOrderBy : s.orderBy)
                      .arg(LicenseTableModel::kBlockSize - rows));
        for (const QVariant &v : s.binds)
            q.addBindValue(v);
        q.exec();
        while (q.next()) {
            for (int c = 0; c < 15; ++c)
                (void)q.value(c);
            ++rows;
        }
    }
    return timer.nsecsElapsed() / 1e6;
}

QJsonValue ms(double v)
{
    return benchMs(v);
}

} // namespace

int benchBrowse(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("An existing LMO Desk database."), QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Runs of each sort and filter (the median is kept; default 4: "
                                                                   "the model and the bare SQL go first in turn)."),
                                     QStringLiteral("N"), QStringLiteral("4"));
    parser.addOptions({dbOpt, jsonOpt, runsOpt});
    parser.addHelpOption();
    parser.process(args);
    QTextStream err(stderr);
    if (!parser.isSet(dbOpt)) {
        err << "lmodesk-bench browse: --db PATH is required (make one with: lmodesk demo --licenses 1000000 --db PATH)"
            << Qt::endl;
        return 2;
    }
    const int runs = qMax(1, parser.value(runsOpt).toInt());
    Database::OpenOptions open;
    auto database = Database::open(parser.value(dbOpt), open);
    if (!database) {
        err << "lmodesk-bench: " << database.error().message << Qt::endl;
        return 1;
    }
    Database &db = *database.value();
    QSqlDatabase raw = db.connection();
    LicenseListReader reader(raw, db.dialect());
    auto choices = reader.choices();
    if (!choices) {
        err << "lmodesk-bench: " << choices.error().message << Qt::endl;
        return 1;
    }
    const QDate today = QDate::currentDate();

    LicenseTableModel model;
    QJsonObject result;

    // Opening: the default list (newest installs first).
    const double first = timeUntil(model, [&] { model.setDatabase(&db); }, [&] { return loaded(model, 0); });
    const double counted = timeUntil(model, [] {}, [&] { return model.matchingCount().has_value(); });
    const double listed = timeUntil(model, [] {}, [&] { return model.idsLoaded(); });
    const qint64 total = model.totalCount().value_or(-1);
    LicenseQuery defaultQuery = model.query();
    result[QStringLiteral("licenses")] = total;
    result[QStringLiteral("first_window_ms")] = ms(first);
    {
        // The model's first window includes opening its worker's connection (for a server, a new
        // session: a process forked there and the driver's setup statements); bare, the same
        // connection opened, then the statement.
        QElapsedTimer t;
        t.start();
        const QString name = QStringLiteral("bench-first-window");
        auto fresh = Database::openConnection(db.connectionSpec(), name);
        if (!fresh) {
            err << "lmodesk-bench: " << fresh.error().message << Qt::endl;
            return 1;
        }
        const double connect = t.nsecsElapsed() / 1e6;
        const double statement = rawFirstWindow(fresh.value(), buildLicenseQuery(defaultQuery, model.packages(), db.dialect()));
        fresh.value().close();
        fresh = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        result[QStringLiteral("first_window_raw_sql_ms")] = ms(connect + statement);
        result[QStringLiteral("first_window_raw_connect_ms")] = ms(connect);
    }
    result[QStringLiteral("count_ms")] = ms(first + counted);
    result[QStringLiteral("id_list_ms")] = ms(first + counted + listed);
    {
        // The model counts and then lists the ids on a connection of their own, from the
        // moment it is given the database (beside the first window): bare, the same counts
        // (each segment's, and the total), then the same id list, reading every id.
        const std::vector<LicenseQuerySegment> segments = buildLicenseQuery(defaultQuery, model.packages(), db.dialect());
        QElapsedTimer t;
        t.start();
        for (const LicenseQuerySegment &s : segments) {
            QSqlQuery q(raw);
            q.setForwardOnly(true);
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses l WHERE %1").arg(s.where));
            for (const QVariant &v : s.binds)
                q.addBindValue(v);
            q.exec();
            q.next();
        }
        {
            QSqlQuery q(raw);
            q.setForwardOnly(true);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM licenses"));
            q.next();
        }
        const double countRaw = t.nsecsElapsed() / 1e6;
        qint64 listedIds = 0;
        for (const LicenseQuerySegment &s : segments) {
            QSqlQuery q(raw);
            q.setForwardOnly(true);
            q.prepare(QStringLiteral("SELECT l.id FROM licenses l WHERE %1 ORDER BY %2").arg(s.where, s.orderBy));
            for (const QVariant &v : s.binds)
                q.addBindValue(v);
            q.exec();
            while (q.next())
                listedIds += q.value(0).toLongLong() != 0;
        }
        result[QStringLiteral("count_raw_sql_ms")] = ms(countRaw);
        result[QStringLiteral("id_list_raw_sql_ms")] = ms(t.nsecsElapsed() / 1e6);
        result[QStringLiteral("id_list_raw_sql_rows")] = listedIds;
    }

    // The end of the list, once the ids are known (a lookup by id), and right after a change,
    // when only the count is (read from the end).
    const int last = model.rowCount() - 1;
    const double endByIds = timeUntil(model, [&] { (void)model.index(last, 0).data(); }, [&] { return loaded(model, last); });
    result[QStringLiteral("jump_to_end_ms")] = ms(endByIds);
    {
        const std::vector<qint64> lastIds = [&] {
            std::vector<qint64> ids;
            for (int r = qMax(0, last - LicenseTableModel::kBlockSize + 1); r <= last; ++r)
                ids.push_back(model.licenseIdAt(r));
            return ids;
        }();
        QElapsedTimer t;
        t.start();
        QStringList list;
        for (qint64 id : lastIds)
            list << QString::number(id);
        QSqlQuery q(raw);
        q.exec(QStringLiteral("SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref WHERE l.id IN (%2)")
                   .arg(LicenseListReader::rowColumnsSql(), list.join(u',')));
        while (q.next())
            for (int c = 0; c < 15; ++c)
                (void)q.value(c);
        result[QStringLiteral("jump_to_end_raw_sql_ms")] = ms(t.nsecsElapsed() / 1e6);
    }
    {
        LicenseQuery q = defaultQuery;
        q.sortColumn = LicenseColumn::Name;
        q.order = Qt::AscendingOrder;
        timeUntil(model, [&] { model.setQuery(q); }, [&] { return model.matchingCount().has_value(); });
        const int end = model.rowCount() - 1;
        const double endByCount =
            timeUntil(model, [&] { (void)model.index(end, 0).data(); }, [&] { return loaded(model, end); });
        result[QStringLiteral("jump_to_end_before_id_list_ms")] = ms(endByCount);
        result[QStringLiteral("jump_to_end_before_id_list_raw_sql_ms")] =
            ms(rawFirstWindow(raw, buildLicenseQuery(q, model.packages(), db.dialect()), true));
    }

    // Each sort and each filter is measured `runs` times, model and bare alike, and the median
    // kept: on a shared machine one figure of a few milliseconds is mostly its neighbours' noise.
    std::map<QString, std::vector<double>> sortRuns, sortRawRuns, filterRuns, filterRawRuns, filterCountRuns;
    QJsonObject filterRows;
    for (int run = 0; run < runs; ++run) {
    // Sorting by each column (ascending; the default is install date, newest first).
    for (int c = 0; c < kLicenseColumnCount; ++c) {
        LicenseQuery q = defaultQuery;
        q.sortColumn = LicenseColumn(c);
        q.order = Qt::AscendingOrder;
        const double t = timeUntil(model, [&] { model.setQuery(q); }, [&] { return loaded(model, 0) || model.matchingCount() == 0; });
        sortRuns[licenseColumnKey(LicenseColumn(c))].push_back(t);
        sortRawRuns[licenseColumnKey(LicenseColumn(c))].push_back(rawFirstWindow(raw, buildLicenseQuery(q, model.packages(), db.dialect())));
    }

    // Each filter on its own, on the default sort.
    std::vector<std::pair<QString, LicenseFilter>> filters;
    auto add = [&](const char *name, const std::function<void(LicenseFilter &)> &set) {
        LicenseFilter f;
        f.asOf = today;
        set(f);
        filters.emplace_back(QString::fromLatin1(name), f);
    };
    add("text_name", [](LicenseFilter &f) { f.text = QStringLiteral("L-0012345"); });
    // A word in account names: thousands of matches, the first window sorted from them.
    add("text_account", [](LicenseFilter &f) { f.text = QStringLiteral("trident"); });
    add("text_org_id", [&](LicenseFilter &f) {
        QSqlQuery q(raw);
        q.exec(QStringLiteral("SELECT org_id FROM licenses WHERE id = (SELECT MAX(id) / 2 FROM licenses)"));
        f.text = q.next() ? q.value(0).toString() : QStringLiteral("00D000000000001");
    });
    add("status", [](LicenseFilter &f) { f.statuses = {Status::Suspended}; });
    add("effective_status", [](LicenseFilter &f) { f.effectiveStatuses = {EffectiveStatus::Expired}; });
    add("package", [&](LicenseFilter &f) { f.packages = {choices->packages.front().rowId}; });
    add("version", [&](LicenseFilter &f) { f.versions = {choices->versions.isEmpty() ? QString() : choices->versions.last()}; });
    add("edition", [&](LicenseFilter &f) { f.editions = {choices->editions.value(0)}; });
    add("instance", [&](LicenseFilter &f) { f.instances = {choices->instances.value(0)}; });
    add("sandbox", [](LicenseFilter &f) { f.sandbox = true; });
    add("site_license", [](LicenseFilter &f) { f.siteLicense = true; });
    add("install_date_range", [&](LicenseFilter &f) {
        f.installedFrom = today.addYears(-1);
        f.installedTo = today;
    });
    add("expiring_within_30_days", [](LicenseFilter &f) { f.expiringWithinDays = 30; });
    for (const auto &[name, filter] : filters) {
        LicenseQuery q = defaultQuery;
        q.filter = filter;
        auto modelRun = [&] {
            const double t = timeUntil(model, [&] { model.setQuery(q); }, [&] { return loaded(model, 0) || model.matchingCount() == 0; });
            const double count = timeUntil(model, [] {}, [&] { return model.matchingCount().has_value(); });
            filterRuns[name].push_back(t);
            filterCountRuns[name].push_back(t + count);
            filterRows[name] = model.matchingCount().value_or(-1);
        };
        // Bare, the same shape: where the model counts first to choose its plan, the same
        // COUNT, then the same window in that plan.
        auto bareRun = [&] {
            double bare = 0;
            LicensePlan plan = LicensePlan::Natural;
            if (planDependsOnCount(q.filter)) {
                QElapsedTimer c;
                c.start();
                qint64 matching = 0;
                for (const LicenseQuerySegment &s : buildLicenseQuery(q, model.packages(), db.dialect())) {
                    QSqlQuery countQuery(raw);
                    countQuery.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses l WHERE %1").arg(s.where));
                    for (const QVariant &v : s.binds)
                        countQuery.addBindValue(v);
                    countQuery.exec();
                    if (countQuery.next())
                        matching += countQuery.value(0).toLongLong();
                }
                bare += c.nsecsElapsed() / 1e6;
                plan = choosePlan(matching, total);
            } else if (const auto candidates = textCandidates(q.filter, db.dialect(), model.packages())) {
                // A text search: the substring index's candidates counted, as the model does.
                QElapsedTimer c;
                c.start();
                QSqlQuery countQuery(raw);
                countQuery.prepare(candidates->countSql);
                for (const QVariant &v : candidates->binds)
                    countQuery.addBindValue(v);
                if (candidates->probe)
                    countQuery.addBindValue(textProbeLimit(total));
                countQuery.exec();
                const qint64 proposed = countQuery.next() ? countQuery.value(0).toLongLong() : 0;
                bare += c.nsecsElapsed() / 1e6;
                plan = chooseTextPlan(*candidates, proposed, total);
            }
            bare += rawFirstWindow(raw, buildLicenseQuery(q, model.packages(), db.dialect(), plan));
            filterRawRuns[name].push_back(bare);
        };
        // Whichever goes first reads the pages the filter needs into the server's buffers (or
        // SQLite's cache) for the other: on the server a word's 9,400 pages made the second run
        // 20-30 ms faster. The two take turns at going first.
        if (run % 2 == 0) {
            modelRun();
            bareRun();
        } else {
            bareRun();
            modelRun();
        }
    }
    } // runs
    auto medians = [](const std::map<QString, std::vector<double>> &runsOf) {
        QJsonObject out;
        for (auto [key, values] : runsOf) {
            std::sort(values.begin(), values.end());
            out[key] = ms(values[values.size() / 2]);
        }
        return out;
    };
    const QJsonObject sorts = medians(sortRuns), sortsRaw = medians(sortRawRuns);
    const QJsonObject filterMs = medians(filterRuns), filterRaw = medians(filterRawRuns), filterCountMs = medians(filterCountRuns);
    result[QStringLiteral("runs")] = runs;
    result[QStringLiteral("sort_ms")] = sorts;
    result[QStringLiteral("sort_raw_sql_ms")] = sortsRaw;
    result[QStringLiteral("filter_ms")] = filterMs;
    result[QStringLiteral("filter_raw_sql_ms")] = filterRaw;
    result[QStringLiteral("filter_count_ms")] = filterCountMs;
    result[QStringLiteral("filter_rows")] = filterRows;
    model.setDatabase(nullptr);
    result[QStringLiteral("peak_rss_mb")] = qRound(rssMb());

    // The naive way, on 100,000 licenses: everything fetched into a QSqlQueryModel, sorted and
    // filtered by a QSortFilterProxyModel.
    {
        const double before = rssMb();
        QElapsedTimer t;
        t.start();
        QSqlQueryModel naive;
        naive.setQuery(QStringLiteral("SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                      "ORDER BY l.id LIMIT 100000")
                           .arg(LicenseListReader::rowColumnsSql()),
                       raw);
        while (naive.canFetchMore())
            naive.fetchMore();
        const double load = t.nsecsElapsed() / 1e6;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&naive);
        t.restart();
        proxy.sort(1, Qt::AscendingOrder);
        (void)proxy.index(0, 0).data();
        const double sort = t.nsecsElapsed() / 1e6;
        t.restart();
        proxy.setFilterKeyColumn(1);
        proxy.setFilterFixedString(QStringLiteral("L-0012345"));
        (void)proxy.rowCount();
        const double filter = t.nsecsElapsed() / 1e6;
        result[QStringLiteral("naive_100k")] = QJsonObject{
            {QStringLiteral("rows"), naive.rowCount()},
            {QStringLiteral("load_ms"), ms(load)},
            {QStringLiteral("sort_ms"), ms(sort)},
            {QStringLiteral("filter_ms"), ms(filter)},
            {QStringLiteral("first_window_ms"), ms(load + sort)},
            {QStringLiteral("peak_rss_mb_added"), qRound(rssMb() - before)},
        };
    }

    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
        return 0;
    }
    // A table: each figure beside its bare SQL, their ratio, and whether it meets the aim
    // (within 2x of the bare SQL, and under 100 ms).
    out << db.dialect().name() << ", " << total << " licenses\n";
    out << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("figure"), -42).arg(QStringLiteral("model ms"), 10).arg(QStringLiteral("bare ms"), 10).arg(QStringLiteral("ratio"), 7);
    auto row = [&](const QString &name, const QJsonValue &model, const QJsonValue &bare) {
        const double m = model.toDouble();
        const double b = bare.toDouble();
        const QString ratio = b > 0 ? QString::number(m / b, 'f', 2) : QStringLiteral("-");
        const bool meets = m < 100 && (b <= 0 || m <= 2 * b);
        out << QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(name, -42)
                   .arg(m, 10, 'f', 1)
                   .arg(b, 10, 'f', 1)
                   .arg(ratio, 7)
                   .arg(meets ? QString() : QStringLiteral("*"));
    };
    for (const char *key : {"first_window", "count", "id_list", "jump_to_end", "jump_to_end_before_id_list"}) {
        const QString k = QString::fromLatin1(key);
        row(k, result.value(k + QStringLiteral("_ms")), result.value(k + QStringLiteral("_raw_sql_ms")));
    }
    for (auto it = sorts.begin(); it != sorts.end(); ++it)
        row(QStringLiteral("sort ") + it.key(), it.value(), sortsRaw.value(it.key()));
    for (auto it = filterMs.begin(); it != filterMs.end(); ++it)
        row(QStringLiteral("filter %1 (%2 rows)").arg(it.key()).arg(filterRows.value(it.key()).toInteger()), it.value(),
            filterRaw.value(it.key()));
    out << "(* misses the aim: under 100 ms and within 2x of the bare SQL; count and id list run beside the first "
           "window, from the open)\n";
    out << "peak RSS " << result.value(QStringLiteral("peak_rss_mb")).toInteger() << " MB\n";
    return 0;
}
