#include "storage/backend.h"

#include "storage/postgres/pgbackend.h"
#include "storage/postgres/pglocation.h"
#include "storage/sqlite/sqlitebackend.h"

namespace lmo {

const StorageBackend &StorageBackend::sqlite()
{
    static const SqliteBackend backend;
    return backend;
}

const StorageBackend &StorageBackend::postgres()
{
    static const PgBackend backend;
    return backend;
}

const StorageBackend &StorageBackend::forKind(Dialect::Kind kind)
{
    return kind == Dialect::Kind::PostgreSQL ? postgres() : sqlite();
}

const StorageBackend &StorageBackend::local()
{
    return sqlite();
}

const StorageBackend &StorageBackend::forLocation(const QString &location)
{
    return PgLocation::isPostgres(location) ? postgres() : local();
}

const StorageBackend &StorageBackend::of(const QSqlDatabase &db)
{
    return forKind(Dialect::forDriver(db.driverName()).kind());
}

Result<std::unique_ptr<FastInsert>> StorageBackend::prepareInsert(QSqlDatabase, const QByteArray &) const
{
    return std::unique_ptr<FastInsert>();
}

Result<std::unique_ptr<FastCursor>> StorageBackend::prepareCursor(QSqlDatabase, const QByteArray &, ReadOn) const
{
    return std::unique_ptr<FastCursor>();
}

bool StorageBackend::copiesRows(const QSqlDatabase &) const
{
    return false;
}

std::unique_ptr<BulkRows> StorageBackend::bulkRows(BulkRows::Format) const
{
    return nullptr;
}

Result<void> StorageBackend::copyIn(QSqlDatabase &, const char *, const BulkRows &, const QString &doing) const
{
    return Error::make(Error::Code::Sql, QStringLiteral("Database error while %1: %2 copies no rows").arg(doing, name()));
}

std::unique_ptr<BulkRowStream> StorageBackend::rowStream(QSqlDatabase, QByteArray, QString, BulkRows::Format) const
{
    return nullptr;
}

std::unique_ptr<BulkUpdate> StorageBackend::bulkUpdate(QSqlDatabase, QString, QStringList) const
{
    return nullptr;
}

std::unique_ptr<KeySuspension> StorageBackend::keySuspension(QSqlDatabase) const
{
    return nullptr;
}

Result<void> StorageBackend::rewindSequences(QSqlDatabase &, const QStringList &) const
{
    return {};
}

QString StorageBackend::localFileOf(const QSqlDatabase &) const
{
    return {};
}

QString StorageBackend::serverLockKey(const QSqlDatabase &) const
{
    return {};
}

Result<std::unique_ptr<ServerLock>> StorageBackend::connectServerLock(const QSqlDatabase &, const QString &) const
{
    return std::unique_ptr<ServerLock>();
}

int StorageBackend::lockWaitMs(QSqlDatabase) const
{
    return -1;
}

bool StorageBackend::setLockWaitMs(QSqlDatabase, int) const
{
    return false;
}

namespace {

class NoLoadScope final : public StorageBackend::LoadScope
{
public:
    void setAppendOnly(bool) override {}
};

class NothingSwitched final : public StorageBackend::TrustedLoad
{
public:
    bool rulesUnchecked() const override { return false; }
};

} // namespace

std::unique_ptr<StorageBackend::LoadScope> StorageBackend::bulkLoadScope(QSqlDatabase, bool) const
{
    return std::make_unique<NoLoadScope>();
}

std::unique_ptr<StorageBackend::Scope> StorageBackend::pageCacheScope(QSqlDatabase, int) const
{
    return nullptr;
}

std::unique_ptr<StorageBackend::Scope> StorageBackend::indexBuildScope(QSqlDatabase) const
{
    return nullptr;
}

std::unique_ptr<StorageBackend::Scope> StorageBackend::unjournaledScope(QSqlDatabase) const
{
    return nullptr;
}

std::unique_ptr<StorageBackend::TrustedLoad> StorageBackend::trustedLoadScope(QSqlDatabase) const
{
    return std::make_unique<NothingSwitched>();
}

void StorageBackend::checkpointAfterBulkWrite(QSqlDatabase) const {}

Error storageError(const Error &raw, const QString &doing, bool keepConflict)
{
    if (raw.code == Error::Code::Locked)
        return Error::make(Error::Code::Locked,
                           QStringLiteral("The database is locked by another program while %1. Close the other "
                                          "program (or wait for it to finish) and try again.")
                               .arg(doing));
    const Error::Code code = raw.code == Error::Code::Conflict && !keepConflict ? Error::Code::Sql : raw.code;
    return Error::make(code, QStringLiteral("Database error while %1: %2").arg(doing, raw.message));
}

Result<void> StorageBackend::noteOnServer(QSqlDatabase &, const QString &, const QString &, const QString &) const
{
    return Error::make(Error::Code::Generic, QStringLiteral("This database keeps its own audit log; it has no server to note to."));
}

} // namespace lmo
