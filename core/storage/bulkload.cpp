#include "storage/bulkload.h"

#include "storage/backend.h"
#include "storage/licenseimage.h"
#include "storage/licensesearch.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLockFile>
#include <QDateTime>
#include <QMutex>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace lmo {

Result<void> IndexSuspension::suspend(const QString &table, Keep keep)
{
    // Only the table's owner drops and builds its indexes; anyone else writes with them in place.
    if (!StorageBackend::of(m_db).ownsTable(m_db, table))
        return {};
    QSqlQuery q(m_db);
    if (!q.prepare(m_dialect.listIndexesSql()))
        return sqlError(q.lastError(), QStringLiteral("listing the indexes of %1").arg(table));
    q.bindValue(QStringLiteral(":table"), table);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("listing the indexes of %1").arg(table));
    QStringList names;
    while (q.next()) {
        const QString sql = q.value(1).toString();
        if (keep == Keep::UniqueIndexes && sql.contains(QStringLiteral("UNIQUE"), Qt::CaseInsensitive))
            continue;
        names << q.value(0).toString();
        m_recreate << sql;
    }
    q.finish();
    for (const QString &name : std::as_const(names)) {
        if (auto r = execSql(m_db, QStringLiteral("DROP INDEX %1").arg(name), QStringLiteral("preparing the bulk load"));
            !r)
            return r;
    }
    m_names = names;
    // The license search index follows its table: rebuilt once after the load, not row by row.
    if (table == QLatin1String("licenses") && LicenseSearch::supported(m_dialect)) {
        if (auto r = LicenseSearch::suspend(m_db); !r)
            return r;
        m_search = true;
    }
    // So does the dashboard's image: emptied, and built again from the loaded rows when read.
    if (table == QLatin1String("licenses") && LicenseImage::supported(m_dialect)) {
        if (auto r = LicenseImage::suspend(m_db); !r)
            return r;
        m_image = true;
    }
    return {};
}

Result<void> IndexSuspension::restore()
{
    if (m_image) {
        if (auto r = LicenseImage::restore(m_db); !r)
            return r;
        m_image = false;
    }
    if (m_search) {
        if (auto r = LicenseSearch::rebuild(m_db); !r)
            return r;
        m_search = false;
    }
    const auto sorting = StorageBackend::of(m_db).indexBuildScope(m_db);
    for (const QString &statement : std::as_const(m_recreate)) {
        if (auto r = execSql(m_db, statement, QStringLiteral("rebuilding the indexes")); !r)
            return r;
    }
    m_recreate.clear();
    m_names.clear();
    return {};
}

Result<void> IndexSuspension::defer()
{
    // The image's triggers go back at once (the image is empty; it is built when next read, or
    // after the deferred indexes).
    if (m_image) {
        if (auto r = LicenseImage::restore(m_db); !r)
            return r;
        m_image = false;
    }
    if (m_search) {
        if (auto r = LicenseSearch::defer(m_db); !r)
            return r;
        m_search = false;
    }
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)")))
        return sqlError(q.lastError(), QStringLiteral("recording the indexes to build"));
    for (qsizetype i = 0; i < m_names.size(); ++i) {
        q.addBindValue(m_names[i]);
        q.addBindValue(m_recreate[i]);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("recording the indexes to build"));
    }
    m_recreate.clear();
    m_names.clear();
    return {};
}

namespace {

// The lock files this process holds, by database, with how many holders share each.
struct HeldLock
{
    std::unique_ptr<QLockFile> file;
    std::unique_ptr<ServerLock> server; // a team database's instead of a file
    int holders = 0;
};

QMutex g_heldLocksMutex;

std::map<QString, HeldLock> &heldLocks()
{
    static std::map<QString, HeldLock> locks;
    return locks;
}

// One name for one file, however it was reached: a second import through a symbolic link or a
// relative path must find the same lock.
QString lockKey(const QString &databasePath)
{
    const QFileInfo info(databasePath);
    if (const QString canonical = info.canonicalFilePath(); !canonical.isEmpty())
        return canonical;
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return folder.isEmpty() ? info.absoluteFilePath() : QDir(folder).filePath(info.fileName());
}

// Under g_heldLocksMutex: shares the lock if this process holds it already.
bool shareHeldLock(const QString &key)
{
    auto it = heldLocks().find(key);
    if (it == heldLocks().end())
        return false;
    ++it->second.holders;
    return true;
}

constexpr qint64 kUnreadableLockStaleMs = 2000;

QString holderOf(const QLockFile &file)
{
    qint64 pid = 0;
    QString host, app;
    if (!file.getLockInfo(&pid, &host, &app))
        return QStringLiteral("another program");
    QString holder = QStringLiteral("process %1").arg(pid);
    if (!app.isEmpty())
        holder += QStringLiteral(" (%1)").arg(app);
    if (!host.isEmpty() && host != QSysInfo::machineHostName())
        holder += QStringLiteral(" on %1").arg(host);
    return holder;
}

} // namespace

QString BulkWriteLock::lockFilePath(const QString &databasePath)
{
    return lockKey(databasePath) + QStringLiteral("-lock");
}

Result<BulkWriteLock> BulkWriteLock::acquire(const QString &databasePath, const Waiting &waiting, int waitMs)
{
    const QString key = lockKey(databasePath);
    auto file = std::make_unique<QLockFile>(key + QStringLiteral("-lock"));
    // An import holds it for as long as it lasts: the lock is stale only when its process is gone.
    file->setStaleLockTime(0);
    const QString shown = QDir::toNativeSeparators(databasePath);
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        {
            QMutexLocker locker(&g_heldLocksMutex);
            if (shareHeldLock(key))
                return BulkWriteLock(key);
            if (file->tryLock(0)) {
                heldLocks()[key] = HeldLock{std::move(file), nullptr, 1};
                return BulkWriteLock(key);
            }
        }
        if (file->error() != QLockFile::LockFailedError)
            return Error::make(Error::Code::Io,
                               QStringLiteral("Cannot create the lock file %1, which keeps two imports into %2 from "
                                              "writing at the same time: %3. Check the folder's permissions.")
                                   .arg(QDir::toNativeSeparators(key + QStringLiteral("-lock")), shown,
                                        file->error() == QLockFile::PermissionError ? QStringLiteral("permission denied")
                                                                                     : QStringLiteral("unknown error")));
        // A lock file that says nothing of who holds it is one a process was killed between
        // creating and filling in (a live one fills it in at once): once it is a few seconds old
        // it is taken over, as a killed import's lock is.
        {
            qint64 pid = 0;
            QString host, app;
            const QFileInfo info(key + QStringLiteral("-lock"));
            if (!file->getLockInfo(&pid, &host, &app) && info.exists()
                && info.lastModified().msecsTo(QDateTime::currentDateTime()) > kUnreadableLockStaleMs) {
                file->removeStaleLockFile();
                continue;
            }
        }
        const QString holder = holderOf(*file);
        if (waiting) {
            if (!waiting(holder))
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Stopped while waiting for another import into %1 (%2) to finish.")
                                       .arg(shown, holder));
        } else if (waited.elapsed() >= waitMs) {
            return Error::make(Error::Code::Locked,
                               QStringLiteral("%1 is being written by another import (%2). Wait for it to finish, then "
                                              "try again.")
                                   .arg(shown, holder));
        }
        QThread::msleep(200);
    }
}

Result<BulkWriteLock> BulkWriteLock::acquire(const QSqlDatabase &db, const Waiting &waiting, int waitMs, const QString &shown)
{
    const StorageBackend &storage = StorageBackend::of(db);
    const QString key = storage.serverLockKey(db);
    if (key.isEmpty()) {
        const QString file = storage.localFileOf(db);
        if (file.isEmpty())
            return BulkWriteLock(QString());
        return acquire(file, waiting, waitMs);
    }
    const QString name = shown.isEmpty() ? QStringLiteral("the team database") : shown;
    {
        QMutexLocker locker(&g_heldLocksMutex);
        if (shareHeldLock(key))
            return BulkWriteLock(key);
    }
    auto connected = storage.connectServerLock(db, name);
    if (!connected)
        return connected.error();
    std::unique_ptr<ServerLock> server = std::move(connected).value();
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        {
            // Under the mutex, so that two threads of this process never both ask the server:
            // the second shares what the first took.
            QMutexLocker locker(&g_heldLocksMutex);
            if (shareHeldLock(key))
                return BulkWriteLock(key);
            auto taken = server->tryLock();
            if (!taken)
                return taken.error();
            if (taken.value()) {
                heldLocks()[key] = HeldLock{nullptr, std::move(server), 1};
                return BulkWriteLock(key);
            }
        }
        const QString holder = server->holder();
        if (waiting) {
            if (!waiting(holder))
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Stopped while waiting for another import into %1 (%2) to finish.")
                                       .arg(name, holder));
        } else if (waited.elapsed() >= waitMs) {
            return Error::make(Error::Code::Locked,
                               QStringLiteral("%1 is being written by another import (%2). Wait for it to finish, then "
                                              "try again.")
                                   .arg(name, holder));
        }
        QThread::msleep(200);
    }
}

BulkWriteLock &BulkWriteLock::operator=(BulkWriteLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_key = std::exchange(other.m_key, QString());
    }
    return *this;
}

void BulkWriteLock::release()
{
    if (m_key.isEmpty())
        return;
    QMutexLocker locker(&g_heldLocksMutex);
    auto it = heldLocks().find(m_key);
    if (it != heldLocks().end() && --it->second.holders == 0) {
        if (it->second.file)
            it->second.file->unlock();
        heldLocks().erase(it);
    }
    m_key.clear();
}

LongBusyTimeout::LongBusyTimeout(QSqlDatabase db) : m_db(std::move(db))
{
    // The connection's lock wait (StorageBackend::lockWaitMs: SQLite's busy timeout); a server
    // waits for locks by its own rules.
    const StorageBackend &storage = StorageBackend::of(m_db);
    const int ms = storage.lockWaitMs(m_db);
    if (ms >= 0 && ms < kMs && storage.setLockWaitMs(m_db, kMs))
        m_was = ms;
}

LongBusyTimeout::~LongBusyTimeout()
{
    if (m_was >= 0)
        StorageBackend::of(m_db).setLockWaitMs(m_db, m_was);
}

Result<void> analyzeTables(QSqlDatabase db)
{
    if (!db.driverName().startsWith(QLatin1String("QPSQL")))
        return execSql(db, QStringLiteral("ANALYZE"), QStringLiteral("analysing the tables"));
    QSqlQuery q(db);
    if (!q.exec(Dialect::forDriver(db.driverName()).listTablesSql()))
        return sqlError(q.lastError(), QStringLiteral("listing the tables to analyse"));
    QStringList tables;
    while (q.next())
        tables << QStringLiteral("\"%1\"").arg(q.value(0).toString().replace(QLatin1Char('"'), QStringLiteral("\"\"")));
    q.finish();
    if (tables.isEmpty())
        return {};
    return execSql(db, QStringLiteral("ANALYZE %1").arg(tables.join(QStringLiteral(", "))), QStringLiteral("analysing the tables"));
}

Result<int> deferredIndexCount(QSqlDatabase db)
{
    auto n = queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM deferred_indexes"),
                         QStringLiteral("reading the indexes to build"));
    if (!n)
        return n.error();
    return int(n.value());
}

namespace {

Result<std::vector<std::pair<QString, QString>>> readDeferredIndexes(QSqlDatabase &db)
{
    std::vector<std::pair<QString, QString>> pending;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT name, definition FROM deferred_indexes ORDER BY name")))
        return sqlError(q.lastError(), QStringLiteral("reading the indexes to build"));
    while (q.next())
        pending.emplace_back(q.value(0).toString(), q.value(1).toString());
    return pending;
}

} // namespace

Result<void> buildDeferredIndexes(QSqlDatabase db, const std::function<bool(int done, int total)> &progress)
{
    auto listed = readDeferredIndexes(db);
    if (!listed)
        return listed.error();
    // Another import may be loading, or building these very indexes: wait for it (told as
    // progress 0 of n), then look again, since it may have built them all meanwhile.
    std::optional<BulkWriteLock> lock;
    if (!listed->empty() && (!StorageBackend::of(db).localFileOf(db).isEmpty() || db.driverName().startsWith(QLatin1String("QPSQL")))) {
        const int listedTotal = int(listed->size());
        BulkWriteLock::Waiting waiting;
        if (progress)
            waiting = [&progress, listedTotal](const QString &) { return progress(0, listedTotal); };
        auto taken = BulkWriteLock::acquire(db, waiting);
        if (!taken) {
            if (taken.error().code == Error::Code::Cancelled)
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Building the indexes was stopped while another import was writing; "
                                                  "%1 are left.")
                                       .arg(listedTotal));
            return taken.error();
        }
        lock.emplace(std::move(taken).value());
        listed = readDeferredIndexes(db);
        if (!listed)
            return listed.error();
    }
    std::vector<std::pair<QString, QString>> pending = std::move(listed).value();
    LongBusyTimeout busy(db);
    // What the window needs soonest goes first, while the user browses: the unique indexes
    // (an import looks licenses up by them, and the org summary reads in org order through one),
    // the index of the Licenses page's default order (newest install first), then the org
    // summary the Subscribers page lists; the other sorts' indexes after.
    auto rank = [](const std::pair<QString, QString> &p) {
        if (p.second.startsWith(QLatin1String("CREATE UNIQUE INDEX")))
            return 0;
        if (p.first == QLatin1String("licenses_install_date"))
            return 1;
        if (p.second == QLatin1String(SubscriberSummary::kDeferredMarker))
            return 2;
        return 3;
    };
    std::stable_sort(pending.begin(), pending.end(), [&rank](const auto &a, const auto &b) { return rank(a) < rank(b); });
    const int total = int(pending.size());
    // A larger page cache for the org summary and the search index (64 MiB keeps a
    // million-license load under 200 MB resident); each CREATE INDEX sorts in small runs
    // instead (indexBuildScope). The write-ahead log stays on, so that readers go on reading
    // the licenses meanwhile.
    const auto cache = StorageBackend::of(db).pageCacheScope(db, 65536);
    for (int i = 0; i < total; ++i) {
        if (progress && !progress(i, total))
            return Error::make(Error::Code::Cancelled, QStringLiteral("Building the indexes was stopped; %1 of %2 are left.")
                                                           .arg(total - i)
                                                           .arg(total));
        const auto &[name, definition] = pending[size_t(i)];
        Transaction t(db);
        if (auto r = t.beginWrite(QStringLiteral("building index %1").arg(name)); !r)
            return r;
        // Built already (by another window on the same file, say): only the record goes. On a
        // server the entry's row is locked first, so that a second build in this process (which
        // shares the BulkWriteLock) waits for one that is on this entry, then finds it done;
        // SQLite's write transaction already keeps them apart.
        const bool server = Dialect::forDriver(db.driverName()).kind() == Dialect::Kind::PostgreSQL;
        QSqlQuery exists(db);
        if (!exists.prepare(server ? QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM deferred_indexes WHERE name = ? FOR UPDATE) AS pending")
                                   : QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?")))
            return sqlError(exists.lastError(), QStringLiteral("building index %1").arg(name));
        exists.addBindValue(name);
        if (!exists.exec() || !exists.next())
            return sqlError(exists.lastError(), QStringLiteral("building index %1").arg(name));
        const bool stillPending = exists.value(0).toLongLong() > 0;
        exists.finish();
        if (stillPending) {
            if (definition == QLatin1String(SubscriberSummary::kDeferredMarker)) {
                if (auto r = SubscriberSummary::rebuild(db, Dialect::forDriver(db.driverName())); !r)
                    return r;
            } else if (definition == QLatin1String(LicenseSearch::kDeferredMarker)) {
                if (auto r = LicenseSearch::rebuild(db); !r)
                    return r;
            } else {
                const auto sorting = StorageBackend::of(db).indexBuildScope(db);
                if (auto r = execSql(db, definition, QStringLiteral("building index %1").arg(name)); !r)
                    return r;
            }
            QSqlQuery done(db);
            if (!done.prepare(QStringLiteral("DELETE FROM deferred_indexes WHERE name = ?")))
                return sqlError(done.lastError(), QStringLiteral("building index %1").arg(name));
            done.addBindValue(name);
            if (!done.exec())
                return sqlError(done.lastError(), QStringLiteral("building index %1").arg(name));
        }
        if (auto r = t.commit(QStringLiteral("building index %1").arg(name)); !r)
            return r;
    }
    // The dashboard's image of the loaded licenses, so that its first refresh does not build it.
    if (total > 0 && LicenseImage::supported(Dialect::forDriver(db.driverName()))) {
        Transaction t(db);
        if (auto r = t.beginWrite(QStringLiteral("building the dashboard's image")); !r)
            return r;
        if (auto r = LicenseImage::buildMissing(db); !r)
            return r.error();
        if (auto r = t.commit(QStringLiteral("building the dashboard's image")); !r)
            return r;
    }
    // Row counts for the query planner, now that the indexes are there.
    if (total > 0)
        (void)analyzeTables(db); // only a help to the planner: a failure here loses nothing
    if (progress)
        progress(total, total);
    return {};
}

} // namespace lmo
