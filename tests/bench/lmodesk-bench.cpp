// lmodesk-bench: speed and memory figures, measured through the real code paths. Prints
// figures; never asserts a time (these machines are shared and noisy).
//
//   lmodesk-bench demo [--licenses N] [--seed S] [--db PATH] [--json]
//       Writes a demo install base into a fresh database (a temporary one unless --db) and
//       reports generation time, rows per second, peak memory, file size and the time of the
//       install-base summary (`lmodesk stats`) on the result. Beside it, the bare counterpart:
//       the sqlite3 shell copying the same rows from that file into a new one and making the same
//       indexes, search index, org summary and statistics.
//
//   lmodesk-bench browse --db PATH [--json]
//       The Licenses page's model on an existing database (see browsebench.cpp): first window,
//       each sort, each filter, the jump to the end, peak memory; beside each, the same SQL run
//       bare; and a QSqlQueryModel + QSortFilterProxyModel on 100,000 rows for comparison.
//       PATH may be a postgresql:// URI: the bare SQL then goes through QPSQL to the same server.
//
//   lmodesk-bench dashboard --db PATH [--json]
//       The dashboard's full refresh (three runs) and each of its queries, beside the same
//       aggregations run bare by the sqlite3 shell on the same file (dashboardbench.cpp). On a
//       postgresql:// URI each of the dashboard's aggregate statements is run bare by psql.
//
//   lmodesk-bench coldstart --db PATH [--json]
//       The window opening an SQLite file dropped from the page cache first (coldstartbench.cpp):
//       the first window of licenses, the dashboard's first refresh, the longest stall of the
//       window's event loop; beside them the sqlite3 shell reading the same, cold.
//
//   lmodesk-bench import [--rows N] [--file PATH] [--db postgresql://URI] [--json]
//       Writes a Data Loader export of sfLma__License__c (21 upper-case API-name columns, every
//       field quoted, about 300 bytes a row; kept at --file if given), then imports it twice into
//       empty databases, side by side: with the sqlite3 shell's `.import` into a plain 21-column
//       TEXT table, and with `lmodesk import`. Prints sqlite3's time; lmodesk's time to the
//       licenses saved (its summary line: committed, typed, checked) and to the end of the process
//       (the browse indexes built too); both ratios sqlite3 / lmodesk; each process's peak memory;
//       and the shell's whole job: after its `.import`, the same license indexes (the app's own
//       statements), search index, org summary and ANALYZE on its TEXT table.
//       With --db postgresql://URI: into scratch schemas of that team database (dropped after),
//       psql's `\copy` into a plain 21-column TEXT table beside `lmodesk import`, and the ratios
//       lmodesk / psql.//
//   lmodesk-bench sync [--licenses N] [--changes N] [--db postgresql://URI] [--json]
//       The live sync against the fake Salesforce of the tests (on 127.0.0.1, in this process,
//       its own thread): N licenses (default 1,000,000) over 3 packages. Writes the same records
//       as CSV (what a Bulk API result carries), imports them with `lmodesk import` into an empty
//       database, then runs `lmodesk sync --full --instance-url` (a process of its own, as a user
//       runs it; Bulk API 2.0 above 50,000) into another, changes N licenses in the org (default
//       1,000) and runs `lmodesk sync` again. Prints each time and the requests
//       the sync made, and the ratio full sync / CSV import; beside them the sqlite3 shell's
//       `.import` of the licenses file (or psql's \copy with --db), the bare floor.

#include "benchutil.h"
#include "fakesalesforce.h"
#include "sync/orgsync.h"
#include "browsebench.h"
#include "coldstartbench.h"
#include "dashboardbench.h"
#include "demo/demogenerator.h"
#include "metrics/installbasestats.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "util/format.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include "domain/salesforceid.h"
#include "demo/demorandom.h"

#include <QDir>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

double peakRssMb()
{
    return benchPeakRssMb();
}

struct ChildRun
{
    int exitCode = -1;
    double seconds = 0;
    double peakRssMb = 0;
    double markSeconds = -1; // when `mark` first appeared on its standard output
    QByteArray output;
};

// Runs a program to its end and reads its own peak memory from the kernel (wait4), which a
// QProcess does not expose. Its standard output is read as it comes, to time `mark`.
ChildRun runChild(const QStringList &command, const QString &stdinPath = QString(), const QByteArray &mark = QByteArray())
{
    ChildRun run;
    std::vector<QByteArray> storage;
    std::vector<char *> argv;
    for (const QString &a : command)
        storage.push_back(a.toLocal8Bit());
    for (QByteArray &a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        return run;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    QByteArray input = stdinPath.toLocal8Bit();
    if (!stdinPath.isEmpty())
        posix_spawn_file_actions_addopen(&actions, 0, input.constData(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
    posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
    QElapsedTimer timer;
    timer.start();
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipeFds[1]);
    if (spawned != 0) {
        close(pipeFds[0]);
        return run;
    }
    char chunk[4096];
    for (;;) {
        const ssize_t n = read(pipeFds[0], chunk, sizeof chunk);
        if (n <= 0)
            break;
        run.output.append(chunk, qsizetype(n));
        if (!mark.isEmpty() && run.markSeconds < 0 && run.output.contains(mark))
            run.markSeconds = timer.nsecsElapsed() / 1e9;
    }
    close(pipeFds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    run.seconds = timer.nsecsElapsed() / 1e9;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.peakRssMb = usage.ru_maxrss / 1024.0;
    return run;
}

// The statements by which the sqlite3 shell makes, over licenses it already holds, the same
// structures as `ours` has (read from ours' own schema): every index of the licenses (and of
// the audit log when asked), the search index rebuilt once, the org summary (one GROUP BY over
// the org index into the same table and its indexes) and ANALYZE, with the settings the app's
// own index builds use. The bare counterpart of everything an import or the demo does after
// its rows are saved. `plainRowid`: the licenses are the shell's `.import` table, without an
// id column (the search index then reads the rowid).
QByteArray sameStructuresSql(QSqlDatabase ours, const QStringList &tables, bool plainRowid)
{
    QByteArray sql = ".bail on\nPRAGMA cache_size=-2048;\nPRAGMA threads=2;\nPRAGMA temp_store=FILE;\n";
    QSqlQuery q(ours);
    QStringList quoted;
    for (const QString &t : tables)
        quoted << QLatin1Char('\'') + t + QLatin1Char('\'');
    q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (%1) "
                          "ORDER BY tbl_name DESC, name")
               .arg(quoted.join(QLatin1Char(','))));
    while (q.next())
        sql += q.value(0).toString().toUtf8() + ";\n";
    sql += "PRAGMA cache_size=-65536;\n";
    q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'license_search'"));
    if (q.next()) {
        QString search = q.value(0).toString();
        if (plainRowid)
            search.remove(QStringLiteral(", content_rowid='id'"));
        sql += search.toUtf8() + ";\nINSERT INTO license_search(license_search) VALUES ('rebuild');\n";
    }
    q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'subscribers'"));
    if (q.next())
        sql += q.value(0).toString().toUtf8() + ";\n";
    sql += "INSERT INTO subscribers SELECT org_id, account_name, org_edition, org_instance, org_status, is_sandbox, "
           "COUNT(*), SUM(status <> 'Uninstalled'), GROUP_CONCAT(DISTINCT package_ref), "
           "SUM(CASE WHEN status <> 'Uninstalled' AND seats >= 0 THEN seats ELSE 0 END), "
           "MAX(status <> 'Uninstalled' AND seats < 0), SUM(CASE WHEN status <> 'Uninstalled' THEN used_licenses ELSE 0 END), "
           "MIN(install_date), MAX(last_modified), 1 FROM licenses GROUP BY org_id;\n";
    sql += "PRAGMA cache_size=-2048;\n";
    q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = 'subscribers'"));
    while (q.next())
        sql += q.value(0).toString().toUtf8() + ";\n";
    sql += "ANALYZE;\n";
    return sql;
}

// Runs `sql` through the sqlite3 shell on `file`, from a script written into `dir`.
ChildRun runSqlite3(const QString &file, const QByteArray &sql, const QTemporaryDir &dir, const QString &name)
{
    const QString script = dir.filePath(name);
    QFile f(script);
    if (!f.open(QIODevice::WriteOnly) || f.write(sql) != sql.size())
        return {};
    f.close();
    return runChild({QStringLiteral("sqlite3"), file}, script);
}

int benchDemo(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"), QStringLiteral("Licenses (default 1000000)."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Seed."), QStringLiteral("S"),
                                     QStringLiteral("1"));
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("Keep the database here (must not exist)."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({licensesOpt, seedOpt, dbOpt, jsonOpt});
    parser.addHelpOption();
    parser.process(args);

    QTemporaryDir dir;
    const QString path = parser.isSet(dbOpt) ? parser.value(dbOpt) : dir.filePath(QStringLiteral("bench.sqlite"));
    if (QFileInfo::exists(path)) {
        QTextStream(stderr) << "lmodesk-bench: " << path << " exists; give a new file." << Qt::endl;
        return 2;
    }
    lmo::DemoOptions options;
    options.licenses = parser.value(licensesOpt).toLongLong();
    options.seed = parser.value(seedOpt).toULongLong();
    // As `lmodesk demo` and the first-start dialog write it: a new file, made whole beside the
    // path and moved into place.
    QElapsedTimer timer;
    timer.start();
    auto summary = lmo::generateDemoAt(path, options);
    const double generateMs = timer.nsecsElapsed() / 1e6;
    if (!summary) {
        QTextStream(stderr) << "lmodesk-bench: " << summary.error().message << Qt::endl;
        return 1;
    }
    auto db = lmo::Database::open(path, lmo::Database::OpenOptions());
    if (!db) {
        QTextStream(stderr) << "lmodesk-bench: " << db.error().message << Qt::endl;
        return 1;
    }
    timer.restart();
    auto stats = lmo::computeInstallBaseStats(db.value()->connection(), QDate::currentDate());
    const double statsMs = timer.nsecsElapsed() / 1e6;
    if (!stats) {
        QTextStream(stderr) << "lmodesk-bench: " << stats.error().message << Qt::endl;
        return 1;
    }
    const double sizeMb = QFileInfo(path).size() / (1024.0 * 1024.0);

    // The bare counterpart: the sqlite3 shell copying the same rows (read from the demo's file,
    // not made) into the same tables in a new file, then making the same structures.
    QByteArray bareSql = ".bail on\nPRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nATTACH '" + path.toUtf8() + "' AS demo;\n";
    const QStringList copied{QStringLiteral("packages"),  QStringLiteral("package_versions"), QStringLiteral("licenses"),
                             QStringLiteral("audit_log"), QStringLiteral("billing_sources"),  QStringLiteral("billing_subscriptions")};
    {
        QSqlQuery q(db.value()->connection());
        for (const QString &t : copied) {
            q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '%1'").arg(t));
            if (q.next())
                bareSql += q.value(0).toString().toUtf8() + ";\n";
        }
    }
    bareSql += "PRAGMA foreign_keys=OFF;\nPRAGMA ignore_check_constraints=ON;\nBEGIN;\n";
    for (const QString &t : copied)
        bareSql += "INSERT INTO main." + t.toUtf8() + " SELECT * FROM demo." + t.toUtf8() + ";\n";
    bareSql += "COMMIT;\nDETACH demo;\n"
               + sameStructuresSql(db.value()->connection(), {QStringLiteral("licenses"), QStringLiteral("audit_log")}, false);
    QTextStream(stderr) << "sqlite3, the same rows and structures..." << Qt::endl;
    const ChildRun bare = runSqlite3(dir.filePath(QStringLiteral("sqlite3.sqlite")), bareSql, dir, QStringLiteral("demo.sql"));
    if (bare.exitCode != 0) {
        QTextStream(stderr) << "lmodesk-bench: the sqlite3 shell failed: " << bare.output << Qt::endl;
        return 1;
    }
    const QJsonObject result{
        {QStringLiteral("licenses"), summary->licenses},
        {QStringLiteral("subscriber_orgs"), summary->subscriberOrgs},
        {QStringLiteral("generate_ms"), qRound(generateMs)},
        {QStringLiteral("licenses_per_second"), qRound64(summary->licenses / (generateMs / 1000.0))},
        {QStringLiteral("stats_ms"), qRound(statsMs)},
        {QStringLiteral("database_mb"), qRound(sizeMb)},
        {QStringLiteral("peak_rss_mb"), qRound(peakRssMb())},
        {QStringLiteral("sqlite3_same_rows_and_structures_ms"), qRound(bare.seconds * 1000)},
        {QStringLiteral("sqlite3_peak_rss_mb"), qRound(bare.peakRssMb)},
    };
    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
    } else {
        out << "demo install base: " << lmo::groupedNumber(summary->licenses) << " licenses, "
            << lmo::groupedNumber(summary->subscriberOrgs) << " subscriber orgs\n"
            << "  generate        " << QString::number(generateMs / 1000.0, 'f', 1) << " s ("
            << lmo::groupedNumber(result.value(QStringLiteral("licenses_per_second")).toInteger())
            << " licenses/s, indexes and ANALYZE included)\n"
            << "  sqlite3 shell   " << QString::number(bare.seconds, 'f', 1) << " s, peak RSS " << qRound(bare.peakRssMb)
            << " MB (the same rows copied from the demo's file into a new one, then the same indexes, search index, "
               "org summary and ANALYZE)\n"
            << "  stats           " << qRound(statsMs) << " ms\n"
            << "  database file   " << qRound(sizeMb) << " MB\n"
            << "  peak RSS        " << qRound(peakRssMb()) << " MB\n";
    }
    return 0;
}

// The columns of writeDataLoaderExport()'s file, in its order, by the app's names for them.
const std::vector<const char *> kExportColumns{
    "sf_id", "name", "account_id", "contact_id", "lead_id", "package_ref", "package_version_ref", "version_number", "status",
    "license_status", "seats", "used_licenses", "expiration", "install_date", "org_id", "org_edition", "org_instance",
    "org_status", "is_sandbox", "package_license_id", "last_modified"};

// A Data Loader export as Salesforce writes it: upper-case API names, every value quoted,
// ISO dates, numbers as "25.0", CRLF.
bool writeDataLoaderExport(const QString &path, qint64 rows)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write("\"ID\",\"NAME\",\"SFLMA__ACCOUNT__C\",\"SFLMA__CONTACT__C\",\"SFLMA__LEAD__C\",\"SFLMA__PACKAGE__C\","
            "\"SFLMA__PACKAGE_VERSION__C\",\"SFLMA__VERSION_NUMBER__C\",\"SFLMA__STATUS__C\",\"SFLMA__LICENSE_STATUS__C\","
            "\"SFLMA__SEATS__C\",\"SFLMA__USED_LICENSES__C\",\"SFLMA__EXPIRATION__C\",\"SFLMA__INSTALL_DATE__C\","
            "\"SFLMA__SUBSCRIBER_ORG_ID__C\",\"SFLMA__ORG_EDITION__C\",\"SFLMA__ORG_INSTANCE__C\",\"SFLMA__ORG_STATUS__C\","
            "\"SFLMA__SUBSCRIBER_ORG_IS_SANDBOX__C\",\"SFLMA__PACKAGE_LICENSE_ID__C\",\"SFLMA__LAST_MODIFIED__C\"\r\n");
    lmo::DemoRandom rng(20261128);
    auto id = [](const char *prefix, qint64 serial) {
        QString body = QString::fromLatin1(prefix) + QStringLiteral("5f") + QString::number(serial, 36).toUpper().rightJustified(10, QLatin1Char('0'));
        return lmo::SalesforceId::fromString(body).to18();
    };
    const char *statuses[] = {"Active", "Active", "Active", "Trial", "Uninstalled", "Suspended"};
    const char *editions[] = {"Enterprise Edition", "Unlimited Edition", "Professional Edition", "Developer Edition"};
    QByteArray buffer;
    for (qint64 i = 1; i <= rows; ++i) {
        const int package = int(rng.below(5));
        const int version = int(rng.below(12));
        const char *status = statuses[rng.below(6)];
        const qint64 seats = rng.chance(0.2) ? -1 : 1 + rng.below(500);
        const QDate install = QDate(2019, 1, 1).addDays(rng.below(2800));
        const bool perpetual = rng.chance(0.3);
        const QDate expiration = install.addYears(1 + int(rng.below(3)));
        const QStringList cells{
            id("a0B", i),
            QStringLiteral("L-%1").arg(i, 7, 10, QLatin1Char('0')),
            id("001", i),
            id("003", i),
            QString(),
            id("a08", package + 1),
            id("a09", package * 100 + version + 1),
            QStringLiteral("%1.%2").arg(1 + package).arg(version),
            QString::fromLatin1(status),
            QString::fromLatin1(status),
            QStringLiteral("%1.0").arg(seats),
            QStringLiteral("%1.0").arg(seats < 0 ? rng.below(50) : rng.below(seats + 1)),
            perpetual ? QString() : expiration.toString(Qt::ISODate),
            install.toString(Qt::ISODate),
            id("00D", i),
            QString::fromLatin1(editions[rng.below(4)]),
            QStringLiteral("NA%1").arg(10 + rng.below(200)),
            QStringLiteral("ACTIVE"),
            rng.chance(0.12) ? QStringLiteral("true") : QStringLiteral("false"),
            id("050", i),
            QStringLiteral("2026-0%1-1%2T10:15:00.000Z").arg(1 + rng.below(9)).arg(rng.below(10)),
        };
        for (qsizetype c = 0; c < cells.size(); ++c) {
            if (c)
                buffer += ',';
            buffer += '"';
            buffer += cells[c].toUtf8();
            buffer += '"';
        }
        buffer += "\r\n";
        if (buffer.size() > (1 << 20)) {
            f.write(buffer);
            buffer.clear();
        }
    }
    f.write(buffer);
    return f.flush();
}

// psql run on `uri` with one command; its run.
ChildRun psql(const QString &uri, const QString &command)
{
    // client_min_messages: the schema drops' NOTICE per table says nothing worth reading.
    return runChild({QStringLiteral("psql"), QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                     QStringLiteral("ON_ERROR_STOP=1"), uri, QStringLiteral("-c"),
                     QStringLiteral("SET client_min_messages = warning"), QStringLiteral("-c"), command});
}

// The import into a team database, beside psql's \copy of the same file into a plain TEXT
// table: each in a scratch schema of its own, dropped afterwards.
int benchServerImport(const QString &uri, const QString &csv, qint64 rows, double fileMb, bool json)
{
    QTextStream err(stderr);
    const QString tag = QString::number(QCoreApplication::applicationPid());
    const QString plainSchema = QStringLiteral("bench_copy_") + tag;
    const QString ourSchema = QStringLiteral("bench_lmodesk_") + tag;
    const QString ours = uri + (uri.contains(QLatin1Char('?')) ? u'&' : u'?') + QStringLiteral("options=-csearch_path%3D")
                         + ourSchema;
    QString columns;
    for (int c = 0; c < 21; ++c)
        columns += (c ? QStringLiteral(", c") : QStringLiteral("c")) + QString::number(c) + QStringLiteral(" TEXT");
    if (psql(uri, QStringLiteral("CREATE SCHEMA %1; CREATE TABLE %1.licenses (%2); CREATE SCHEMA %3")
                      .arg(plainSchema, columns, ourSchema))
            .exitCode
        != 0) {
        err << "lmodesk-bench: cannot create the scratch schemas on " << uri << Qt::endl;
        return 1;
    }
    auto dropSchemas = qScopeGuard([&] {
        psql(uri, QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE; DROP SCHEMA IF EXISTS %2 CASCADE").arg(plainSchema, ourSchema));
    });
    QString quotedFile = csv;
    quotedFile.replace(QLatin1Char('\''), QStringLiteral("''"));
    // Both tables exist before either load, as in a team database in use: ours is made by
    // opening it (the schema's migrations), outside the time measured, as psql's was by CREATE TABLE.
    {
        lmo::Database::OpenOptions create;
        create.create = true;
        auto made = lmo::Database::open(ours, create);
        if (!made) {
            err << "lmodesk-bench: cannot make the schema in " << ourSchema << ": " << made.error().message << Qt::endl;
            return 1;
        }
    }
    err << "psql \\copy..." << Qt::endl;
    const ChildRun copy = psql(uri, QStringLiteral("\\copy %1.licenses FROM '%2' CSV HEADER").arg(plainSchema, quotedFile));
    err << "lmodesk import..." << Qt::endl;
    const ChildRun lmodesk = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("import"), QStringLiteral("--db"), ours, csv},
                                      QString(), QByteArrayLiteral(" rejected "));
    if (copy.exitCode != 0 || lmodesk.exitCode != 0 || lmodesk.markSeconds < 0) {
        err << "lmodesk-bench: a run failed (psql exit " << copy.exitCode << ", lmodesk exit " << lmodesk.exitCode << ")"
            << Qt::endl
            << lmodesk.output;
        return 1;
    }
    qint64 imported = -1;
    {
        auto db = lmo::Database::open(ours, lmo::Database::OpenOptions());
        if (db) {
            QSqlDatabase c = db.value()->connection();
            auto n = lmo::queryNumber(c, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting"));
            imported = n ? n.value() : -1;
        }
    }
    const double saved = lmodesk.markSeconds;
    const double total = lmodesk.seconds;
    const QJsonObject result{
        {QStringLiteral("rows"), rows},
        {QStringLiteral("file_mb"), qRound(fileMb)},
        {QStringLiteral("psql_copy_s"), qRound(copy.seconds * 100) / 100.0},
        {QStringLiteral("lmodesk_saved_s"), qRound(saved * 100) / 100.0},
        {QStringLiteral("lmodesk_with_indexes_s"), qRound(total * 100) / 100.0},
        {QStringLiteral("ratio_lmodesk_saved_over_psql_copy"), qRound(saved / copy.seconds * 100) / 100.0},
        {QStringLiteral("ratio_lmodesk_with_indexes_over_psql_copy"), qRound(total / copy.seconds * 100) / 100.0},
        {QStringLiteral("lmodesk_peak_rss_mb"), qRound(lmodesk.peakRssMb)},
        {QStringLiteral("licenses_imported"), imported},
    };
    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
    } else {
        out << "import of a " << lmo::groupedNumber(rows) << "-row Data Loader export (" << qRound(fileMb) << " MB) into "
            << uri << "\n"
            << "  psql \\copy                       " << QString::number(copy.seconds, 'f', 2)
            << " s (a plain 21-column TEXT table, no index)\n"
            << "  lmodesk import, licenses saved   " << QString::number(saved, 'f', 2) << " s (typed, checked, "
            << lmo::groupedNumber(imported) << " licenses committed)\n"
            << "  lmodesk import, indexes built    " << QString::number(total, 'f', 2) << " s, peak RSS "
            << qRound(lmodesk.peakRssMb) << " MB\n"
            << "  ratio lmodesk / psql \\copy: " << QString::number(saved / copy.seconds, 'f', 2) << " to the licenses saved, "
            << QString::number(total / copy.seconds, 'f', 2) << " with the indexes built\n";
    }
    return 0;
}

int benchImport(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption rowsOpt(QStringLiteral("rows"), QStringLiteral("Rows (default 1000000)."),
                                     QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption fileOpt(QStringLiteral("file"), QStringLiteral("Keep (or reuse) the export here."),
                                     QStringLiteral("PATH"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption dbOpt(QStringLiteral("db"),
                                   QStringLiteral("A team database (postgresql://...): import into a scratch schema of it, "
                                                  "beside psql's \\copy into a plain table."),
                                   QStringLiteral("URI"));
    parser.addOptions({rowsOpt, fileOpt, jsonOpt, dbOpt});
    parser.addHelpOption();
    parser.process(args);
    QTextStream err(stderr);
    const QString server = parser.value(dbOpt);
    if (!server.isEmpty() && !server.startsWith(QLatin1String("postgres")))
        return err << "lmodesk-bench: --db takes a postgresql:// URI" << Qt::endl, 2;

    QTemporaryDir dir;
    const qint64 rows = parser.value(rowsOpt).toLongLong();
    const QString csv = parser.isSet(fileOpt) ? parser.value(fileOpt) : dir.filePath(QStringLiteral("licenses.csv"));
    QElapsedTimer timer;
    timer.start();
    if (!QFileInfo::exists(csv)) {
        err << "writing " << lmo::groupedNumber(rows) << " rows to " << csv << "..." << Qt::endl;
        if (!writeDataLoaderExport(csv, rows)) {
            err << "lmodesk-bench: cannot write " << csv << Qt::endl;
            return 1;
        }
    }
    const double fileMb = QFileInfo(csv).size() / (1024.0 * 1024.0);
    // Read it once so that both runs find it in the page cache.
    {
        QFile warm(csv);
        if (warm.open(QIODevice::ReadOnly))
            while (!warm.read(1 << 22).isEmpty()) {
            }
    }

    if (!server.isEmpty())
        return benchServerImport(server, csv, rows, fileMb, parser.isSet(jsonOpt));

    // sqlite3's own CSV import: a plain table, every column TEXT, no checks, no indexes.
    const QString plain = dir.filePath(QStringLiteral("sqlite3.sqlite"));
    const QString script = dir.filePath(QStringLiteral("import.sql"));
    {
        QFile f(script);
        if (!f.open(QIODevice::WriteOnly))
            return 1;
        // The export's 21 columns, named as the app's table names them, so that its own index
        // statements run on this table unchanged (sameStructuresSql, below).
        QByteArray sql = "CREATE TABLE licenses (";
        for (size_t c = 0; c < kExportColumns.size(); ++c)
            sql += (c ? ", " : "") + QByteArray(kExportColumns[c]) + " TEXT";
        sql += ");\n.mode csv\n.import --skip 1 " + csv.toUtf8() + " licenses\n";
        f.write(sql);
    }
    err << "sqlite3 .import..." << Qt::endl;
    const ChildRun sqlite = runChild({QStringLiteral("sqlite3"), plain}, script);
    err << "lmodesk import..." << Qt::endl;
    const QString ours = dir.filePath(QStringLiteral("lmodesk.sqlite"));
    // The summary line is printed once the licenses are saved (committed: a kill from then on
    // loses nothing); the indexes for browsing are built after it, in the same process.
    const ChildRun lmodesk = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("import"), QStringLiteral("--db"), ours, csv},
                                      QString(), QByteArrayLiteral(" rejected "));
    if (sqlite.exitCode != 0 || lmodesk.exitCode != 0 || lmodesk.markSeconds < 0) {
        err << "lmodesk-bench: a run failed (sqlite3 exit " << sqlite.exitCode << ", lmodesk exit " << lmodesk.exitCode << ")"
            << Qt::endl
            << lmodesk.output;
        return 1;
    }
    lmo::Database::OpenOptions open;
    auto db = lmo::Database::open(ours, open);
    qint64 imported = -1;
    qint64 indexes = -1;
    if (db) {
        QSqlDatabase c = db.value()->connection();
        auto n = lmo::queryNumber(c, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting"));
        imported = n ? n.value() : -1;
        auto i = lmo::queryNumber(c, QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'licenses'"),
                                  QStringLiteral("counting"));
        indexes = i ? i.value() : -1;
    }
    // The same structures by the shell, on its own table, in a process of its own after the
    // `.import`: the columns the export has not (the account's name, the LMO) added first.
    ChildRun structures;
    if (db) {
        err << "sqlite3, the same structures..." << Qt::endl;
        structures = runSqlite3(plain,
                                "ALTER TABLE licenses ADD COLUMN account_name TEXT;\n"
                                "ALTER TABLE licenses ADD COLUMN lmo_ref INTEGER NOT NULL DEFAULT 1;\n"
                                    + sameStructuresSql(db.value()->connection(), {QStringLiteral("licenses")}, true),
                                dir, QStringLiteral("structures.sql"));
    }
    if (structures.exitCode != 0) {
        err << "lmodesk-bench: the sqlite3 shell failed: " << structures.output << Qt::endl;
        return 1;
    }
    const double shellTotal = sqlite.seconds + structures.seconds;
    const double saved = lmodesk.markSeconds;
    const double total = lmodesk.seconds;
    const QJsonObject result{
        {QStringLiteral("rows"), rows},
        {QStringLiteral("file_mb"), qRound(fileMb)},
        {QStringLiteral("sqlite3_import_s"), qRound(sqlite.seconds * 100) / 100.0},
        {QStringLiteral("lmodesk_saved_s"), qRound(saved * 100) / 100.0},
        {QStringLiteral("lmodesk_with_indexes_s"), qRound(total * 100) / 100.0},
        {QStringLiteral("ratio_sqlite3_over_lmodesk_saved"), qRound(sqlite.seconds / saved * 100) / 100.0},
        {QStringLiteral("ratio_sqlite3_over_lmodesk_with_indexes"), qRound(sqlite.seconds / total * 100) / 100.0},
        {QStringLiteral("sqlite3_peak_rss_mb"), qRound(sqlite.peakRssMb)},
        {QStringLiteral("lmodesk_peak_rss_mb"), qRound(lmodesk.peakRssMb)},
        {QStringLiteral("licenses_imported"), imported},
        {QStringLiteral("license_indexes"), indexes},
        {QStringLiteral("sqlite3_same_structures_s"), qRound(structures.seconds * 100) / 100.0},
        {QStringLiteral("sqlite3_whole_job_s"), qRound(shellTotal * 100) / 100.0},
        {QStringLiteral("ratio_lmodesk_over_sqlite3_whole_job"), qRound(total / shellTotal * 100) / 100.0},
    };
    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
    } else {
        out << "import of a " << lmo::groupedNumber(rows) << "-row Data Loader export (" << qRound(fileMb) << " MB)\n"
            << "  sqlite3 .import                  " << QString::number(sqlite.seconds, 'f', 2) << " s, peak RSS "
            << qRound(sqlite.peakRssMb) << " MB (a plain 21-column TEXT table, no index)\n"
            << "  lmodesk import, licenses saved   " << QString::number(saved, 'f', 2) << " s (typed, checked, "
            << lmo::groupedNumber(imported) << " licenses committed)\n"
            << "  lmodesk import, indexes built    " << QString::number(total, 'f', 2) << " s, peak RSS "
            << qRound(lmodesk.peakRssMb) << " MB (" << indexes << " indexes)\n"
            << "  ratio sqlite3 / lmodesk: " << QString::number(sqlite.seconds / saved, 'f', 2) << " to the licenses saved, "
            << QString::number(sqlite.seconds / total, 'f', 2) << " with the indexes built\n"
            << "  sqlite3, the same structures     " << QString::number(structures.seconds, 'f', 2) << " s after its .import ("
            << QString::number(shellTotal, 'f', 2) << " s in all; the same " << indexes
            << " license indexes, search index, org summary and ANALYZE, on its TEXT table)\n"
            << "  lmodesk import / sqlite3's whole job: " << QString::number(total / shellTotal, 'f', 2) << "\n";
    }
    return 0;
}

// The sync of N licenses beside the import of the same records from CSV.
int benchSync(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"), QStringLiteral("Licenses in the fake org (default 1000000)."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption changesOpt(QStringLiteral("changes"), QStringLiteral("Licenses changed before the second sync (default 1000)."),
                                        QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    const QCommandLineOption dbOpt(QStringLiteral("db"),
                                   QStringLiteral("A team database (postgresql://...): both into scratch schemas of it."),
                                   QStringLiteral("URI"));
    parser.addOptions({licensesOpt, changesOpt, jsonOpt, dbOpt});
    parser.addHelpOption();
    parser.process(args);
    QTextStream err(stderr);
    const qint64 licenses = parser.value(licensesOpt).toLongLong();
    const qint64 changes = qMin(parser.value(changesOpt).toLongLong(), licenses);
    const QString server = parser.value(dbOpt);
    if (licenses < 1 || (!server.isEmpty() && !server.startsWith(QLatin1String("postgres"))))
        return err << "lmodesk-bench: --licenses N (N > 0), --db postgresql://URI" << Qt::endl, 2;

    QTemporaryDir dir;
    const QString tag = QString::number(QCoreApplication::applicationPid());
    auto where = [&](const QString &name) {
        if (server.isEmpty())
            return dir.filePath(name + QStringLiteral(".sqlite"));
        return server + (server.contains(QLatin1Char('?')) ? u'&' : u'?') + QStringLiteral("options=-csearch_path%3D") + name
               + QStringLiteral("_") + tag;
    };
    QStringList schemas;
    auto dropSchemas = qScopeGuard([&] {
        for (const QString &schema : schemas)
            psql(server, QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
    });
    auto makeDatabase = [&](const QString &name) -> std::unique_ptr<lmo::Database> {
        if (!server.isEmpty()) {
            schemas << name + QStringLiteral("_") + tag;
            if (psql(server, QStringLiteral("CREATE SCHEMA %1").arg(schemas.last())).exitCode != 0)
                return nullptr;
        }
        lmo::Database::OpenOptions create;
        create.create = true;
        auto made = lmo::Database::open(where(name), create);
        if (!made) {
            err << "lmodesk-bench: " << made.error().message << Qt::endl;
            return nullptr;
        }
        return std::move(made.value());
    };

    lmo::test::FakeSalesforce sf;
    QString why;
    if (!sf.start(&why))
        return err << "lmodesk-bench: the fake Salesforce does not start: " << why << Qt::endl, 1;
    QDateTime clock = QDateTime::currentDateTimeUtc();
    sf.setNow(clock);
    err << "seeding the fake org with " << lmo::groupedNumber(licenses) << " licenses..." << Qt::endl;
    sf.seed(3, 0);
    sf.seedMany(licenses);
    const QString kLicense = QStringLiteral("sfLma__License__c");

    // The same records as CSV files, imported in the sync's order.
    QStringList files;
    for (const QString &object : {QStringLiteral("sfLma__Package__c"), QStringLiteral("sfLma__Package_Version__c"), kLicense}) {
        files << dir.filePath(object + QStringLiteral(".csv"));
        if (!sf.writeCsv(object, {}, files.last()))
            return err << "lmodesk-bench: cannot write " << files.last() << Qt::endl, 1;
    }
    const double fileMb = QFileInfo(files.last()).size() / (1024.0 * 1024.0);
    {
        QFile warm(files.last());
        if (warm.open(QIODevice::ReadOnly))
            while (!warm.read(1 << 22).isEmpty()) {
            }
    }

    // The floor: the licenses file into a plain TEXT table by the engine's own tool.
    ChildRun bare;
    {
        QFile header(files.last());
        if (!header.open(QIODevice::ReadOnly))
            return 1;
        const int columns = int(header.readLine().count(',')) + 1;
        QString table = QStringLiteral("CREATE TABLE licenses (");
        for (int c = 0; c < columns; ++c)
            table += (c ? QStringLiteral(", c") : QStringLiteral("c")) + QString::number(c) + QStringLiteral(" TEXT");
        table += QLatin1Char(')');
        if (server.isEmpty()) {
            const QString script = dir.filePath(QStringLiteral("import.sql"));
            QFile f(script);
            if (!f.open(QIODevice::WriteOnly))
                return 1;
            f.write((table + QStringLiteral(";\n.mode csv\n.import --skip 1 %1 licenses\n").arg(files.last())).toUtf8());
            f.close();
            err << "sqlite3 .import..." << Qt::endl;
            bare = runChild({QStringLiteral("sqlite3"), dir.filePath(QStringLiteral("plain.sqlite"))}, script);
        } else {
            schemas << QStringLiteral("bench_plain_") + tag;
            if (psql(server, QStringLiteral("CREATE SCHEMA %1; SET search_path = %1; %2").arg(schemas.last(), table)).exitCode != 0)
                return err << "lmodesk-bench: cannot make the plain table" << Qt::endl, 1;
            err << "psql \\copy..." << Qt::endl;
            bare = psql(server, QStringLiteral("\\copy %1.licenses FROM '%2' CSV HEADER").arg(schemas.last(), files.last()));
        }
    }

    // lmodesk import of the three files into an empty database (each to the end of its process:
    // the licenses' browse indexes built too).
    if (!makeDatabase(QStringLiteral("bench_csv")))
        return 1;
    double importSeconds = 0;
    double importSavedSeconds = 0;
    for (const QString &file : files) {
        err << "lmodesk import " << QFileInfo(file).fileName() << "..." << Qt::endl;
        const ChildRun run = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("import"), QStringLiteral("--db"),
                                       where(QStringLiteral("bench_csv")), file},
                                      QString(), QByteArrayLiteral(" rejected "));
        if (run.exitCode != 0)
            return err << "lmodesk-bench: lmodesk import failed:\n" << run.output << Qt::endl, 1;
        importSavedSeconds += file == files.last() && run.markSeconds >= 0 ? run.markSeconds : run.seconds;
        importSeconds += run.seconds;
    }

    // The full sync, then the incremental one, into another empty database.
    auto database = makeDatabase(QStringLiteral("bench_sync"));
    if (!database)
        return 1;
    // `lmodesk sync` as a user runs it, in a process of its own (the fake's million records stay
    // in this one), with the session in the environment and settings of its own.
    qputenv("LMODESK_SF_ACCESS_TOKEN", sf.validAccessToken().toUtf8());
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    struct SyncRun
    {
        ChildRun run;
        QJsonObject report;
        QJsonObject licenses;
        qint64 requests = -1;
        qint64 served = 0;
    };
    auto runSync = [&](bool full) {
        SyncRun out;
        QStringList command{QStringLiteral(LMODESK_BINARY), QStringLiteral("sync"), QStringLiteral("--db"),
                            where(QStringLiteral("bench_sync")), QStringLiteral("--instance-url"), sf.url(), QStringLiteral("--json")};
        if (full)
            command << QStringLiteral("--full");
        const qint64 before = sf.requests();
        out.run = runChild(command);
        out.served = sf.requests() - before;
        out.report = QJsonDocument::fromJson(out.run.output).object();
        out.licenses = out.report.value(QStringLiteral("objects")).toObject().value(QStringLiteral("licenses")).toObject();
        out.requests = out.report.value(QStringLiteral("requests")).toObject().value(QStringLiteral("used")).toInteger(-1);
        return out;
    };
    err << "lmodesk sync --full..." << Qt::endl;
    const SyncRun full = runSync(true);
    if (full.run.exitCode != 0)
        return err << "lmodesk-bench: the full sync failed (exit " << full.run.exitCode << "):\n" << full.run.output << Qt::endl, 1;
    const double fullSeconds = full.run.seconds;

    // `changes` licenses changed in the org a minute later.
    clock = clock.addSecs(60);
    sf.setNow(clock);
    {
        QSqlQuery q(database->connection());
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT sf_id FROM licenses ORDER BY sf_id LIMIT %1").arg(changes)))
            return 1;
        qint64 n = 0;
        while (q.next())
            if (sf.update(kLicense, q.value(0).toString(), {{QStringLiteral("sfLma__Seats__c"), QString::number(1000 + n++)}})) {
            }
    }
    err << "lmodesk sync of " << lmo::groupedNumber(changes) << " changes..." << Qt::endl;
    const SyncRun incremental = runSync(false);
    if (incremental.run.exitCode != 0)
        return err << "lmodesk-bench: the incremental sync failed (exit " << incremental.run.exitCode << "):\n"
                   << incremental.run.output << Qt::endl,
               1;
    const double incrementalSeconds = incremental.run.seconds;
    QSqlDatabase connection = database->connection();
    auto stored = lmo::queryNumber(connection, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting"));

    const QString bareName = server.isEmpty() ? QStringLiteral("sqlite3 .import") : QStringLiteral("psql \\copy");
    const QJsonObject result{
        {QStringLiteral("licenses"), licenses},
        {QStringLiteral("licenses_file_mb"), qRound(fileMb)},
        {QStringLiteral("database"), server.isEmpty() ? QStringLiteral("sqlite") : QStringLiteral("postgresql")},
        {QStringLiteral("bare_import_s"), qRound(bare.seconds * 100) / 100.0},
        {QStringLiteral("lmodesk_csv_import_s"), qRound(importSeconds * 100) / 100.0},
        {QStringLiteral("lmodesk_csv_import_saved_s"), qRound(importSavedSeconds * 100) / 100.0},
        {QStringLiteral("full_sync_s"), qRound(fullSeconds * 100) / 100.0},
        {QStringLiteral("full_sync_requests"), full.requests},
        {QStringLiteral("full_sync_requests_served"), full.served},
        {QStringLiteral("full_sync_via"), full.licenses.value(QStringLiteral("via"))},
        {QStringLiteral("full_sync_peak_rss_mb"), qRound(full.run.peakRssMb)},
        {QStringLiteral("ratio_full_sync_over_csv_import"), qRound(fullSeconds / importSeconds * 100) / 100.0},
        {QStringLiteral("incremental_changes"), changes},
        {QStringLiteral("incremental_sync_ms"), benchMs(incrementalSeconds * 1000)},
        {QStringLiteral("incremental_sync_requests"), incremental.requests},
        {QStringLiteral("incremental_sync_requests_served"), incremental.served},
        {QStringLiteral("incremental_licenses_updated"), incremental.licenses.value(QStringLiteral("updated"))},
        {QStringLiteral("incremental_licenses_fetched"), incremental.licenses.value(QStringLiteral("fetched"))},
        {QStringLiteral("licenses_stored"), stored ? stored.value() : -1},
    };
    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "sync of " << lmo::groupedNumber(licenses) << " licenses from the fake Salesforce on 127.0.0.1 into "
        << (server.isEmpty() ? QStringLiteral("SQLite files") : server) << " (licenses file " << qRound(fileMb) << " MB)\n"
        << "  " << bareName.leftJustified(33) << QString::number(bare.seconds, 'f', 2) << " s (the licenses file into a plain TEXT table)\n"
        << "  lmodesk import of the CSV files   " << QString::number(importSeconds, 'f', 2) << " s (packages, versions, licenses; "
        << QString::number(importSavedSeconds, 'f', 2) << " s to the licenses saved)\n"
        << "  lmodesk sync --full               " << QString::number(fullSeconds, 'f', 2) << " s, " << full.requests
        << " requests (" << full.licenses.value(QStringLiteral("via")).toString() << " for the licenses), "
        << lmo::groupedNumber(full.licenses.value(QStringLiteral("inserted")).toInteger()) << " licenses inserted, indexes built, peak RSS "
        << qRound(full.run.peakRssMb) << " MB\n"
        << "  ratio full sync / CSV import      " << QString::number(fullSeconds / importSeconds, 'f', 2) << "\n"
        << "  lmodesk sync of " << lmo::groupedNumber(changes) << " changes      "
        << QString::number(incrementalSeconds * 1000, 'f', 0) << " ms (the whole process), " << incremental.requests << " requests ("
        << incremental.licenses.value(QStringLiteral("via")).toString() << "), "
        << lmo::groupedNumber(incremental.licenses.value(QStringLiteral("updated")).toInteger()) << " licenses updated of "
        << lmo::groupedNumber(incremental.licenses.value(QStringLiteral("fetched")).toInteger()) << " read\n";
    return 0;
}


// The billing import and the reconciliation at the demo's size: the demo's subscriptions written
// out as a Stripe export, imported (beside the sqlite3 shell's `.import` of the same file and the
// same unique key), then reconciled (beside one SQL statement per rule that matches and counts
// as the reconciliation does, through the same indexes).
int benchBilling(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"), QStringLiteral("Licenses of the demo (default 1000000)."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({licensesOpt, jsonOpt});
    parser.addHelpOption();
    parser.process(args);
    QTextStream err(stderr);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("billing.sqlite"));
    lmo::DemoOptions options;
    options.licenses = parser.value(licensesOpt).toLongLong();
    err << "the demo..." << Qt::endl;
    auto summary = lmo::generateDemoAt(path, options);
    if (!summary) {
        err << "lmodesk-bench: " << summary.error().message << Qt::endl;
        return 1;
    }
    // Its subscriptions as Stripe's Dashboard exports them.
    const QString csv = dir.filePath(QStringLiteral("stripe.csv"));
    qint64 subscriptions = 0;
    {
        auto db = lmo::Database::open(path, lmo::Database::OpenOptions());
        if (!db)
            return 1;
        QFile f(csv);
        if (!f.open(QIODevice::WriteOnly))
            return 1;
        f.write("id,Customer ID,Customer Name,Customer Email,Plan,Quantity,Status,Current Period End (UTC),Cancel At Period End,"
                "Amount,Currency,Interval,sf_org_id (metadata)\n");
        QSqlQuery q(db.value()->connection());
        q.setForwardOnly(true);
        q.exec(QStringLiteral("SELECT subscription_id, customer_id, customer_name, customer_email, plan, quantity, source_status, "
                              "current_period_end, amount_hundredths, billing_interval, org_id FROM billing_subscriptions ORDER BY id"));
        while (q.next()) {
            const qint64 amount = q.value(8).toLongLong();
            f.write(QStringLiteral("%1,%2,\"%3\",%4,%5,%6,%7,%8 00:00,false,%9.%10,usd,%11,%12\n")
                        .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString().replace(u'"', QStringLiteral("\"\"")),
                             q.value(3).toString(), q.value(4).toString(), q.value(5).toString(), q.value(6).toString(),
                             q.value(7).toString(), QString::number(amount / 100))
                        .arg(amount % 100, 2, 10, QLatin1Char('0'))
                        .arg(q.value(9).toString(), q.value(10).toString())
                        .toUtf8());
            ++subscriptions;
        }
    }
    const double fileMb = QFileInfo(csv).size() / (1024.0 * 1024.0);
    err << "lmodesk billing import..." << Qt::endl;
    const ChildRun import = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("billing"), QStringLiteral("import"),
                                      QStringLiteral("--db"), path, QStringLiteral("--source"), QStringLiteral("stripe-export"), csv});
    err << "sqlite3 .import..." << Qt::endl;
    const ChildRun shellImport = runSqlite3(
        dir.filePath(QStringLiteral("plain.sqlite")),
        ".bail on\n.mode csv\n.import " + csv.toUtf8() + " subs\nCREATE UNIQUE INDEX subs_id ON subs (id);\nCREATE INDEX subs_org ON subs (\"sf_org_id (metadata)\");\n",
        dir, QStringLiteral("import.sql"));
    err << "lmodesk reconcile..." << Qt::endl;
    const ChildRun ours = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("reconcile"), QStringLiteral("--db"), path,
                                    QStringLiteral("--json")});
    const QJsonObject found = QJsonDocument::fromJson(ours.output).object();
    err << "lmodesk billing links --propose..." << Qt::endl;
    const ChildRun proposals = runChild({QStringLiteral(LMODESK_BINARY), QStringLiteral("billing"), QStringLiteral("links"),
                                         QStringLiteral("--propose"), QStringLiteral("--db"), path});
    const qint64 proposalLines = proposals.output.count('\n');
    // The bare counterpart: each rule as one statement over the same tables and indexes, the
    // package told by the plan's name, as the reconciliation tells it.
    const QByteArray match = "FROM billing_subscriptions s JOIN licenses l ON l.org_id = s.org_id JOIN packages p ON p.id = l.package_ref "
                             "AND s.plan LIKE lower(replace(p.name, ' ', '_')) || '%' ";
    const QByteArray live = "s.status IN ('trialing', 'active', 'past_due')";
    QByteArray sql = ".bail on\n";
    sql += "SELECT COUNT(*) " + match + "WHERE s.status IN ('active', 'past_due') AND l.status IN ('Suspended', 'Uninstalled');\n";
    sql += "SELECT SUM((l.seats <> s.quantity) + (l.used_licenses > s.quantity)) " + match + "WHERE " + live
           + " AND l.status <> 'Uninstalled' AND l.seats >= 0 AND s.quantity IS NOT NULL;\n";
    sql += "SELECT COUNT(*) " + match + "WHERE " + live + " AND ((l.status = 'Trial' AND s.status = 'active') OR (l.status = 'Active' AND s.status = 'trialing'));\n";
    sql += "SELECT COUNT(*) " + match + "WHERE " + live + " AND l.status <> 'Uninstalled' AND s.current_period_end IS NOT NULL AND "
           "((l.expiration IS NOT NULL AND abs(julianday(l.expiration) - julianday(s.current_period_end)) > 3) OR (l.expiration IS NULL AND s.cancel_at_period_end = 1));\n";
    sql += "SELECT COUNT(*) " + match + "WHERE s.status = 'past_due' AND l.status IN ('Active', 'Trial');\n";
    sql += "SELECT (SELECT COUNT(*) FROM billing_subscriptions s WHERE " + live + " AND (s.org_id IS NULL OR NOT EXISTS (SELECT 1 FROM "
           "licenses l WHERE l.org_id = s.org_id))) + (SELECT COUNT(DISTINCT l.org_id) FROM licenses l WHERE l.status = 'Active' AND "
           "l.is_sandbox = 0 AND l.seats <> -1 AND (l.expiration IS NULL OR l.expiration >= date('now')) AND l.package_ref IN (SELECT p.id "
           + match + ") AND NOT EXISTS (SELECT 1 FROM billing_subscriptions s WHERE s.org_id = l.org_id));\n";
    sql += "SELECT COUNT(*) FROM licenses l WHERE l.status = 'Active' AND l.is_sandbox = 0 AND l.seats <> -1 AND (l.expiration IS NULL OR l.expiration >= date('now')) "
           "AND l.package_ref IN (SELECT p.id " + match + ") AND NOT EXISTS (SELECT 1 FROM billing_subscriptions s JOIN packages p ON s.plan LIKE "
           "lower(replace(p.name, ' ', '_')) || '%' WHERE s.org_id = l.org_id AND p.id = l.package_ref AND " + live + ");\n";
    sql += "SELECT s.currency, SUM(s.amount_hundredths * s.quantity / 100.0 / CASE s.billing_interval WHEN 'year' THEN 12.0 ELSE 1 END) FROM "
           "billing_subscriptions s WHERE s.status IN ('active', 'past_due') GROUP BY s.currency;\n";
    err << "sqlite3, the same matching and counting..." << Qt::endl;
    const ChildRun bare = runSqlite3(path, sql, dir, QStringLiteral("reconcile.sql"));
    if (import.exitCode != 0 || shellImport.exitCode != 0 || ours.exitCode != 0 || bare.exitCode != 0 || proposals.exitCode != 0) {
        err << "lmodesk-bench: a run failed (import " << import.exitCode << ", sqlite3 " << shellImport.exitCode << ", reconcile "
            << ours.exitCode << ", sqlite3 " << bare.exitCode << ")\n"
            << import.output << bare.output << Qt::endl;
        return 1;
    }
    qint64 findings = 0;
    const QJsonObject counts = found.value(QStringLiteral("counts")).toObject();
    QStringList oursCounts;
    for (const char *rule : {"billed_not_licensed", "seat_drift", "trial_mismatch", "date_drift", "dunning", "unlinked", "licensed_not_billed"})
        oursCounts << QString::number(counts.value(QLatin1String(rule)).toInteger());
    oursCounts << found.value(QStringLiteral("money")).toObject().value(QStringLiteral("USD")).toObject().value(QStringLiteral("mrr")).toString();
    for (auto it = counts.begin(); it != counts.end(); ++it)
        findings += it.value().toInteger();
    const QJsonObject result{
        {QStringLiteral("licenses"), options.licenses},
        {QStringLiteral("subscriptions"), subscriptions},
        {QStringLiteral("file_mb"), qRound(fileMb * 10) / 10.0},
        {QStringLiteral("billing_import_s"), qRound(import.seconds * 100) / 100.0},
        {QStringLiteral("billing_import_peak_rss_mb"), qRound(import.peakRssMb)},
        {QStringLiteral("sqlite3_import_s"), qRound(shellImport.seconds * 100) / 100.0},
        {QStringLiteral("reconcile_s"), qRound(ours.seconds * 100) / 100.0},
        {QStringLiteral("reconcile_peak_rss_mb"), qRound(ours.peakRssMb)},
        {QStringLiteral("findings"), findings},
        {QStringLiteral("sqlite3_rules_s"), qRound(bare.seconds * 100) / 100.0},
        {QStringLiteral("sqlite3_rule_counts"), QString::fromUtf8(bare.output).simplified()},
        {QStringLiteral("reconcile_rule_counts"), oursCounts.join(u' ')},
        {QStringLiteral("propose_links_s"), qRound(proposals.seconds * 100) / 100.0},
        {QStringLiteral("propose_links_peak_rss_mb"), qRound(proposals.peakRssMb)},
        {QStringLiteral("proposals"), proposalLines},
    };
    QTextStream out(stdout);
    if (parser.isSet(jsonOpt)) {
        out << QJsonDocument(result).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "Billing at " << lmo::groupedNumber(options.licenses) << " licenses, " << lmo::groupedNumber(subscriptions)
        << " subscriptions (a " << QString::number(fileMb, 'f', 1) << " MB Stripe export)\n"
        << "  lmodesk billing import " << QString::number(import.seconds, 'f', 2) << " s, " << qRound(import.peakRssMb)
        << " MB peak; sqlite3 .import and its keys " << QString::number(shellImport.seconds, 'f', 2) << " s\n"
        << "  lmodesk reconcile --json " << QString::number(ours.seconds, 'f', 2) << " s, " << qRound(ours.peakRssMb) << " MB peak, "
        << lmo::groupedNumber(findings) << " findings; sqlite3, a count per rule " << QString::number(bare.seconds, 'f', 2)
        << " s (" << QString::fromUtf8(bare.output).simplified() << ")\n"
        << "  reconcile's counts, in the same order: " << oursCounts.join(u' ') << "\n"
        << "  lmodesk billing links --propose " << QString::number(proposals.seconds, 'f', 2) << " s, " << qRound(proposals.peakRssMb)
        << " MB peak, " << lmo::groupedNumber(proposalLines) << " proposals\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (first == QStringLiteral("coldstart")) {
        // The whole window, shown (offscreen unless a display is asked for).
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        QCoreApplication::setOrganizationName(QStringLiteral("lmodesk-bench"));
        QCoreApplication::setApplicationName(QStringLiteral("lmodesk-bench"));
        QStringList args = QCoreApplication::arguments();
        args.removeAt(1);
        return benchColdStart(args);
    }
    if (first == QStringLiteral("browse")) {
        // The real model, with its colours and fonts: a GUI application, with no window.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        QStringList args = QCoreApplication::arguments();
        args.removeAt(1);
        return benchBrowse(args);
    }
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments();
    const QString command = args.value(1);
    if (command == QStringLiteral("demo")) {
        args.removeAt(1);
        return benchDemo(args);
    }
    if (command == QStringLiteral("import")) {
        args.removeAt(1);
        return benchImport(args);
    }
    if (command == QStringLiteral("billing")) {
        args.removeAt(1);
        return benchBilling(args);
    }
    if (command == QStringLiteral("sync")) {
        args.removeAt(1);
        return benchSync(args);
    }
    if (command == QStringLiteral("dashboard")) {
        args.removeAt(1);
        return benchDashboard(args);
    }
    QTextStream(stderr) << "usage: lmodesk-bench demo [--licenses N] [--seed S] [--db PATH] [--json]\n"
                           "       lmodesk-bench import [--rows N] [--file PATH] [--db postgresql://...] [--json]\n"
                           "       lmodesk-bench browse --db PATH [--json]\n"
                           "       lmodesk-bench dashboard --db PATH [--json]\n"
                           "       lmodesk-bench coldstart --db PATH [--json]\n"
                           "       lmodesk-bench billing [--licenses N] [--json]\n"
                           "       lmodesk-bench sync [--licenses N] [--changes N] [--db postgresql://...] [--json]\n";
    return command.isEmpty() || command == QStringLiteral("--help") ? 0 : 2;
}
