#pragma once

#include "storage/bulkwrite.h"
#include "storage/database.h"
#include "storage/dialect.h"
#include "util/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <string_view>

namespace lmo {

// A prepared INSERT (of one row or many), bound value by value in column order with no QVariant:
// a backend's fast statement (SQLite: its own C API). A value bound by reference (text, utf8)
// must stay alive until run() returns.
class FastInsert
{
public:
    virtual ~FastInsert() = default;
    virtual void text(const QString &value) = 0;     // empty binds NULL; by reference
    virtual void textCopy(const QString &value) = 0; // empty binds NULL; copied
    virtual void utf8(std::string_view value) = 0;   // by reference
    virtual void integer(qint64 value) = 0;
    virtual void null() = 0;
    // Runs the statement with what was bound and makes it ready for the next rows. Answers the
    // new row's id; or an Error whose code says what happened (Locked: another program holds
    // the database; Conflict: a unique key is taken; DiskFull, DiskIo, Sql) and whose message is
    // the engine's own words only, for the caller to say what it was doing (see storageError).
    virtual Result<qint64> run() = 0;
};

// A prepared SELECT stepped row by row, each value read in place (text as UTF-8 bytes, alive
// until the next step) with no QVariant: a backend's fast read (SQLite: its own C API).
class FastCursor
{
public:
    virtual ~FastCursor() = default;
    // Named parameters (":name"); one the statement does not have is ignored. Text is bound by
    // reference: keep it alive until the cursor is done.
    virtual void bindUtf8(const char *name, const QByteArray &value) = 0;
    virtual void bindInteger(const char *name, qint64 value) = 0;
    // The next row; false at the end or on a failure (then error() says which).
    virtual bool next() = 0;
    virtual Result<void> error() const = 0; // after next() answered false
    virtual bool isNull(int column) const = 0;
    virtual qint64 integer(int column) const = 0;
    virtual std::string_view utf8(int column) const = 0; // NULL reads as empty
};

// A change another client made, as a team database announces it (its triggers' NOTIFY): which
// table, who (the login), and the ids of the rows, never their data (any login may listen).
struct ChangeNotice
{
    QString table;      // "licenses", "lmo_profiles", "packages"
    QString login;      // who made it
    bool many = false;  // too many rows to name: take the table as changed
    QList<qint64> ids;
};

// Listens for the changes other clients make (storage/team.h), on a connection of its own
// opened on the thread that made it and used only there.
class ChangeFeed
{
public:
    virtual ~ChangeFeed() = default;
    // Waits up to `ms` for announcements and answers those that came (none after `ms`); an
    // Error (ConnectionLost) when the server went away: make a new feed then.
    virtual Result<std::vector<ChangeNotice>> wait(int ms) = 0;
};

// The operations on a database that differ between its engines: everything the core does that
// is not portable SQL through QSqlQuery goes through one of these. There are two, SQLite
// (core/storage/sqlite/) and PostgreSQL (core/storage/postgres/); a Database is given its own
// once, when it opens (Database::storage()). An engine without a fast path answers nullptr
// where one is asked for, and the caller takes the portable QSqlQuery path.
class StorageBackend
{
public:
    virtual ~StorageBackend() = default;

    static const StorageBackend &sqlite();
    static const StorageBackend &postgres();
    // A postgresql:// URI is a team database, anything else a file.
    static const StorageBackend &forLocation(const QString &location);
    // The backend of a connection, by its driver.
    static const StorageBackend &of(const QSqlDatabase &db);
    static const StorageBackend &forKind(Dialect::Kind kind);
    // The engine of a database that is a file on this machine (a location that is no URI).
    static const StorageBackend &local();

    virtual Dialect::Kind kind() const = 0;
    QString name() const { return Dialect::forKind(kind()).name(); }

    // Opening a location: checks what it holds, migrates its schema forward (Migrator), and
    // refuses (touching nothing) what it cannot safely use.
    virtual Result<std::unique_ptr<Database>> open(const QString &location,
                                                   const Database::OpenOptions &options) const = 0;
    // A second connection for another thread (Database::openConnection).
    virtual Result<QSqlDatabase> openConnection(const ConnectionSpec &spec, const QString &connectionName) const = 0;
    // A connection the server dropped is connected again; false if still not open.
    virtual bool reconnectIfDropped(QSqlDatabase &db) const { return db.isOpen(); }
    // What stops the statement running on `db` from another thread, made once per connection (a
    // server's needs a key of the session, which a reconnect changes). The statement then fails
    // ("interrupted", "canceling statement"); a statement started after it is not touched, nor is
    // anything when none runs. Empty where the engine cannot (the default).
    virtual std::function<void()> interrupter(QSqlDatabase &) const { return {}; }
    // Whether calling the interrupter returns at once. A server's does not: its cancel request connects
    // and waits for the server to take the request, which a server that has gone silent never does,
    // so the window's thread must not call it.
    virtual bool interruptsAtOnce() const { return false; }

    // Where the readers may be on a replica (a server named with its standbys: pgstandby.h):
    // committed() after a write's commit on `db` notes what they must wait for, and catchUp()
    // before a read on a reader's `db` waits until the replica has it. Nothing elsewhere.
    virtual void committed(QSqlDatabase &) const {}
    // `stopped` answers true when the reader is going away: it then waits no longer.
    virtual void catchUp(QSqlDatabase &, const std::function<bool()> & /*stopped*/) const {}

    // The SQL listing the tables of the database (or of the schema in use), by name.
    virtual QString listTablesSql() const = 0;
    // The SQL listing a table's (":table") secondary indexes as (name, create statement).
    virtual QString listIndexesSql() const = 0;
    // The SQL answering about how many licenses there are, for choosing a plan: exact where
    // counting is cheap, the server's own estimate where it is kept (a count where it is not).
    virtual QString licensesEstimateSql() const = 0;
    // How a transaction that will write begins; empty: the driver's own BEGIN.
    virtual QString beginWriteSql() const { return {}; }

    // The fast INSERT of `sql` on `db` (see FastInsert); nullptr when the engine has none.
    virtual Result<std::unique_ptr<FastInsert>> prepareInsert(QSqlDatabase db, const QByteArray &sql) const;
    // Which connection a fast read runs on.
    enum class ReadOn {
        Same,   // `db` itself
        Second, // a read-only connection of its own to the same database, for another thread;
                // nullptr (no error) when there cannot be one (an in-memory database)
    };
    // The fast SELECT of `sql` (see FastCursor); nullptr when the engine has none.
    virtual Result<std::unique_ptr<FastCursor>> prepareCursor(QSqlDatabase db, const QByteArray &sql,
                                                              ReadOn on = ReadOn::Same) const;
    // True when many rows are better written in one COPY than by INSERTs: then bulkRows() and
    // copyIn() write them, and rowStream() keeps one write open across batches.
    virtual bool copiesRows(const QSqlDatabase &db) const;
    // Empty rows for this engine's copyIn() and rowStream() (see BulkRows); nullptr when it
    // copies no rows.
    virtual std::unique_ptr<BulkRows> bulkRows(BulkRows::Format format) const;
    // Writes `rows` (from bulkRows) into `target`, the table and its column list ("licenses
    // (sf_id, name, ...)"), in one statement inside whatever transaction `db` has open. A unique
    // key taken is Error::Code::Conflict, a full disk DiskFull; `doing` words the error. Only
    // where copiesRows(); elsewhere an Error.
    virtual Result<void> copyIn(QSqlDatabase &db, const char *target, const BulkRows &rows, const QString &doing) const;
    // A write of rows into `target` (as for copyIn) kept open across batches (see
    // BulkRowStream), for rows of `format`; nullptr where copiesRows() is false.
    virtual std::unique_ptr<BulkRowStream> rowStream(QSqlDatabase db, QByteArray target, QString doing,
                                                     BulkRows::Format format) const;
    // An UPDATE of many rows of `table` by id in one statement, setting `columns` (see
    // BulkUpdate); nullptr where the engine has none, whose UPDATE a row costs no round trip.
    virtual std::unique_ptr<BulkUpdate> bulkUpdate(QSqlDatabase db, QString table, QStringList columns) const;
    // The keys of a table taken off for a fast load, inside its transaction (see KeySuspension);
    // nullptr where the engine has none to take off (SQLite: trustedLoadScope switches its
    // checks off instead, before the transaction).
    virtual std::unique_ptr<KeySuspension> keySuspension(QSqlDatabase db) const;
    // After a rollback to a savepoint: the id numbering of `tables` set back to just past their
    // highest id, so that the next row is numbered as if the rows rolled back had never been
    // (a server's sequence is not transactional). Only for tables nobody else writes meanwhile
    // (the import holds the BulkWriteLock over packages, versions and licenses). The default,
    // SQLite's, has nothing to do: it numbers a new row past the highest id there is.
    virtual Result<void> rewindSequences(QSqlDatabase &db, const QStringList &tables) const;
    // True when the dashboard reads every license row here (a local file: a pass through
    // prepareCursor); false when the server sums them (computeDashboardInSql), which saves the
    // network a row per license.
    virtual bool scansLicensesLocally() const = 0;
    // True when a forward-only query can be read row by row while other statements (the writes
    // of the loop reading it) run on the same connection. The default, a server's, is false:
    // QPSQL reads a forward-only result in libpq's single-row mode, and the next statement on
    // the connection loses the rows not read yet, so a result read between writes is read whole.
    virtual bool forwardOnlyBetweenStatements() const { return false; }

    // How this engine's databases are named as files on this machine (see LocalFileNames). The
    // default, a server's, is empty: its databases are no files.
    virtual LocalFileNames localFileNames() const { return {}; }
    // The database file on this machine under a connection (what the BulkWriteLock locks). The
    // default, a server's, is empty, as it is for a database in memory, which no other process
    // can reach.
    virtual QString localFileOf(const QSqlDatabase &db) const;
    // Where the BulkWriteLock is a lock on a server (see ServerLock) instead of a lock file: the
    // text that names that lock in this process, the same for every connection to one database;
    // empty where there is none (the default: a file's lock is its lock file).
    virtual QString serverLockKey(const QSqlDatabase &db) const;
    // The server lock's own connection, opened like `like`; `shown` names the database in
    // messages. nullptr where serverLockKey() is empty.
    virtual Result<std::unique_ptr<ServerLock>> connectServerLock(const QSqlDatabase &like, const QString &shown) const;

    // How long a statement on `db` waits for another connection's lock, in ms; -1 when it
    // cannot be read. setLockWaitMs says whether it was set. The default, a server's, has no
    // such setting: its statements wait for a lock as long as the server's lock_timeout allows,
    // which LMO Desk leaves as it is (no limit, unless the server's administrator set one).
    virtual int lockWaitMs(QSqlDatabase db) const;
    virtual bool setLockWaitMs(QSqlDatabase db, int ms) const;

    // A connection's settings for the length of some bulk work, put back as they were (or to
    // the engine's defaults) when it goes. Each is tuning only: if one is refused, the work is
    // slower, not wrong.
    class Scope
    {
    public:
        virtual ~Scope() = default;
    };
    // The settings for one bulk load (SQLite: a larger page cache, index sorts on a second
    // thread and in memory). The default, a server's, sets nothing: a server sizes its own
    // buffers and sort memory for every session alike.
    class LoadScope : public Scope
    {
    public:
        // A load that only appends needs fewer pages at hand than one that updates.
        virtual void setAppendOnly(bool appendOnly) = 0;
    };
    virtual std::unique_ptr<LoadScope> bulkLoadScope(QSqlDatabase db, bool appendOnly) const;
    // A page cache of `kib` KiB for bulk work that builds its indexes itself (the demo's load);
    // nullptr where there is none to set (the default, a server's: its shared buffers are its
    // own configuration, not a connection's).
    virtual std::unique_ptr<Scope> pageCacheScope(QSqlDatabase db, int kib) const;
    // The settings while CREATE INDEX statements run (SQLite: keys sorted in runs of 2 MiB in
    // temporary files, by two threads; sqlite::IndexBuildPragmas), put back as they were after;
    // nullptr where there are none (the default, a server's, which sorts with the memory its
    // configuration gives every session).
    virtual std::unique_ptr<Scope> indexBuildScope(QSqlDatabase db) const;
    // No rollback journal or write-ahead log for bulk work into a file no one else has yet (the
    // demo's new file, written under a private name and renamed into place once complete): each
    // page is written once, not to the log and then again to the file. A failure meanwhile can
    // leave the file unusable, so it is only for a file that is thrown away on failure. Made
    // outside any transaction; the write-ahead log is back when it goes. nullptr where there is
    // none (the default, a server's).
    virtual std::unique_ptr<Scope> unjournaledScope(QSqlDatabase db) const;

    // The engine's own checks of each row, switched off for a load into an empty table whose
    // loader vouches for what they would find: every reference it writes is a row it has just
    // found or made, and it holds every row to the table's CHECK rules itself when
    // rulesUnchecked(). Made before the load's transaction begins.
    class TrustedLoad : public Scope
    {
    public:
        // True when the engine no longer checks the table's CHECK rules on this connection.
        virtual bool rulesUnchecked() const = 0;
    };
    // The default, a server's, switches nothing: a session cannot switch off a table's CHECK
    // rules, and a fast load drops the foreign keys inside its transaction instead (and adds
    // them back, checked once, before the commit).
    virtual std::unique_ptr<TrustedLoad> trustedLoadScope(QSqlDatabase db) const;

    // After a bulk write is committed: SQLite folds its write-ahead log back into the file, so
    // that the file alone holds the data and the log is small again. The default, a server's,
    // does nothing: a server checkpoints on its own schedule (a commit is durable once it
    // returns), and a CHECKPOINT asked for would need a privilege an ordinary login lacks and
    // stall every other client's writes meanwhile.
    virtual void checkpointAfterBulkWrite(QSqlDatabase db) const;

    // The changes other clients make to the database of `spec`, as they are made, on a connection
    // named `connectionName` opened on the calling thread; nullptr (no error) where nothing
    // announces them (a file, whose other writers Go > Reload catches; a server database that is
    // not a team database).
    virtual Result<std::unique_ptr<ChangeFeed>> listenForChanges(const ConnectionSpec &, const QString &) const
    {
        return std::unique_ptr<ChangeFeed>();
    }
    // Whether this session may change `table`'s shape (drop and build its indexes): its owner
    // may. The default, a file's, is true; on a team database nobody who works in it owns the
    // tables (lmo_owner does), and a bulk load then keeps the indexes as they are.
    virtual bool ownsTable(QSqlDatabase &, const QString &) const { return true; }
    // True where the database writes its own audit log (a team database's triggers, see
    // storage/team.h): LMO Desk then writes no audit row of a field's change itself (it could
    // not: nobody may insert one), and an import's note goes through noteOnServer(). The
    // default, a file's, is false.
    virtual bool auditsOnServer(const QSqlDatabase &) const { return false; }
    // Tells a server-written audit log where the session's next changes come from (a file, a
    // dialog). The default does nothing: LMO Desk's own audit rows carry their source.
    virtual Result<void> setChangeSource(QSqlDatabase &, const QString &) const { return {}; }
    // An import's note (what it read and did) in a server-written audit log, by the login.
    virtual Result<void> noteOnServer(QSqlDatabase &db, const QString &kind, const QString &summary, const QString &source) const;
};

// A FastInsert's error (see run()) worded as sqlError words the driver's: "Database error while
// `doing`: …"; Locked tells what to do. A Conflict keeps its code only if `keepConflict`.
Error storageError(const Error &raw, const QString &doing, bool keepConflict = false);

} // namespace lmo
