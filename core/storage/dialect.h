#pragma once

#include <QString>

namespace lmo {

// The few places where SQL differs between the embedded SQLite database and a team PostgreSQL
// one. Everything else in the core is written in the portable subset both understand.
class Dialect
{
public:
    enum class Kind { SQLite, PostgreSQL };

    static Dialect forDriver(const QString &driverName);
    static Dialect forKind(Kind kind) { return Dialect(kind); }

    Kind kind() const { return m_kind; }
    QString name() const;

    // Replaces the schema tokens of resources/sql/*.sql: ${ID} (an auto-numbered integer key),
    // ${BIGINT}, ${TEXT}, ${BOOL} (0/1), ${DATE} (ISO text in SQLite), ${TIMESTAMP} (ISO text, UTC).
    QString expand(QString sql) const;

    // The SQL listing a table's secondary indexes as (name, create statement), so bulk loads can
    // drop and rebuild them. (The engine's StorageBackend says it.)
    QString listIndexesSql() const;
    // The SQL listing the tables of the database (SQLite) or of the schema in use (PostgreSQL:
    // current_schema(), so several LMO Desk databases may share one server database).
    QString listTablesSql() const;
    // About how many licenses there are (StorageBackend::licensesEstimateSql).
    QString licensesEstimateSql() const;

private:
    explicit Dialect(Kind kind) : m_kind(kind) {}
    Kind m_kind;
};

} // namespace lmo
