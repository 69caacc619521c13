// Who sees what, made true by the server: `lmodesk team init`, the policy, the people.
#include "storage/team.h"

#include "domain/licensefields.h"
#include "import/importformat.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/postgres/pgcopy.h"
#include "storage/postgres/pgteam.h"
#include "storage/sqlutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QSet>
#include <QSqlQuery>
#include <QSqlRecord>

#include <QUuid>

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>

namespace lmo {

namespace pg {

namespace {

QMutex g_teamSessionsMutex;
QSet<QString> g_teamSessions; // connection names

} // namespace

void rememberTeamSession(const QSqlDatabase &db, bool team)
{
    QMutexLocker lock(&g_teamSessionsMutex);
    if (team)
        g_teamSessions.insert(db.connectionName());
    else
        g_teamSessions.remove(db.connectionName());
}

bool isTeamSession(const QSqlDatabase &db)
{
    QMutexLocker lock(&g_teamSessionsMutex);
    return g_teamSessions.contains(db.connectionName());
}

QString clientId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::Id128).left(16);
    return id;
}

namespace {

// LISTEN on the team database's channel, on a connection of its own, read through libpq
// (QPSQL's notification signal needs an event loop on the connection's thread; this needs none).
class TeamFeed final : public ChangeFeed
{
public:
    TeamFeed(QString connectionName, QSqlDatabase db) : m_name(std::move(connectionName)), m_db(std::move(db)) {}
    ~TeamFeed() override
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }

    Result<std::vector<ChangeNotice>> wait(int ms) override
    {
        PGconn *conn = connectionOf(m_db);
        if (!conn || PQstatus(conn) != CONNECTION_OK)
            return Error::make(Error::Code::ConnectionLost, QStringLiteral("The team database's server is not answering."));
        std::vector<ChangeNotice> notices;
        if (!take(conn, notices)) {
            pollfd fd{PQsocket(conn), POLLIN, 0};
            if (::poll(&fd, 1, ms) < 0 && errno != EINTR)
                return Error::make(Error::Code::ConnectionLost, QStringLiteral("Waiting for the team database failed."));
            if (!PQconsumeInput(conn))
                return Error::make(Error::Code::ConnectionLost,
                                   QStringLiteral("The team database's server went away: %1").arg(QString::fromUtf8(PQerrorMessage(conn)).trimmed()));
            take(conn, notices);
        }
        return notices;
    }

private:
    // The announcements libpq holds: "table:client:login:ids" (ids "1,2,3" or "*").
    static bool take(PGconn *conn, std::vector<ChangeNotice> &notices)
    {
        bool any = false;
        while (PGnotify *n = PQnotifies(conn)) {
            any = true;
            const QString payload = QString::fromUtf8(n->extra);
            PQfreemem(n);
            const QStringList parts = payload.split(QLatin1Char(':'));
            if (parts.size() < 4 || parts[1] == clientId())
                continue; // our own change: this process already shows it
            ChangeNotice notice;
            notice.table = parts[0];
            notice.login = parts[2];
            const QString ids = parts.mid(3).join(QLatin1Char(':'));
            notice.many = ids == QLatin1String("*");
            if (!notice.many)
                for (const QString &id : ids.split(QLatin1Char(','), Qt::SkipEmptyParts))
                    notice.ids << id.toLongLong();
            notices.push_back(std::move(notice));
        }
        return any;
    }

    QString m_name;
    QSqlDatabase m_db;
};

} // namespace

Result<std::unique_ptr<ChangeFeed>> listenForChanges(const ConnectionSpec &spec, const QString &connectionName)
{
    auto opened = Database::openConnection(spec, connectionName);
    if (!opened)
        return opened.error();
    QSqlDatabase db = opened.value();
    opened.value() = QSqlDatabase();
    if (!isTeamSession(db)) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
        return std::unique_ptr<ChangeFeed>();
    }
    auto feed = std::make_unique<TeamFeed>(connectionName, db);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT %1").arg(baseSchemaSql())) || !q.next())
        return sqlError(q.lastError(), QStringLiteral("listening for the team's changes"));
    const QString channel = notifyChannel(q.value(0).toString());
    q.finish();
    if (!q.exec(QStringLiteral("LISTEN %1").arg(quotedIdent(channel))))
        return sqlError(q.lastError(), QStringLiteral("listening for the team's changes"));
    return std::unique_ptr<ChangeFeed>(std::move(feed));
}

QString baseSchemaSql()
{
    return QStringLiteral("regexp_replace(current_schema(), '__(partner_ops|customer_success|support)$', '')");
}

QString quotedIdent(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

QString quotedLiteral(const QString &text)
{
    return QLatin1Char('\'') + QString(text).replace(QLatin1Char('\''), QStringLiteral("''")) + QLatin1Char('\'');
}

QString notifyChannel(const QString &schema)
{
    return QStringLiteral("lmodesk_changes:") + schema;
}

Result<team::SessionAccess> readSessionAccess(QSqlDatabase db)
{
    team::SessionAccess access;
    QSqlQuery q(db);
    // One round trip: who the login is, and whether this schema enforces a policy.
    const QString sql = QStringLiteral(
        "SELECT session_user, r.rolsuper, r.rolbypassrls, "
        "EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "        WHERE n.nspname = %1 AND c.relname = 'team_policy'), "
        "EXISTS (SELECT 1 FROM pg_roles o WHERE o.rolname = 'lmo_owner' AND pg_has_role(session_user, o.oid, 'MEMBER')), "
        "(SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
        "  WHERE am.member = r.oid AND g.rolname IN ('lmo_partner_ops', 'lmo_customer_success', 'lmo_support')), %1 "
        "FROM pg_roles r WHERE r.rolname = session_user")
                            .arg(baseSchemaSql());
    if (!q.exec(sql) || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading what this login may do"));
    access.login = q.value(0).toString();
    access.superuser = q.value(1).toBool();
    access.bypassRls = q.value(2).toBool();
    access.enforced = q.value(3).toBool();
    access.owner = q.value(4).toBool();
    const QStringList groups = q.value(5).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString schema = q.value(6).toString();
    q.finish();
    if (!access.enforced)
        return access;
    // The most able group first, should someone have been put in two by hand.
    for (team::Role role : team::kRoles)
        if (groups.contains(team::groupName(role))) {
            access.role = role;
            break;
        }
    access.administers = access.owner || access.role == team::Role::PartnerOps || access.superuser;
    if (access.seesEverything()) {
        access.modifyAll = true;
        return access;
    }
    if (!access.role) {
        access.modifyAll = false; // in no group: it sees nothing at all
        return access;
    }
    // What the server grants, column by column: the policy as it is in force, not as written.
    QSqlQuery cols(db);
    if (!cols.exec(QStringLiteral("SELECT a.attname, has_column_privilege(a.attrelid, a.attnum, 'SELECT'), "
                                  "has_column_privilege(a.attrelid, a.attnum, 'UPDATE'), "
                                  "has_table_privilege(a.attrelid, 'INSERT') "
                                  "FROM pg_attribute a WHERE a.attrelid = (quote_ident(%1) || '.licenses')::regclass "
                                  "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
                       .arg(pg::quotedLiteral(schema))))
        return sqlError(cols.lastError(), QStringLiteral("reading what this login may do"));
    bool insert = false;
    access.modifyAll = false;
    while (cols.next()) {
        const QString column = cols.value(0).toString();
        insert = cols.value(3).toBool();
        if (!cols.value(1).toBool())
            access.hidden << column;
        if (cols.value(2).toBool() && column != QLatin1String("row_version"))
            access.modifiable << column;
    }
    access.modifyAll = insert;
    cols.finish();
    QSqlQuery summary(db);
    if (!summary.exec(QStringLiteral("SELECT a.attname FROM pg_attribute a "
                                     "WHERE a.attrelid = (quote_ident(%1) || '.subscribers')::regclass AND a.attnum > 0 "
                                     "AND NOT a.attisdropped AND NOT has_column_privilege(a.attrelid, a.attnum, 'SELECT') "
                                     "ORDER BY a.attnum")
                          .arg(pg::quotedLiteral(schema))))
        return sqlError(summary.lastError(), QStringLiteral("reading what this login may do"));
    while (summary.next())
        access.hiddenSubscriberColumns << summary.value(0).toString();
    return access;
}

} // namespace pg

namespace team {

namespace {

QString auditText(const LicenseField &f, const QString &row)
{
    const QString c = row + QLatin1Char('.') + QString::fromLatin1(f.column);
    switch (f.type) {
    case FieldType::Date:
    case FieldType::Expiration:
        return QStringLiteral("to_char(%1, 'YYYY-MM-DD')").arg(c);
    case FieldType::DateTime:
        return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')").arg(c);
    case FieldType::Id:
    case FieldType::OrgId:
    case FieldType::Text:
    case FieldType::Status:
        return c;
    default:
        return c + QStringLiteral("::text");
    }
}

// The (label, old, new) rows of the audit trigger: every field LMO Desk's own writes audit, as
// they write its values (values.h), and the LMO a license belongs to.
QString licenseAuditRows()
{
    QStringList rows;
    for (const LicenseField &f : kLicenseFields) {
        if (!f.auditLabel || f.role != FieldRole::Compared)
            continue;
        rows << QStringLiteral("(%1, %2, %3)")
                    .arg(pg::quotedLiteral(QString::fromLatin1(f.auditLabel)), auditText(f, QStringLiteral("o")),
                         auditText(f, QStringLiteral("n")));
    }
    rows << QStringLiteral("('LMO', o.lmo_ref::text, n.lmo_ref::text)");
    return rows.join(QStringLiteral(",\n            "));
}

QString packageAuditRows()
{
    struct Column
    {
        const char *column;
        ImportField field;
        bool time;
    };
    const Column columns[] = {
        {"sf_id", ImportField::Id, false},
        {"name", ImportField::Name, false},
        {"package_id", ImportField::PackageId033, false},
        {"developer_name", ImportField::DeveloperName, false},
        {"developer_org_id", ImportField::DeveloperOrgId, false},
        {"latest_version", ImportField::LatestVersion, false},
        {"release_date", ImportField::ReleaseDate, false},
        {"lead_manager", ImportField::LeadManager, false},
        {"last_license_refresh", ImportField::LastLicenseRefresh, true},
        {"next_available_refresh", ImportField::NextAvailableRefresh, true},
    };
    QStringList rows;
    for (const Column &c : columns) {
        const QString col = QString::fromLatin1(c.column);
        auto text = [&](const QString &row) {
            if (c.time)
                return QStringLiteral("to_char(%1.%2 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')").arg(row, col);
            if (col == QLatin1String("release_date"))
                return QStringLiteral("to_char(%1.%2, 'YYYY-MM-DD')").arg(row, col);
            return QStringLiteral("%1.%2").arg(row, col);
        };
        rows << QStringLiteral("(%1, %2, %3)").arg(pg::quotedLiteral(fieldLabel(c.field)), text(QStringLiteral("o")), text(QStringLiteral("n")));
    }
    return rows.join(QStringLiteral(",\n            "));
}

QStringList teamStatements(const QString &schema)
{
    QFile f(QStringLiteral(":/sql/team.sql"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("LMO Desk: the team database script is missing from this build");
    QString script = QString::fromUtf8(f.readAll());
    script.replace(QStringLiteral("${S}"), pg::quotedIdent(schema))
        .replace(QStringLiteral("${SL}"), pg::quotedLiteral(schema))
        .replace(QStringLiteral("${CHANNEL}"), pg::quotedLiteral(pg::notifyChannel(schema)))
        .replace(QStringLiteral("${LICENSE_AUDIT}"), licenseAuditRows())
        .replace(QStringLiteral("${PACKAGE_AUDIT}"), packageAuditRows());
    QStringList statements;
    QString current;
    for (const QString &line : script.split(QLatin1Char('\n'))) {
        if (line.trimmed() == QLatin1String("--;;")) {
            if (!current.trimmed().isEmpty())
                statements << current.trimmed();
            current.clear();
            continue;
        }
        if (current.isEmpty() && (line.trimmed().isEmpty() || line.trimmed().startsWith(QLatin1String("--"))))
            continue;
        current += line + QLatin1Char('\n');
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

Result<void> requireServer(const Database &database)
{
    if (!database.isTeamDatabase())
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 is a file on this machine: who sees what is enforced only by a team database "
                                          "on PostgreSQL (give --db a postgresql:// address).")
                               .arg(database.displayName()));
    return {};
}

Result<void> requireTeam(Database &database)
{
    if (auto r = requireServer(database); !r)
        return r;
    if (!database.access().enforced)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 is not set up for a team yet: its owner (or a superuser) runs \"lmodesk team init "
                                          "--db URI\" once.")
                               .arg(database.displayName()));
    return {};
}

Result<QString> one(QSqlDatabase db, const QString &sql, const QVariantList &binds, const QString &doing)
{
    QSqlQuery q(db);
    if (!q.prepare(sql))
        return sqlError(q.lastError(), doing);
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return q.next() ? q.value(0).toString() : QString();
}

} // namespace

Result<QStringList> init(Database &database)
{
    if (auto r = requireServer(database); !r)
        return r.error();
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("%1 is read-only (%2): the team cannot be set up from here.")
                               .arg(database.displayName(), database.readOnlyReason()));
    QSqlDatabase db = database.connection();
    QStringList report;
    const QString doing = QStringLiteral("setting up the team database");
    QSqlQuery who(db);
    if (!who.exec(QStringLiteral("SELECT current_user, r.rolsuper, r.rolcreaterole, %1, current_database() "
                                 "FROM pg_roles r WHERE r.rolname = current_user")
                      .arg(pg::baseSchemaSql()))
        || !who.next())
        return sqlError(who.lastError(), doing);
    const QString login = who.value(0).toString();
    const bool superuser = who.value(1).toBool();
    const bool createRole = who.value(2).toBool();
    const QString schema = who.value(3).toString();
    who.finish();
    if (!superuser && !createRole)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 may not create roles: \"team init\" is run by the database's owner with "
                                          "CREATEROLE (ALTER ROLE %1 CREATEROLE, as a superuser) or by a superuser.")
                               .arg(login));
    const QString s = pg::quotedIdent(schema);
    // The server's notices ("already exists, skipping" of each idempotent step) say nothing.
    (void)execSql(db, QStringLiteral("SET client_min_messages = warning"), doing);

    // 1. The roles and who owns what, as the login running this (the owner role cannot log in).
    {
        Transaction t(db);
        if (auto r = t.begin(doing); !r)
            return r.error();
        if (auto r = execSql(db, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('lmodesk team init'))"), doing); !r)
            return r.error();
        const QString roles[] = {QStringLiteral("lmo_owner"), QStringLiteral("lmo_partner_ops"),
                                 QStringLiteral("lmo_customer_success"), QStringLiteral("lmo_support")};
        for (const QString &role : roles) {
            auto exists = one(db, QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = ?"), {role}, doing);
            if (!exists)
                return exists.error();
            if (exists.value() == QLatin1String("0")) {
                const bool owner = role == QLatin1String("lmo_owner");
                if (auto r = execSql(db, QStringLiteral("CREATE ROLE %1 NOLOGIN%2").arg(role, owner ? QStringLiteral(" CREATEROLE") : QString()), doing); !r)
                    return r.error();
                report << QStringLiteral("Created the role %1.").arg(role);
            }
        }
        if (!superuser) {
            auto member = one(db, QStringLiteral("SELECT pg_has_role(current_user, 'lmo_owner', 'MEMBER')"), {}, doing);
            if (!member)
                return member.error();
            if (member.value() != QLatin1String("true")) {
                if (auto r = execSql(db, QStringLiteral("GRANT lmo_owner TO %1").arg(pg::quotedIdent(login)), doing); !r)
                    return r.error();
                report << QStringLiteral("Made %1 a member of lmo_owner (it set the team up; it sees everything).").arg(login);
            }
        }
        if (auto r = execSql(db, QStringLiteral("ALTER SCHEMA %1 OWNER TO lmo_owner").arg(s), doing); !r)
            return r.error();
        // The tables, and the functions the schema's migrations made (the dashboard image's
        // trigger: the owner grants and revokes their use below), to lmo_owner. `list` answers
        // each one's name as ALTER takes it.
        auto giveToOwner = [&](const char *kind, const QString &list) -> Result<int> {
            QSqlQuery owned(db);
            if (!owned.exec(list.arg(pg::quotedLiteral(schema))))
                return sqlError(owned.lastError(), doing);
            QStringList names;
            while (owned.next())
                names << owned.value(0).toString();
            owned.finish();
            for (const QString &name : names)
                if (auto r = execSql(db, QStringLiteral("ALTER %1 %2 OWNER TO lmo_owner").arg(QLatin1String(kind), name), doing); !r)
                    return r.error();
            return int(names.size());
        };
        auto tables = giveToOwner("TABLE", QStringLiteral("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                                                          "WHERE schemaname = %1 AND tableowner <> 'lmo_owner' ORDER BY 1"));
        if (!tables)
            return tables.error();
        if (tables.value() > 0)
            report << QStringLiteral("Gave %1 tables to lmo_owner.").arg(tables.value());
        auto functions = giveToOwner("FUNCTION", QStringLiteral("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
                                                                "ON n.oid = p.pronamespace WHERE n.nspname = %1 AND "
                                                                "pg_get_userbyid(p.proowner) <> 'lmo_owner' ORDER BY 1"));
        if (!functions)
            return functions.error();
        for (Role role : kRoles)
            if (auto r = execSql(db, QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1 AUTHORIZATION lmo_owner")
                                         .arg(pg::quotedIdent(schema + QStringLiteral("__") + roleKey(role))),
                                 doing);
                !r)
                return r.error();
        if (auto r = t.commit(doing); !r)
            return r.error();
    }

    // 2. The schema brought up to date, then the team's objects and the policy, as the owner.
    if (auto r = execSql(db, QStringLiteral("SET ROLE lmo_owner"), doing); !r)
        return r.error();
    auto asOwner = [&]() -> Result<void> {
        Migrator migrator(db, schemaMigrations(database.dialect()));
        auto before = migrator.currentVersion();
        if (!before)
            return before.error();
        auto migrated = migrator.migrate();
        if (!migrated)
            return migrated.error();
        if (migrated.value() != before.value())
            report << QStringLiteral("Brought the schema from version %1 to %2.").arg(before.value()).arg(migrated.value());
        // What an earlier load left to build (indexes, keys, the org summary) needs the tables'
        // owner: built now, as nobody who works in the team database could.
        auto pending = deferredIndexCount(db);
        if (!pending)
            return pending.error();
        if (pending.value() > 0) {
            if (auto r = buildDeferredIndexes(db, {}); !r)
                return r;
            report << QStringLiteral("Built the %1 indexes and summaries an earlier load had left to build.").arg(pending.value());
        }
        Transaction t(db);
        if (auto r = t.begin(doing); !r)
            return r;
        if (auto r = execSql(db, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('lmodesk team init'))"), doing); !r)
            return r;
        for (const QString &statement : teamStatements(schema))
            if (auto r = execSql(db, statement, doing); !r)
                return r;
        QSqlQuery kept(db);
        if (!kept.exec(QStringLiteral("SELECT policy::text FROM %1.team_policy").arg(s)))
            return sqlError(kept.lastError(), doing);
        AccessPolicy policy = AccessPolicy::defaults();
        if (kept.next()) {
            auto read = AccessPolicy::fromJson(QJsonDocument::fromJson(kept.value(0).toString().toUtf8()).object());
            if (read)
                policy = read.value();
        } else {
            report << QStringLiteral("Applied the default policy:");
            report << policy.describe();
        }
        kept.finish();
        auto changed = one(db, QStringLiteral("SELECT %1.team_apply_policy(?::jsonb)").arg(s),
                           {QString::fromUtf8(QJsonDocument(policy.toJson()).toJson(QJsonDocument::Compact))}, doing);
        if (!changed)
            return changed.error();
        return t.commit(doing);
    };
    const Result<void> done = asOwner();
    (void)execSql(db, QStringLiteral("RESET ROLE"), doing);
    if (!done)
        return done.error();
    report << QStringLiteral("%1 is a team database: row-level security is on and forced on every table, the audit log "
                             "is written by the database, and nobody is in a role yet but whom you add "
                             "(lmodesk team add-user LOGIN --role partner-ops).")
                  .arg(database.displayName());
    return report;
}

Result<AccessPolicy> currentPolicy(Database &database)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return currentPolicy(database.connection());
}

Result<QStringList> policySql(Database &database, const AccessPolicy &policy)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return policySql(database.connection(), policy);
}

Result<bool> applyPolicy(Database &database, const AccessPolicy &policy)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return applyPolicy(database.connection(), policy);
}

Result<std::vector<TeamUser>> users(Database &database)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return users(database.connection());
}

Result<QString> putUser(Database &database, const QString &login, Role role, bool create, const QString &password)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return putUser(database.connection(), login, role, create, password);
}

Result<bool> removeUser(Database &database, const QString &login)
{
    if (auto r = requireTeam(database); !r)
        return r.error();
    return removeUser(database.connection(), login);
}

Result<AccessPolicy> currentPolicy(QSqlDatabase db)
{
    auto text = one(db, QStringLiteral("SELECT policy::text FROM team_policy"), {}, QStringLiteral("reading the access policy"));
    if (!text)
        return text.error();
    if (text.value().isEmpty())
        return AccessPolicy::defaults();
    return AccessPolicy::fromJson(QJsonDocument::fromJson(text.value().toUtf8()).object());
}

Result<QStringList> policySql(QSqlDatabase db, const AccessPolicy &policy)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT team_policy_sql(?::jsonb)")))
        return sqlError(q.lastError(), QStringLiteral("writing out the access policy"));
    q.addBindValue(QString::fromUtf8(QJsonDocument(policy.toJson()).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("writing out the access policy"));
    QStringList out;
    while (q.next())
        out << q.value(0).toString() + QLatin1Char(';');
    return out;
}

Result<bool> applyPolicy(QSqlDatabase db, const AccessPolicy &policy)
{
    const QString doing = QStringLiteral("applying the access policy");
    Transaction t(db);
    if (auto r = t.begin(doing); !r)
        return r.error();
    auto changed = one(db, QStringLiteral("SELECT team_apply_policy(?::jsonb)"),
                       {QString::fromUtf8(QJsonDocument(policy.toJson()).toJson(QJsonDocument::Compact))}, doing);
    if (!changed)
        return changed.error();
    if (auto r = t.commit(doing); !r)
        return r.error();
    return changed.value() == QLatin1String("true");
}

Result<std::vector<TeamUser>> users(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT login, role_key, superuser, bypassrls, can_login FROM team_users()")))
        return sqlError(q.lastError(), QStringLiteral("listing the team"));
    std::vector<TeamUser> out;
    while (q.next()) {
        TeamUser u;
        u.login = q.value(0).toString();
        u.role = roleFromText(q.value(1).toString()).value_or(Role::Support);
        u.superuser = q.value(2).toBool();
        u.bypassRls = q.value(3).toBool();
        u.canLogin = q.value(4).toBool();
        out.push_back(u);
    }
    return out;
}

Result<QString> putUser(QSqlDatabase db, const QString &login, Role role, bool create, const QString &password)
{
    QString verifier;
    if (!password.isEmpty()) {
        // The server's own kind of verifier (SCRAM on 14 and later): the password never leaves
        // this machine, nor reaches the server's statement log.
        char *encrypted = PQencryptPasswordConn(pg::connectionOf(db), password.toUtf8().constData(),
                                                login.toUtf8().constData(), nullptr);
        if (!encrypted)
            return Error::make(Error::Code::Generic, QStringLiteral("Could not encrypt the password for %1.").arg(login));
        verifier = QString::fromUtf8(encrypted);
        PQfreemem(encrypted);
    }
    return one(db, QStringLiteral("SELECT team_put_user(?, ?, ?, ?)"),
               {login, roleKey(role), create, verifier.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(verifier)},
               QStringLiteral("putting %1 in %2").arg(login, roleName(role)));
}

Result<bool> removeUser(QSqlDatabase db, const QString &login)
{
    auto removed = one(db, QStringLiteral("SELECT team_remove_user(?)"), {login}, QStringLiteral("removing %1 from the team").arg(login));
    if (!removed)
        return removed.error();
    return removed.value() == QLatin1String("true");
}

Result<std::vector<TeamView>> views(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT name, owner, array_to_string(shared_with, ','), definition::text, owner = session_user "
                               "FROM team_views ORDER BY owner <> session_user, lower(name), owner")))
        return sqlError(q.lastError(), QStringLiteral("reading the team's saved views"));
    std::vector<TeamView> out;
    while (q.next()) {
        TeamView v;
        v.name = q.value(0).toString();
        v.owner = q.value(1).toString();
        for (const QString &key : q.value(2).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (auto r = roleFromText(key))
                v.sharedWith << *r;
        v.definition = QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object();
        v.mine = q.value(4).toBool();
        out.push_back(std::move(v));
    }
    return out;
}

Result<void> saveView(QSqlDatabase db, const QString &name, const QJsonObject &definition, const QList<Role> &sharedWith)
{
    QStringList keys;
    for (Role r : sharedWith)
        keys << roleKey(r);
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("INSERT INTO team_views (name, shared_with, definition) "
                                  "VALUES (?, coalesce(string_to_array(?, ','), '{}')::text[], ?::jsonb) "
                                  "ON CONFLICT (owner, name) DO UPDATE SET shared_with = excluded.shared_with, "
                                  "definition = excluded.definition, saved_at = now()")))
        return sqlError(q.lastError(), QStringLiteral("saving the view %1").arg(name));
    q.addBindValue(name);
    q.addBindValue(keys.join(QLatin1Char(',')));
    q.addBindValue(QString::fromUtf8(QJsonDocument(definition).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("saving the view %1").arg(name));
    return {};
}

Result<bool> removeView(QSqlDatabase db, const QString &name)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("DELETE FROM team_views WHERE owner = session_user AND name = ?")))
        return sqlError(q.lastError(), QStringLiteral("deleting the view %1").arg(name));
    q.addBindValue(name);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("deleting the view %1").arg(name));
    return q.numRowsAffected() > 0;
}

} // namespace team
} // namespace lmo
