#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace lmo {

// One step of the schema. Versions count up from 1; a database records each version applied.
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements; // already expanded for the dialect
};

// The schema this build knows, read from the SQL files in resources/sql.
std::vector<Migration> schemaMigrations(const Dialect &dialect);
int latestSchemaVersion();

// Splits a migration script into statements: ";" at the end of a line ends one; "--" lines are
// comments.
QStringList splitSqlScript(const QString &script);

class Migrator
{
public:
    Migrator(QSqlDatabase db, std::vector<Migration> migrations);

    // The version recorded in the database: 0 for an empty one.
    Result<int> currentVersion() const;
    // Applies each missing migration in its own transaction, in order. A failure rolls that
    // migration back and leaves the database at the previous version. On PostgreSQL all of
    // them go in one transaction under an advisory lock (see migrateShared).
    Result<int> migrate();

    static constexpr const char *kVersionTable = "schema_migrations";

private:
    Result<void> ensureVersionTable();
    Result<int> migrateShared();
    Result<void> apply(const Migration &migration);
    QSqlDatabase m_db;
    std::vector<Migration> m_migrations;
};

} // namespace lmo
