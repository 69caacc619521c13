#include "storage/bulkload.h"

#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"

#include <QScopeGuard>
#include <QSqlQuery>

#include <algorithm>
#include <optional>

#include <utility>
#include <vector>

namespace lmo {

Result<void> IndexSuspension::suspend(const QString &table, Keep keep)
{
    QSqlQuery q(m_db);
    q.prepare(m_dialect.listIndexesSql());
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
    return {};
}

Result<void> IndexSuspension::restore()
{
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

RollbackJournalWhileAlone::RollbackJournalWhileAlone(QSqlDatabase db) : m_db(std::move(db))
{
    if (m_db.driverName() != QLatin1String("QSQLITE"))
        return;
    QSqlQuery q(m_db);
    m_switched = q.exec(QStringLiteral("PRAGMA journal_mode=DELETE")) && q.next()
                 && q.value(0).toString().compare(QStringLiteral("delete"), Qt::CaseInsensitive) == 0;
}

RollbackJournalWhileAlone::~RollbackJournalWhileAlone()
{
    if (m_switched)
        QSqlQuery(m_db).exec(QStringLiteral("PRAGMA journal_mode=WAL"));
}

Result<int> deferredIndexCount(QSqlDatabase db)
{
    auto n = queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM deferred_indexes"),
                         QStringLiteral("reading the indexes to build"));
    if (!n)
        return n.error();
    return int(n.value());
}

Result<void> buildDeferredIndexes(QSqlDatabase db, const std::function<bool(int done, int total)> &progress)
{
    std::vector<std::pair<QString, QString>> pending;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT name, definition FROM deferred_indexes ORDER BY name")))
            return sqlError(q.lastError(), QStringLiteral("reading the indexes to build"));
        while (q.next())
            pending.emplace_back(q.value(0).toString(), q.value(1).toString());
    }
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
    // A larger page cache and a second sorting thread make each build quicker; 64 MiB keeps a
    // million-license load under 200 MB resident (96 MiB was no faster and went over).
    QSqlQuery(db).exec(QStringLiteral("PRAGMA cache_size=-65536"));
    QSqlQuery(db).exec(QStringLiteral("PRAGMA threads=2"));
    // Out of the write-ahead log while alone (see RollbackJournalWhileAlone): about a tenth
    // quicker at a million licenses, the index pages written once.
    std::optional<RollbackJournalWhileAlone> journal;
    if (total > 0)
        journal.emplace(db);
    auto restorePragmas = qScopeGuard([&db] {
        QSqlQuery(db).exec(QStringLiteral("PRAGMA cache_size=-2000"));
        QSqlQuery(db).exec(QStringLiteral("PRAGMA threads=0"));
    });
    for (int i = 0; i < total; ++i) {
        if (progress && !progress(i, total))
            return Error::make(Error::Code::Cancelled, QStringLiteral("Building the indexes was stopped; %1 of %2 are left.")
                                                           .arg(total - i)
                                                           .arg(total));
        const auto &[name, definition] = pending[size_t(i)];
        Transaction t(db);
        if (auto r = t.beginWrite(QStringLiteral("building index %1").arg(name)); !r)
            return r;
        // Built already (by another window on the same file, say): only the record goes.
        QSqlQuery exists(db);
        exists.prepare(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?"));
        exists.addBindValue(name);
        if (!exists.exec() || !exists.next())
            return sqlError(exists.lastError(), QStringLiteral("building index %1").arg(name));
        const bool stillPending = exists.value(0).toLongLong() > 0;
        exists.finish();
        if (stillPending) {
            if (definition == QLatin1String(SubscriberSummary::kDeferredMarker)) {
                if (auto r = SubscriberSummary::rebuild(db, Dialect::forDriver(db.driverName())); !r)
                    return r;
            } else if (auto r = execSql(db, definition, QStringLiteral("building index %1").arg(name)); !r) {
                return r;
            }
            QSqlQuery done(db);
            done.prepare(QStringLiteral("DELETE FROM deferred_indexes WHERE name = ?"));
            done.addBindValue(name);
            if (!done.exec())
                return sqlError(done.lastError(), QStringLiteral("building index %1").arg(name));
        }
        if (auto r = t.commit(QStringLiteral("building index %1").arg(name)); !r)
            return r;
    }
    // Row counts for the query planner, now that the indexes are there.
    if (total > 0)
        QSqlQuery(db).exec(QStringLiteral("ANALYZE"));
    if (progress)
        progress(total, total);
    return {};
}

} // namespace lmo
