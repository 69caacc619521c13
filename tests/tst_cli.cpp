#include "fixtures.h"

#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"
#include "metrics/dashboardmetrics.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
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
    if (!p.waitForFinished(300000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
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
        QVERIFY(test::createFixtureDatabase(m_fixture));
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
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixture, QStringLiteral("--as-of"),
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
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixture, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("as_of")).toString(), QDate::currentDate().toString(Qt::ISODate));
        r = lmodesk({QStringLiteral("stats"), QStringLiteral("--db"), m_fixture, QStringLiteral("--as-of"),
                     QStringLiteral("2026-06-15")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Seats licensed")));
        QVERIFY(r.out.contains(QStringLiteral("Expiring within 30 days")));
        QVERIFY(r.out.contains(QStringLiteral("215")));
    }

    void databaseFromTheEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LMODESK_DB"), m_fixture);
        Run r = lmodesk({QStringLiteral("stats"), QStringLiteral("--json"), QStringLiteral("--as-of"),
                         QStringLiteral("2026-06-15")},
                        env);
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("licenses")).toInt(), 15);
    }

    void demoWritesAndRefusesToOverwrite()
    {
        const QString path = m_dir.filePath(QStringLiteral("demo.sqlite"));
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
        QTest::newRow("bad page") << QStringList{u"--page"_s, u"reports"_s} << 2 << u"licenses, subscribers, dashboard or lmo"_s;
        QTest::newRow("two databases") << QStringList{u"--db"_s, u"a.sqlite"_s, u"b.sqlite"_s} << 2 << u"two databases"_s;
    }
    void badInputIsRefusedClearly()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("LMODESK_DB"), m_fixture);
        Run r = lmodesk(args, env);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.startsWith(QStringLiteral("lmodesk: ")));
    }

    void aLockedDatabaseIsRefusedAfterAWait()
    {
        const QString path = m_dir.filePath(QStringLiteral("locked.sqlite"));
        QVERIFY(test::createFixtureDatabase(path));
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
        const QString db = m_dir.filePath(QStringLiteral("import.sqlite"));
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
        const QString db = m_dir.filePath(QStringLiteral("two-lmos.sqlite"));
        QVERIFY(QFile::copy(m_fixture, db));
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
        QCOMPARE(r.code, 0);
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
        Run r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixture, u"--out"_s, csv, u"--status"_s, u"active,trial"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Wrote 10 licenses")), qPrintable(r.out));
        const QString copy = m_dir.filePath(QStringLiteral("copy.sqlite"));
        r = lmodesk({u"import"_s, u"--db"_s, copy, csv});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("inserted 10")));
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixture, u"--out"_s, csv, u"--status"_s, u"Frozen"_s});
        QCOMPARE(r.code, 2);
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixture});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("--out")));
        r = lmodesk({u"export-csv"_s, u"--db"_s, m_fixture, u"--out"_s, u"/nonexistent-dir/x.csv"_s});
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
            Run r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"status-mix"_s, u"--out"_s, file,
                             u"--size"_s, u"640x400"_s, u"--as-of"_s, u"2026-06-15"_s},
                            env);
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY(r.out.contains(u"Licenses by effective status"_s));
            QVERIFY(QFileInfo(file).size() > 500);
        }
        QCOMPARE(QImage(m_dir.filePath(u"status.png"_s)).size(), QSize(640, 400));
        Run scaled = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"installs-by-month"_s, u"--out"_s,
                              m_dir.filePath(u"installs@2x.png"_s), u"--size"_s, u"640x400"_s, u"--scale"_s, u"2"_s,
                              u"--package"_s, u"Package A"_s, u"--include-sandboxes"_s},
                             env);
        QVERIFY2(scaled.code == 0, qPrintable(scaled.err));
        QCOMPARE(QImage(m_dir.filePath(u"installs@2x.png"_s)).size(), QSize(1280, 800));

        Run report = lmodesk({u"export-report"_s, u"--db"_s, m_fixture, u"--out"_s, m_dir.filePath(u"report.pdf"_s),
                              u"--as-of"_s, u"2026-06-15"_s},
                             env);
        QVERIFY2(report.code == 0, qPrintable(report.err));
        QVERIFY(report.out.contains(u"8 pages"_s));
    }

    void exportChartRefusesWhatItCannotDo()
    {
        const QString png = m_dir.filePath(u"x.png"_s);
        Run r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"pie-of-everything"_s, u"--out"_s, png});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(u"installs-by-month"_s) && r.err.contains(u"top-instances"_s), qPrintable(r.err));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"status-mix"_s, u"--out"_s,
                     u"/nonexistent-dir/x.png"_s});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(u"Cannot write"_s), qPrintable(r.err));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"status-mix"_s, u"--out"_s, m_dir.filePath(u"x.gif"_s)});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u".png, .svg or .pdf"_s));
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"--size"_s, u"big"_s});
        QCOMPARE(r.code, 2);
        r = lmodesk({u"export-chart"_s, u"--db"_s, m_fixture, u"--chart"_s, u"status-mix"_s, u"--out"_s, png, u"--package"_s,
                     u"No Such Package"_s});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(u"no package named"_s));
        // An empty database: nothing to chart, said so, nothing written.
        const QString empty = m_dir.filePath(u"empty-charts.sqlite"_s);
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
        r = lmodesk({u"export-report"_s, u"--db"_s, m_fixture, u"--out"_s, m_dir.filePath(u"report.png"_s)});
        QCOMPARE(r.code, 2);
    }

    void statsTakeTheDashboardFiltersAndAgreeWithIt()
    {
        Run r = lmodesk({u"stats"_s, u"--db"_s, m_fixture, u"--json"_s, u"--as-of"_s, u"2026-06-15"_s, u"--package"_s,
                         u"Package A"_s, u"--exclude-sandboxes"_s});
        QCOMPARE(r.code, 0);
        const QJsonObject cli = QJsonDocument::fromJson(r.out.toUtf8()).object();
        InstallBaseFilter f;
        f.asOf = QDate(2026, 6, 15);
        f.package = u"Package A"_s;
        f.includeSandboxes = false;
        auto db = Database::open(m_fixture, Database::OpenOptions());
        QVERIFY(db.ok());
        auto dashboard = computeDashboard(db.value()->connection(), f);
        QVERIFY(dashboard.ok());
        QCOMPARE(cli, dashboard->stats.toJson());
        // Package A without its sandboxes (L-00007, L-00010): 9 - 2 = 7 licenses.
        QCOMPARE(cli.value(u"licenses"_s).toInt(), 7);
    }

    void killingAnImportLeavesTheDatabaseAsItWas()
    {
        const QString db = m_dir.filePath(QStringLiteral("kill.sqlite"));
        QByteArray before;
        {
            auto database = test::createFixtureDatabase(db);
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
                 16);
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
                 16);
    }

private:
    QTemporaryDir m_dir;
    QString m_fixture;
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
