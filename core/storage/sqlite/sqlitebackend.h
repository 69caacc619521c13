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
    QString listTablesSql() const override;
    QString listIndexesSql() const override;
    // The write lock at once, waiting for another connection's as long as the busy timeout allows.
    QString beginWriteSql() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    Result<std::unique_ptr<FastInsert>> prepareInsert(QSqlDatabase db, const QByteArray &sql) const override;
    Result<std::unique_ptr<FastCursor>> prepareCursor(QSqlDatabase db, const QByteArray &sql, ReadOn on) const override;
    bool copiesRows(const QSqlDatabase &) const override { return false; }
    bool scansLicensesLocally() const override { return true; }
    std::unique_ptr<LoadScope> bulkLoadScope(QSqlDatabase db, bool appendOnly) const override;
};

namespace sqlite {

// The sqlite3* under a connection of the SQLite driver; nullptr for any other driver.
sqlite3 *handleOf(const QSqlDatabase &db);

// The suffix of LMO Desk's database files ("sqlite").
QString fileSuffix();
// The name of the database file LMO Desk makes when none is given ("lmodesk.sqlite").
QString defaultFileName();

} // namespace sqlite

} // namespace lmo
