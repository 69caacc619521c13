// Opening an SQLite file: Database's half that knows SQLite (its header, WAL and its -wal/-shm
// files beside the database, PRAGMAs, sqlite_master, immutable opens).
#include "storage/database.h"

#include "storage/backend.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlitebackend.h"
#include "storage/sqlutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

#include <sqlite3.h>

#include <atomic>

namespace lmo {

namespace {

std::atomic<int> g_connectionCounter{0};

QString newConnectionName()
{
    return QStringLiteral("lmodesk-%1").arg(++g_connectionCounter);
}

// A connection removed when it goes out of scope unless released: nothing leaks on a refusal.
class ConnectionGuard
{
public:
    explicit ConnectionGuard(QString name) : m_name(std::move(name)) {}
    ~ConnectionGuard()
    {
        if (m_name.isEmpty())
            return;
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    void release() { m_name.clear(); }

private:
    QString m_name;
};

bool looksLikeSqlite(const QString &path, QString *why)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = f.errorString();
        return false;
    }
    const QByteArray header = f.read(16);
    if (header.isEmpty())
        return true; // an empty file becomes a new database
    return header == QByteArray("SQLite format 3\0", 16);
}

QString connectOptions(bool readOnly, bool uri, int busyTimeoutMs)
{
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs);
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    if (uri)
        options += QStringLiteral(";QSQLITE_OPEN_URI");
    return options;
}

Error lockedError(const QString &path)
{
    return Error::make(Error::Code::Locked,
                       QStringLiteral("%1 is locked by another program (another LMO Desk, an import, or an SQLite "
                                      "tool). Close that program or wait for it to finish, then open it again.")
                           .arg(QDir::toNativeSeparators(path)));
}

// A file that holds no LMO Desk database yet, met by an open that only reads.
Error noDatabaseYet(const QString &path)
{
    return Error::make(Error::Code::NotADatabase,
                       QStringLiteral("%1 holds no LMO Desk database yet (it is empty). It was left untouched: "
                                      "create the database with \"lmodesk demo --db %1\", \"lmodesk import --db %1 "
                                      "FILE\" or File > New database, or choose another file.")
                           .arg(QDir::toNativeSeparators(path)));
}

// Before the first connection: SQLite's memory statistics take a global lock on every
// allocation, which a bulk load makes millions of; LMO Desk never reads them. (Once SQLite is
// initialised the call is refused, harmlessly.)
void configureSqliteOnce()
{
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    Q_UNUSED(configured);
}

} // namespace

Database::ReadOnlyFolderOpen Database::readOnlyFolderOpen(qint64 walBytes, bool shmExists)
{
    if (shmExists)
        return ReadOnlyFolderOpen::Plain;
    return walBytes > 0 ? ReadOnlyFolderOpen::Refuse : ReadOnlyFolderOpen::Immutable;
}

Result<std::unique_ptr<Database>> Database::openSqlite(const QString &path, const OpenOptions &options)
{
    if (path.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("No database file was given."));
    const QString shown = QDir::toNativeSeparators(path);
    QFileInfo info(path);
    const bool exists = info.exists();

    if (exists && info.isDir())
        return Error::make(Error::Code::NotADatabase,
                           QStringLiteral("%1 is a folder, not a database file. Choose a file.").arg(shown));
    if (!exists && !options.create)
        return Error::make(Error::Code::Io,
                           QStringLiteral("%1 does not exist. Create it with \"lmodesk demo --db %1\" or File > New "
                                          "database.")
                               .arg(shown));
    // Reading never makes a database: a zero-byte file stays what it is (a writable open makes it
    // a new database, as SQLite itself would).
    if (exists && options.readOnly && info.isFile() && info.size() == 0)
        return noDatabaseYet(path);
    if (exists) {
        QString why;
        if (!looksLikeSqlite(path, &why)) {
            if (!why.isEmpty())
                return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(shown, why));
            return Error::make(Error::Code::NotADatabase,
                               QStringLiteral("%1 is not an LMO Desk database (it is not an SQLite file). It was left "
                                              "untouched; choose another file or create a new database.")
                                   .arg(shown));
        }
    } else {
        if (!QDir().mkpath(info.absolutePath()))
            return Error::make(Error::Code::Io,
                               QStringLiteral("Cannot create the folder %1 for the database. Check its permissions or "
                                              "choose another place.")
                                   .arg(QDir::toNativeSeparators(info.absolutePath())));
    }

    std::unique_ptr<Database> database(new Database);
    database->m_storage = &StorageBackend::sqlite();
    database->m_path = info.absoluteFilePath();
    database->m_displayName = QDir::toNativeSeparators(database->m_path);

    // A writer needs the file and its folder (SQLite keeps its -wal and -shm files beside it).
    if (options.readOnly) {
        database->m_readOnly = true;
        database->m_readOnlyReason = options.readOnlyReason.isEmpty() ? QStringLiteral("opened read-only as asked")
                                                                       : options.readOnlyReason;
    } else if (exists && (!info.isWritable() || !QFileInfo(info.absolutePath()).isWritable())) {
        database->m_readOnly = true;
        database->m_readOnlyReason = info.isWritable() ? QStringLiteral("its folder is read-only")
                                                       : QStringLiteral("the file is read-only");
    }

    // SQLite cannot read a WAL database read-only unless it may create the -shm file beside it.
    // In a read-only folder, open it as immutable (nobody can be writing there anyway), unless
    // its -wal holds changes: those SQLite reads only through a -shm file.
    bool immutable = false;
    if (database->m_readOnly && !QFileInfo(info.absolutePath()).isWritable()) {
        const QString wal = database->m_path + QStringLiteral("-wal");
        const QFileInfo walInfo(wal);
        switch (readOnlyFolderOpen(walInfo.exists() ? walInfo.size() : -1,
                                   QFileInfo::exists(database->m_path + QStringLiteral("-shm")))) {
        case ReadOnlyFolderOpen::Plain:
            break;
        case ReadOnlyFolderOpen::Immutable:
            immutable = true;
            break;
        case ReadOnlyFolderOpen::Refuse:
            return Error::make(Error::Code::ReadOnly,
                               QStringLiteral("%1 has saved changes that are still in its write-ahead log (%2), not yet "
                                              "in the file itself, and its folder is read-only, so they cannot be read. "
                                              "Nothing was read, rather than the database as it was before them: copy "
                                              "the database together with its -wal file somewhere writable, or open it "
                                              "where it was written.")
                                   .arg(shown, QDir::toNativeSeparators(wal)));
        }
    }
    database->m_databaseName = immutable ? QUrl::fromLocalFile(database->m_path).toString(QUrl::FullyEncoded)
                                               + QStringLiteral("?immutable=1")
                                         : database->m_path;
    database->m_connectionName = newConnectionName();
    database->m_connectOptions = connectOptions(database->m_readOnly, immutable, options.busyTimeoutMs);
    ConnectionGuard guard(database->m_connectionName);
    configureSqliteOnce();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), database->m_connectionName);
    db.setDatabaseName(database->m_databaseName);
    db.setConnectOptions(database->m_connectOptions);
    if (!db.open())
        return Error::make(Error::Code::Io,
                           QStringLiteral("Cannot open %1: %2").arg(shown, db.lastError().text()));
    database->m_dialect = Dialect::forDriver(db.driverName());

    // Look before touching anything: a database of another program, or of a newer LMO Desk, is
    // refused without a single write (not even the journal mode).
    QSqlQuery look(db);
    if (!look.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"))) {
        const QSqlError e = look.lastError();
        if (isLockedError(e))
            return lockedError(path);
        if (e.text().contains(QStringLiteral("not a database"), Qt::CaseInsensitive)
            || e.text().contains(QStringLiteral("malformed"), Qt::CaseInsensitive))
            return Error::make(Error::Code::NotADatabase,
                               QStringLiteral("%1 is damaged or not a database (%2). It was left untouched.")
                                   .arg(shown, e.text()));
        return sqlError(e, QStringLiteral("reading %1").arg(shown));
    }
    QStringList tables;
    while (look.next())
        tables << look.value(0).toString();
    look.finish();

    const bool ours = tables.contains(QString::fromLatin1(Migrator::kVersionTable));
    if (!tables.isEmpty() && !ours)
        return Error::make(Error::Code::NotOurDatabase,
                           QStringLiteral("%1 is an SQLite database of another program (it has tables such as \"%2\" "
                                          "but no LMO Desk schema). It was left untouched; choose another file.")
                               .arg(shown, tables.first()));

    Migrator migrator(db, schemaMigrations(database->m_dialect));
    auto version = migrator.currentVersion();
    if (!version)
        return version.error().code == Error::Code::Locked ? lockedError(path) : version.error();
    const int latest = latestSchemaVersion();
    if (version.value() > latest)
        return Error::make(Error::Code::SchemaTooNew,
                           QStringLiteral("%1 was written by a newer LMO Desk (schema version %2; this build knows up "
                                          "to %3). It was left untouched: update LMO Desk to open it.")
                               .arg(shown)
                               .arg(version.value())
                               .arg(latest));

    if (database->m_readOnly) {
        if (tables.isEmpty())
            return noDatabaseYet(path);
        if (version.value() < latest)
            return Error::make(options.readOnly ? Error::Code::SchemaTooOld : Error::Code::ReadOnly,
                               QStringLiteral("%1 needs its schema brought up to date (version %2 to %3), but %4. %5")
                                   .arg(shown)
                                   .arg(version.value())
                                   .arg(latest)
                                   .arg(database->m_readOnlyReason,
                                        options.readOnly
                                            ? QStringLiteral("Open it once in LMO Desk (File > Open database), which "
                                                             "brings it up to date, and try again.")
                                            : QStringLiteral("Make it writable, or copy it somewhere writable, and "
                                                             "open it again.")));
        database->m_schemaVersion = version.value();
        guard.release();
        return database;
    }

    QSqlQuery pragma(db);
    // WAL lets the browser read while an import writes; foreign keys keep versions tied to packages.
    // Two programs opening one new file at once: the second's switch may meet the first's, and
    // SQLite then says "busy" at once rather than waiting, so it is tried again, for as long as
    // the busy timeout allows.
    QElapsedTimer switching;
    switching.start();
    while (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL"))) {
        if (!isLockedError(pragma.lastError()))
            return sqlError(pragma.lastError(), QStringLiteral("switching %1 to WAL mode").arg(shown));
        if (switching.elapsed() >= options.busyTimeoutMs)
            return lockedError(path);
        QThread::msleep(20);
    }
    pragma.finish();
    if (auto r = execSql(db, QStringLiteral("PRAGMA foreign_keys=ON"), QStringLiteral("enabling foreign keys")); !r)
        return r.error();
    if (auto r = execSql(db, QStringLiteral("PRAGMA synchronous=NORMAL"), QStringLiteral("setting durability")); !r)
        return r.error();

    auto migrated = migrator.migrate();
    if (!migrated) {
        if (migrated.error().code == Error::Code::Locked)
            return lockedError(path);
        return migrated.error();
    }
    database->m_schemaVersion = migrated.value();
    guard.release();
    return database;
}

sqlite3 *sqlite::handleOf(const QSqlDatabase &db)
{
    if (!db.isValid() || !db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(handle.constData());
    return nullptr;
}

Result<QSqlDatabase> Database::openSqliteConnection(const ConnectionSpec &spec, const QString &connectionName)
{
    configureSqliteOnce();
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(spec.databaseName);
    db.setConnectOptions(spec.connectOptions);
    if (!db.open()) {
        return abandonConnection(db, connectionName,
                                 Error::make(Error::Code::Io, QStringLiteral("Cannot open a second connection to %1: %2")
                                                                  .arg(QDir::toNativeSeparators(spec.path), db.lastError().text())));
    }
    if (!spec.readOnly) {
        if (auto r = execSql(db, QStringLiteral("PRAGMA foreign_keys=ON"), QStringLiteral("enabling foreign keys"));
            !r)
            return abandonConnection(db, connectionName, r.error());
    }
    return db;
}

} // namespace lmo
