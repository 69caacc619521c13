#pragma once

#include "storage/backend.h"

namespace lmo {

// A team database on a PostgreSQL server (a schema of one of its databases). Many rows go in by
// COPY (pg::copyIn, pg::CopyStream) and many come out by COPY (pg::CopyCursor); many are updated
// in one statement (pg::BatchUpdate); the dashboard is summed by the server; there is no
// row-by-row fast INSERT, which would cost a round trip per statement.
class PgBackend final : public StorageBackend
{
public:
    Dialect::Kind kind() const override { return Dialect::Kind::PostgreSQL; }
    Result<std::unique_ptr<Database>> open(const QString &location, const Database::OpenOptions &options) const override;
    Result<QSqlDatabase> openConnection(const ConnectionSpec &spec, const QString &connectionName) const override;
    bool reconnectIfDropped(QSqlDatabase &db) const override;
    // PQcancel with the session's cancel key (PQgetCancel): the server stops what it runs.
    std::function<void()> interrupter(QSqlDatabase &db) const override;
    void committed(QSqlDatabase &db) const override;
    void catchUp(QSqlDatabase &db, const std::function<bool()> &stopped) const override;
    QString listTablesSql() const override;
    QString listIndexesSql() const override;
    QString licensesEstimateSql() const override;
    // A COPY (SELECT …) TO STDOUT read in place (pg::CopyCursor); on ReadOn::Second, none.
    Result<std::unique_ptr<FastCursor>> prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const override;
    bool copiesRows(const QSqlDatabase &db) const override;
    bool auditsOnServer(const QSqlDatabase &db) const override;
    bool ownsTable(QSqlDatabase &db, const QString &table) const override;
    Result<std::unique_ptr<ChangeFeed>> listenForChanges(const ConnectionSpec &spec, const QString &connectionName) const override;
    Result<void> setChangeSource(QSqlDatabase &db, const QString &source) const override;
    Result<void> noteOnServer(QSqlDatabase &db, const QString &kind, const QString &summary, const QString &source) const override;
    // pg::CopyRows, written by pg::copyIn and kept open by a pg::CopyStream.
    std::unique_ptr<BulkRows> bulkRows(BulkRows::Format format) const override;
    Result<void> copyIn(QSqlDatabase &db, const char *target, const BulkRows &rows, const QString &doing) const override;
    std::unique_ptr<BulkRowStream> rowStream(QSqlDatabase db, QByteArray target, QString doing,
                                             BulkRows::Format format) const override;
    // pg::BatchUpdate: the rows as one JSON array, a round trip for them all.
    std::unique_ptr<BulkUpdate> bulkUpdate(QSqlDatabase db, QString table, QStringList columns) const override;
    // pg::ForeignKeySuspension: a session cannot switch a table's checks off, so they are dropped
    // inside the load's transaction and added back, checked once, after it.
    std::unique_ptr<KeySuspension> keySuspension(QSqlDatabase db) const override;
    // pg::rewindSequences: setval past each table's highest id.
    Result<void> rewindSequences(QSqlDatabase &db, const QStringList &tables) const override;
    // A session advisory lock (pg::AdvisoryLock), one per database and schema.
    QString serverLockKey(const QSqlDatabase &db) const override;
    Result<std::unique_ptr<ServerLock>> connectServerLock(const QSqlDatabase &like, const QString &shown) const override;
    bool scansLicensesLocally() const override { return false; }
};

} // namespace lmo
