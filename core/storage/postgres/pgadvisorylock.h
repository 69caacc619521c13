#pragma once

#include "storage/bulkwrite.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

typedef struct pg_conn PGconn;

namespace lmo::pg {

// The server half of BulkWriteLock on a team database (the ServerLock PgBackend makes): a
// session advisory lock, held on a connection of its own (opened like the QPSQL connection it is
// given, password included) for as long as this object lives. Its own connection, so that the
// work's transactions, commits and rollbacks on the other one never touch it, and a process that
// dies frees it with its session. The lock is one per schema: two LMO Desk databases in two
// schemas of one server database do not wait for each other.
class AdvisoryLock final : public ServerLock
{
public:
    // Connects; `shown` names the database in messages.
    static Result<std::unique_ptr<AdvisoryLock>> connect(const QSqlDatabase &like, const QString &shown);
    ~AdvisoryLock() override;
    AdvisoryLock(const AdvisoryLock &) = delete;
    AdvisoryLock &operator=(const AdvisoryLock &) = delete;

    // Takes the lock if nobody holds it (pg_try_advisory_lock): true when taken.
    Result<bool> tryLock() override;
    // Who holds it, from pg_stat_activity: "alice from 10.0.0.5 (LMO Desk)".
    QString holder() override;

    // The same text for every connection to one database and schema: the process's own key.
    static QString processKey(const QSqlDatabase &db);

private:
    AdvisoryLock() = default;
    PGconn *m_conn = nullptr;
    QString m_shown;
    qint64 m_objectKey = 0; // the second key: the schema's
};

} // namespace lmo::pg
