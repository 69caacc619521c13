#include "storage/migrations.h"

#include "domain/licensefields.h"
#include "storage/sqlutil.h"

#include <QDateTime>
#include <QFile>
#include <QSqlQuery>
#include <QStringList>

#include <algorithm>

namespace lmo {

namespace {

struct MigrationFile
{
    int version;
    const char *description;
    const char *resource;
    // The step's script on PostgreSQL, where it differs from the SQLite one (else resource).
    const char *postgresResource = nullptr;
};

// Add a line here, and the file to resources/CMakeLists.txt, for each new schema version.
constexpr MigrationFile kMigrationFiles[] = {
    {1, "Licenses, packages, package versions and the audit log", ":/sql/0001_initial.sql"},
    {2, "Indexes deferred by a bulk load", ":/sql/0002_deferred_indexes.sql"},
    {3, "An index for every sortable and filterable license column", ":/sql/0003_browse_indexes.sql"},
    {4, "Subscriber orgs, summarised", ":/sql/0004_subscribers.sql"},
    {5, "The LMO profile the setup wizard records", ":/sql/0005_lmo_profiles.sql"},
    {6, "The LMO each license came from", ":/sql/0006_license_lmo.sql"},
    {7, "The audit log read as history (past days, uninstall days)", ":/sql/0007_audit_history_indexes.sql"},
    {8, "Each sort's index ends in the id that breaks its ties", ":/sql/0008_sort_indexes_end_in_id.sql",
     ":/sql/0008_sort_indexes_end_in_id_pg.sql"},
    {9, "A version number on every license, for edits made at the same time", ":/sql/0009_row_versions.sql"},
    {10, "Licenses read straight from the org: its SystemModstamp, the sync's watermarks and runs", ":/sql/0010_sync.sql"},
    {11, "A substring index for the license search", ":/sql/0011_license_search.sql", ":/sql/0011_license_search_pg.sql"},
    {12, "A compact image of the licenses for the dashboard", ":/sql/0012_license_image.sql", ":/sql/0012_license_image_pg.sql"},
    {13, "One index fewer on the audit log (each record's changes are found through its history index)",
     ":/sql/0013_drop_audit_record_index.sql"},
    {14, "A substring index for the license search on a team database (pg_trgm)", ":/sql/0014_license_search.sql",
     ":/sql/0014_license_search_pg.sql"},
    {15, "The stamps a team database's clients check their image of the licenses against", ":/sql/0015_license_image_stamps.sql",
     ":/sql/0015_license_image_stamps_pg.sql"},
    {16, "One license index fewer (the subscriber summary reads each org's licenses through its unique index)",
     ":/sql/0016_drop_org_modified_index.sql"},
    {17, "The uninstalls' index holds the uninstalls alone (a partial index of the audit log)",
     ":/sql/0017_uninstalls_index.sql"},
    {18, "What the billing system charges: its sources, subscriptions and the orgs they are linked to",
     ":/sql/0018_billing.sql"},
    {19, "Billing links say how they were made; a user's choice of the package a plan pays for",
     ":/sql/0019_billing_links.sql"},
};

} // namespace

QStringList splitSqlScript(const QString &script)
{
    QStringList statements;
    QString current;
    const QStringList lines = script.split(QLatin1Char('\n'));
    for (const QString &rawLine : lines) {
        const QString line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith(QStringLiteral("--")))
            continue;
        if (!current.isEmpty())
            current += QLatin1Char('\n');
        current += rawLine;
        if (line.endsWith(QLatin1Char(';'))) {
            current = current.trimmed();
            current.chop(1);
            statements << current;
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

std::vector<Migration> schemaMigrations(const Dialect &dialect)
{
    std::vector<Migration> migrations;
    for (const MigrationFile &file : kMigrationFiles) {
        const bool postgres = dialect.kind() == Dialect::Kind::PostgreSQL && file.postgresResource;
        const char *resource = postgres ? file.postgresResource : file.resource;
        QFile f(QString::fromLatin1(resource));
        // The files are compiled in; failing to read one is a build defect, not a user error.
        if (!f.open(QIODevice::ReadOnly))
            qFatal("LMO Desk: schema resource %s is missing from this build", resource);
        migrations.push_back(Migration{file.version, QString::fromLatin1(file.description),
                                       splitSqlScript(dialect.expand(QString::fromUtf8(f.readAll())))});
    }
    // A license field newer than the files (domain/licensefields.h) adds its own column, in the
    // version it names: a new field is one row in that list, not a file here as well.
    const int lastFile = std::end(kMigrationFiles)[-1].version;
    for (int version = lastFile + 1; version <= latestLicenseFieldSchema(); ++version) {
        QStringList statements, columns;
        for (const LicenseField &field : kLicenseFields) {
            if (field.addedInSchema != version)
                continue;
            statements << dialect.expand(QStringLiteral("ALTER TABLE licenses ADD COLUMN %1").arg(licenseColumnDefinition(field)));
            columns << QString::fromLatin1(field.column);
        }
        if (!statements.isEmpty())
            migrations.push_back(Migration{version, QStringLiteral("License fields: %1").arg(columns.join(QStringLiteral(", "))),
                                           statements});
    }
    return migrations;
}

int latestSchemaVersion()
{
    return std::max(std::end(kMigrationFiles)[-1].version, latestLicenseFieldSchema());
}

Migrator::Migrator(QSqlDatabase db, std::vector<Migration> migrations)
    : m_db(std::move(db)), m_migrations(std::move(migrations))
{
}

namespace {

Result<bool> hasVersionTable(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.exec(Dialect::forDriver(db.driverName()).listTablesSql()))
        return sqlError(q.lastError(), QStringLiteral("listing the tables"));
    while (q.next())
        if (q.value(0).toString() == QLatin1String(Migrator::kVersionTable))
            return true;
    return false;
}

} // namespace

Result<void> Migrator::ensureVersionTable()
{
    auto has = hasVersionTable(m_db);
    if (!has)
        return has.error();
    if (has.value())
        return {};
    const Dialect dialect = Dialect::forDriver(m_db.driverName());
    return execSql(m_db,
                   dialect.expand(QStringLiteral("CREATE TABLE schema_migrations (version ${BIGINT} PRIMARY KEY, "
                                                 "description ${TEXT} NOT NULL, applied_at ${TIMESTAMP} NOT NULL)")),
                   QStringLiteral("creating the schema version table"));
}

Result<int> Migrator::currentVersion() const
{
    auto has = hasVersionTable(m_db);
    if (!has)
        return has.error();
    if (!has.value())
        return 0;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")))
        return sqlError(q.lastError(), QStringLiteral("reading the schema version"));
    return q.next() ? q.value(0).toInt() : 0;
}

// One step's statements and its row in schema_migrations, inside the caller's transaction.
Result<void> Migrator::apply(const Migration &migration)
{
    for (const QString &statement : migration.statements) {
        if (auto r = execSql(m_db, statement, QStringLiteral("migrating the schema to version %1").arg(migration.version));
            !r)
            return r;
    }
    QSqlQuery record(m_db);
    if (!record.prepare(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)")))
        return sqlError(record.lastError(), QStringLiteral("recording schema version %1").arg(migration.version));
    record.addBindValue(migration.version);
    record.addBindValue(migration.description);
    record.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!record.exec())
        return sqlError(record.lastError(), QStringLiteral("recording schema version %1").arg(migration.version));
    return {};
}

Result<int> Migrator::migrate()
{
    if (Dialect::forDriver(m_db.driverName()).kind() == Dialect::Kind::PostgreSQL)
        return migrateShared();
    auto version = currentVersion();
    if (!version)
        return version.error();
    int current = version.value();
    for (const Migration &migration : m_migrations) {
        if (migration.version <= current)
            continue;
        // The write lock first, then the version again: another program opening the same new
        // file at the same moment may have migrated it while this one waited for the lock.
        Transaction transaction(m_db);
        if (auto r = transaction.beginWrite(QStringLiteral("starting schema migration %1").arg(migration.version)); !r)
            return r.error();
        auto now = currentVersion();
        if (!now)
            return now.error();
        if (now.value() >= migration.version) {
            current = now.value();
            continue; // nothing written: the transaction rolls back
        }
        if (auto r = ensureVersionTable(); !r)
            return r.error();
        if (auto r = apply(migration); !r)
            return r.error();
        if (auto r = transaction.commit(QStringLiteral("committing schema version %1").arg(migration.version)); !r)
            return r.error();
        current = migration.version;
    }
    return current;
}

// A shared server: every step in one transaction that first takes an advisory lock of this
// schema's own, so that two clients opening a new server at once migrate it once (the second
// waits, then finds the work done). PostgreSQL's DDL is transactional: a failed step leaves the
// schema as it was.
Result<int> Migrator::migrateShared()
{
    auto before = currentVersion();
    if (!before)
        return before.error();
    if (!m_migrations.empty() && before.value() >= m_migrations.back().version)
        return before.value();
    Transaction transaction(m_db);
    if (auto r = transaction.begin(QStringLiteral("starting the schema migration")); !r)
        return r.error();
    if (auto r = execSql(m_db, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('lmodesk schema migration ' || "
                                              "current_schema()))"),
                         QStringLiteral("waiting for another client's schema migration"));
        !r)
        return r.error();
    auto now = currentVersion();
    if (!now)
        return now.error();
    int current = now.value();
    if (auto r = ensureVersionTable(); !r)
        return r.error();
    for (const Migration &migration : m_migrations) {
        if (migration.version <= current)
            continue;
        if (auto r = apply(migration); !r)
            return r.error();
        current = migration.version;
    }
    if (auto r = transaction.commit(QStringLiteral("committing the schema migration to version %1").arg(current)); !r)
        return r.error();
    return current;
}

} // namespace lmo
