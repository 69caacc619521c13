#include "storage/licensesearch.h"

#include "storage/sqlutil.h"

#include <QSqlQuery>

namespace lmo::LicenseSearch {

namespace {

// As schema version 11 creates them (resources/sql/0011_license_search.sql).
const char *const kTriggers[] = {
    "CREATE TRIGGER license_search_insert AFTER INSERT ON licenses BEGIN INSERT INTO license_search(rowid, name, "
    "account_name, org_id) VALUES (new.id, new.name, new.account_name, new.org_id); END",
    "CREATE TRIGGER license_search_delete AFTER DELETE ON licenses BEGIN INSERT INTO license_search(license_search, "
    "rowid, name, account_name, org_id) VALUES ('delete', old.id, old.name, old.account_name, old.org_id); END",
    "CREATE TRIGGER license_search_update AFTER UPDATE OF name, account_name, org_id ON licenses BEGIN INSERT INTO "
    "license_search(license_search, rowid, name, account_name, org_id) VALUES ('delete', old.id, old.name, "
    "old.account_name, old.org_id); INSERT INTO license_search(rowid, name, account_name, org_id) VALUES (new.id, "
    "new.name, new.account_name, new.org_id); END",
};
const char *const kTriggerNames[] = {"license_search_insert", "license_search_delete", "license_search_update"};

} // namespace

bool supported(const Dialect &dialect)
{
    return dialect.kind() == Dialect::Kind::SQLite;
}

Result<void> suspend(QSqlDatabase db)
{
    if (!supported(Dialect::forDriver(db.driverName())))
        return {};
    // A database written to is at the latest schema: the index and its triggers are there.
    for (const char *name : kTriggerNames)
        if (auto r = execSql(db, QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(QLatin1String(name)),
                             QStringLiteral("preparing the bulk load"));
            !r)
            return r;
    return {};
}

Result<void> rebuild(QSqlDatabase db)
{
    if (!supported(Dialect::forDriver(db.driverName())))
        return {};
    const QString doing = QStringLiteral("building the license search index");
    for (const char *name : kTriggerNames)
        if (auto r = execSql(db, QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(QLatin1String(name)), doing); !r)
            return r;
    if (auto r = execSql(db, QStringLiteral("INSERT INTO license_search(license_search) VALUES ('rebuild')"), doing); !r)
        return r;
    for (const char *sql : kTriggers)
        if (auto r = execSql(db, QString::fromLatin1(sql), doing); !r)
            return r;
    return {};
}

Result<void> defer(QSqlDatabase db)
{
    const QString doing = QStringLiteral("recording the license search index to build");
    auto pending = queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = '%1'").arg(QLatin1String(kDeferredName)),
                               doing);
    if (!pending)
        return pending.error();
    if (pending.value() > 0)
        return {};
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)")))
        return sqlError(q.lastError(), doing);
    q.addBindValue(QString::fromLatin1(kDeferredName));
    q.addBindValue(QString::fromLatin1(kDeferredMarker));
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return {};
}

QString matchExpression(const QString &text)
{
    // Characters, not UTF-16 units: a trigram is three code points.
    const QList<uint> points = text.toUcs4();
    if (points.size() < 3)
        return {};
    QStringList terms;
    for (qsizetype i = 0; i + 3 <= points.size(); ++i) {
        QString trigram = QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData() + i), 3);
        trigram.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        const QString term = QLatin1Char('"') + trigram + QLatin1Char('"');
        if (!terms.contains(term))
            terms << term;
    }
    return terms.join(QLatin1Char(' '));
}

QString joinedTextCondition(const QString &alias, const QString &text, QVariantList &binds, const QString &likePattern)
{
    if (text.toUcs4().size() < 3)
        return {};
    binds << likePattern;
    // The expression of licenses_search_trgm (0014_license_search_pg.sql), column for column.
    return QStringLiteral("(coalesce(%1.name, '') || ' ' || coalesce(%1.account_name, '') || ' ' || coalesce(%1.org_id, '')) "
                          "ILIKE ? ESCAPE '\\'")
        .arg(alias);
}

QString candidateIds(const Dialect &dialect, const QString &text, const QString &like, QVariantList &binds,
                     const QString &likePattern)
{
    if (dialect.kind() == Dialect::Kind::PostgreSQL) {
        // The trigram index of schema 14 (pg_trgm), over the three texts joined: its candidates
        // when it is there and built; every license when it is not (pg_trgm could not be
        // installed) or waits to be rebuilt after a bulk load. Both tests are one-time filters:
        // the branch not taken reads nothing. Under three characters a trigram cannot narrow
        // anything: the plain scan.
        if (text.toUcs4().size() < 3)
            return {};
        const QString usable = QStringLiteral("(to_regclass('licenses_search_trgm') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                                              "deferred_indexes WHERE name = 'licenses_search_trgm'))");
        binds << likePattern << likePattern;
        return QStringLiteral("SELECT id FROM licenses WHERE %1 AND (coalesce(name, '') || ' ' || coalesce(account_name, '') || "
                              "' ' || coalesce(org_id, '')) %2 ? ESCAPE '\\' "
                              "UNION ALL SELECT id FROM licenses WHERE NOT %1 "
                              "UNION ALL SELECT id FROM licenses WHERE package_ref IN (SELECT id FROM packages WHERE name %2 ? "
                              "ESCAPE '\\')")
            .arg(usable, like);
    }
    if (!supported(dialect))
        return {};
    const QString match = matchExpression(text);
    if (match.isEmpty())
        return {};
    // While the index waits to be rebuilt, every license is a candidate. That branch starts from
    // the pending entry (CROSS JOIN keeps it the outer loop): with none, it reads nothing. Written
    // as "WHERE EXISTS (...)" on licenses, SQLite 3.40 scanned an index of all the licenses to
    // return none (160 ms at 10M, on every search).
    const QString pending = QStringLiteral("EXISTS (SELECT 1 FROM deferred_indexes WHERE name = '%1')").arg(QLatin1String(kDeferredName));
    binds << match << likePattern;
    return QStringLiteral("SELECT rowid FROM license_search WHERE license_search MATCH ? AND NOT %1 "
                          "UNION ALL SELECT every_license.id FROM deferred_indexes waiting CROSS JOIN licenses every_license "
                          "WHERE waiting.name = '%3' "
                          "UNION ALL SELECT id FROM licenses WHERE package_ref IN (SELECT id FROM packages WHERE name %2 ? ESCAPE '\\')")
        .arg(pending, like, QLatin1String(kDeferredName));
}

} // namespace lmo::LicenseSearch
