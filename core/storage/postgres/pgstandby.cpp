#include "storage/postgres/pgstandby.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include <mutex>

namespace lmo::pg {

namespace {

// The options' keyword=value pairs (driverOptions joins them with ';', which no value holds).
QStringList parts(const QString &connectOptions)
{
    return connectOptions.split(QLatin1Char(';'), Qt::SkipEmptyParts);
}

bool isKeyword(const QString &part, QLatin1String keyword)
{
    return part.startsWith(keyword) && part.size() > keyword.size() && part.at(keyword.size()) == QLatin1Char('=');
}

// Which servers a connection reaches: its options without those that choose among them.
QString serversKey(const QString &connectOptions)
{
    QStringList kept;
    for (const QString &p : parts(connectOptions)) {
        if (!isKeyword(p, QLatin1String("target_session_attrs")) && !isKeyword(p, QLatin1String("application_name")))
            kept << p;
    }
    return kept.join(QLatin1Char(';'));
}

// "16/B374D848" as one number, to compare.
quint64 lsnNumber(const QString &lsn)
{
    const qsizetype slash = lsn.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return 0;
    bool okHigh = false, okLow = false;
    const quint64 high = lsn.left(slash).toULongLong(&okHigh, 16);
    const quint64 low = lsn.mid(slash + 1).toULongLong(&okLow, 16);
    return okHigh && okLow ? (high << 32) | low : 0;
}

std::mutex g_mutex;
QHash<QString, quint64> g_committed; // servers key -> the latest primary WAL position this process committed

// What this thread last learnt of its reading connection: how far its server had replayed
// (kPrimary: it is the primary, which waits for nothing). Each worker thread reads on one
// connection at a time, so one entry a thread: a connection caught up once is not asked again
// until this process commits past that point. Known by the connection's name and its libpq
// handle, which a reconnection (perhaps to another host) replaces.
constexpr quint64 kPrimary = ~quint64(0);
struct Replayed
{
    QString connection;
    const void *handle = nullptr; // the PGconn
    quint64 upTo = 0;
};
thread_local Replayed t_replayed;
thread_local int t_replayChecks = 0;

const void *libpqHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    return handle.isValid() ? *static_cast<void *const *>(handle.constData()) : nullptr;
}

bool sameConnection(const Replayed &known, const QSqlDatabase &db)
{
    return known.handle && known.connection == db.connectionName() && known.handle == libpqHandle(db);
}

} // namespace

bool namesSeveralHosts(const QString &connectOptions)
{
    for (const QString &p : parts(connectOptions)) {
        if ((isKeyword(p, QLatin1String("host")) || isKeyword(p, QLatin1String("hostaddr"))) && p.contains(QLatin1Char(',')))
            return true;
    }
    return false;
}

QString withSessionAttrs(const QString &connectOptions, const QString &attrs)
{
    QStringList kept;
    for (const QString &p : parts(connectOptions)) {
        if (!isKeyword(p, QLatin1String("target_session_attrs")))
            kept << p;
    }
    kept << QStringLiteral("target_session_attrs='%1'").arg(attrs);
    return kept.join(QLatin1Char(';'));
}

void noteCommitted(QSqlDatabase &db)
{
    const QString options = db.connectOptions();
    if (!namesSeveralHosts(options))
        return;
    QSqlQuery q(db);
    // NULL on a standby (a read-only transaction's commit there): nothing to wait for. The insert
    // position, not the write position: with synchronous_commit off the commit record may still
    // be in the server's WAL buffers when the commit returns.
    if (!q.exec(QStringLiteral("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_insert_lsn()::text END"))
        || !q.next() || q.value(0).isNull())
        return; // only a help to the readers: they read what the standby has
    const quint64 lsn = lsnNumber(q.value(0).toString());
    std::lock_guard lock(g_mutex);
    quint64 &latest = g_committed[serversKey(options)];
    latest = std::max(latest, lsn);
}

void awaitCommitted(QSqlDatabase &db, int maxMs, const std::function<bool()> &stopped)
{
    const QString options = db.connectOptions();
    if (!namesSeveralHosts(options))
        return;
    quint64 wanted = 0;
    {
        std::lock_guard lock(g_mutex);
        wanted = g_committed.value(serversKey(options));
    }
    if (wanted == 0)
        return;
    if (sameConnection(t_replayed, db) && t_replayed.upTo >= wanted)
        return; // caught up already (or the primary): no round trip
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        QSqlQuery q(db);
        ++t_replayChecks;
        if (!q.exec(QStringLiteral("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) || !q.next())
            return; // the read itself will say what is wrong with the connection
        const quint64 upTo = q.value(0).toBool() ? lsnNumber(q.value(1).toString()) : kPrimary;
        t_replayed = Replayed{db.connectionName(), libpqHandle(db), upTo};
        if (upTo >= wanted)
            return;
        // A standby far behind: the page shows what it has rather than nothing. One whose reader
        // is being stopped (a window closing, a database changed) stops waiting at once.
        if (waited.elapsed() >= maxMs || (stopped && stopped()))
            return;
        QThread::msleep(10);
    }
}

int replayChecksOnThisThread()
{
    return t_replayChecks;
}

} // namespace lmo::pg
