#include "fixtures.h"

#include "storage/bulkload.h"
#include "storage/postgres/pglocation.h"
#include "storage/licenserepository.h"
#include "storage/packagerepository.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <unistd.h>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace lmo::test {

bool onPostgres()
{
    return qEnvironmentVariable("LMODESK_TEST_BACKEND").compare(QLatin1String("postgresql"), Qt::CaseInsensitive) == 0;
}

QString postgresUri()
{
    const QString uri = qEnvironmentVariable("LMODESK_TEST_PG");
    if (uri.isEmpty())
        qFatal("LMODESK_TEST_BACKEND=postgresql needs a test server in LMODESK_TEST_PG: run the tests through "
               "\"bash packaging/pg-test-cluster.sh ctest ...\" (or leave out the @postgresql tests: ctest -LE postgresql)");
    return uri;
}

QString schemaUri(const QString &baseUri, const QString &schema)
{
    const QString admin = QStringLiteral("lmodesk-test-admin");
    QSqlDatabase db = QSqlDatabase::database(admin, false);
    if (!db.isValid()) {
        auto opened = PgLocation::parse(baseUri);
        if (!opened)
            qFatal("LMODESK_TEST_PG: %s", qPrintable(opened.error().message));
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), admin);
        db.setConnectOptions(opened->driverOptions().value());
    }
    if (!db.isOpen() && !db.open())
        qFatal("Cannot connect to the test server %s: %s", qPrintable(baseUri), qPrintable(db.lastError().text()));
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(schema)))
        qFatal("Cannot create schema %s on the test server: %s", qPrintable(schema), qPrintable(q.lastError().text()));
    return baseUri + QLatin1Char(baseUri.contains(QLatin1Char('?')) ? '&' : '?') + QStringLiteral("options=-csearch_path%3D")
           + schema;
}

QString location(const QString &path)
{
    if (!onPostgres() || PgLocation::isPostgres(path))
        return path;
    const QByteArray key = QFileInfo(path).absoluteFilePath().toUtf8();
    const QString schema = QStringLiteral("t_")
                           + QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex().left(20));
    return schemaUri(postgresUri(), schema);
}

namespace {

struct Row
{
    const char *name;
    const char *org;
    int package; // 0 = A, 1 = B
    Status status;
    int seats;
    int used;
    QDate expiration;
    bool sandbox;
};

} // namespace

std::vector<License> statsFixtureLicenses()
{
    const Row rows[] = {
        {"L-00001", "00D000000000001", 0, Status::Active, 10, 8, QDate(2027, 1, 1), false},
        {"L-00002", "00D000000000001", 1, Status::Active, -1, 40, QDate(), false},
        {"L-00003", "00D000000000002", 0, Status::Trial, 5, 2, QDate(2026, 6, 15), false},
        {"L-00004", "00D000000000002", 1, Status::Trial, 5, 1, QDate(2026, 6, 14), false},
        {"L-00005", "00D000000000003", 0, Status::Active, 20, 25, QDate(2026, 7, 15), false},
        {"L-00006", "00D000000000003", 1, Status::Active, 100, 50, QDate(2026, 7, 16), false},
        {"L-00007", "00D000000000004", 0, Status::Active, -1, 3, QDate(), true},
        {"L-00008", "00D000000000005", 0, Status::Suspended, 30, 0, QDate(2026, 1, 1), false},
        {"L-00009", "00D000000000005", 1, Status::Uninstalled, 50, 7, QDate(2025, 12, 31), false},
        {"L-00010", "00D000000000006", 0, Status::Uninstalled, -1, 12, QDate(), true},
        {"L-00011", "00D000000000007", 0, Status::Active, 15, 15, QDate(2026, 6, 1), false},
        // The same org as L-00011, written in its 18-character form.
        {"L-00012", "00D000000000007EAA", 1, Status::Trial, 10, 0, QDate(2026, 7, 1), false},
        // Two orgs whose 15-character ids differ only in the case of one letter: two orgs.
        {"L-00013", "00D00000000000a", 0, Status::Suspended, 8, 2, QDate(2026, 6, 20), false},
        // 1970-01-01 is the LMA's "does not expire".
        {"L-00014", "00D00000000000A", 0, Status::Active, 12, 3, QDate(1970, 1, 1), false},
        {"L-00015", "00D00000000000A", 1, Status::Uninstalled, 7, 1, QDate(2026, 6, 25), false},
    };
    std::vector<License> out;
    int serial = 0;
    for (const Row &r : rows) {
        License l;
        ++serial;
        l.id = SalesforceId::fromString(QStringLiteral("a0B00000000%1").arg(serial, 4, 10, QLatin1Char('0')));
        l.name = QString::fromLatin1(r.name);
        l.accountName = QStringLiteral("Account of %1").arg(QString::fromLatin1(r.org).left(15));
        l.packageRowId = r.package; // replaced by the real key when written
        l.versionNumber = QStringLiteral("1.0");
        l.status = r.status;
        l.seats = r.seats;
        l.usedLicenses = r.used;
        l.expiration = r.expiration;
        l.installDate = QDate(2025, 1, 1).addDays(serial * 10);
        l.subscriberOrgId = SalesforceId::fromString(QString::fromLatin1(r.org));
        l.orgEdition = r.sandbox ? QStringLiteral("Enterprise Edition") : QStringLiteral("Unlimited Edition");
        l.orgInstance = r.sandbox ? QStringLiteral("CS42") : QStringLiteral("NA135");
        l.orgStatus = QStringLiteral("ACTIVE");
        l.isSandbox = r.sandbox;
        l.lastModified = QDateTime(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC);
        out.push_back(l);
    }
    // Org 1 was on trial when L-00001 last changed; L-00002, changed later, says it is active now.
    out[0].orgStatus = QStringLiteral("TRIAL");
    out[0].lastModified = QDateTime(QDate(2026, 5, 1), QTime(8, 0), Qt::UTC);
    out[1].lastModified = QDateTime(QDate(2026, 6, 10), QTime(8, 0), Qt::UTC);
    return out;
}

bool writeStatsFixture(Database &database)
{
    PackageRepository packages(database.connection());
    qint64 keys[2] = {};
    const char *names[] = {"Package A", "Package B", "Package C (no installs)"};
    for (int i = 0; i < 3; ++i) {
        Package p;
        p.name = QString::fromLatin1(names[i]);
        p.id = SalesforceId::fromString(QStringLiteral("a0800000000000%1").arg(i + 1));
        p.packageId = SalesforceId::fromString(QStringLiteral("03300000000000%1").arg(i + 1));
        p.latestVersion = QStringLiteral("1.0");
        p.releaseDate = QDate(2024, 1, 1);
        auto r = packages.insert(p);
        if (!r) {
            qWarning("%s", qPrintable(r.error().message));
            return false;
        }
        if (i < 2)
            keys[i] = p.rowId;
    }
    LicenseRepository licenses(database);
    for (License l : statsFixtureLicenses()) {
        l.packageRowId = keys[l.packageRowId];
        auto r = licenses.insert(l);
        if (!r) {
            qWarning("%s", qPrintable(r.error().message));
            return false;
        }
    }
    return true;
}

std::unique_ptr<Database> createFixtureDatabase(const QString &path)
{
    return createFixtureFile(location(path));
}

std::unique_ptr<Database> createFixtureFile(const QString &path)
{
    Database::OpenOptions options;
    options.create = true;
    auto db = Database::open(path, options);
    if (!db) {
        qWarning("%s", qPrintable(db.error().message));
        return nullptr;
    }
    if (!writeStatsFixture(*db.value()))
        return nullptr;
    // Complete, as the app leaves a database: the subscriber orgs summarised.
    if (auto built = buildDeferredIndexes(db.value()->connection()); !built) {
        qWarning("%s", qPrintable(built.error().message));
        return nullptr;
    }
    return std::move(db.value());
}

bool hasSearchTrigramIndex(const Database &database)
{
    if (!database.isTeamDatabase())
        return false;
    QSqlQuery q(database.connection());
    return q.exec(QStringLiteral("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")) && q.next();
}

qint64 licenseIndexCount(Database &database, const QString &name)
{
    QSqlQuery q(database.connection());
    if (!q.prepare(database.dialect().listIndexesSql()))
        return -1;
    q.bindValue(QStringLiteral(":table"), QStringLiteral("licenses"));
    if (!q.exec())
        return -1;
    qint64 n = 0;
    while (q.next())
        n += name.isEmpty() || q.value(0).toString() == name ? 1 : 0;
    return n;
}

QByteArray contentHash(Database &database)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QSqlDatabase db = database.connection();
    for (const char *table : {"packages", "package_versions", "licenses", "audit_log"}) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT * FROM %1 ORDER BY id").arg(QLatin1String(table))))
            return {};
        while (q.next()) {
            for (int c = 0; c < q.record().count(); ++c) {
                hash.addData(q.value(c).toString().toUtf8());
                hash.addData(QByteArrayView("\x1f", 1));
            }
            hash.addData(QByteArrayView("\x1e", 1));
        }
    }
    return hash.result().toHex();
}

bool writeLicenseCsv(const QString &path, int rows, const QString &package)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write("Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Install_Date__c,"
            "sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n");
    const QByteArray packageBytes = package.toUtf8();
    for (int i = 0; i < rows; ++i) {
        const QByteArray n = QByteArray::number(i).rightJustified(9, '0');
        f.write(SalesforceId::fromString(QString::fromLatin1("a0B9" + n + "AA")).to18().toLatin1() + ",L-" + n + ","
                + packageBytes + ",Active,10,2025-01-01,"
                + SalesforceId::fromString(QString::fromLatin1("00D9" + n + "AA")).to18().toLatin1() + ",Account " + n
                + "\n");
    }
    return f.flush();
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return hash.result().toHex();
}

bool makeReadOnlyAndCheckAsUser(const QString &path, const QString &testFunction, QByteArray *output)
{
    output->clear();
    const QFile::Permissions readable = QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther;
    const QFile::Permissions runnable = readable | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;
    if (!QFile::setPermissions(path, readable))
        return false;
    if (geteuid() != 0)
        return true;
    // The folder must be enterable, and the program runnable, by nobody: the build folder may
    // sit under a home folder nobody cannot enter, so a copy goes beside the database.
    const QString folder = QFileInfo(path).absolutePath();
    if (!QFile::setPermissions(folder, runnable))
        return false;
    const QString copy = QDir(folder).filePath(QFileInfo(QCoreApplication::applicationFilePath()).fileName() + QStringLiteral("_child"));
    QFile::remove(copy);
    if (!QFile::copy(QCoreApplication::applicationFilePath(), copy) || !QFile::setPermissions(copy, runnable))
        return false;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kReadOnlyChildEnv), path);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), folder + QStringLiteral("/child-config"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), folder);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    child.setWorkingDirectory(QStringLiteral("/"));
    child.start(QStringLiteral("setpriv"), {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                             QStringLiteral("--clear-groups"), copy, testFunction});
    if (!child.waitForFinished(120000))
        return false;
    *output = child.readAllStandardOutput() + child.readAllStandardError();
    // It must have run the function and passed, not merely exited 0.
    const QByteArray passed = "::" + testFunction.toUtf8() + "()";
    bool ran = false;
    for (const QByteArray &line : output->split('\n'))
        ran |= line.startsWith("PASS") && line.contains(passed);
    return child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0 && ran;
}

ExclusiveLock::ExclusiveLock(const QString &path) : m_connection(QStringLiteral("exclusive-lock-holder"))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(path);
    if (!db.open())
        return;
    QSqlQuery q(db);
    m_held = q.exec(QStringLiteral("PRAGMA locking_mode=EXCLUSIVE")) && q.exec(QStringLiteral("BEGIN EXCLUSIVE"))
             && q.exec(QStringLiteral("UPDATE licenses SET used_licenses = used_licenses + 1"));
}

ExclusiveLock::~ExclusiveLock()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen()) {
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connection);
}

} // namespace lmo::test
