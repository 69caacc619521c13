#include "storage/subscribersummary.h"

#include "storage/sqlutil.h"

#include <QSqlQuery>

namespace lmo::SubscriberSummary {

namespace {

// The summary of the orgs `where` selects (on licenses "l"). The aggregates read the licenses
// in table order and group them by a sort; each org's latest license is one index seek.
QString summarySql(Dialect dialect, const QString &where)
{
    // Package names in name order: the rows reach the aggregate sorted so (PostgreSQL says so
    // in the aggregate; SQLite 3.40 has no ORDER BY there, and concatenates in input order).
    const bool pg = dialect.kind() == Dialect::Kind::PostgreSQL;
    const QString names = pg ? QStringLiteral("STRING_AGG(CASE WHEN s.status <> 'Uninstalled' THEN s.package END, ', ' "
                                              "ORDER BY s.package)")
                             : QStringLiteral("GROUP_CONCAT(CASE WHEN s.status <> 'Uninstalled' THEN s.package END, ', ')");
    const QString notIndexed = !pg && where.isEmpty() ? QStringLiteral(" NOT INDEXED") : QString();
    return QStringLiteral(
               "INSERT INTO subscribers (org_id, account_name, org_edition, org_instance, org_status, is_sandbox, "
               "licenses, installed, packages, seats, site_licenses, used, first_install, last_change) "
               "SELECT a.org_id, d.account_name, d.org_edition, d.org_instance, d.org_status, d.is_sandbox, "
               "a.licenses, a.installed, a.packages, a.seats, a.site_licenses, a.used, a.first_install, a.last_change "
               "FROM (SELECT s.org_id, COUNT(*) AS licenses, "
               "SUM(CASE WHEN s.status <> 'Uninstalled' THEN 1 ELSE 0 END) AS installed, "
               "%1 AS packages, "
               "SUM(CASE WHEN s.status <> 'Uninstalled' AND s.seats <> -1 THEN s.seats ELSE 0 END) AS seats, "
               "SUM(CASE WHEN s.status <> 'Uninstalled' AND s.seats = -1 THEN 1 ELSE 0 END) AS site_licenses, "
               "SUM(CASE WHEN s.status <> 'Uninstalled' THEN s.used_licenses ELSE 0 END) AS used, "
               "MIN(s.install_date) AS first_install, MAX(s.last_modified) AS last_change, "
               "(SELECT x.id FROM licenses x WHERE x.org_id = s.org_id "
               "ORDER BY x.last_modified DESC, x.id DESC LIMIT 1) AS latest "
               "FROM (SELECT l.org_id, l.status, l.seats, l.used_licenses, l.install_date, l.last_modified, "
               "p.name AS package FROM licenses l%2 JOIN packages p ON p.id = l.package_ref %3 "
               "ORDER BY l.org_id, p.name) s GROUP BY s.org_id) a "
               "JOIN licenses d ON d.id = a.latest")
        .arg(names, notIndexed, where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where);
}

} // namespace

Result<void> rebuild(QSqlDatabase db, Dialect dialect)
{
    if (auto r = execSql(db, QStringLiteral("DELETE FROM subscribers"), QStringLiteral("summarising subscriber orgs")); !r)
        return r;
    // The grouping sorts every license; a larger cache gives the sort room (its overflow goes
    // to a temporary file, not to memory: the app stays small while it runs).
    if (dialect.kind() == Dialect::Kind::SQLite)
        QSqlQuery(db).exec(QStringLiteral("PRAGMA cache_size=-32768"));
    auto r = execSql(db, summarySql(dialect, QString()), QStringLiteral("summarising subscriber orgs"));
    if (dialect.kind() == Dialect::Kind::SQLite)
        QSqlQuery(db).exec(QStringLiteral("PRAGMA cache_size=-2000"));
    return r;
}

Result<void> refresh(QSqlDatabase db, Dialect dialect, const QStringList &orgIds)
{
    for (const QString &org : orgIds) {
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM subscribers WHERE org_id = ?"));
        remove.addBindValue(org);
        if (!remove.exec())
            return sqlError(remove.lastError(), QStringLiteral("updating subscriber org %1").arg(org));
        QSqlQuery insert(db);
        insert.prepare(summarySql(dialect, QStringLiteral("l.org_id = ?")));
        insert.addBindValue(org);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("updating subscriber org %1").arg(org));
    }
    return {};
}

Result<void> markStale(QSqlDatabase db)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?"));
    q.addBindValue(QString::fromLatin1(kDeferredName));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    if (q.value(0).toLongLong() > 0)
        return {};
    q.finish();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)"));
    insert.addBindValue(QString::fromLatin1(kDeferredName));
    insert.addBindValue(QString::fromLatin1(kDeferredMarker));
    if (!insert.exec())
        return sqlError(insert.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    return {};
}

} // namespace lmo::SubscriberSummary
