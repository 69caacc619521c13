#include "fixtures.h"

#include "import/importer.h"
#include "storage/auditlog.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/dialect.h"
#include "storage/licenserepository.h"
#include "storage/migrations.h"
#include "storage/packagerepository.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include <csignal>
#include <unistd.h>

using namespace lmo;

namespace {

Database::OpenOptions createOptions()
{
    Database::OpenOptions o;
    o.create = true;
    return o;
}

QStringList tablesOf(const QString &path)
{
    const QString name = QStringLiteral("inspect");
    QStringList tables;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open())
            tables = db.tables();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return tables;
}

qint64 numberIn(const QString &path, const QString &sql)
{
    const QString name = QStringLiteral("inspect-number");
    qint64 n = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                n = q.value(0).toLongLong();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

// A license export like writeLicenseCsv's, with other Ids and orgs (`tag`, one digit, replaces
// their fourth character): a second file of new licenses, not updates of the first's.
bool writeOtherLicenseCsv(const QString &path, int rows, const QString &package, char tag)
{
    if (!test::writeLicenseCsv(path, rows, package))
        return false;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QByteArray bytes = f.readAll();
    f.close();
    bytes.replace("\na0B9", QByteArray("\na0B") + tag).replace(",00D9", QByteArray(",00D") + tag);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QProcess *startLmodesk(QObject *parent, const QStringList &arguments)
{
    auto *p = new QProcess(parent);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    p->setProcessEnvironment(env);
    p->start(QStringLiteral(LMODESK_BINARY), arguments);
    return p;
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void newDatabaseGetsTheWholeSchema()
    {
        const QString path = m_dir.filePath(QStringLiteral("folder/that/does/not/exist/new.sqlite"));
        auto db = Database::open(path, createOptions());
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QCOMPARE(db.value()->schemaVersion(), latestSchemaVersion());
        QVERIFY(!db.value()->isReadOnly());
        const QStringList tables = db.value()->connection().tables();
        for (const char *t : {"packages", "package_versions", "licenses", "audit_log", "schema_migrations"})
            QVERIFY2(tables.contains(QLatin1String(t)), t);
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }

    void sortAndFilterColumnsAreIndexed()
    {
        auto db = Database::open(m_dir.filePath(QStringLiteral("idx.sqlite")), createOptions());
        QVERIFY(db.ok());
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'licenses'")));
        QStringList indexes;
        while (q.next())
            indexes << q.value(0).toString();
        for (const char *i : {"licenses_sf_id", "licenses_org_package", "licenses_package", "licenses_status",
                              "licenses_expiration", "licenses_install_date", "licenses_name", "licenses_account_name"})
            QVERIFY2(indexes.contains(QLatin1String(i)), i);
    }

    void missingFileIsNotCreatedUnlessAsked()
    {
        const QString path = m_dir.filePath(QStringLiteral("missing.sqlite"));
        auto db = Database::open(path, Database::OpenOptions());
        QVERIFY(!db.ok());
        QVERIFY(db.error().message.contains(QStringLiteral("does not exist")));
        QVERIFY(!QFile::exists(path));
    }

    void foreignKeysAndChecksAreEnforced()
    {
        auto db = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("fk.sqlite")));
        QVERIFY(db);
        QSqlQuery q(db->connection());
        QVERIFY(!q.exec(QStringLiteral("INSERT INTO licenses (org_id, package_ref, status, seats) "
                                       "VALUES ('00D000000000009', 999, 'Active', 1)")));
        QVERIFY(!q.exec(QStringLiteral("INSERT INTO licenses (org_id, package_ref, status, seats) "
                                       "VALUES ('00D000000000009', 1, 'Expired', 1)")));
        // One license per package per org.
        QVERIFY(!q.exec(QStringLiteral("INSERT INTO licenses (org_id, package_ref, status, seats) "
                                       "VALUES ('00D000000000001', 1, 'Active', 1)")));
    }

    void licensesRoundTripThroughTheRepository()
    {
        auto db = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("rt.sqlite")));
        QVERIFY(db);
        LicenseRepository repo(*db);
        QCOMPARE(repo.count().value(), 15);
        const std::vector<License> written = test::statsFixtureLicenses();
        auto found = repo.findById(written[1].id);
        QVERIFY(found.ok() && found->has_value());
        const License &l = **found;
        QCOMPARE(l.name, QStringLiteral("L-00002"));
        QVERIFY(l.isSiteLicense());
        QVERIFY(l.isPerpetual());
        QCOMPARE(l.packageName, QStringLiteral("Package B"));
        QCOMPARE(l.subscriberOrgId.to15(), QStringLiteral("00D000000000001"));
        QCOMPARE(l.lastModified, QDateTime(QDate(2026, 6, 10), QTime(8, 0), Qt::UTC));
        // An org written as 15 and as 18 characters is one org.
        auto org7 = repo.forOrg(SalesforceId::fromString(u"00D000000000007EAA"));
        QVERIFY(org7.ok());
        QCOMPARE(int(org7->size()), 2);
        // The LMA's 1970-01-01 is stored as "does not expire".
        auto perpetual = repo.findById(written[13].id);
        QVERIFY(perpetual.ok() && perpetual->has_value());
        QVERIFY(!(*perpetual)->expiration.isValid());
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM licenses WHERE expiration = '1970-01-01'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void auditLogRecordsWhoWhenWhatAndWhence()
    {
        auto db = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(db);
        AuditLog log(db->connection());
        AuditEntry e;
        e.recordType = QStringLiteral("license");
        e.recordRef = 3;
        e.recordSfId = QStringLiteral("a0B000000000003AAA");
        e.field = QStringLiteral("seats");
        e.oldValue = QStringLiteral("5");
        e.newValue = QStringLiteral("25");
        e.source = QStringLiteral("Modify License dialog");
        QVERIFY(log.record(e).ok());
        auto history = log.history(QStringLiteral("license"), 3);
        QVERIFY(history.ok());
        QCOMPARE(int(history->size()), 1);
        const AuditEntry &h = history->front();
        QCOMPARE(h.field, QStringLiteral("seats"));
        QCOMPARE(h.oldValue, QStringLiteral("5"));
        QCOMPARE(h.newValue, QStringLiteral("25"));
        QCOMPARE(h.source, QStringLiteral("Modify License dialog"));
        QVERIFY(!h.changedBy.isEmpty());
        QVERIFY(qAbs(h.changedAt.secsTo(QDateTime::currentDateTimeUtc())) < 3600);
    }

    // --- Migrations ---

    void migrationsRunForwardInOrderAndKeepData()
    {
        const QString path = m_dir.filePath(QStringLiteral("migrate.sqlite"));
        const QString name = QStringLiteral("migrate");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            std::vector<Migration> v1{{1, QStringLiteral("one"), {QStringLiteral("CREATE TABLE t (a TEXT)")}}};
            Migrator first(db, v1);
            QCOMPARE(first.currentVersion().value(), 0);
            QCOMPARE(first.migrate().value(), 1);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO t (a) VALUES ('kept')")));

            std::vector<Migration> v2 = v1;
            v2.push_back({2, QStringLiteral("two"), {QStringLiteral("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'new'")}});
            Migrator second(db, v2);
            QCOMPARE(second.migrate().value(), 2);
            QVERIFY(q.exec(QStringLiteral("SELECT a, b FROM t")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("kept"));
            QCOMPARE(q.value(1).toString(), QStringLiteral("new"));
            // Running again changes nothing.
            QCOMPARE(second.migrate().value(), 2);

            // A migration that fails half-way is rolled back whole, and the version stays.
            std::vector<Migration> v3 = v2;
            v3.push_back({3, QStringLiteral("broken"),
                          {QStringLiteral("CREATE TABLE half (x TEXT)"), QStringLiteral("INSERT INTO nowhere VALUES (1)")}});
            Migrator third(db, v3);
            auto r = third.migrate();
            QVERIFY(!r.ok());
            QVERIFY2(r.error().message.contains(QStringLiteral("version 3")), qPrintable(r.error().message));
            QCOMPARE(third.currentVersion().value(), 2);
            QVERIFY(!db.tables().contains(QStringLiteral("half")));
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }

    void aSwitchRecordedBeforeSchema6FilesEachLicenseByItsInstallDay()
    {
        // A database at schema 5 that recorded a switch of LMO on 2026-06-01, with licenses
        // installed before and after it.
        const QString path = m_dir.filePath(QStringLiteral("schema5.sqlite"));
        const QString name = QStringLiteral("schema5");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            std::vector<Migration> all = schemaMigrations(Dialect::forDriver(QStringLiteral("QSQLITE")));
            std::vector<Migration> upTo5(all.begin(), all.begin() + 5);
            QCOMPARE(Migrator(db, upTo5).migrate().value(), 5);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO packages (name) VALUES ('CPQ')")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO lmo_profiles (data, is_current, replaced_on) VALUES ('{}', 0, '2026-06-01')")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES ('{}', 1)")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO licenses (name, package_ref, status, seats, org_id, install_date) VALUES "
                "('before', 1, 'Active', 5, '00D000000000001', '2026-05-31'), "
                "('on the day', 1, 'Active', 5, '00D000000000002', '2026-06-01'), "
                "('after', 1, 'Active', 5, '00D000000000003', '2026-09-01'), "
                "('unknown day', 1, 'Active', 5, '00D000000000004', NULL)")));
            QCOMPARE(Migrator(db, all).migrate().value(), latestSchemaVersion());
            auto lmoOf = [&](const QString &license) {
                QSqlQuery l(db);
                l.prepare(QStringLiteral("SELECT lmo_ref FROM licenses WHERE name = ?"));
                l.addBindValue(license);
                return l.exec() && l.next() ? l.value(0).toInt() : -1;
            };
            QCOMPARE(lmoOf(QStringLiteral("before")), 1);
            QCOMPARE(lmoOf(QStringLiteral("on the day")), 2);
            QCOMPARE(lmoOf(QStringLiteral("after")), 2);
            QCOMPARE(lmoOf(QStringLiteral("unknown day")), 1);
            // The org summary is rebuilt with the split.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = '~subscribers'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);

        // A new database has its first LMO as row 1 before anything is described.
        const QString fresh = m_dir.filePath(QStringLiteral("fresh-lmo.sqlite"));
        Database::OpenOptions create;
        create.create = true;
        auto db = Database::open(fresh, create);
        QVERIFY(db.ok());
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT id, is_current FROM lmo_profiles")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(q.value(1).toInt(), 1);
        QVERIFY(!q.next());
    }

    void splitSqlScriptHandlesCommentsAndMultilineStatements()
    {
        const QStringList s = splitSqlScript(QStringLiteral("-- comment\nCREATE TABLE a (\n  x TEXT\n);\n\n"
                                                            "CREATE INDEX i ON a (x);\n"));
        QCOMPARE(s.size(), 2);
        QVERIFY(s[0].startsWith(QStringLiteral("CREATE TABLE a (")));
        QVERIFY(!s[0].endsWith(QLatin1Char(';')));
        QCOMPARE(s[1], QStringLiteral("CREATE INDEX i ON a (x)"));
    }

    // --- Refusals: each leaves the file exactly as it was ---

    void refusesAFileThatIsNotADatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Quarterly license notes, not a database.\n");
        f.close();
        const QByteArray before = test::fileHash(path);
        auto db = Database::open(path, createOptions());
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, Error::Code::NotADatabase);
        QVERIFY2(db.error().message.contains(QStringLiteral("not an LMO Desk database")), qPrintable(db.error().message));
        QVERIFY(db.error().message.contains(QStringLiteral("notes.sqlite")));
        QCOMPARE(test::fileHash(path), before);
    }

    void refusesAnotherProgramsSqliteDatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("other.sqlite"));
        {
            QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            other.setDatabaseName(path);
            QVERIFY(other.open());
            QSqlQuery q(other);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE invoices (id INTEGER)")));
            other.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        const QByteArray before = test::fileHash(path);
        auto db = Database::open(path, createOptions());
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, Error::Code::NotOurDatabase);
        QVERIFY(db.error().message.contains(QStringLiteral("invoices")));
        QCOMPARE(test::fileHash(path), before);
        QCOMPARE(tablesOf(path), QStringList{QStringLiteral("invoices")});
    }

    void refusesANewerSchemaAndTouchesNothing()
    {
        const QString path = m_dir.filePath(QStringLiteral("future.sqlite"));
        {
            auto db = Database::open(path, createOptions());
            QVERIFY(db.ok());
            QSqlQuery q(db.value()->connection());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at) "
                                          "VALUES (%1, 'from the future', '2030-01-01T00:00:00Z')")
                               .arg(latestSchemaVersion() + 1)));
        }
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
        const QByteArray before = test::fileHash(path);
        auto db = Database::open(path, createOptions());
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, Error::Code::SchemaTooNew);
        QVERIFY2(db.error().message.contains(QStringLiteral("newer LMO Desk")), qPrintable(db.error().message));
        QVERIFY(db.error().message.contains(QStringLiteral("update LMO Desk")));
        QCOMPARE(test::fileHash(path), before);
    }

    void waitsForALockThenSaysSo()
    {
        const QString path = m_dir.filePath(QStringLiteral("locked.sqlite"));
        { QVERIFY(test::createFixtureDatabase(path)); }
        {
            // Another program holding an exclusive lock, as an SQLite tool in the middle of a write.
            test::ExclusiveLock lock(path);
            QVERIFY(lock.isHeld());
            Database::OpenOptions options;
            options.busyTimeoutMs = 300;
            QElapsedTimer waited;
            waited.start();
            auto db = Database::open(path, options);
            QVERIFY(!db.ok());
            QCOMPARE(db.error().code, Error::Code::Locked);
            QVERIFY2(db.error().message.contains(QStringLiteral("locked by another program")),
                     qPrintable(db.error().message));
            QVERIFY(waited.elapsed() >= 250); // it waited before giving up
        }
        // Once the other program is done, the database opens and nothing was lost.
        auto db = Database::open(path, Database::OpenOptions());
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 15);
    }

    void readOnlyFileOpensReadOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("readonly.sqlite"));
        { QVERIFY(test::createFixtureDatabase(path)); }
        QByteArray output;
        QVERIFY2(test::makeReadOnlyAndCheckAsUser(path, QStringLiteral("readOnlyChild"), &output), output.constData());
        if (output.isEmpty()) // not root: check here
            checkReadOnly(path);
    }

    // Run by readOnlyFileOpensReadOnly as an unprivileged user; does nothing when run directly.
    void readOnlyChild()
    {
        const QString path = qEnvironmentVariable(test::kReadOnlyChildEnv);
        if (path.isEmpty())
            return;
        QVERIFY(geteuid() != 0);
        checkReadOnly(path);
    }

    void readOnlyOnRequest()
    {
        const QString path = m_dir.filePath(QStringLiteral("asked.sqlite"));
        { QVERIFY(test::createFixtureDatabase(path)); }
        Database::OpenOptions options;
        options.readOnly = true;
        auto db = Database::open(path, options);
        QVERIFY(db.ok());
        QVERIFY(db.value()->isReadOnly());
        QCOMPARE(db.value()->readOnlyReason(), QStringLiteral("opened read-only as asked"));
        QSqlQuery q(db.value()->connection());
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM licenses")));
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 15);
    }

    // Which way a read-only database in a folder that cannot be written is opened.
    void readOnlyFolderOpenRule_data()
    {
        QTest::addColumn<qint64>("walBytes");
        QTest::addColumn<bool>("shm");
        QTest::addColumn<int>("expected");
        using O = Database::ReadOnlyFolderOpen;
        QTest::newRow("no -wal, no -shm: the file alone") << qint64(-1) << false << int(O::Immutable);
        QTest::newRow("empty -wal, no -shm: the file alone") << qint64(0) << false << int(O::Immutable);
        QTest::newRow("changes in the -wal, no -shm: refused, never stale") << qint64(4152) << false << int(O::Refuse);
        QTest::newRow("changes in the -wal, a -shm: read through it") << qint64(4152) << true << int(O::Plain);
        QTest::newRow("no -wal, a -shm") << qint64(-1) << true << int(O::Plain);
    }
    void readOnlyFolderOpenRule()
    {
        QFETCH(qint64, walBytes);
        QFETCH(bool, shm);
        QFETCH(int, expected);
        QCOMPARE(int(Database::readOnlyFolderOpen(walBytes, shm)), expected);
    }

    // A copy of a database taken while a program had it open: its last changes (10 of its 15
    // licenses deleted) are still in its -wal. In a folder that cannot be written, it must be
    // read with those changes (5 licenses) or refused, never answered as it was before (15).
    // Root may write in any folder, so as root the checks run as nobody (readOnlyFolderChild).
    void aReadOnlyFolderNeverAnswersFromBeforeItsWal_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("-wal with changes, no -shm: refused") << QStringLiteral("stale-wal.sqlite");
        QTest::newRow("-wal with changes and its -shm: read with them") << QStringLiteral("stale-wal-with-shm.sqlite");
        QTest::newRow("an empty -wal: the file is the database") << QStringLiteral("empty-wal.sqlite");
    }
    void aReadOnlyFolderNeverAnswersFromBeforeItsWal()
    {
        QFETCH(QString, name);
        QTemporaryDir source;
        const QString original = source.filePath(QStringLiteral("open.sqlite"));
        { QVERIFY(test::createFixtureDatabase(original)); }
        QTemporaryDir folder;
        const QString path = folder.filePath(name);
        {
            QSqlDatabase writer = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
            writer.setDatabaseName(original);
            QVERIFY(writer.open());
            QSqlQuery q(writer);
            QVERIFY(q.exec(QStringLiteral("PRAGMA wal_autocheckpoint=0")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM licenses WHERE id NOT IN (SELECT id FROM licenses ORDER BY id LIMIT 5)")));
            QVERIFY(QFileInfo(original + QStringLiteral("-wal")).size() > 0);
            // Copied while it is open: the file still holds 15 licenses, the -wal the deletion.
            QVERIFY(QFile::copy(original, path));
            if (name.startsWith(QLatin1String("empty-wal"))) {
                QFile empty(path + QStringLiteral("-wal"));
                QVERIFY(empty.open(QIODevice::WriteOnly));
            } else {
                QVERIFY(QFile::copy(original + QStringLiteral("-wal"), path + QStringLiteral("-wal")));
            }
            if (name.contains(QLatin1String("with-shm")))
                QVERIFY(QFile::copy(original + QStringLiteral("-shm"), path + QStringLiteral("-shm")));
            q.finish();
            writer.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("writer"));

        QByteArray output;
        QVERIFY2(test::makeReadOnlyAndCheckAsUser(path, QStringLiteral("readOnlyFolderChild"), &output), output.constData());
        if (!output.isEmpty())
            return; // checked as nobody, for whom the folder is read-only
        // Not root: the folder itself is made read-only here.
        const QFile::Permissions was = QFile::permissions(folder.path());
        QVERIFY(QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::ExeOwner));
        auto restore = qScopeGuard([&] { QFile::setPermissions(folder.path(), was); });
        checkReadOnlyFolder(path);
    }

    // Run by aReadOnlyFolderNeverAnswersFromBeforeItsWal as an unprivileged user.
    void readOnlyFolderChild()
    {
        const QString path = qEnvironmentVariable(test::kReadOnlyChildEnv);
        if (path.isEmpty())
            return;
        QVERIFY(geteuid() != 0);
        checkReadOnlyFolder(path);
    }

    // Two `lmodesk import` runs into one empty database queue: the second waits for the whole of
    // the first (its rows and the indexes it leaves), saying so, then imports into a table with
    // rows and indexes. Held first: both are started while this test holds the import lock, so
    // both must wait; together: started at once, into a file that does not exist yet.
    void twoImportsIntoOneDatabaseQueue_data()
    {
        QTest::addColumn<bool>("heldFirst");
        QTest::newRow("both wait for a held lock, empty database") << true;
        QTest::newRow("started together, no database file yet") << false;
    }
    void twoImportsIntoOneDatabaseQueue()
    {
        QFETCH(bool, heldFirst);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("queue.sqlite"));
        const QString a = dir.filePath(QStringLiteral("a.csv")), b = dir.filePath(QStringLiteral("b.csv"));
        constexpr int kRows = 3000;
        QVERIFY(test::writeLicenseCsv(a, kRows, QStringLiteral("Ledgerly CPQ")));
        QVERIFY(writeOtherLicenseCsv(b, kRows, QStringLiteral("Ledgerly Billing"), '8'));
        std::optional<BulkWriteLock> held;
        if (heldFirst) {
            QVERIFY(Database::open(path, createOptions()).ok()); // empty, and migrated
            auto lock = BulkWriteLock::acquire(path);
            QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
            held.emplace(std::move(lock).value());
        }
        QProcess *first = startLmodesk(this, {QStringLiteral("import"), QStringLiteral("--db"), path, a});
        QProcess *second = startLmodesk(this, {QStringLiteral("import"), QStringLiteral("--db"), path, b});
        QByteArray errors[2];
        if (heldFirst) {
            // Both say they wait, and neither gives up, for as long as the lock is held.
            const QByteArray waiting = "waiting for another import to finish";
            for (int i = 0; i < 600 && !(errors[0].contains(waiting) && errors[1].contains(waiting)); ++i) {
                QTest::qWait(100);
                errors[0] += first->readAllStandardError();
                errors[1] += second->readAllStandardError();
                QVERIFY2(first->state() == QProcess::Running && second->state() == QProcess::Running,
                         (errors[0] + errors[1]).constData());
            }
            QVERIFY2(errors[0].contains(waiting) && errors[1].contains(waiting), (errors[0] + errors[1]).constData());
            held.reset();
        }
        QVERIFY(first->waitForFinished(300000));
        QVERIFY(second->waitForFinished(300000));
        const QByteArray outputs[2] = {first->readAllStandardOutput(), second->readAllStandardOutput()};
        errors[0] += first->readAllStandardError();
        errors[1] += second->readAllStandardError();
        const QByteArray all = outputs[0] + errors[0] + outputs[1] + errors[1];
        QVERIFY2(first->exitCode() == 0 && second->exitCode() == 0, all.constData());
        for (const QByteArray &out : outputs)
            QVERIFY2(out.contains("inserted 3,000, updated 0"), all.constData());
        // One loaded the empty table the fast way and built all 15 license indexes (the org summary and
        // the search index too) after; the other, once that was done, imported into a table with rows and
        // indexes: it had nothing of the kind to build.
        const int fast = int(outputs[0].contains("indexes: built 17 ")) + int(outputs[1].contains("indexes: built 17 "));
        QVERIFY2(fast == 1, all.constData());
        QCOMPARE(numberIn(path, QStringLiteral("SELECT COUNT(*) FROM licenses")), 2 * kRows);
        QCOMPARE(numberIn(path, QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                                               "tbl_name = 'licenses' AND sql IS NOT NULL")),
                 15);
        QCOMPARE(numberIn(path, QStringLiteral("SELECT COUNT(*) FROM deferred_indexes")), 0);
        QVERIFY(!QFileInfo::exists(BulkWriteLock::lockFilePath(path)));
    }

    // An import in the window waits for one of another process on its worker thread, calling
    // its progress callback meanwhile (no rows yet), which can cancel the wait; then nothing is
    // imported. Once the other is done, the import runs.
    void anImportWaitingForAnotherCanBeCancelled()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wait.sqlite"));
        const QString csv = dir.filePath(QStringLiteral("a.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 100, QStringLiteral("Ledgerly CPQ")));
        auto db = Database::open(path, createOptions());
        QVERIFY(db.ok());
        QProcess holder;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LMODESK_TEST_HOLD_LOCK"), path);
        holder.setProcessEnvironment(env);
        holder.start(QCoreApplication::applicationFilePath(), {QStringLiteral("holdTheImportLockChild")});
        QByteArray said;
        while (!said.contains("HOLDING") && holder.waitForReadyRead(60000))
            said += holder.readAllStandardOutput();
        QVERIFY2(said.contains("HOLDING"), said.constData());

        int calls = 0;
        ImportOptions options;
        options.progress = [&](const ImportProgress &p) {
            ++calls;
            return p.rows > 0; // Cancel, pressed while it waits
        };
        auto cancelled = importFile(*db.value(), csv, options);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
        QVERIFY2(cancelled.error().message.contains(QStringLiteral("waiting for another import")),
                 qPrintable(cancelled.error().message));
        QCOMPARE(calls, 1);
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 0);

        holder.closeWriteChannel(); // the other import is done
        QVERIFY(holder.waitForFinished(60000));
        QCOMPARE(holder.exitCode(), 0);
        options.progress = [](const ImportProgress &) { return true; };
        auto imported = importFile(*db.value(), csv, options);
        QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
        QCOMPARE(imported->inserted, 100);
    }

    // Run by anImportWaitingForAnotherCanBeCancelled: holds the import lock of
    // LMODESK_TEST_HOLD_LOCK until its input ends; does nothing when run directly.
    void holdTheImportLockChild()
    {
        const QString path = qEnvironmentVariable("LMODESK_TEST_HOLD_LOCK");
        if (path.isEmpty())
            return;
        auto lock = BulkWriteLock::acquire(path);
        QVERIFY(lock.ok());
        QTextStream out(stdout);
        out << "HOLDING" << Qt::endl;
        QFile in;
        QVERIFY(in.open(stdin, QIODevice::ReadOnly));
        in.readAll(); // until the parent closes it
    }

    // A lock file left by an import that was killed does not hold up the next one.
    void aLockLeftByAKilledImportIsTakenOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("killed.sqlite"));
        const QString csv = dir.filePath(QStringLiteral("a.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 300000, QStringLiteral("Ledgerly CPQ")));
        QProcess *run = startLmodesk(this, {QStringLiteral("import"), QStringLiteral("--db"), path, csv});
        QVERIFY(run->waitForStarted());
        const QString lockFile = BulkWriteLock::lockFilePath(path);
        while (run->state() == QProcess::Running && !QFileInfo::exists(lockFile))
            QThread::msleep(2);
        QVERIFY2(run->state() == QProcess::Running, "the import ended before it could be killed: make the file bigger");
        ::kill(pid_t(run->processId()), SIGKILL);
        QVERIFY(run->waitForFinished(30000));
        QVERIFY(QFileInfo::exists(lockFile)); // left behind
        // Killed at any moment, even between creating the lock file and writing who holds it:
        // taken over once it is found stale (a few seconds at most).
        auto lock = BulkWriteLock::acquire(path, {}, 10000);
        QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
        lock->release();
        QVERIFY(!QFileInfo::exists(lockFile));
    }

    // A process killed between creating the lock file and writing who holds it leaves an empty
    // one: once a few seconds old, it is taken over; a fresh one is respected meanwhile.
    void anEmptyLockFileLeftByAKillIsTakenOver()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("empty-lock.sqlite"));
        const QString lockFile = BulkWriteLock::lockFilePath(path);
        {
            QFile f(lockFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        auto fresh = BulkWriteLock::acquire(path, {}, 0);
        QVERIFY(!fresh.ok());
        QCOMPARE(fresh.error().code, Error::Code::Locked);
        {
            QFile f(lockFile);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-60), QFileDevice::FileModificationTime));
        }
        auto lock = BulkWriteLock::acquire(path, {}, 0);
        QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
        lock->release();
        QVERIFY(!QFileInfo::exists(lockFile));
    }

    // An index the import leaves that cannot be built (here a trigger stands for a full disk)
    // makes `lmodesk import` fail (exit 1, saying so); the licenses themselves are saved.
    void aFailedIndexBuildIsAnError()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("nobuild.sqlite"));
        const QString csv = dir.filePath(QStringLiteral("a.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 500, QStringLiteral("Ledgerly CPQ")));
        {
            auto db = Database::open(path, createOptions());
            QVERIFY(db.ok());
            QSqlQuery q(db.value()->connection());
            QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER no_status_index BEFORE DELETE ON deferred_indexes "
                                          "WHEN OLD.name = 'licenses_status' BEGIN "
                                          "SELECT RAISE(ABORT, 'database or disk is full'); END")));
        }
        QProcess *run = startLmodesk(this, {QStringLiteral("import"), QStringLiteral("--db"), path, csv});
        QVERIFY(run->waitForFinished(120000));
        const QByteArray err = run->readAllStandardError();
        QCOMPARE(run->exitCode(), 1);
        QVERIFY2(err.contains("licenses_status") && err.contains("disk is full"), err.constData());
        QCOMPARE(numberIn(path, QStringLiteral("SELECT COUNT(*) FROM licenses")), 500);
        QCOMPARE(numberIn(path, QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = 'licenses_status'")), 1);
    }

    // `lmodesk stats` while an import into an empty database is in the middle of its rows reads
    // the database as it was (no licenses yet), instead of failing on a lock.
    void aReaderDuringAnImportReadsTheStateBefore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("busy.sqlite"));
        const QString csv = dir.filePath(QStringLiteral("a.csv"));
        QVERIFY(test::writeLicenseCsv(csv, 9000, QStringLiteral("Ledgerly CPQ")));
        auto db = Database::open(path, createOptions());
        QVERIFY(db.ok());
        QByteArray readerOutput;
        int readerExit = -1;
        ImportOptions options;
        options.progress = [&](const ImportProgress &p) {
            if (p.rows == 0 || readerExit != -1)
                return true;
            QProcess reader;
            reader.start(QStringLiteral(LMODESK_BINARY), {QStringLiteral("stats"), QStringLiteral("--db"), path});
            reader.waitForFinished(120000);
            readerExit = reader.exitCode();
            readerOutput = reader.readAllStandardOutput() + reader.readAllStandardError();
            return true;
        };
        auto report = importFile(*db.value(), csv, options);
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->inserted, 9000);
        QVERIFY2(readerExit == 0, readerOutput.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("^Licenses +0$"), QRegularExpression::MultilineOption)
                     .match(QString::fromUtf8(readerOutput))
                     .hasMatch(),
                 readerOutput.constData());
    }

    void pathResolution()
    {
        qputenv("LMODESK_DB", "/from/env.sqlite");
        QCOMPARE(Database::resolvePath(QStringLiteral("/from/cli.sqlite")), QStringLiteral("/from/cli.sqlite"));
        QCOMPARE(Database::resolvePath(QString()), QStringLiteral("/from/env.sqlite"));
        qunsetenv("LMODESK_DB");
        QCOMPARE(Database::resolvePath(QString()), Database::defaultPath());
        qputenv("XDG_DATA_HOME", m_dir.path().toUtf8());
        QCOMPARE(Database::defaultPath(), m_dir.filePath(QStringLiteral("lmodesk/lmodesk.sqlite")));
        qunsetenv("XDG_DATA_HOME");
    }

private:
    void checkReadOnly(const QString &path)
    {
        const QByteArray before = test::fileHash(path);
        auto db = Database::open(path, Database::OpenOptions());
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QVERIFY(db.value()->isReadOnly());
        QCOMPARE(db.value()->readOnlyReason(), QStringLiteral("the file is read-only"));
        QCOMPARE(LicenseRepository(*db.value()).count().value(), 15);
        QSqlQuery q(db.value()->connection());
        QVERIFY(!q.exec(QStringLiteral("UPDATE licenses SET seats = 1")));
        db = Error::make(Error::Code::Generic, QString()); // close it
        QCOMPARE(test::fileHash(path), before);
    }

    void checkReadOnlyFolder(const QString &path)
    {
        const QString name = QFileInfo(path).fileName();
        QVERIFY(!QFileInfo(QFileInfo(path).absolutePath()).isWritable());
        auto db = Database::open(path, Database::OpenOptions());
        if (name == QLatin1String("stale-wal.sqlite")) {
            QVERIFY(!db.ok());
            QCOMPARE(db.error().code, Error::Code::ReadOnly);
            for (const QString &part : {path + QStringLiteral("-wal"), QStringLiteral("folder is read-only"),
                                        QStringLiteral("copy the database together with its -wal file")})
                QVERIFY2(db.error().message.contains(part), qPrintable(db.error().message));
            return;
        }
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QVERIFY(db.value()->isReadOnly());
        QCOMPARE(LicenseRepository(*db.value()).count().value(), name == QLatin1String("empty-wal.sqlite") ? 15 : 5);
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
