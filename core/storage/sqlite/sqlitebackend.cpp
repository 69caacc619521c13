#include "storage/sqlite/sqlitebackend.h"

#include "storage/sqlite/sqlitetuning.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QUrl>

#include <sqlite3.h>

namespace lmo {

namespace {

// An SQLite result code as what the caller can act on (see FastInsert::run).
Error engineError(sqlite3 *db, int resultCode)
{
    const QString message = QString::fromUtf8(sqlite3_errmsg(db));
    switch (resultCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Error::make(Error::Code::Locked, message);
    case SQLITE_FULL: return Error::make(Error::Code::DiskFull, message);
    case SQLITE_IOERR: return Error::make(Error::Code::DiskIo, message);
    default: break;
    }
    if (resultCode == SQLITE_CONSTRAINT_UNIQUE || resultCode == SQLITE_CONSTRAINT_PRIMARYKEY)
        return Error::make(Error::Code::Conflict, message);
    return Error::make(Error::Code::Sql, message);
}

class SqliteInsert final : public FastInsert
{
public:
    SqliteInsert(sqlite3 *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) {}
    ~SqliteInsert() override { sqlite3_finalize(m_stmt); }
    SqliteInsert(const SqliteInsert &) = delete;
    SqliteInsert &operator=(const SqliteInsert &) = delete;

    void text(const QString &value) override
    {
        ++m_index;
        if (value.isEmpty())
            sqlite3_bind_null(m_stmt, m_index);
        else
            sqlite3_bind_text16(m_stmt, m_index, value.utf16(), int(value.size() * 2), SQLITE_STATIC);
    }
    void textCopy(const QString &value) override
    {
        ++m_index;
        if (value.isEmpty())
            sqlite3_bind_null(m_stmt, m_index);
        else
            sqlite3_bind_text16(m_stmt, m_index, value.utf16(), int(value.size() * 2), SQLITE_TRANSIENT);
    }
    void utf8(std::string_view value) override
    {
        sqlite3_bind_text(m_stmt, ++m_index, value.data(), int(value.size()), SQLITE_STATIC);
    }
    void integer(qint64 value) override { sqlite3_bind_int64(m_stmt, ++m_index, value); }
    void null() override { sqlite3_bind_null(m_stmt, ++m_index); }
    Result<qint64> run() override
    {
        m_index = 0;
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        if (rc != SQLITE_DONE)
            return engineError(m_db, sqlite3_extended_errcode(m_db));
        return qint64(sqlite3_last_insert_rowid(m_db));
    }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt;
    int m_index = 0;
};

class SqliteCursor final : public FastCursor
{
public:
    // `own`: a connection of the cursor's own, closed with it.
    SqliteCursor(sqlite3 *db, sqlite3_stmt *stmt, bool own) : m_db(db), m_stmt(stmt), m_own(own) {}
    ~SqliteCursor() override
    {
        sqlite3_finalize(m_stmt);
        if (m_own)
            sqlite3_close(m_db);
    }
    SqliteCursor(const SqliteCursor &) = delete;
    SqliteCursor &operator=(const SqliteCursor &) = delete;

    void bindUtf8(const char *name, const QByteArray &value) override
    {
        if (const int i = sqlite3_bind_parameter_index(m_stmt, name))
            sqlite3_bind_text(m_stmt, i, value.constData(), int(value.size()), SQLITE_STATIC);
    }
    void bindInteger(const char *name, qint64 value) override
    {
        if (const int i = sqlite3_bind_parameter_index(m_stmt, name))
            sqlite3_bind_int64(m_stmt, i, value);
    }
    bool next() override
    {
        m_rc = sqlite3_step(m_stmt);
        return m_rc == SQLITE_ROW;
    }
    Result<void> error() const override
    {
        if (m_rc == SQLITE_DONE || m_rc == SQLITE_ROW)
            return {};
        return engineError(m_db, sqlite3_extended_errcode(m_db));
    }
    bool isNull(int column) const override { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    qint64 integer(int column) const override { return sqlite3_column_int64(m_stmt, column); }
    std::string_view utf8(int column) const override
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
        return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
    }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt;
    bool m_own;
    int m_rc = SQLITE_DONE;
};

class SqliteLoadScope final : public StorageBackend::LoadScope
{
public:
    SqliteLoadScope(QSqlDatabase db, bool appendOnly) : m_pragmas(std::move(db), appendOnly) {}
    void setAppendOnly(bool appendOnly) override { m_pragmas.setAppendOnly(appendOnly); }

private:
    sqlite::BulkPragmas m_pragmas;
};

// Back to SQLite's default of 2,000 KiB when it goes.
class SqlitePageCache final : public StorageBackend::Scope
{
public:
    SqlitePageCache(QSqlDatabase db, int kib) : m_db(std::move(db)) { sqlite::setCacheKib(m_db, kib); }
    ~SqlitePageCache() override { sqlite::setCacheKib(m_db, 2000); }
    SqlitePageCache(const SqlitePageCache &) = delete;
    SqlitePageCache &operator=(const SqlitePageCache &) = delete;

private:
    QSqlDatabase m_db;
};

class SqliteIndexBuild final : public StorageBackend::Scope
{
public:
    explicit SqliteIndexBuild(QSqlDatabase db) : m_pragmas(std::move(db)) {}

private:
    sqlite::IndexBuildPragmas m_pragmas;
};

// journal_mode is the file's own setting, not the connection's: WAL is written back before the
// file is closed, so that it opens as every other database does.
class SqliteUnjournaled final : public StorageBackend::Scope
{
public:
    explicit SqliteUnjournaled(QSqlDatabase db) : m_db(std::move(db)) { QSqlQuery(m_db).exec(QStringLiteral("PRAGMA journal_mode=OFF")); }
    ~SqliteUnjournaled() override { QSqlQuery(m_db).exec(QStringLiteral("PRAGMA journal_mode=WAL")); }
    SqliteUnjournaled(const SqliteUnjournaled &) = delete;
    SqliteUnjournaled &operator=(const SqliteUnjournaled &) = delete;

private:
    QSqlDatabase m_db;
};

// SQLite's foreign-key check would look up each license's package, version and LMO, a million
// lookups for a million rows; the table's CHECK rules (status, seats) cost it a tenth of the
// load. Put back in the reverse order.
class SqliteTrustedLoad final : public StorageBackend::TrustedLoad
{
public:
    explicit SqliteTrustedLoad(const QSqlDatabase &db)
        : m_foreignKeys(db, "foreign_keys", false), m_checks(db, "ignore_check_constraints", true)
    {
    }
    bool rulesUnchecked() const override { return m_checks.switched(); }

private:
    sqlite::PragmaForLoad m_foreignKeys;
    sqlite::PragmaForLoad m_checks;
};

Result<sqlite3_stmt *> prepared(sqlite3 *db, const QByteArray &sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Error::make(Error::Code::Sql, QString::fromUtf8(sqlite3_errmsg(db)));
    }
    return stmt;
}

} // namespace

Result<std::unique_ptr<Database>> SqliteBackend::open(const QString &location, const Database::OpenOptions &options) const
{
    return Database::openSqlite(location, options);
}

Result<QSqlDatabase> SqliteBackend::openConnection(const ConnectionSpec &spec, const QString &connectionName) const
{
    return Database::openSqliteConnection(spec, connectionName);
}

std::function<void()> SqliteBackend::interrupter(QSqlDatabase &db) const
{
    // The handle is the connection's own: whoever calls this must know the connection is still
    // open (SqlWorker calls it only while a job runs on it).
    sqlite3 *h = sqlite::handleOf(db);
    if (!h)
        return {};
    return [h] { sqlite3_interrupt(h); };
}

QString SqliteBackend::listTablesSql() const
{
    return QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
}

QString SqliteBackend::licensesEstimateSql() const
{
    return QStringLiteral("SELECT COUNT(*) FROM licenses");
}

QString SqliteBackend::listIndexesSql() const
{
    return QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
                          "AND sql IS NOT NULL");
}

Result<std::unique_ptr<FastInsert>> SqliteBackend::prepareInsert(QSqlDatabase db, const QByteArray &sql) const
{
    sqlite3 *h = sqlite::handleOf(db);
    if (!h)
        return std::unique_ptr<FastInsert>();
    auto stmt = prepared(h, sql);
    if (!stmt)
        return stmt.error();
    return std::unique_ptr<FastInsert>(std::make_unique<SqliteInsert>(h, stmt.value()));
}

Result<std::unique_ptr<FastCursor>> SqliteBackend::prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const
{
    sqlite3 *h = sqlite::handleOf(db);
    if (!h)
        return std::unique_ptr<FastCursor>();
    if (on == ReadOn::Second) {
        // A file database only (":memory:" is private to its connection).
        const QString file = db.databaseName();
        if (file.isEmpty() || file == QLatin1String(":memory:"))
            return std::unique_ptr<FastCursor>();
        sqlite3 *second = nullptr;
        if (sqlite3_open_v2(file.toUtf8().constData(), &second, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr)
            != SQLITE_OK) {
            sqlite3_close(second);
            return std::unique_ptr<FastCursor>();
        }
        sqlite3_busy_timeout(second, 2000);
        auto stmt = prepared(second, sql);
        if (!stmt) {
            sqlite3_close(second);
            return stmt.error();
        }
        return std::unique_ptr<FastCursor>(std::make_unique<SqliteCursor>(second, stmt.value(), true));
    }
    auto stmt = prepared(h, sql);
    if (!stmt)
        return stmt.error();
    return std::unique_ptr<FastCursor>(std::make_unique<SqliteCursor>(h, stmt.value(), false));
}

LocalFileNames SqliteBackend::localFileNames() const
{
    return {QStringLiteral("sqlite"), {QStringLiteral("sqlite"), QStringLiteral("db")},
            QStringLiteral("LMO Desk databases (*.sqlite *.db)")};
}

QString SqliteBackend::localFileOf(const QSqlDatabase &db) const
{
    if (!sqlite::isSqlite(db))
        return {};
    const QString name = db.databaseName();
    if (name.isEmpty() || name == QLatin1String(":memory:"))
        return {};
    if (name.startsWith(QLatin1String("file:")))
        return QUrl(name).toLocalFile();
    return name;
}

int SqliteBackend::lockWaitMs(QSqlDatabase db) const
{
    return sqlite::busyTimeoutMs(std::move(db));
}

bool SqliteBackend::setLockWaitMs(QSqlDatabase db, int ms) const
{
    return sqlite::setBusyTimeoutMs(std::move(db), ms);
}

std::unique_ptr<StorageBackend::LoadScope> SqliteBackend::bulkLoadScope(QSqlDatabase db, bool appendOnly) const
{
    return std::make_unique<SqliteLoadScope>(std::move(db), appendOnly);
}

std::unique_ptr<StorageBackend::Scope> SqliteBackend::pageCacheScope(QSqlDatabase db, int kib) const
{
    return std::make_unique<SqlitePageCache>(std::move(db), kib);
}

std::unique_ptr<StorageBackend::Scope> SqliteBackend::indexBuildScope(QSqlDatabase db) const
{
    return std::make_unique<SqliteIndexBuild>(std::move(db));
}

std::unique_ptr<StorageBackend::Scope> SqliteBackend::unjournaledScope(QSqlDatabase db) const
{
    return std::make_unique<SqliteUnjournaled>(std::move(db));
}

std::unique_ptr<StorageBackend::TrustedLoad> SqliteBackend::trustedLoadScope(QSqlDatabase db) const
{
    return std::make_unique<SqliteTrustedLoad>(db);
}

void SqliteBackend::checkpointAfterBulkWrite(QSqlDatabase db) const
{
    sqlite::checkpoint(std::move(db));
}

} // namespace lmo
