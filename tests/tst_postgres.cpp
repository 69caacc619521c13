// What only a team database on a PostgreSQL server does: who is connected, migrations shared by
// several clients, the faults of a network and a server, and the messages each gets.
// Runs against the test server of packaging/pg-test-cluster.sh (LMODESK_TEST_PG).
#include "fixtures.h"

#include "browse/licensequery.h"
#include "storage/database.h"
#include "storage/licenseedits.h"
#include "storage/migrations.h"
#include "storage/postgres/pgcopy.h"
#include "storage/postgres/pglocation.h"
#include "storage/postgres/pgstandby.h"

#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>
#include <QtTest>

#include <atomic>

using namespace lmo;

namespace {

QString freshSchema(const char *prefix)
{
    return QStringLiteral("%1_%2").arg(QLatin1String(prefix), QUuid::createUuid().toString(QUuid::Id128).left(12));
}

QString uriFor(const char *prefix) { return test::schemaUri(test::postgresUri(), freshSchema(prefix)); }

// A statement on a connection of its own, as another client (or the server's owner) would run it.
bool runElsewhere(const QString &uri, const QString &sql, QVariant *answer = nullptr)
{
    auto location = PgLocation::parse(uri);
    if (!location)
        return false;
    const QString name = QUuid::createUuid().toString();
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setConnectOptions(location->driverOptions().value());
        if (!location->password().isEmpty())
            db.setPassword(location->password());
        if (db.open()) {
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok)
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            if (ok && answer && q.next())
                *answer = q.value(0);
        } else {
            qWarning("%s", qPrintable(db.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}


// A change of seats (`add` more) to the first `n` licenses that have seats, as Modify License
// makes it; read on `db`.
std::vector<TermsChange> seatsChanges(QSqlDatabase db, int n, int add)
{
    std::vector<TermsChange> changes;
    QSqlQuery ids(db);
    if (!ids.exec(QStringLiteral("SELECT id, seats, status, expiration FROM licenses WHERE seats > 0 ORDER BY id LIMIT %1").arg(n)))
        return changes;
    while (ids.next()) {
        TermsChange c;
        c.rowId = ids.value(0).toLongLong();
        c.before.status = statusFromString(ids.value(2).toString()).value();
        c.before.seats = ids.value(1).toInt();
        c.before.expiration = ids.value(3).toDate();
        c.after = c.before;
        c.after.seats += add;
        changes.push_back(c);
    }
    return changes;
}

} // namespace

class TestPostgres : public QObject
{
    Q_OBJECT

private slots:
    void testsConnectAsAnOrdinaryLogin()
    {
        // As a superuser (or a BYPASSRLS role) every access rule passes vacuously.
        auto db = Database::open(uriFor("who"), {});
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toBool(), false);
        QCOMPARE(q.value(1).toBool(), false);
        QVERIFY(db.value()->isTeamDatabase());
        QCOMPARE(db.value()->dialect().kind(), Dialect::Kind::PostgreSQL);
    }

    // COPY's binary format, as the bulk loads write it: each value read back by the server as the
    // text format would have given it, at the edges of every type (days and times before the
    // format's epoch of 2000-01-01, a leap day, the last day, a second before midnight, NULLs,
    // text with the bytes the text format escapes, a negative number).
    void binaryCopyRowsReadBackAsWritten()
    {
        const QString uri = uriFor("binary_copy");
        auto db = Database::open(uri, {});
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QSqlDatabase c = db.value()->connection();
        QSqlQuery q(c);
        QVERIFY(q.exec(QStringLiteral("CREATE TEMPORARY TABLE copied (t TEXT, b BIGINT, s SMALLINT, d DATE, ts TIMESTAMPTZ)")));
        struct Row
        {
            const char *text;
            qint64 big;
            int small;
            const char *day;
            const char *time;
        };
        const Row rows[] = {
            {"plain", 0, 0, "2000-01-01", "2000-01-01T00:00:00Z"},
            {"tab\tnew\nline\\back\rslash ü", -1, 1, "1999-12-31", "1999-12-31T23:59:59Z"},
            {"", 99000000, 1, "2024-02-29", "2026-03-31T10:15:00Z"},
            {"far", 9007199254740993LL, 0, "1000-01-01", "1970-01-01T00:00:00Z"},
            {"last", -9007199254740993LL, 1, "9999-12-31", "9999-12-31T23:59:59Z"},
        };
        pg::CopyRows copy(pg::CopyRows::Format::Binary);
        for (const Row &r : rows) {
            if (*r.text)
                copy.text(std::string_view(r.text));
            else
                copy.null();
            copy.bigint(r.big);
            copy.smallint(r.small);
            QVERIFY(copy.date(r.day));
            QVERIFY(copy.timestamp(r.time));
            copy.endRow();
        }
        // Unreadable values are refused, writing nothing.
        const size_t before = copy.data().size();
        QVERIFY(!copy.date("2026-02-30"));
        QVERIFY(!copy.date("26-02-01"));
        QVERIFY(!copy.timestamp("yesterday"));
        QCOMPARE(copy.data().size(), before);
        // A row of NULLs only.
        for (int i = 0; i < 5; ++i)
            copy.null();
        copy.endRow();
        auto sent = pg::copyIn(c, "copied (t, b, s, d, ts)", copy, QStringLiteral("testing"));
        QVERIFY2(sent, qPrintable(sent ? QString() : sent.error().message));
        QVERIFY(q.exec(QStringLiteral("SET TIME ZONE 'UTC'")));
        QVERIFY(q.exec(QStringLiteral("SELECT t, b, s, d::text, to_char(ts, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM copied")));
        for (const Row &r : rows) {
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QString::fromUtf8(r.text));
            QCOMPARE(q.value(0).isNull(), !*r.text);
            QCOMPARE(q.value(1).toLongLong(), r.big);
            QCOMPARE(q.value(2).toInt(), r.small);
            QCOMPARE(q.value(3).toString(), QString::fromLatin1(r.day));
            QCOMPARE(q.value(4).toString(), QString::fromLatin1(r.time));
        }
        QVERIFY(q.next());
        for (int i = 0; i < 5; ++i)
            QVERIFY(q.value(i).isNull());
        QVERIFY(!q.next());
        // Rows of the wrong format for a stream are refused before anything is sent.
        pg::CopyStream stream(c, "copied (t)", QStringLiteral("testing"), pg::CopyRows::Format::Text);
        pg::CopyRows binary(pg::CopyRows::Format::Binary);
        binary.text(std::string_view("x"));
        binary.endRow();
        QVERIFY(!stream.send(binary));
        QVERIFY(!stream.isOpen());
    }

    void aNewServerDatabaseGetsTheWholeSchemaInOneMigration()
    {
        const QString uri = uriFor("fresh");
        auto db = Database::open(uri, {});
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QCOMPARE(db.value()->schemaVersion(), latestSchemaVersion());
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), MIN(version), MAX(version) FROM schema_migrations")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), latestSchemaVersion());
        QCOMPARE(q.value(2).toInt(), latestSchemaVersion());
        // The dates and instants are the server's own types, not text.
        QVERIFY(q.exec(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                                      "current_schema() AND table_name = 'licenses' AND column_name IN "
                                      "('expiration', 'last_modified') ORDER BY column_name")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("date"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("timestamp with time zone"));
    }

    void clientsOpeningANewServerAtOnceMigrateItOnce()
    {
        const QString uri = uriFor("race");
        constexpr int kClients = 4;
        std::atomic<int> opened{0};
        QStringList errors;
        QMutex errorsMutex;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int i = 0; i < kClients; ++i) {
            threads.emplace_back(QThread::create([&] {
                {
                    auto db = Database::open(uri, {});
                    if (db) {
                        ++opened;
                    } else {
                        QMutexLocker locker(&errorsMutex);
                        errors << db.error().message;
                    }
                }
            }));
        }
        for (auto &t : threads)
            t->start();
        for (auto &t : threads)
            QVERIFY(t->wait(120000));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(opened.load(), kClients);
        QVariant rows;
        QVERIFY(runElsewhere(uri, QStringLiteral("SELECT COUNT(*) FROM schema_migrations"), &rows));
        QCOMPARE(rows.toInt(), latestSchemaVersion()); // each version recorded once
    }

    // Schema 8: every sort of the license list, both ways, reads its first window in the order
    // of an index, with no sort of its own (before it, a sort on seats sorted every tie by id).
    // Sorting is disabled, so that a plan that still sorts shows the order no index gives.
    void everySortsFirstWindowIsReadInIndexOrder()
    {
        auto db = Database::open(uriFor("sorts"), {});
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QSqlDatabase c = db.value()->connection();
        QSqlQuery q(c);
        QVERIFY(q.exec(QStringLiteral("INSERT INTO packages (sf_id, name) VALUES ('033000000000001AAA', 'Pkg')")));
        QVERIFY(q.exec(QStringLiteral("SELECT id FROM packages")) && q.next());
        const std::vector<PackageName> packages{PackageName{q.value(0).toLongLong(), QStringLiteral("Pkg")}};
        for (const char *off : {"enable_sort", "enable_incremental_sort", "enable_seqscan", "enable_bitmapscan"})
            QVERIFY(q.exec(QStringLiteral("SET %1 = off").arg(QLatin1String(off))));
        for (int column = 0; column < kLicenseColumnCount; ++column) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                LicenseQuery query;
                query.sortColumn = LicenseColumn(column);
                query.order = order;
                const auto segments = buildLicenseQuery(query, packages, db.value()->dialect());
                QVERIFY(!segments.empty());
                for (const LicenseQuerySegment &segment : segments) {
                    for (const QString &orderBy : {segment.orderBy, segment.reverseOrderBy}) {
                        // EXPLAIN cannot be prepared: the values go in as literals (numbers and
                        // quoted names, no text filter here).
                        QString where = segment.where;
                        for (const QVariant &v : segment.binds) {
                            const qsizetype mark = where.indexOf(QLatin1Char('?'));
                            QVERIFY(mark >= 0);
                            const QString literal = v.typeId() == QMetaType::QString
                                                        ? QLatin1Char('\'') + v.toString().replace(QStringLiteral("'"), QStringLiteral("''")) + QLatin1Char('\'')
                                                        : v.toString();
                            where.replace(mark, 1, literal);
                        }
                        QVERIFY(!where.contains(QLatin1Char('?')));
                        QSqlQuery explain(c);
                        QVERIFY2(explain.exec(QStringLiteral("EXPLAIN SELECT l.id FROM licenses l WHERE %1 ORDER BY %2 LIMIT 256")
                                                  .arg(where, orderBy)),
                                 qPrintable(explain.lastError().text()));
                        QString plan;
                        while (explain.next())
                            plan += explain.value(0).toString() + QLatin1Char('\n');
                        QVERIFY2(plan.contains(QStringLiteral("Index")) && !plan.contains(QStringLiteral("Sort")),
                                 qPrintable(QStringLiteral("%1, ORDER BY %2:\n%3").arg(licenseColumnKey(query.sortColumn), orderBy, plan)));
                    }
                }
            }
        }
    }

    void aServerOfANewerSchemaIsRefusedAndUntouched()
    {
        const QString uri = uriFor("newer");
        { QVERIFY(Database::open(uri, {})); }
        const int future = latestSchemaVersion() + 3;
        QVERIFY(runElsewhere(uri, QStringLiteral("INSERT INTO schema_migrations VALUES (%1, 'from the future', now())").arg(future)));
        QVariant before;
        QVERIFY(runElsewhere(uri, QStringLiteral("SELECT COUNT(*) FROM schema_migrations"), &before));
        auto db = Database::open(uri, {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::SchemaTooNew);
        QVERIFY2(db.error().message.contains(QString::number(future)), qPrintable(db.error().message));
        QVERIFY2(db.error().message.contains(QString::number(latestSchemaVersion())), qPrintable(db.error().message));
        QVariant after;
        QVERIFY(runElsewhere(uri, QStringLiteral("SELECT COUNT(*) FROM schema_migrations"), &after));
        QCOMPARE(after, before);
    }

    void anotherProgramsTablesAreLeftAlone()
    {
        const QString uri = uriFor("theirs");
        QVERIFY(runElsewhere(uri, QStringLiteral("CREATE TABLE invoices (id int)")));
        auto db = Database::open(uri, {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::NotOurDatabase);
        QVERIFY2(db.error().message.contains(QStringLiteral("invoices")), qPrintable(db.error().message));
        QVariant tables;
        QVERIFY(runElsewhere(uri, QStringLiteral("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"), &tables));
        QCOMPARE(tables.toInt(), 1);
    }

    void readingAnEmptyServerDatabaseCreatesNothing()
    {
        const QString uri = uriFor("empty");
        Database::OpenOptions o;
        o.readOnly = true;
        auto db = Database::open(uri, o);
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::NotADatabase);
        QVariant tables;
        QVERIFY(runElsewhere(uri, QStringLiteral("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"), &tables));
        QCOMPARE(tables.toInt(), 0);
    }

    void aSearchPathWithNoSchemaSaysSo()
    {
        const QString uri = test::postgresUri() + QStringLiteral("&options=-csearch_path%3Dno_such_schema_here");
        auto db = Database::open(uri, {});
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("search_path")), qPrintable(db.error().message));
    }

    void anUnreachableServerSaysWhatToCheck()
    {
        // A port nothing listens on: taken, then given back.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        auto db = Database::open(QStringLiteral("postgresql://lmodesk_test@127.0.0.1:%1/lmodesk_test?connect_timeout=5").arg(port), {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::Unreachable);
        QVERIFY2(db.error().message.contains(QStringLiteral("cannot be reached")), qPrintable(db.error().message));
        QVERIFY2(db.error().message.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(db.error().message));
    }

    void aMissingOrWrongPasswordIsRefusedAndARightOneConnects()
    {
        const QString uri = qEnvironmentVariable("LMODESK_TEST_PG_PASSWORD_URI");
        QVERIFY2(!uri.isEmpty(), "LMODESK_TEST_PG_PASSWORD_URI is not set: run through packaging/pg-test-cluster.sh");
        qunsetenv("PGPASSWORD");
        qputenv("PGPASSFILE", "/nonexistent/pgpass");
        {
            auto db = Database::open(uri, {});
            QVERIFY(!db);
            QCOMPARE(db.error().code, Error::Code::AuthFailed);
            QVERIFY2(db.error().message.contains(QStringLiteral("asks for a password")), qPrintable(db.error().message));
        }
        {
            Database::OpenOptions o;
            o.password = QStringLiteral("not the password");
            auto db = Database::open(uri, o);
            QVERIFY(!db);
            QCOMPARE(db.error().code, Error::Code::AuthFailed);
            QVERIFY2(db.error().message.contains(QStringLiteral("password is wrong")), qPrintable(db.error().message));
            QVERIFY(!db.error().message.contains(QStringLiteral("not the password")));
        }
        {
            Database::OpenOptions o;
            o.password = QStringLiteral("secret");
            auto db = Database::open(uri, o);
            QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
            // A worker's second connection gets the same password.
            const QString name = QStringLiteral("second");
            {
                auto second = Database::openConnection(db.value()->connectionSpec(), name);
                QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
                second.value().close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        // A password in the URI itself never shows in what is kept or shown.
        QString withSecret = uri;
        withSecret.replace(QStringLiteral("lmodesk_pw@"), QStringLiteral("lmodesk_pw:secret@"));
        auto db = Database::open(withSecret, {});
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QVERIFY2(!db.value()->path().contains(QStringLiteral("secret")), qPrintable(db.value()->path()));
        QVERIFY(!db.value()->displayName().contains(QStringLiteral("secret")));
        QVERIFY(db.value()->displayName().startsWith(QStringLiteral("lmodesk_pw@127.0.0.1:")));
    }

    void noSuchDatabaseOrLoginSaysWhichName()
    {
        QString uri = test::postgresUri();
        uri.replace(QStringLiteral("/lmodesk_test?"), QStringLiteral("/no_such_db?"));
        auto db = Database::open(uri, {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::NoSuchDatabase);
        QVERIFY2(db.error().message.contains(QStringLiteral("no_such_db")), qPrintable(db.error().message));

        QString login = test::postgresUri();
        login.replace(QStringLiteral("lmodesk_test@"), QStringLiteral("nobody_here@"));
        auto refused = Database::open(login, {});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::AuthFailed);
        QVERIFY2(refused.error().message.contains(QStringLiteral("nobody_here")), qPrintable(refused.error().message));
    }

    void sslRequiredOfAServerWithoutSslSaysSo()
    {
        const QString uri = qEnvironmentVariable("LMODESK_TEST_PG_TCP") + QStringLiteral("?sslmode=require");
        auto db = Database::open(uri, {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::AuthFailed);
        QVERIFY2(db.error().message.contains(QStringLiteral("SSL")), qPrintable(db.error().message));
        QVERIFY2(db.error().message.contains(QStringLiteral("sslmode")), qPrintable(db.error().message));
    }

    void aMalformedAddressIsRefusedBeforeConnecting()
    {
        auto db = Database::open(QStringLiteral("postgresql://host:notaport/db"), {});
        QVERIFY(!db);
        QCOMPARE(db.error().code, Error::Code::Usage);
    }

    // The issue's promise: the same demo gives the same figures on both engines, today and on
    // past days (rebuilt from the audit log), whole and filtered.
    void theSameDemoGivesTheSameStatsOnBothEngines()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("twin.sqlite"));
        const QString server = uriFor("twin");
        const QStringList demo{QStringLiteral("demo"), QStringLiteral("--seed"), QStringLiteral("11"),
                               QStringLiteral("--licenses"), QStringLiteral("6000"), QStringLiteral("--until"),
                               QStringLiteral("2026-10-01")};
        auto run = [](const QStringList &args) {
            QProcess p;
            p.start(QStringLiteral(LMODESK_BINARY), args);
            p.waitForFinished(300000);
            return std::make_pair(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                                  QString::fromUtf8(p.readAllStandardOutput()) + QString::fromUtf8(p.readAllStandardError()));
        };
        for (const QString &db : {file, server}) {
            const auto [code, output] = run(demo + QStringList{QStringLiteral("--db"), db});
            QVERIFY2(code == 0, qPrintable(output));
        }
        const QList<QStringList> asked{
            {},
            {QStringLiteral("--as-of"), QStringLiteral("2026-10-01")},
            {QStringLiteral("--as-of"), QStringLiteral("2025-03-31")},
            {QStringLiteral("--as-of"), QStringLiteral("2024-01-01")},
            {QStringLiteral("--package"), QStringLiteral("Pulse Analytics"), QStringLiteral("--as-of"), QStringLiteral("2025-09-15")},
            {QStringLiteral("--installed-from"), QStringLiteral("2025-01-01"), QStringLiteral("--installed-to"), QStringLiteral("2025-06-30")},
        };
        for (const QStringList &filters : asked) {
            const auto [fileCode, fromFile] = run(QStringList{QStringLiteral("stats"), QStringLiteral("--json"), QStringLiteral("--db"), file} + filters);
            const auto [serverCode, fromServer] = run(QStringList{QStringLiteral("stats"), QStringLiteral("--json"), QStringLiteral("--db"), server} + filters);
            QCOMPARE(fileCode, 0);
            QCOMPARE(serverCode, 0);
            QVERIFY2(fromFile.contains(QStringLiteral("\"licenses\"")), qPrintable(fromFile));
            QCOMPARE(fromServer, fromFile);
        }
        // Exported, the licenses are the same rows, in the same order, with the same values.
        const QString fileCsv = dir.filePath(QStringLiteral("file.csv"));
        const QString serverCsv = dir.filePath(QStringLiteral("server.csv"));
        QCOMPARE(run({QStringLiteral("export-csv"), QStringLiteral("--db"), file, QStringLiteral("--out"), fileCsv}).first, 0);
        QCOMPARE(run({QStringLiteral("export-csv"), QStringLiteral("--db"), server, QStringLiteral("--out"), serverCsv}).first, 0);
        QCOMPARE(test::fileHash(serverCsv), test::fileHash(fileCsv));
    }

    // A primary named with its streaming replica ("host=a,b"): the window's connection, which
    // writes, goes to the primary whichever is named first; the pages' readers go to the
    // standby; a read there after this process's own edit shows the edit (it waits for the
    // standby to replay it). Named alone, or with the primary unreachable, the standby opens
    // read-only and says why.
    void aPrimaryNamedWithItsStandbyWritesThereAndReadsFromTheStandby()
    {
        const QString socket = qEnvironmentVariable("LMODESK_TEST_PG_SOCKET");
        const QString primaryPort = qEnvironmentVariable("LMODESK_TEST_PG_PORT");
        const QString standbyPort = qEnvironmentVariable("LMODESK_TEST_PG_STANDBY_PORT");
        QVERIFY2(!socket.isEmpty() && !primaryPort.isEmpty() && !standbyPort.isEmpty(),
                 "packaging/pg-test-cluster.sh starts a standby and names it in LMODESK_TEST_PG_STANDBY_PORT");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("replicated.sqlite"));
        QVERIFY(test::createFixtureDatabase(path));
        const QString plain = test::location(path);
        const QString schema = plain.mid(plain.indexOf(QStringLiteral("options=")));
        auto address = [&](const QStringList &ports) {
            QStringList hosts;
            for (qsizetype i = 0; i < ports.size(); ++i)
                hosts << socket;
            return QStringLiteral("postgresql://lmodesk_test@/lmodesk_test?host=%1&port=%2&%3")
                .arg(hosts.join(u','), ports.join(u','), schema);
        };
        auto inRecovery = [](QSqlDatabase db) {
            QSqlQuery q(db);
            return q.exec(QStringLiteral("SELECT pg_is_in_recovery()")) && q.next() && q.value(0).toBool();
        };
        auto seatsOf = [](QSqlDatabase db, qint64 id) {
            QSqlQuery q(db);
            return q.exec(QStringLiteral("SELECT seats FROM licenses WHERE id = %1").arg(id)) && q.next() ? q.value(0).toInt() : -2;
        };

        int step = 0;
        for (const QStringList &ports : {QStringList{primaryPort, standbyPort}, QStringList{standbyPort, primaryPort}}) {
            auto opened = Database::open(address(ports), {});
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            Database &db = *opened.value();
            QVERIFY2(!db.isReadOnly(), qPrintable(db.readOnlyReason()));
            QVERIFY(!inRecovery(db.connection()));

            const QString name = QStringLiteral("replica-reader-%1").arg(step);
            {
                auto reader = Database::openConnection(db.readingSpec(), name);
                QVERIFY2(reader, qPrintable(reader ? QString() : reader.error().message));
                QVERIFY(inRecovery(reader.value()));

                // An edit on the primary, then a read on the standby, as a page reloads after it.
                const std::vector<TermsChange> changes = seatsChanges(db.connection(), 1, 7);
                QCOMPARE(changes.size(), size_t(1));
                const TermsChange c = changes.front();
                auto written = writeTerms(db, {c}, false, QStringLiteral("Modify License"));
                QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
                Database::catchUp(reader.value());
                QCOMPARE(seatsOf(reader.value(), c.rowId), c.after.seats);
                reader.value().close();
            }
            QSqlDatabase::removeDatabase(name);
            ++step;
        }

        // The standby alone, or with a primary that does not answer: read-only, and why.
        QTcpServer nothing; // a port where no server listens, once this closes it
        QVERIFY(nothing.listen(QHostAddress::LocalHost));
        const QString deadPort = QString::number(nothing.serverPort());
        nothing.close();
        for (const QString &uri : {address({standbyPort}),
                                   QStringLiteral("postgresql://lmodesk_test@/lmodesk_test?host=127.0.0.1,%1&port=%2,%3&%4")
                                       .arg(socket, deadPort, standbyPort, schema)}) {
            auto opened = Database::open(uri, {});
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            QVERIFY(opened.value()->isReadOnly());
            QVERIFY2(opened.value()->readOnlyReason().contains(QStringLiteral("standby")), qPrintable(opened.value()->readOnlyReason()));
        }
    }

    // Two planner settings a session makes where nobody configured them: random reads priced
    // for solid-state storage, and no JIT compilation (which cost the list's searches more than
    // it saved). Whoever set one (the address here; the login's or the database's own setting
    // alike) keeps theirs.
    void aSessionPricesRandomReadsForSolidStateCompilesNothingAndKeepsBitmapsExactUnlessSomeoneSetIt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pagecost.sqlite"));
        QVERIFY(test::createFixtureDatabase(path));
        auto show = [](QSqlDatabase db, const char *setting) {
            QSqlQuery q(db);
            return q.exec(QStringLiteral("SHOW %1").arg(QLatin1String(setting))) && q.next() ? q.value(0).toString()
                                                                                             : QStringLiteral("?");
        };
        {
            auto opened = Database::open(test::location(path), {});
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            QCOMPARE(show(opened.value()->connection(), "random_page_cost"), QStringLiteral("1.1"));
            QCOMPARE(show(opened.value()->connection(), "jit"), QStringLiteral("off"));
            QCOMPARE(show(opened.value()->connection(), "work_mem"), QStringLiteral("32MB"));
            // The pages' readers too: it is their sorts and searches it changes.
            const QString name = QStringLiteral("pagecost-reader");
            {
                auto reader = Database::openConnection(opened.value()->readingSpec(), name);
                QVERIFY2(reader, qPrintable(reader ? QString() : reader.error().message));
                QCOMPARE(show(reader.value(), "random_page_cost"), QStringLiteral("1.1"));
                QCOMPARE(show(reader.value(), "jit"), QStringLiteral("off"));
                QCOMPARE(show(reader.value(), "work_mem"), QStringLiteral("32MB"));
                // And the time zone, set in the same statement.
                QCOMPARE(show(reader.value(), "TimeZone"), QStringLiteral("UTC"));
            }
            QSqlDatabase::removeDatabase(name);
        }
        // Set by whoever connects: kept, each on its own.
        {
            auto opened = Database::open(test::location(path) + QStringLiteral("%20-crandom_page_cost%3D2.5"), {});
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            QCOMPARE(show(opened.value()->connection(), "random_page_cost"), QStringLiteral("2.5"));
            QCOMPARE(show(opened.value()->connection(), "jit"), QStringLiteral("off"));
        }
        {
            auto opened = Database::open(test::location(path) + QStringLiteral("%20-cwork_mem%3D8MB"), {});
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
            QCOMPARE(show(opened.value()->connection(), "work_mem"), QStringLiteral("8MB"));
            QCOMPARE(show(opened.value()->connection(), "jit"), QStringLiteral("off"));
        }
        auto opened = Database::open(test::location(path) + QStringLiteral("%20-cjit%3Don"), {});
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        QCOMPARE(show(opened.value()->connection(), "jit"), QStringLiteral("on"));
        QCOMPARE(show(opened.value()->connection(), "random_page_cost"), QStringLiteral("1.1"));
        QCOMPARE(show(opened.value()->connection(), "work_mem"), QStringLiteral("32MB"));
        // The team flag read from the same statement still reads right (a plain database here).
        QVERIFY(!opened.value()->isReadOnly());
    }

    void aReaderOnAStandbyAsksOnlyWhenBehindAndStopsWaitingWhenTold()
    {
        const QString socket = qEnvironmentVariable("LMODESK_TEST_PG_SOCKET");
        const QString primaryPort = qEnvironmentVariable("LMODESK_TEST_PG_PORT");
        const QString standbyPort = qEnvironmentVariable("LMODESK_TEST_PG_STANDBY_PORT");
        QVERIFY2(!socket.isEmpty() && !primaryPort.isEmpty() && !standbyPort.isEmpty(),
                 "packaging/pg-test-cluster.sh starts a standby and names it in LMODESK_TEST_PG_STANDBY_PORT");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("paused.sqlite"));
        QVERIFY(test::createFixtureDatabase(path));
        const QString plain = test::location(path);
        const QString schema = plain.mid(plain.indexOf(QStringLiteral("options=")));
        auto opened = Database::open(QStringLiteral("postgresql://lmodesk_test@/lmodesk_test?host=%1,%1&port=%2,%3&%4")
                                         .arg(socket, primaryPort, standbyPort, schema),
                                     {});
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        Database &db = *opened.value();

        // The test's own hand on the standby's replay (pausing it takes a superuser; the
        // throwaway cluster trusts its socket). The app's connections stay lmodesk_test's.
        const QString controlName = QStringLiteral("standby-control");
        {
            QSqlDatabase control = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), controlName);
            control.setConnectOptions(QStringLiteral("host=%1;port=%2;user=postgres;dbname=lmodesk_test").arg(socket, standbyPort));
            QVERIFY2(control.open(), qPrintable(control.lastError().text()));
        }
        auto replay = [&](const char *what) {
            QSqlQuery q(QSqlDatabase::database(controlName, false));
            return q.exec(QStringLiteral("SELECT pg_wal_replay_%1()").arg(QLatin1String(what)));
        };
        const auto resume = qScopeGuard([&] {
            replay("resume");
            QSqlDatabase::removeDatabase(controlName);
        });

        const QString name = QStringLiteral("paused-reader");
        {
            auto reader = Database::openConnection(db.readingSpec(), name);
            QVERIFY2(reader, qPrintable(reader ? QString() : reader.error().message));
            auto seatsOf = [&](qint64 id) {
                QSqlQuery q(reader.value());
                return q.exec(QStringLiteral("SELECT seats FROM licenses WHERE id = %1").arg(id)) && q.next() ? q.value(0).toInt() : -2;
            };
            std::vector<TermsChange> changes = seatsChanges(db.connection(), 1, 3);
            QCOMPARE(changes.size(), size_t(1));
            const qint64 id = changes.front().rowId;
            QVERIFY(writeTerms(db, changes, false, QStringLiteral("Modify License")));
            Database::catchUp(reader.value());
            QCOMPARE(seatsOf(id), changes.front().after.seats);

            // Caught up, and nothing committed since: the next reads ask nothing.
            const int asked = pg::replayChecksOnThisThread();
            Database::catchUp(reader.value());
            Database::catchUp(reader.value());
            QCOMPARE(pg::replayChecksOnThisThread(), asked);

            // The standby stops replaying, the primary takes another change: the reader waits
            // for it, and stops waiting as soon as it is told to (a window closing), having
            // read nothing newer than the standby has.
            QVERIFY(replay("pause"));
            changes = seatsChanges(db.connection(), 1, 4);
            QVERIFY(writeTerms(db, changes, false, QStringLiteral("Modify License")));
            int polled = 0;
            StorageBackend::of(reader.value()).catchUp(reader.value(), [&] { return ++polled == 3; });
            QCOMPARE(polled, 3);
            QCOMPARE(seatsOf(id), changes.front().before.seats);
            QVERIFY(pg::replayChecksOnThisThread() >= asked + 3);

            // Replaying again: the reader catches up and shows the change.
            QVERIFY(replay("resume"));
            Database::catchUp(reader.value());
            QCOMPARE(seatsOf(id), changes.front().after.seats);
            reader.value().close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    void anEditDuringAnOutageIsRefusedWholeAndTheNextOneWorks()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(QStringLiteral("outage.sqlite")));
        QVERIFY(db);
        QVERIFY(db->isTeamDatabase());
        const QByteArray before = test::contentHash(*db);
        const std::vector<TermsChange> changes = seatsChanges(db->connection(), 2, 5);
        QCOMPARE(changes.size(), size_t(2));

        // The server drops this client's session (a restart, a failover, an idle timeout).
        QVariant pid;
        {
            QSqlQuery q(db->connection());
            QVERIFY(q.exec(QStringLiteral("SELECT pg_backend_pid()")) && q.next());
            pid = q.value(0);
        }
        QVariant killed;
        QVERIFY(runElsewhere(test::postgresUri(), QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid.toInt()), &killed));
        QVERIFY(killed.toBool());

        auto refused = writeTerms(*db, changes, false, QStringLiteral("Modify License"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::ConnectionLost);
        QVERIFY2(refused.error().message.contains(QStringLiteral("Nothing of it was saved")), qPrintable(refused.error().message));

        // Connected again: nothing of the refused edit is there, and the same edit now works.
        QCOMPARE(test::contentHash(*db), before);
        auto written = writeTerms(*db, changes, false, QStringLiteral("Modify License"));
        QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
        QSqlQuery seats(db->connection());
        QVERIFY(seats.exec(QStringLiteral("SELECT seats FROM licenses WHERE id = %1").arg(changes[0].rowId)) && seats.next());
        QCOMPARE(seats.value(0).toInt(), changes[0].after.seats);
        QVERIFY(seats.exec(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Seats' AND source = 'Modify License'")) && seats.next());
        QCOMPARE(seats.value(0).toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestPostgres)
#include "tst_postgres.moc"
