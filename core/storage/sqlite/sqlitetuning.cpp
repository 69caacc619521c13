#include "storage/sqlite/sqlitetuning.h"

#include <QSqlQuery>

namespace lmo::sqlite {

bool isSqlite(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QSQLITE");
}

int busyTimeoutMs(QSqlDatabase db)
{
    if (!isSqlite(db))
        return -1;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA busy_timeout")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

bool setBusyTimeoutMs(QSqlDatabase db, int ms)
{
    return isSqlite(db) && QSqlQuery(db).exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(ms));
}

namespace {

// Tuning only: if a setting is refused the work is slower, not wrong.
void tune(QSqlDatabase &db, const QString &sql)
{
    if (isSqlite(db))
        QSqlQuery(db).exec(sql);
}

} // namespace

void setCacheKib(QSqlDatabase db, int kib)
{
    tune(db, QStringLiteral("PRAGMA cache_size=-%1").arg(kib));
}

void checkpoint(QSqlDatabase db)
{
    tune(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

BulkPragmas::BulkPragmas(QSqlDatabase db, bool appendOnly) : m_db(std::move(db)), m_sqlite(isSqlite(m_db))
{
    setAppendOnly(appendOnly);
    exec(QStringLiteral("PRAGMA threads=2"));
    // Index sorts in runs written to temporary files (IndexBuildPragmas says why): MEMORY, which
    // this load had, makes each index one sort of all its keys in memory, two to three times
    // slower at 1M licenses.
    exec(QStringLiteral("PRAGMA temp_store=FILE"));
}

BulkPragmas::~BulkPragmas()
{
    exec(QStringLiteral("PRAGMA cache_size=-2000"));
    exec(QStringLiteral("PRAGMA threads=0"));
    exec(QStringLiteral("PRAGMA temp_store=DEFAULT"));
}

void BulkPragmas::setAppendOnly(bool appendOnly)
{
    exec(appendOnly ? QStringLiteral("PRAGMA cache_size=-16384")   // 16 MiB
                    : QStringLiteral("PRAGMA cache_size=-98304")); // 96 MiB
}

void BulkPragmas::exec(const QString &sql)
{
    if (m_sqlite)
        QSqlQuery(m_db).exec(sql);
}

PragmaForLoad::PragmaForLoad(QSqlDatabase db, const char *name, bool value)
    : m_db(std::move(db)), m_name(QString::fromLatin1(name))
{
    if (!isSqlite(m_db))
        return;
    QSqlQuery was(m_db);
    if (!was.exec(QStringLiteral("PRAGMA %1").arg(m_name)) || !was.next())
        return;
    m_was = was.value(0).toInt() != 0;
    was.finish();
    m_switched = QSqlQuery(m_db).exec(QStringLiteral("PRAGMA %1=%2").arg(m_name, value ? u"ON" : u"OFF"));
}

PragmaForLoad::~PragmaForLoad()
{
    if (m_switched)
        QSqlQuery(m_db).exec(QStringLiteral("PRAGMA %1=%2").arg(m_name, m_was ? u"ON" : u"OFF"));
}

namespace {

QString pragmaValue(QSqlDatabase &db, const char *name)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA %1").arg(QLatin1String(name))) || !q.next())
        return {};
    return q.value(0).toString();
}

} // namespace

IndexBuildPragmas::IndexBuildPragmas(QSqlDatabase db) : m_db(std::move(db)), m_sqlite(isSqlite(m_db))
{
    if (!m_sqlite)
        return;
    m_cacheSize = pragmaValue(m_db, "cache_size");
    m_threads = pragmaValue(m_db, "threads");
    m_tempStore = pragmaValue(m_db, "temp_store");
    tune(m_db, QStringLiteral("PRAGMA cache_size=-%1").arg(kSortRunKib));
    tune(m_db, QStringLiteral("PRAGMA threads=2"));
    if (m_tempStore == QLatin1String("2")) // MEMORY: one list in memory, however large
        tune(m_db, QStringLiteral("PRAGMA temp_store=FILE"));
}

IndexBuildPragmas::~IndexBuildPragmas()
{
    if (!m_sqlite)
        return;
    if (m_tempStore == QLatin1String("2"))
        tune(m_db, QStringLiteral("PRAGMA temp_store=MEMORY"));
    tune(m_db, QStringLiteral("PRAGMA cache_size=%1").arg(m_cacheSize.isEmpty() ? QStringLiteral("-2000") : m_cacheSize));
    tune(m_db, QStringLiteral("PRAGMA threads=%1").arg(m_threads.isEmpty() ? QStringLiteral("0") : m_threads));
}

} // namespace lmo::sqlite
