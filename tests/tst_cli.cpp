#include "fixtures.h"

#include "domain/licensefields.h"
#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"
#include "metrics/dashboardmetrics.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/migrations.h"
#include "storage/sqlutil.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimeZone>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run lmodesk(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LMODESK_BINARY), args);
    Run r;
    // No time limit: a child that never ends is the test runner's to stop, not a failure of its own.
    if (!p.waitForFinished(-1))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// The same, with the child's files limited to `maxFileBytes` (RLIMIT_FSIZE): a write past it
// fails with EFBIG, as on a full disk, for real and for every file the child writes; SIGXFSZ is
// ignored so that the failure comes back as an error instead of killing the process.
Run lmodeskWithFileLimit(const QStringList &args, rlim_t maxFileBytes)
{
    QProcess p;
    p.setChildProcessModifier([maxFileBytes] {
        const struct rlimit limit = {maxFileBytes, maxFileBytes};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        ::signal(SIGXFSZ, SIG_IGN);
    });
    p.start(QStringLiteral(LMODESK_BINARY), args);
    Run r;
    if (!p.waitForFinished(-1))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fixture = m_dir.filePath(QStringLiteral("fixture.sqlite"));
        QVERIFY(test::createFixtureFile(m_fixture));
        m_fixtureDb = test::location(m_dir.filePath(QStringLiteral("fixture-db.sqlite")));
        QVERIFY(test::onPostgres() ? bool(test::createFixtureDatabase(m_fixtureDb)) : QFile::copy(m_fixture, m_fixtureDb));
    }

    void versionAndHelp()
    {
        Run r = lmodesk({QStringLiteral("--version")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("lmodesk " LMODESK_VERSION));
        r = lmodesk({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char *word : {"demo", "stats", "--db", "--page", "LMODESK_DB", "--as-of", "--json"})
            QVERIFY2(r.out.contains(QLatin1String(word)), word);
        r = lmodesk({QStringLiteral("stats"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("--as-of")));
    }

    void statsJsonOnTheFixture()
    {
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixtureDb, QStringLiteral("--as-of"),
                         QStringLiteral("2026-06-15"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        // Figures worked out by hand in tst_stats.cpp.
        QCOMPARE(json.value(QStringLiteral("as_of")).toString(), QStringLiteral("2026-06-15"));
        QCOMPARE(json.value(QStringLiteral("licenses")).toInt(), 15);
        QCOMPARE(json.value(QStringLiteral("packages")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("subscriber_orgs")).toInt(), 9);
        const QJsonObject byStatus = json.value(QStringLiteral("by_status")).toObject();
        QCOMPARE(byStatus.value(QStringLiteral("Active")).toInt(), 7);
        QCOMPARE(byStatus.value(QStringLiteral("Trial")).toInt(), 3);
        QCOMPARE(byStatus.value(QStringLiteral("Suspended")).toInt(), 2);
        QCOMPARE(byStatus.value(QStringLiteral("Uninstalled")).toInt(), 3);
        const QJsonObject effective = json.value(QStringLiteral("by_effective_status")).toObject();
        QCOMPARE(effective.value(QStringLiteral("Active")).toInt(), 6);
        QCOMPARE(effective.value(QStringLiteral("Trial")).toInt(), 2);
        QCOMPARE(effective.value(QStringLiteral("Suspended")).toInt(), 2);
        QCOMPARE(effective.value(QStringLiteral("Uninstalled")).toInt(), 3);
        QCOMPARE(effective.value(QStringLiteral("Expired")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("sandbox_licenses")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("site_licenses")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("perpetual_licenses")).toInt(), 4);
        QCOMPARE(json.value(QStringLiteral("seats_licensed")).toInt(), 215);
        QCOMPARE(json.value(QStringLiteral("seats_used")).toInt(), 149);
        QCOMPARE(json.value(QStringLiteral("expiring_within_30_days")).toInt(), 3);
    }

    void statsDefaultsToTodayAndPrintsATable()
    {
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixtureDb, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("as_of")).toString(), QDate::currentDate().toString(Qt::ISODate));
        r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixtureDb, QStringLiteral("--as-of"),
                     QStringLiteral("2026-06-15")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Seats licensed")));
        QVERIFY(r.out.contains(QStringLiteral("Expiring within 30 days")));
        QVERIFY(r.out.contains(QStringLiteral("215")));
    }

    void databaseFromTheEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LMODESK_DB"), m_fixtureDb);
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--json"), QStringLiteral("--as-of"),
                         QStringLiteral("2026-06-15")},
                        env);
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("licenses")).toInt(), 15);
    }

    void demoWritesAndRefusesToOverwrite()
    {
        const QString path = test::location(m_dir.filePath(QStringLiteral("demo.sqlite")));
        Run r = lmodesk({QStringLiteral("demo"), QStringLiteral("--db"), path, QStringLiteral("--licenses"),
                         QStringLiteral("2000"), QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--until"),
                         QStringLiteral("2026-10-01")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Wrote 2,000 licenses")), qPrintable(r.out));
        r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), path, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("licenses")).toInt(), 2000);
        r = lmodesk({QStringLiteral("demo"), QStringLiteral("--db"), path, QStringLiteral("--licenses"), QStringLiteral("10")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("--replace")));
    }

    void badInputIsRefusedClearly_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad date") << QStringList{u"stats"_s, u"--as-of"_s, u"31/12/2026"_s} << 2 << u"YYYY-MM-DD"_s;
        QTest::newRow("unknown option") << QStringList{u"stats"_s, u"--frobnicate"_s} << 2 << u"frobnicate"_s;
        QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << 2 << u"unknown command"_s;
        QTest::newRow("missing database") << QStringList{u"stats"_s, u"--db"_s, u"/nonexistent/x.sqlite"_s} << 2 << u"does not exist"_s;
        QTest::newRow("bad count") << QStringList{u"demo"_s, u"--db"_s, u"/tmp/never-written.sqlite"_s, u"--licenses"_s, u"lots"_s} << 2
                                   << u"not a count"_s;
        QTest::newRow("bad page") << QStringList{u"--page"_s, u"reports"_s} << 2 << u"licenses, subscribers, dashboard, billing, lmo or access"_s;
        QTest::newRow("two databases") << QStringList{u"--db"_s, u"a.sqlite"_s, u"b.sqlite"_s} << 2 << u"two databases"_s;
    }
    void badInputIsRefusedClearly()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("LMODESK_DB"), m_fixtureDb);
        Run r = lmodesk(args, env);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.startsWith(QStringLiteral("lmodesk: ")));
    }

    void aLockedDatabaseIsRefusedAfterAWait()
    {
        const QString path = m_dir.filePath(QStringLiteral("locked.sqlite"));
        QVERIFY(test::createFixtureFile(path));
        {
            test::ExclusiveLock lock(path);
            QVERIFY(lock.isHeld());
            Run r = lmodesk({u"stats"_s, u"--db"_s, path});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(QStringLiteral("locked by another program")), qPrintable(r.err));
        }
        QCOMPARE(lmodesk({u"stats"_s, u"--db"_s, path}).code, 0);
    }

    void notADatabaseIsRefusedAndKept()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("just notes\n");
        f.close();
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), path});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("not an LMO Desk database")));
        QCOMPARE(test::fileHash(path), QCryptographicHash::hash("just notes\n", QCryptographicHash::Sha256).toHex());
    }

    void importExitCodesAndSummary()
    {
        const QString db = test::location(m_dir.filePath(QStringLiteral("import.sqlite")));
        const QString dir = QFileInfo(QFINDTESTDATA("data/cli_licenses.csv")).absolutePath();
        Run r = lmodesk({u"import"_s, u"--db"_s, db, dir + u"/cli_licenses.csv"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("read 3, inserted 3, updated 0, unchanged 0, rejected 0")), qPrintable(r.out));
        r = lmodesk({u"import"_s, u"--db"_s, db, dir + u"/bad_rows.csv"_s});
        QCOMPARE(r.code, 3);
        QVERIFY(r.out.contains(QStringLiteral("inserted 2")));
        QVERIFY2(r.out.contains(QStringLiteral("bad_rows.csv:3:5: Install Date")), qPrintable(r.out));
        r = lmodesk({u"import"_s, u"--db"_s, db, u"--strict"_s, dir + u"/bad_rows.csv"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.contains(QStringLiteral("refused whole (--strict)")));
        r = lmodesk({u"import"_s, u"--db"_s, db, dir + u"/missing_columns.csv"_s});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("lacks Subscriber Org ID, Package, Status")), qPrintable(r.err));
        r = lmodesk({u"import"_s, u"--db"_s, db, u"--date-order"_s, u"dmy"_s, dir + u"/report_licenses_dmy_semicolon.csv"_s});
        QCOMPARE(r.code, 0);
        r = lmodesk({u"import"_s, u"--db"_s, db, u"--date-order"_s, u"ymd"_s, dir + u"/cli_licenses.csv"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("not mdy or dmy")));
        r = lmodesk({u"import"_s, u"--db"_s, db});
        QCOMPARE(r.code, 2);
        // Several files: the worst outcome decides.
        r = lmodesk({u"import"_s, u"--db"_s, db, dir + u"/cli_licenses.csv"_s, dir + u"/bad_rows.csv"_s});
        QCOMPARE(r.code, 3);
        QVERIFY(r.out.contains(QStringLiteral("unchanged 3")));
    }

    void theLmoOptionChoosesWhichLmosLicenses()
    {
        // The fixture's 15 licenses, then a switch of LMO, then the new LMO's export.
        const QString db = test::location(m_dir.filePath(QStringLiteral("two-lmos.sqlite")));
        QVERIFY(test::onPostgres() ? bool(test::createFixtureDatabase(db)) : QFile::copy(m_fixture, db));
        {
            auto database = Database::open(db, Database::OpenOptions());
            QVERIFY(database.ok());
            LmoRepository lmos(database.value()->connection());
            LmoProfile first;
            first.org.name = u"Old LMO"_s;
            first.org.orgId = SalesforceId::fromString(u"00D5f000000OldA"_s).to18();
            first.designatedAt = QDateTime(QDate(2020, 1, 1), QTime(9, 0), Qt::UTC);
            QVERIFY(lmos.save(first).ok());
            LmoProfile next;
            next.org.name = u"New LMO"_s;
            next.org.orgId = SalesforceId::fromString(u"00D5f000000NewB"_s).to18();
            next.designatedAt = QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC);
            QVERIFY(lmos.switchTo(next, QDate(2026, 6, 1)).ok());
        }
        const QString file = QFINDTESTDATA("data/cli_licenses.csv");
        Run r = lmodesk({u"import"_s, u"--db"_s, db, file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"more than one LMO"_s) && r.err.contains(u"with --lmo: 1 for Old LMO"_s), qPrintable(r.err));
        r = lmodesk({u"import"_s, u"--db"_s, db, u"--lmo"_s, u"Elsewhere"_s, file});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"is not an LMO of this database"_s), qPrintable(r.err));
        // By org id, 15 characters for the 18 stored.
        r = lmodesk({u"import"_s, u"--db"_s, db, u"--lmo"_s, u"00D5f000000NewB"_s, file});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(u"inserted 3"_s), qPrintable(r.out));

        auto licensesIn = [&](const QString &lmo) {
            const Run s = lmodesk({u"stats"_s, u"--db"_s, db, u"--json"_s, u"--as-of"_s, u"2026-06-15"_s, u"--lmo"_s, lmo});
            return s.code == 0 ? QJsonDocument::fromJson(s.out.toUtf8()).object().value(u"licenses"_s).toInteger() : -1;
        };
        QCOMPARE(licensesIn(u"1"_s), 15);
        QCOMPARE(licensesIn(u"current"_s), 3);
        QCOMPARE(licensesIn(u"2"_s), 3);
        r = lmodesk({u"stats"_s, u"--db"_s, db, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"licenses"_s).toInteger(), 18);

        const QString csv = m_dir.filePath(QStringLiteral("new-lmo.csv"));
        r = lmodesk({u"export-csv"_s, u"--db"_s, db, u"--out"_s, csv, u"--lmo"_s, u"2"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(u"Wrote 3 licenses"_s), qPrintable(r.out));

        r = lmodesk({u"lmo"_s, u"show"_s, u"--db"_s, db});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(u"1  Old LMO (00D5f000000OldA"_s) && r.out.contains(u"until 2026-06-01: 15 licenses"_s),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(u"current: 3 licenses"_s), qPrintable(r.out));
        r = lmodesk({u"lmo"_s, u"show"_s, u"--db"_s, db, u"--json"_s});
        const QJsonArray lmos = QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"lmos"_s).toArray();
        QCOMPARE(lmos.size(), 2);
        QCOMPARE(lmos.at(0).toObject().value(u"licenses"_s).toInteger(), 15);
        QCOMPARE(lmos.at(1).toObject().value(u"current"_s).toBool(), true);

        const QString png = m_dir.filePath(QStringLiteral("new-lmo.png"));
        r = lmodesk({u"export-chart"_s, u"--db"_s, db, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"--lmo"_s, u"2"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY(!QImage(png).isNull());

        // Filed under the wrong LMO: moved back, with the audit trail, by `lmo assign`.
        r = lmodesk({u"lmo"_s, u"assign"_s, u"--db"_s, db, u"--to"_s, u"1"_s});
        QCOMPARE(r.code, 2); // which licenses? all at once is refused
        r = lmodesk({u"lmo"_s, u"assign"_s, u"--db"_s, db, u"--from"_s, u"2"_s});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"--to LMO is required"_s), qPrintable(r.err));
        r = lmodesk({u"lmo"_s, u"assign"_s, u"--db"_s, db, u"--from"_s, u"current"_s, u"--to"_s, u"00D5f000000OldA"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith(u"Moved 3 licenses to LMO 1: Old LMO"_s), qPrintable(r.out));
        QCOMPARE(licensesIn(u"1"_s), 18);
        QCOMPARE(licensesIn(u"2"_s), 0);
    }

    void exportCsvWritesWhatImportReadsBack()
    {
        const QString csv = m_dir.filePath(QStringLiteral("out.csv"));
        Run r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixtureDb, u"--out"_s, csv, u"--status"_s, u"active,trial"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Wrote 10 licenses")), qPrintable(r.out));
        const QString copy = test::location(m_dir.filePath(QStringLiteral("copy.sqlite")));
        r = lmodesk({u"import"_s, u"--db"_s, copy, csv});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("inserted 10")));
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixtureDb, u"--out"_s, csv, u"--status"_s, u"Frozen"_s});
        QCOMPARE(r.code, 2);
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixtureDb});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("--out")));
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixtureDb, u"--out"_s, u"/nonexistent-dir/x.csv"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("Cannot write")));
    }

    void exportChartWritesEachFormatWithNoDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        env.remove(u"QT_QPA_PLATFORM"_s); // the command picks offscreen itself
        for (const char *suffix : {"png", "svg", "pdf"}) {
            const QString file = m_dir.filePath(u"status."_s + QLatin1String(suffix));
            Run r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s, file,
                             u"--size"_s, u"640x400"_s, u"--as-of"_s, u"2026-06-15"_s},
                            env);
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY(r.out.contains(u"Licenses by effective status"_s));
            QVERIFY(QFileInfo(file).size() > 500);
        }
        QCOMPARE(QImage(m_dir.filePath(u"status.png"_s)).size(), QSize(640, 400));
        Run scaled = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"installs-by-month"_s, u"--out"_s,
                              m_dir.filePath(u"installs@2x.png"_s), u"--size"_s, u"640x400"_s, u"--scale"_s, u"2"_s,
                              u"--package"_s, u"Package A"_s, u"--include-sandboxes"_s},
                             env);
        QVERIFY2(scaled.code == 0, qPrintable(scaled.err));
        QCOMPARE(QImage(m_dir.filePath(u"installs@2x.png"_s)).size(), QSize(1280, 800));

        Run report = lmodesk({u"export-report"_s, u"--db"_s, m_fixtureDb, u"--out"_s, m_dir.filePath(u"report.pdf"_s),
                              u"--as-of"_s, u"2026-06-15"_s},
                             env);
        QVERIFY2(report.code == 0, qPrintable(report.err));
        QVERIFY(report.out.contains(u"8 pages"_s));
    }

    void exportChartRefusesWhatItCannotDo()
    {
        const QString png = m_dir.filePath(u"x.png"_s);
        Run r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"pie-of-everything"_s, u"--out"_s, png});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"installs-by-month"_s) && r.err.contains(u"top-instances"_s), qPrintable(r.err));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s,
                     u"/nonexistent-dir/x.png"_s});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(u"Cannot write"_s), qPrintable(r.err));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s, m_dir.filePath(u"x.gif"_s)});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u".png, .svg or .pdf"_s));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"--size"_s, u"big"_s});
        QCOMPARE(r.code, 2);
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"--package"_s,
                     u"No Such Package"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u"no package named"_s));
        // An empty database: nothing to chart, said so, nothing written.
        const QString empty = test::location(m_dir.filePath(u"empty-charts.sqlite"_s));
        Database::OpenOptions create;
        create.create = true;
        QVERIFY(Database::open(empty, create).ok());
        const QString none = m_dir.filePath(u"none.png"_s);
        r = lmodesk({u"export-chart"_s, u"--db"_s, empty, u"--chart"_s, u"status-mix"_s, u"--out"_s, none});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(u"holds no licenses"_s), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(none));
        r = lmodesk({u"export-report"_s, u"--db"_s, empty, u"--out"_s, m_dir.filePath(u"none.pdf"_s)});
        QVERIFY(r.code != 0);
        QVERIFY(r.err.contains(u"holds no licenses"_s));
        r = lmodesk({u"export-report"_s, u"--db"_s, m_fixtureDb, u"--out"_s, m_dir.filePath(u"report.png"_s)});
        QCOMPARE(r.code, 2);
    }

    void statsTakeTheDashboardFiltersAndAgreeWithIt()
    {
        Run r = lmodesk({u"stats"_s, u"--db"_s, m_fixtureDb, u"--json"_s, u"--as-of"_s, u"2026-06-15"_s, u"--package"_s,
                         u"Package A"_s, u"--exclude-sandboxes"_s});
        QCOMPARE(r.code, 0);
        const QJsonObject cli = QJsonDocument::fromJson(r.out.toUtf8()).object();
        InstallBaseFilter f;
        f.asOf = QDate(2026, 6, 15);
        f.package = u"Package A"_s;
        f.includeSandboxes = false;
        auto db = Database::open(m_fixtureDb, Database::OpenOptions());
        QVERIFY(db.ok());
        auto dashboard = computeDashboard(db.value()->connection(), f);
        QVERIFY(dashboard.ok());
        QCOMPARE(cli, dashboard->stats.toJson());
        // Package A without its sandboxes (L-00007, L-00010): 9 - 2 = 7 licenses.
        QCOMPARE(cli.value(u"licenses"_s).toInt(), 7);
    }

    // Qt's own options go to Qt, as in every Qt application: the window's options are read from
    // what QApplication leaves. Each run ends on a mistake of ours, after Qt took its options.
    void qtOptionsPassThroughToQt_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("style, platform") << QStringList{u"-platform"_s, u"offscreen"_s, u"-style"_s, u"fusion"_s, u"--page"_s, u"reports"_s}
                                         << u"--page \"reports\" is not a page"_s;
        QTest::newRow("reverse, stylesheet") << QStringList{u"-reverse"_s, u"-platform"_s, u"offscreen"_s, u"-stylesheet"_s, u"/dev/null"_s,
                                                            u"a.sqlite"_s, u"b.sqlite"_s}
                                             << u"give one database at most"_s;
        QTest::newRow("platformtheme, after ours") << QStringList{u"--page"_s, u"nowhere"_s, u"-platformtheme"_s, u"xdgdesktopportal"_s,
                                                                  u"-platform"_s, u"offscreen"_s}
                                                   << u"--page \"nowhere\" is not a page"_s;
        QTest::newRow("ours still checked") << QStringList{u"-platform"_s, u"offscreen"_s, u"--frobnicate"_s} << u"frobnicate"_s;
    }
    void qtOptionsPassThroughToQt()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        Run r = lmodesk(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        if (!args.contains(u"--frobnicate"_s))
            QVERIFY2(!r.err.contains(u"Unknown option"_s), qPrintable(r.err));
    }

    void qtOptionsWorkWithTheDrawingCommandsAndBeforeACommand()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"QT_QPA_PLATFORM"_s);
        const QString png = m_dir.filePath(u"qt-options.png"_s);
        Run r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixtureDb, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"-platform"_s,
                         u"offscreen"_s, u"-style"_s, u"fusion"_s, u"-reverse"_s},
                        env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QImage(png).isNull());
        r = lmodesk({u"-platform"_s, u"offscreen"_s, u"stats"_s, u"--db"_s, m_fixtureDb, u"--json"_s}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"licenses"_s).toInt(), 15);
    }

    // Every date option is exactly YYYY-MM-DD and a real day, or refused naming it and its value.
    void everyDateOptionIsStrict_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("value");
        const QString db = m_dir.filePath(u"never-made.sqlite"_s);
        struct Case { const char *name; QStringList command; const char *option; const char *value; };
        const QList<Case> cases{
            {"as-of, trailing junk", {u"stats"_s}, "--as-of", "2026-01-01xyz"},
            {"as-of, a time too", {u"stats"_s}, "--as-of", "2026-01-01T10:00"},
            {"as-of, no such day", {u"stats"_s}, "--as-of", "2026-02-30"},
            {"installed-from, short month", {u"stats"_s}, "--installed-from", "2026-1-01"},
            {"installed-to, space", {u"stats"_s}, "--installed-to", "2026-01-01 "},
            {"chart as-of", {u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--out"_s, m_dir.filePath(u"never.png"_s)}, "--as-of", "2026-06-15x"},
            {"chart installed-from", {u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--out"_s, m_dir.filePath(u"never.png"_s)}, "--installed-from", "2026-06-15Z"},
            {"report installed-to", {u"export-report"_s, u"--out"_s, m_dir.filePath(u"never.pdf"_s)}, "--installed-to", "2026-13-01"},
            {"until", {u"demo"_s, u"--db"_s, db, u"--licenses"_s, u"10"_s}, "--until", "2026-01-01xyz"},
            {"switch-lmo", {u"demo"_s, u"--db"_s, db, u"--licenses"_s, u"10"_s}, "--switch-lmo", "2025-06-01+"},
            {"assign installed-from", {u"lmo"_s, u"assign"_s, u"--to"_s, u"1"_s}, "--installed-from", "2026-01-01xyz"},
            {"assign installed-to", {u"lmo"_s, u"assign"_s, u"--to"_s, u"1"_s}, "--installed-to", "20260101"},
        };
        for (const Case &c : cases) {
            QStringList args = c.command;
            if (!args.contains(u"--db"_s))
                args << u"--db"_s << m_fixture;
            args << QLatin1String(c.option) << QLatin1String(c.value);
            QTest::newRow(c.name) << args << QString::fromLatin1(c.option) << QString::fromLatin1(c.value);
        }
    }
    void everyDateOptionIsStrict()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        QFETCH(QString, value);
        const QByteArray before = test::fileHash(m_fixture);
        Run r = lmodesk(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"%1 \"%2\" is not a date"_s.arg(option, value)), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"never-made.sqlite"_s)));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"never.png"_s)));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"never.pdf"_s)));
        QCOMPARE(test::fileHash(m_fixture), before);
    }

    void goodDatesAreStillTaken()
    {
        Run r = lmodesk({u"stats"_s, u"--db"_s, m_fixtureDb, u"--json"_s, u"--as-of"_s, u"2024-02-29"_s, u"--installed-from"_s,
                         u"2020-01-01"_s, u"--installed-to"_s, u"2026-12-31"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"as_of"_s).toString(), u"2024-02-29"_s);
    }

    // One check for every command that takes --package: a name the database does not hold is
    // refused, and the message lists the names it does.
    void anUnknownPackageIsRefusedByEveryCommand_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("out");
        const QString csv = m_dir.filePath(u"unknown-package.csv"_s);
        const QString png = m_dir.filePath(u"unknown-package.png"_s);
        const QString pdf = m_dir.filePath(u"unknown-package.pdf"_s);
        QTest::newRow("stats") << QStringList{u"stats"_s} << QString();
        QTest::newRow("stats --json") << QStringList{u"stats"_s, u"--json"_s} << QString();
        QTest::newRow("export-csv") << QStringList{u"export-csv"_s, u"--out"_s, csv} << csv;
        QTest::newRow("export-chart") << QStringList{u"export-chart"_s, u"--chart"_s, u"edition-mix"_s, u"--out"_s, png} << png;
        QTest::newRow("export-report") << QStringList{u"export-report"_s, u"--out"_s, pdf} << pdf;
    }
    void anUnknownPackageIsRefusedByEveryCommand()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, out);
        Run r = lmodesk(args + QStringList{u"--db"_s, m_fixtureDb, u"--package"_s, u"NoSuchName"_s});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"no package named \"NoSuchName\""_s), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"It holds \"Package A\", \"Package B\" and \"Package C (no installs)\"."_s), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        if (!out.isEmpty())
            QVERIFY(!QFileInfo::exists(out));
        // A package it holds is still taken.
        r = lmodesk(args + QStringList{u"--db"_s, m_fixtureDb, u"--package"_s, u"Package A"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    // A demo that fails, or is cancelled with Ctrl+C, leaves nothing where there was nothing,
    // and an existing database as it was.
    void aDemoThatDoesNotFinishLeavesNothingBehind()
    {
        // Interrupted while writing: rolled back, the file and its new folder gone.
        const QString folder = m_dir.filePath(u"demo-cancelled/deeper"_s);
        const QString path = folder + u"/demo.sqlite"_s;
        QProcess p;
        p.start(QStringLiteral(LMODESK_BINARY), {u"demo"_s, u"--db"_s, path, u"--licenses"_s, u"1000000"_s});
        QVERIFY(p.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        // Once the database is made (the demo is under way, Ctrl+C is the demo's to handle), Ctrl+C.
        // A new file is written under a private name beside the path until it is complete.
        auto partials = [&folder] {
            return QDir(folder).entryList({u".demo.sqlite.*.partial"_s}, QDir::Files | QDir::Hidden);
        };
        while (p.state() == QProcess::Running && partials().isEmpty() && waited.elapsed() < 120000)
            QThread::msleep(2);
        QVERIFY2(p.state() == QProcess::Running, "the demo ended before it could be interrupted: make it bigger");
        QThread::msleep(300); // into the load
        QVERIFY2(!QFileInfo::exists(path), "nothing is at the path before the demo is complete");
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(p.readAllStandardError()).contains(u"cancelled"_s), "says it was cancelled");
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(partials().isEmpty());
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"demo-cancelled"_s)));

        // Failing for want of room (files limited to 1 MiB): nothing left either.
        const QString failed = m_dir.filePath(u"demo-failed.sqlite"_s);
        Run r = lmodeskWithFileLimit({u"demo"_s, u"--db"_s, failed, u"--licenses"_s, u"50000"_s}, 1024 * 1024);
        QCOMPARE(r.code, 1);
        QVERIFY(!r.err.isEmpty());
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QVERIFY2(!QFileInfo::exists(failed + QLatin1String(suffix)), suffix);
        QVERIFY(QDir(m_dir.path()).entryList({u".demo-failed.sqlite.*"_s}, QDir::Files | QDir::Hidden).isEmpty());

        // An existing database stays as it was, and stays.
        const QString existing = m_dir.filePath(u"demo-existing.sqlite"_s);
        QByteArray before;
        {
            auto database = test::createFixtureFile(existing);
            QVERIFY(database);
            before = test::contentHash(*database);
        }
        r = lmodeskWithFileLimit({u"demo"_s, u"--db"_s, existing, u"--licenses"_s, u"50000"_s, u"--replace"_s}, 1024 * 1024);
        QCOMPARE(r.code, 1);
        auto database = Database::open(existing, Database::OpenOptions());
        QVERIFY2(database.ok(), qPrintable(database.ok() ? QString() : database.error().message));
        QCOMPARE(test::contentHash(*database.value()), before);
    }

    // The commands that only read never make or change a database, whatever --db names.
    void readOnlyCommandsTouchNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("out");
        const QString csv = m_dir.filePath(u"ro.csv"_s);
        const QString png = m_dir.filePath(u"ro.png"_s);
        const QString pdf = m_dir.filePath(u"ro.pdf"_s);
        QTest::newRow("stats") << QStringList{u"stats"_s} << QString();
        QTest::newRow("stats --json") << QStringList{u"stats"_s, u"--json"_s} << QString();
        QTest::newRow("lmo show") << QStringList{u"lmo"_s, u"show"_s} << QString();
        QTest::newRow("export-csv") << QStringList{u"export-csv"_s, u"--out"_s, csv} << csv;
        QTest::newRow("export-chart") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--out"_s, png} << png;
        QTest::newRow("export-report") << QStringList{u"export-report"_s, u"--out"_s, pdf} << pdf;
    }
    void readOnlyCommandsTouchNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, out);
        QTemporaryDir dir;
        const QString empty = dir.filePath(u"empty.sqlite"_s);
        {
            QFile f(empty);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        Run r = lmodesk(args + QStringList{u"--db"_s, empty});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"holds no LMO Desk database yet"_s), qPrintable(r.err));
        QCOMPARE(QFileInfo(empty).size(), 0);
        QCOMPARE(filesIn(dir.path()), QStringList{u"empty.sqlite"_s}); // no -wal, -shm or -journal either

        const QString missing = dir.filePath(u"missing/none.sqlite"_s);
        r = lmodesk(args + QStringList{u"--db"_s, missing});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"does not exist"_s), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath(u"missing"_s)));
        if (!out.isEmpty())
            QVERIFY(!QFileInfo::exists(out));

        // On a real database it reads and leaves its bytes alone.
        const QString copy = dir.filePath(u"copy.sqlite"_s);
        QVERIFY(QFile::copy(m_fixture, copy));
        const QByteArray before = test::fileHash(copy);
        r = lmodesk(args + QStringList{u"--db"_s, copy});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(test::fileHash(copy), before);

        // A database of an older LMO Desk is brought forward, as File > Open does, its data as
        // it was; then read.
        const QString older = dir.filePath(u"older.sqlite"_s);
        QVERIFY(QFile::copy(m_fixture, older));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"older"_s);
            db.setDatabaseName(older);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"DROP INDEX audit_log_history"_s));
            QVERIFY(q.exec(u"DROP INDEX audit_log_uninstalls"_s)); // schema 17's, in place of schema 7's second
            // A license field a later version added (domain/licensefields.h) was not there either.
            for (const LicenseField &f : kLicenseFields) {
                if (f.addedInSchema >= 7)
                    QVERIFY2(q.exec(u"ALTER TABLE licenses DROP COLUMN %1"_s.arg(QString::fromLatin1(f.column))),
                             qPrintable(q.lastError().text()));
            }
            // Nor the version number every license has since schema 9.
            QVERIFY2(q.exec(u"ALTER TABLE licenses DROP COLUMN row_version"_s), qPrintable(q.lastError().text()));
            // Nor the sync's tables (schema 10).
            QVERIFY(q.exec(u"DROP TABLE sync_state"_s));
            QVERIFY(q.exec(u"DROP TABLE sync_runs"_s));
            // Nor the search's substring index (schema 11), its triggers with it.
            QVERIFY(q.exec(u"DROP TABLE license_search"_s));
            QVERIFY(q.exec(u"DROP TRIGGER IF EXISTS license_search_insert"_s));
            QVERIFY(q.exec(u"DROP TRIGGER IF EXISTS license_search_delete"_s));
            QVERIFY(q.exec(u"DROP TRIGGER IF EXISTS license_search_update"_s));
            // Nor billing's tables (schemas 18 and 19).
            for (const char *table : {"billing_plan_packages", "billing_links", "billing_subscriptions", "billing_sources"})
                QVERIFY(q.exec(u"DROP TABLE %1"_s.arg(QLatin1String(table))));
            QVERIFY(q.exec(u"DELETE FROM schema_migrations WHERE version >= 7"_s));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"older"_s);
        r = lmodesk(args + QStringList{u"--db"_s, older});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"older"_s);
            db.setDatabaseName(older);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT MAX(version) FROM schema_migrations"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), latestSchemaVersion());
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log_history'"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            // Schema 7's index of every audit row gave way to schema 17's of the uninstalls.
            QVERIFY(q.exec(u"SELECT GROUP_CONCAT(name) FROM sqlite_master WHERE name IN ('audit_log_field_value', 'audit_log_uninstalls')"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"audit_log_uninstalls"_s);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM licenses"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 15);
            // The search index was made and filled from the licenses already there.
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM license_search WHERE license_search MATCH '\"l-0\"'"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 15);
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"older"_s);
    }

    // A full disk: the export fails with exit 1 and says so, naming the file. /dev/full fails
    // every write with ENOSPC; as a device it is written directly, not replaced by a rename.
    void anExportToAFullDiskSaysSo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("csv") << QStringList{u"export-csv"_s};
        QTest::newRow("png") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s, u"--png"_s};
        QTest::newRow("svg") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s, u"--svg"_s};
        QTest::newRow("pdf") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s, u"--pdf"_s};
        QTest::newRow("report") << QStringList{u"export-report"_s, u"--as-of"_s, u"2026-06-15"_s, u"--pdf"_s};
    }
    void anExportToAFullDiskSaysSo()
    {
        QFETCH(QStringList, args);
        struct stat device = {};
        QVERIFY2(::stat("/dev/full", &device) == 0 && S_ISCHR(device.st_mode), "/dev/full is a character device");
        // The format comes from the name: /dev/full has none, so a symlink named for it leads there.
        QString out = u"/dev/full"_s;
        if (args.last().startsWith(u"--"_s) && args.last() != u"export-csv"_s) {
            const QString suffix = args.takeLast().mid(2);
            out = m_dir.filePath(u"full."_s + suffix);
            QFile::remove(out);
            QVERIFY(QFile::link(u"/dev/full"_s, out));
        }
        Run r = lmodesk(args + QStringList{u"--db"_s, m_fixtureDb, u"--out"_s, out});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"the disk is full"_s), qPrintable(r.err));
        QVERIFY2(r.err.contains(out), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QVERIFY2(::stat("/dev/full", &device) == 0 && S_ISCHR(device.st_mode), "/dev/full is still a device");
    }

    // A failure while writing to a file (here: files limited to 2,000 bytes, EFBIG) leaves no new
    // file and the one that was there as it was, and no temporary file beside it.
    void aFailedExportLeavesTheOldFileAsItWas_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("name");
        QTest::newRow("csv") << QStringList{u"export-csv"_s} << u"licenses.csv"_s;
        QTest::newRow("png") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s} << u"chart.png"_s;
        QTest::newRow("svg") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s} << u"chart.svg"_s;
        QTest::newRow("pdf") << QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--as-of"_s, u"2026-06-15"_s} << u"chart.pdf"_s;
        QTest::newRow("report") << QStringList{u"export-report"_s, u"--as-of"_s, u"2026-06-15"_s} << u"report.pdf"_s;
    }
    void aFailedExportLeavesTheOldFileAsItWas()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, name);
        QTemporaryDir dir;
        // A database in a rollback journal: reading it writes no -shm file (which the limit
        // would refuse before the export began).
        const QString db = dir.filePath(u"db/rollback.sqlite"_s);
        QVERIFY(QDir().mkpath(dir.filePath(u"db"_s)));
        QVERIFY(QFile::copy(m_fixture, db));
        {
            QSqlDatabase c = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"rollback"_s);
            c.setDatabaseName(db);
            QVERIFY(c.open());
            QSqlQuery q(c);
            QVERIFY(q.exec(u"PRAGMA journal_mode=DELETE"_s));
        }
        QSqlDatabase::removeDatabase(u"rollback"_s);

        const QString out = dir.filePath(u"out/"_s + name);
        QVERIFY(QDir().mkpath(dir.filePath(u"out"_s)));
        {
            QFile old(out);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("the export of last week\n");
        }
        Run r = lmodeskWithFileLimit(args + QStringList{u"--db"_s, db, u"--out"_s, out}, 2000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"Cannot write %1: "_s.arg(out)), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"larger than this system allows"_s), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QFile old(out);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("the export of last week\n"));
        QCOMPARE(filesIn(dir.filePath(u"out"_s)), QStringList{name});

        // With room, the same command replaces it.
        old.close();
        r = lmodesk(args + QStringList{u"--db"_s, db, u"--out"_s, out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFileInfo(out).size() > 2000);
        QCOMPARE(filesIn(dir.filePath(u"out"_s)), QStringList{name});
    }

    void killingAnImportLeavesTheDatabaseAsItWas()
    {
        const QString db = m_dir.filePath(QStringLiteral("kill.sqlite"));
        QByteArray before;
        {
            auto database = test::createFixtureFile(db);
            QVERIFY(database);
            before = test::contentHash(*database);
        }
        // A file big enough to be caught in the middle of its transaction.
        const QString csv = m_dir.filePath(QStringLiteral("big.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 400000, QStringLiteral("Package A")));
        QProcess p;
        p.start(QStringLiteral(LMODESK_BINARY), {u"import"_s, u"--db"_s, db, csv});
        QVERIFY(p.waitForStarted());
        // Wait until the import is writing (its write-ahead log grows), then kill it outright.
        QElapsedTimer waited;
        waited.start();
        const QString wal = db + QStringLiteral("-wal");
        while (p.state() == QProcess::Running && QFileInfo(wal).size() < 2 * 1024 * 1024 && waited.elapsed() < 120000)
            QThread::msleep(5);
        QVERIFY2(p.state() == QProcess::Running, "the import ended before it could be killed: make the file bigger");
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        auto database = Database::open(db, Database::OpenOptions());
        QVERIFY2(database.ok(), qPrintable(database.ok() ? QString() : database.error().message));
        QCOMPARE(test::contentHash(*database.value()), before);
        QCOMPARE(LicenseRepository(*database.value()).count().value(), 15);
    }

    void killingALoadIntoAnEmptyDatabaseLeavesItEmpty()
    {
        // The fast path writes through the write-ahead log, like any other (so that readers can
        // go on reading meanwhile): a kill in the middle leaves uncommitted pages in the log,
        // which the next opening ignores.
        const QString db = m_dir.filePath(QStringLiteral("kill-fresh.sqlite"));
        QByteArray before;
        {
            Database::OpenOptions create;
            create.create = true;
            auto database = Database::open(db, create);
            QVERIFY(database.ok());
            before = test::contentHash(*database.value());
        }
        const QString csv = m_dir.filePath(QStringLiteral("big-fresh.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 600000, QStringLiteral("Package A")));
        QProcess p;
        p.start(QStringLiteral(LMODESK_BINARY), {u"import"_s, u"--db"_s, db, csv});
        QVERIFY(p.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (p.state() == QProcess::Running && QFileInfo(db + QStringLiteral("-wal")).size() < 4 * 1024 * 1024
               && waited.elapsed() < 120000)
            QThread::msleep(2);
        QVERIFY2(p.state() == QProcess::Running, "the import ended before it could be killed: make the file bigger");
        QVERIFY(!QFileInfo::exists(db + QStringLiteral("-journal")));
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(30000));

        auto database = Database::open(db, Database::OpenOptions());
        QVERIFY2(database.ok(), qPrintable(database.ok() ? QString() : database.error().message));
        QCOMPARE(test::contentHash(*database.value()), before);
        QCOMPARE(LicenseRepository(*database.value()).count().value(), 0);
        QCOMPARE(deferredIndexCount(database.value()->connection()).value(), 0);
        QSqlDatabase connection = database.value()->connection();
        QCOMPARE(queryNumber(connection, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'licenses'"_s,
                             u"test"_s)
                     .value(),
                 15);
    }

    void killingTheIndexBuildKeepsTheLicensesAndTheRestIsBuiltLater()
    {
        const QString db = m_dir.filePath(QStringLiteral("kill-index.sqlite"));
        const QString csv = m_dir.filePath(QStringLiteral("big-index.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 400000, QStringLiteral("Package A")));
        QProcess p;
        p.start(QStringLiteral(LMODESK_BINARY), {u"import"_s, u"--db"_s, db, csv});
        QVERIFY(p.waitForStarted());
        // The summary is printed once the licenses are saved, before the indexes are built.
        QByteArray output;
        while (p.state() == QProcess::Running && !output.contains("inserted")) {
            p.waitForReadyRead(100);
            output += p.readAllStandardOutput();
        }
        QVERIFY2(p.state() == QProcess::Running, output.constData());
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(!output.contains("indexes: built"), output.constData());
        {
            auto database = Database::open(db, Database::OpenOptions());
            QVERIFY(database.ok());
            QCOMPARE(LicenseRepository(*database.value()).count().value(), 400000);
            QVERIFY(deferredIndexCount(database.value()->connection()).value() > 0);
        }
        // Importing the file again finds every license unchanged, with its indexes back first.
        Run r = lmodesk({u"import"_s, u"--db"_s, db, csv});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("unchanged 400,000")), qPrintable(r.out));
        auto database = Database::open(db, Database::OpenOptions());
        QVERIFY(database.ok());
        QCOMPARE(deferredIndexCount(database.value()->connection()).value(), 0);
        QSqlDatabase connection = database.value()->connection();
        QCOMPARE(queryNumber(connection, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'licenses'"_s,
                             u"test"_s)
                     .value(),
                 15);
    }

private:
    QTemporaryDir m_dir;
    QString m_fixture;   // an SQLite file, for the tests of files
    QString m_fixtureDb; // the same install base on the backend under test
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
