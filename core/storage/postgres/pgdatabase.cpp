// Opening a team database on a PostgreSQL server: Database's half that knows the server.
#include "storage/database.h"

#include "storage/backend.h"
#include "storage/migrations.h"
#include "storage/postgres/pglocation.h"
#include "storage/postgres/pgstandby.h"
#include "storage/postgres/pgteam.h"
#include "storage/sqlutil.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QUuid>

namespace lmo {

namespace {

// What every connection says first, in one round trip:
// - times are read and written in UTC (the schema's TIMESTAMPTZ columns hold instants; SQLite's
//   hold ISO text in UTC, and both read the same);
// - where nobody configured random_page_cost (its source is still the built-in default, 4, made
//   for spinning disks), 1.1, the usual figure for solid-state storage and for a database that
//   fits in memory. At 4 the planner prices a read through an index whose rows lie out of order
//   so high that, for a list sorted by package, it walked the install-date index and skipped a
//   quarter of the table (80 ms) instead of reading the package's own index (1 ms). A server
//   whose owner set it, in its configuration, for the database or for the login, keeps theirs.
// - where nobody configured jit, off. The planner compiles a statement it prices above
//   jit_above_cost, which at ten million licenses is every search and count of the list; the
//   compilation (0.2-0.4 s a statement here) cost more than it saved: a name search took 371 ms
//   with it and 192 ms without. A server whose owner set jit keeps theirs.
// - where nobody configured work_mem, 32MB instead of the built-in 4MB. A bitmap of the rows a
//   search or filter matches is kept exact only while it fits in work_mem; past that it keeps
//   whole pages, and the server tests every row of each again. A word in 105,966 account names
//   at 10M: 34,000 of its 94,000 pages went lossy at 4MB and 770,000 rows were tested again,
//   1.2-1.6 s; at 32MB, 0.53-0.61 s. The app holds a handful of connections, and a sort or
//   hash of a statement takes the memory only as it needs it.
// - on a team database, a login whose role may not read some columns reads the tables through
//   its role's views (team.sql): their schema goes first in the search_path, so every query
//   names the tables as ever and reads the hidden columns as NULL.
Result<void> setUpSession(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT set_config('TimeZone', 'UTC', false), "
                                  "(SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings "
                                  "WHERE name = 'random_page_cost' AND source = 'default'), "
                                  "(SELECT set_config('jit', 'off', false) FROM pg_settings "
                                  "WHERE name = 'jit' AND source = 'default'), "
                                  "(SELECT set_config('work_mem', '32MB', false) FROM pg_settings "
                                  "WHERE name = 'work_mem' AND source = 'default'), "
                                  "(SELECT set_config('search_path', quote_ident(v.nspname) || ', ' || "
                                  "current_setting('search_path'), false) FROM pg_namespace v "
                                  "WHERE v.nspname = current_schema() || '__' || (SELECT substr(g.rolname, 5) "
                                  "FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
                                  "WHERE m.rolname = session_user AND g.rolname IN ('lmo_partner_ops', 'lmo_customer_success', "
                                  "'lmo_support') ORDER BY g.rolname = 'lmo_support', g.rolname = 'lmo_customer_success' LIMIT 1) "
                                  "AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = v.oid)), "
                                  "EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                  "WHERE n.nspname = %2 AND c.relname = 'team_policy'), "
                                  "set_config('lmodesk.client', '%1', false)")
                    .arg(pg::clientId(), pg::baseSchemaSql()))
        || !q.next())
        return sqlError(q.lastError(), QStringLiteral("setting up the session"));
    // (Whether the tables' schema is a team's: named without the role's view schema the search_path may now begin with.)
    pg::rememberTeamSession(db, q.value(5).toBool());
    return {};
}

void dropConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QString withDefaults(const PgLocation &location, QString options)
{
    // Who is connected shows in pg_stat_activity; a server that does not answer is given up on
    // rather than waited for without end.
    if (location.value(QStringLiteral("application_name")).isEmpty())
        options += QStringLiteral("%1application_name='LMO Desk'").arg(options.isEmpty() ? u"" : u";");
    if (location.value(QStringLiteral("connect_timeout")).isEmpty())
        options += QStringLiteral("%1connect_timeout=10").arg(options.isEmpty() ? u"" : u";");
    return options;
}

} // namespace

Result<std::unique_ptr<Database>> Database::openPostgres(const QString &uri, const OpenOptions &options)
{
    auto parsed = PgLocation::parse(uri);
    if (!parsed)
        return parsed.error();
    PgLocation location = std::move(parsed).value();
    const QString shown = location.display();
    if (location.password().isEmpty() && !options.password.isEmpty())
        location.setPassword(options.password);
    auto driverOptions = location.driverOptions();
    if (!driverOptions)
        return driverOptions.error();
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return Error::make(Error::Code::Io,
                           QStringLiteral("Qt's PostgreSQL driver is not installed, so %1 cannot be opened. Install it "
                                          "(on Debian: apt install libqt6sql6-psql) and try again.")
                               .arg(shown));

    std::unique_ptr<Database> database(new Database);
    database->m_storage = &StorageBackend::postgres();
    database->m_backend = Backend::PostgreSQL;
    database->m_driver = QStringLiteral("QPSQL");
    database->m_path = location.uriWithoutPassword();
    database->m_displayName = shown;
    database->m_connectOptions = withDefaults(location, driverOptions.value());
    database->m_password = location.password();
    database->m_dialect = Dialect::forDriver(database->m_driver);
    database->m_connectionName = QStringLiteral("lmodesk-pg-%1").arg(QUuid::createUuid().toString(QUuid::Id128));

    // A primary named with its standbys: this connection, which writes, goes to the primary, and
    // the pages read from a standby where one answers. Where the user chose (target_session_attrs
    // in the address), every connection does as they said.
    const bool replicas = pg::namesSeveralHosts(database->m_connectOptions) && location.value(QStringLiteral("target_session_attrs")).isEmpty();
    if (replicas) {
        database->m_readingConnectOptions = pg::withSessionAttrs(database->m_connectOptions, QStringLiteral("prefer-standby"));
        database->m_connectOptions = pg::withSessionAttrs(database->m_connectOptions, QStringLiteral("read-write"));
    }
    auto opened = openPostgresConnection(database->connectionSpec(), database->m_connectionName);
    if (!opened && replicas && opened.error().code != Error::Code::AuthFailed) {
        // No primary answers, perhaps a standby does: opened read-only (checkAndMigrate says
        // why); if none does either, the first answer says what went wrong. Only a standby:
        // a primary that refused the first attempt (too many clients, say) must not become the
        // main connection of a database whose every other connection prefers standbys.
        const QString writing = database->m_connectOptions;
        database->m_connectOptions = pg::withSessionAttrs(database->m_connectOptions, QStringLiteral("standby"));
        auto standby = openPostgresConnection(database->connectionSpec(), database->m_connectionName);
        if (standby)
            opened = std::move(standby);
        else
            database->m_connectOptions = writing;
    }
    if (!opened)
        return opened.error();
    // Every query of the checks is gone when they return, before a refused connection is dropped.
    const Result<void> checked = checkAndMigrate(*database, opened.value(), options);
    if (!checked) {
        opened.value() = QSqlDatabase();
        dropConnection(database->m_connectionName);
        database->m_connectionName.clear();
        return checked.error();
    }
    return database;
}

Result<void> Database::checkAndMigrate(Database &database, QSqlDatabase db, const OpenOptions &options)
{
    const QString shown = database.m_displayName;
    // The schema tables go in: an address whose search_path names no schema that exists (or
    // that this login may not use) has nowhere to put them.
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT current_schema(), current_setting('transaction_read_only'), "
                                   "current_setting('server_version_num')::int, pg_is_in_recovery()"))
            || !q.next()) {
            const Error e = sqlError(q.lastError(), QStringLiteral("reading %1").arg(shown));
            return e;
        }
        if (q.value(0).isNull()) {
            // A team database's schema that this login may not use: it is in none of the roles.
            q.finish();
            QSqlQuery team(db);
            if (team.exec(QStringLiteral("SELECT session_user FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
                                         "WHERE c.relname = 'team_policy' AND n.nspname = ANY (string_to_array("
                                         "replace(replace(current_setting('search_path'), ' ', ''), '\"', ''), ','))"))
                && team.next()) {
                return Error::make(Error::Code::AuthFailed,
                                   QStringLiteral("%1 is a team database, and %2 is in none of its roles (partner ops, "
                                                  "customer success, support), so it may read nothing there. Ask partner "
                                                  "ops to add it: lmodesk team add-user %2 --role ROLE.")
                                       .arg(shown, team.value(0).toString()));
            }
            return Error::make(Error::Code::NotADatabase,
                               QStringLiteral("%1 has no schema to keep LMO Desk's tables in: its search_path names "
                                              "none that exists and this login may use. Create the schema (CREATE "
                                              "SCHEMA name AUTHORIZATION login) or fix options=-csearch_path in the "
                                              "address.")
                                   .arg(shown));
        }
        if (q.value(2).toInt() < 130000) {
            return Error::make(Error::Code::Io,
                               QStringLiteral("The server of %1 runs PostgreSQL %2; LMO Desk needs 13 or later (15 is "
                                              "what it is tested on). Ask the server's owner to upgrade it.")
                                   .arg(shown)
                                   .arg(q.value(2).toInt() / 10000));
        }
        if (options.readOnly) {
            database.m_readOnly = true;
            database.m_readOnlyReason = options.readOnlyReason.isEmpty() ? QStringLiteral("opened read-only as asked")
                                                                           : options.readOnlyReason;
        } else if (q.value(1).toString() == QLatin1String("on")) {
            // A standby, or a primary whose owner made this login's (or database's) sessions
            // read-only (default_transaction_read_only).
            database.m_readOnly = true;
            database.m_readOnlyReason = q.value(3).toBool()
                                            ? QStringLiteral("the server is a read-only standby (a replica)")
                                            : QStringLiteral("the server lets this session only read "
                                                             "(default_transaction_read_only is on)");
        }
    }

    // Who this login is on a team database: one in none of its roles may read nothing there.
    {
        auto access = pg::readSessionAccess(db);
        if (!access)
            return access.error();
        database.m_access = access.value();
        const team::SessionAccess &a = database.m_access;
        if (a.enforced && !a.role && !a.seesEverything()) {
            return Error::make(Error::Code::AuthFailed,
                               QStringLiteral("%1 is a team database, and %2 is in none of its roles (partner ops, customer "
                                              "success, support), so it may read nothing there. Ask partner ops to add it: "
                                              "lmodesk team add-user %2 --role ROLE.")
                                   .arg(shown, a.login));
        }
    }

    QSqlQuery look(db);
    if (!look.exec(database.m_dialect.listTablesSql())) {
        const Error e = sqlError(look.lastError(), QStringLiteral("reading %1").arg(shown));
        return e;
    }
    QStringList tables;
    while (look.next())
        tables << look.value(0).toString();
    look.finish();
    if (!tables.isEmpty() && !tables.contains(QString::fromLatin1(Migrator::kVersionTable))) {
        return Error::make(Error::Code::NotOurDatabase,
                           QStringLiteral("%1 holds tables of another program (such as \"%2\") and no LMO Desk schema. "
                                          "It was left untouched: give LMO Desk a database (or a schema, with "
                                          "?options=-csearch_path%%3Dname) of its own.")
                               .arg(shown, tables.first()));
    }

    Migrator migrator(db, schemaMigrations(database.m_dialect));
    auto version = migrator.currentVersion();
    if (!version) {
        return version.error();
    }
    const int latest = latestSchemaVersion();
    if (version.value() > latest) {
        return Error::make(Error::Code::SchemaTooNew,
                           QStringLiteral("%1 was brought to schema version %2 by a newer LMO Desk; this build knows up "
                                          "to %3 and would write what that version no longer expects. It was left "
                                          "untouched: update LMO Desk to one that knows version %2.")
                               .arg(shown)
                               .arg(version.value())
                               .arg(latest));
    }
    // A team database's schema belongs to lmo_owner, which no login is: its owner brings it
    // forward (team init), and until then this client, which would write what the old schema
    // does not expect, only reads.
    if (database.m_access.enforced && version.value() < latest && !database.m_access.owner && !database.m_access.superuser) {
        return Error::make(Error::Code::SchemaTooOld,
                           QStringLiteral("%1 is a team database at schema version %2, and this LMO Desk needs version %3. "
                                          "Its owner brings it up to date with \"lmodesk team init --db URI\" (run with the "
                                          "login that set the team up); then open it again.")
                               .arg(shown)
                               .arg(version.value())
                               .arg(latest));
    }
    if (database.m_readOnly) {
        if (tables.isEmpty()) {
            return Error::make(Error::Code::NotADatabase,
                               QStringLiteral("%1 holds no LMO Desk database yet (it has no tables). It was left "
                                              "untouched: create it with \"lmodesk demo --db URI\", \"lmodesk import "
                                              "--db URI FILE\" or File > Connect to team database.")
                                   .arg(shown));
        }
        if (version.value() < latest) {
            return Error::make(options.readOnly ? Error::Code::SchemaTooOld : Error::Code::ReadOnly,
                               QStringLiteral("%1 needs its schema brought up to date (version %2 to %3), but %4. Open "
                                              "it once from a client that may write to it, and try again.")
                                   .arg(shown)
                                   .arg(version.value())
                                   .arg(latest)
                                   .arg(database.m_readOnlyReason));
        }
        database.m_schemaVersion = version.value();
        return {};
    }
    auto migrated = migrator.migrate();
    if (!migrated)
        return migrated.error();
    database.m_schemaVersion = migrated.value();
    return {};
}

bool Database::reopenPostgres(QSqlDatabase &db)
{
    db.close();
    if (!db.open())
        return false;
    if (!setUpSession(db)) {
        db.close();
        return false;
    }
    return true;
}

Result<QSqlDatabase> Database::openPostgresConnection(const ConnectionSpec &spec, const QString &connectionName)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setConnectOptions(spec.connectOptions);
    if (!spec.password.isEmpty())
        db.setPassword(spec.password);
    if (!db.open()) {
        const QSqlError e = db.lastError();
        QString message = e.databaseText().trimmed();
        if (message.isEmpty())
            message = e.text();
        return abandonConnection(db, connectionName, pgConnectError(message, spec.path));
    }
    if (auto r = setUpSession(db); !r)
        return abandonConnection(db, connectionName, r.error());
    return db;
}

} // namespace lmo
