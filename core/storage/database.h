#pragma once

#include "storage/dialect.h"
#include "storage/team.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace lmo {

// What another thread needs to open its own connection to the same database.
struct ConnectionSpec
{
    QString path;         // what messages name: the file, or the server ("alice@db:5432/lmo")
    QString driver = QStringLiteral("QSQLITE");
    QString databaseName; // what the driver opens: the path, or an SQLite URI (empty for QPSQL)
    QString connectOptions;
    QString password;     // QPSQL only: the one the first connection was opened with
    bool readOnly = false;
};

// How a database that is a file on this machine is named: what file dialogs offer, what a new
// file named without a suffix is given, what a command line's word is taken as. The embedded
// engine's (StorageBackend::localFileNames()); the window and the command line take them from
// here, and name no engine's files themselves.
struct LocalFileNames
{
    QString suffix;       // given to a new file named without one
    QStringList suffixes; // every suffix such a file is known by, `suffix` first
    QString dialogFilter; // for a file dialog: "LMO Desk databases (" and `suffixes` as patterns
    bool isNamed(const QString &fileName) const; // ends in one of `suffixes`, after a dot
};

class StorageBackend;

// One LMO Desk database: an SQLite file by default, or a team database on a PostgreSQL server.
// Opening checks what the location holds, migrates its schema forward, and refuses (touching
// nothing) what it cannot safely use. What differs between the two engines is behind its
// StorageBackend (storage/backend.h), chosen once here, by the location.
class Database
{
public:
    struct OpenOptions
    {
        bool create = false;        // create the file (and its folder) if it does not exist
        bool readOnly = false;      // never write, even if the file allows it: no new file, no
                                    // migration, not even the journal mode; a file with no LMO Desk
                                    // database in it yet (empty, or zero bytes) is refused
        QString readOnlyReason;     // why, for messages (default "opened read-only as asked")
        int busyTimeoutMs = 2000;   // how long to wait for another program's lock
        QString password;           // a team database's password, when the URI and libpq's own
                                    // places (~/.pgpass, PGPASSWORD) hold none (from the keychain)
    };

    enum class Backend { SQLite, PostgreSQL };
    // Which kind of location this is: a postgresql:// URI is a team database, anything else a file.
    static Backend backendOf(const QString &location);

    // `location` is a file path or a postgresql:// URI (see PgLocation).
    static Result<std::unique_ptr<Database>> open(const QString &location, const OpenOptions &options);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    QSqlDatabase connection() const;
    QString connectionName() const { return m_connectionName; }
    // The file's absolute path; for a team database, its URI without the password.
    const QString &path() const { return m_path; }
    Backend backend() const { return m_backend; }
    bool isTeamDatabase() const { return m_backend == Backend::PostgreSQL; }
    // What messages and the status bar call it: the file's path, or "alice@db.example:5432/lmo".
    QString displayName() const { return m_displayName; }
    const Dialect &dialect() const { return m_dialect; }
    bool isReadOnly() const { return m_readOnly; }
    // Why the database is read-only, in words for the status bar ("the file is read-only").
    QString readOnlyReason() const { return m_readOnlyReason; }
    int schemaVersion() const { return m_schemaVersion; }
    // What this login may do (storage/team.h): on a team database, as the server's policy says;
    // elsewhere everything (access().enforced is false).
    const team::SessionAccess &access() const { return m_access; }
    // The engine's own operations (fast statements, COPY, the dashboard's pass...).
    const StorageBackend &storage() const { return *m_storage; }

    // A second connection to the same database, for a worker thread: call from that thread,
    // and QSqlDatabase::removeDatabase(name) there when done.
    ConnectionSpec connectionSpec() const
    {
        return {m_displayName, m_driver, m_databaseName, m_connectOptions, m_password, m_readOnly};
    }
    // The connection for a worker that only reads (the pages, the dashboard): the same, except
    // that a team database named with its standbys reads from one of them where it can
    // (storage/postgres/pgstandby.h), after it has replayed this process's own commits.
    ConnectionSpec readingSpec() const
    {
        return {m_displayName, m_driver, m_databaseName, m_readingConnectOptions.isEmpty() ? m_connectOptions : m_readingConnectOptions,
                m_password, m_readOnly};
    }
    static Result<QSqlDatabase> openConnection(const ConnectionSpec &spec, const QString &connectionName);
    // Gives up a connection openConnection() could not finish setting up: closed, and its name
    // free again. Returns `why`, for the caller to hand on.
    static Error abandonConnection(QSqlDatabase &db, const QString &connectionName, Error why);
    // A worker's connection to a team database that the server dropped (the driver marks it
    // closed on the statement that found out) is connected again, session set up as at first;
    // any other connection is left as it is. False when it is still not open.
    static bool reconnectIfDropped(QSqlDatabase &db);
    // What stops the statement running on `db` from another thread (StorageBackend::interrupter);
    // empty when there is none, or when `atOnce` and calling it could wait (a server's).
    static std::function<void()> interrupter(QSqlDatabase &db, bool atOnce = false);
    // Whether that interrupter returns at once (StorageBackend::interruptsAtOnce).
    static bool interruptsAtOnce(const QSqlDatabase &db);
    // Before a read on a worker's connection: a replica first replays this process's commits.
    // It stops waiting when `stopped` answers true (the reader is going away).
    static void catchUp(QSqlDatabase &db, const std::function<bool()> &stopped = {});

    // How a read-only database in a folder that cannot be written is opened: SQLite can create
    // neither a -wal nor a -shm file there. `walBytes` is the size of its -wal file (-1: none).
    enum class ReadOnlyFolderOpen {
        Plain,     // its -shm file is there: SQLite reads the -wal through it, read-only
        Immutable, // no -shm, and no -wal or an empty one: the file alone is the database, opened
                   // as immutable (no locks, no -shm needed)
        Refuse,    // no -shm, and changes in the -wal, which SQLite cannot read without one: an
                   // immutable open would ignore them and answer from the file as it was before
    };
    static ReadOnlyFolderOpen readOnlyFolderOpen(qint64 walBytes, bool shmExists); // storage/sqlite/

    // Where the database lives: --db beats LMODESK_DB beats the default under the XDG data folder.
    static QString defaultPath();
    // How a database file on this machine is named (StorageBackend::local()'s LocalFileNames).
    static LocalFileNames localFileNames();
    static QString resolvePath(const QString &commandLinePath);

private:
    friend class SqliteBackend;
    friend class PgBackend;
    Database() = default;
    // Each engine's half, in storage/sqlite/sqlitedatabase.cpp and storage/postgres/pgdatabase.cpp.
    static Result<std::unique_ptr<Database>> openSqlite(const QString &path, const OpenOptions &options);
    static Result<QSqlDatabase> openSqliteConnection(const ConnectionSpec &spec, const QString &connectionName);
    static Result<std::unique_ptr<Database>> openPostgres(const QString &uri, const OpenOptions &options);
    static Result<QSqlDatabase> openPostgresConnection(const ConnectionSpec &spec, const QString &connectionName);
    static bool reopenPostgres(QSqlDatabase &db);
    static Result<void> checkAndMigrate(Database &database, QSqlDatabase db, const OpenOptions &options);
    const StorageBackend *m_storage = nullptr;
    QString m_path;
    QString m_displayName;
    Backend m_backend = Backend::SQLite;
    QString m_driver = QStringLiteral("QSQLITE");
    QString m_password;
    QString m_connectionName;
    QString m_databaseName;
    QString m_connectOptions;
    QString m_readingConnectOptions; // empty: as m_connectOptions
    Dialect m_dialect = Dialect::forDriver(QStringLiteral("QSQLITE"));
    bool m_readOnly = false;
    QString m_readOnlyReason;
    int m_schemaVersion = 0;
    team::SessionAccess m_access;
};

} // namespace lmo
