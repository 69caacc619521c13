#pragma once

#include "storage/backend.h"

#include <QSqlDatabase>
#include <QString>

struct sqlite3;

namespace lmo {

// The embedded engine: a database is one SQLite file (with its -wal and -shm files beside it).
// Its fast paths go through SQLite's own C API: prepared statements bound and stepped with no
// QVariant per value.
class SqliteBackend final : public StorageBackend
{
public:
    Dialect::Kind kind() const override { return Dialect::Kind::SQLite; }
    Result<std::unique_ptr<Database>> open(const QString &location, const Database::OpenOptions &options) const override;
    Result<QSqlDatabase> openConnection(const ConnectionSpec &spec, const QString &connectionName) const override;
    // sqlite3_interrupt: the statements running on the connection stop at their next step.
    std::function<void()> interrupter(QSqlDatabase &db) const override;
    bool interruptsAtOnce() const override { return true; }
    QString listTablesSql() const override;
    QString listIndexesSql() const override;
    QString licensesEstimateSql() const override;
    // The write lock at once, waiting for another connection's as long as the busy timeout allows.
    QString beginWriteSql() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    Result<std::unique_ptr<FastInsert>> prepareInsert(QSqlDatabase db, const QByteArray &sql) const override;
    Result<std::unique_ptr<FastCursor>> prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const override;
    bool copiesRows(const QSqlDatabase &) const override { return false; }
    bool scansLicensesLocally() const override { return true; }
    // SQLite steps a statement as it is read; other statements may run in between.
    bool forwardOnlyBetweenStatements() const override { return true; }
    // "lmodesk.sqlite" by default; "*.db" is opened too.
    LocalFileNames localFileNames() const override;
    // The connection's file; empty for ":memory:" (a "file:" URI gives its path).
    QString localFileOf(const QSqlDatabase &db) const override;
    // PRAGMA busy_timeout.
    int lockWaitMs(QSqlDatabase db) const override;
    bool setLockWaitMs(QSqlDatabase db, int ms) const override;
    std::unique_ptr<LoadScope> bulkLoadScope(QSqlDatabase db, bool appendOnly) const override;
    std::unique_ptr<Scope> pageCacheScope(QSqlDatabase db, int kib) const override;
    std::unique_ptr<Scope> indexBuildScope(QSqlDatabase db) const override;
    // PRAGMA journal_mode=OFF, then WAL again.
    std::unique_ptr<Scope> unjournaledScope(QSqlDatabase db) const override;
    // foreign_keys off and ignore_check_constraints on (see sqlite::PragmaForLoad).
    std::unique_ptr<TrustedLoad> trustedLoadScope(QSqlDatabase db) const override;
    // PRAGMA wal_checkpoint(TRUNCATE).
    void checkpointAfterBulkWrite(QSqlDatabase db) const override;
};

namespace sqlite {

// The sqlite3* under a connection of the SQLite driver; nullptr for any other driver.
sqlite3 *handleOf(const QSqlDatabase &db);

} // namespace sqlite

} // namespace lmo
