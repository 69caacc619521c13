#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace lmo {

class Database;
struct RoleAccess;

// Who sees what on a team database (step 4 of designating the LMO): the three roles the LMO
// serves, what each may read and change, and the people in each. PostgreSQL enforces it (row-level
// security, column privileges, security-invoker views: `lmodesk team init`), so no client, script
// or psql session gets around it; LMO Desk only follows what it is given. On SQLite none of this
// is enforced: the wizard records the intent.
namespace team {

enum class Role { PartnerOps, CustomerSuccess, Support };
inline constexpr Role kRoles[] = {Role::PartnerOps, Role::CustomerSuccess, Role::Support};

QString roleKey(Role role);   // "partner_ops", as the policy and the functions name it
QString roleName(Role role);  // "Partner ops", as the app shows it
QString groupName(Role role); // "lmo_partner_ops", the database's group role
QString roleOption(Role role); // "partner-ops", as the command line takes it
// Any of the above (and "partner ops"), case-insensitive.
std::optional<Role> roleFromText(const QString &text);

// What one role may do.
struct RolePolicy
{
    Role role = Role::Support;
    bool modifyAll = false;  // add, change and remove everything (imports, the LMO, every field)
    QStringList modify;      // else the license columns it may change (of status, seats, expiration)
    QStringList hidden;      // license columns it may not read
    bool sandbox = true;     // false: sandbox licenses (and orgs) are kept from it
    bool readsLicenses = true;    // false: it reads no license (nor their history)
    bool readsSubscribers = true; // false: it reads no subscriber org summary
    QStringList packages;    // non-empty: it sees only these packages' licenses (by name)
    friend bool operator==(const RolePolicy &, const RolePolicy &) = default;
};

struct AccessPolicy
{
    std::vector<RolePolicy> roles; // one per Role, in kRoles order

    // The seed's: partner ops read and modify everything; customer success read licenses and
    // orgs and modify seats and expiration; support read them without seats, used seats and the
    // account's contact fields (contact, lead), and modify nothing.
    static AccessPolicy defaults();
    const RolePolicy &of(Role role) const;
    RolePolicy &of(Role role);

    // As the database keeps it (team_policy), with the audit labels of the license columns.
    QJsonObject toJson() const;
    // Refuses, saying which role and field, what it cannot read.
    static Result<AccessPolicy> fromJson(const QJsonObject &json);
    // A table a person reads: a line per role (what it reads, changes, and which rows).
    QStringList describe() const;
    // The same as cells: role, reads, changes, which licenses.
    QList<QStringList> rows() const;
    // What the LMO setup wizard's step 4 answers make of the defaults: each of the three roles'
    // Licenses and Subscribers access (none, read, edit: partner ops edit everything, the others
    // Modify License's seats and expiration). Roles the database has no group for get nothing
    // (nothing is granted to anyone else); those the answers would give access are named in
    // `notEnforced`.
    static AccessPolicy fromWizardRoles(const QList<RoleAccess> &roles, QStringList *notEnforced = nullptr);
    friend bool operator==(const AccessPolicy &, const AccessPolicy &) = default;
};

// What the login of an open database may do, as the server says (Database::access()).
struct SessionAccess
{
    bool enforced = false;        // a team database: the server enforces a policy
    std::optional<Role> role;     // the login's group, if any
    QString login;
    bool superuser = false;       // policies never bind a superuser
    bool bypassRls = false;       // nor a BYPASSRLS login
    bool owner = false;           // nor (in effect) a member of lmo_owner, which owns the tables
    bool administers = false;     // may change the policy and the people (partner ops, the owner)
    bool modifyAll = true;        // may import, assign the LMO, change every field
    QStringList modifiable;       // else the license columns it may change
    QStringList hidden;           // license columns it may not read (shown as empty)
    QStringList hiddenSubscriberColumns; // the org summary's columns it may not read
    bool seesEverything() const { return superuser || bypassRls || owner; }
    // "this login sees everything, whatever the policy says" (for the status bar), or empty.
    QString warning() const;
    // Whether Modify License may change this column, and if not, why (for a disabled button).
    bool mayModify(const QString &column) const;
    QString whyNotModify() const;
    bool mayImport() const { return !enforced || modifyAll || seesEverything(); }
    // Whether Modify License may change anything at all (some of status, seats, expiration).
    bool mayModifyLicenses() const { return !enforced || modifyAll || seesEverything() || !modifiable.isEmpty(); }
    // Whether a license column is one the login may not read (its values read as empty).
    bool isHidden(const QString &column) const { return enforced && !seesEverything() && hidden.contains(column); }
    // What the login may do, in a sentence or two (the Access page, `team whoami`).
    QString summary() const;
};

struct TeamUser
{
    QString login;
    Role role = Role::Support;
    bool superuser = false;
    bool bypassRls = false;
    bool canLogin = true;
};

// A saved view of the Licenses page kept in the team database (the page's own JSON).
struct TeamView
{
    QString name;
    QString owner;             // the login that saved it
    QList<Role> sharedWith;    // the roles that see it besides its owner
    QJsonObject definition;
    bool mine = false;         // saved by this login: it may change or delete it
};

// `lmodesk team init`: run once (and again after upgrading LMO Desk) by the database's owner or a
// superuser, a login that may create roles. Makes the owner and group roles, gives the schema and
// its tables to lmo_owner, brings the schema up to date as the owner, adds the triggers (audit,
// versions, org sums, notifications) and applies the policy in force (the defaults the first
// time). Answers what it did, a line each. Idempotent.
Result<QStringList> init(Database &database);
// The policy in force (the defaults where none was applied yet).
Result<AccessPolicy> currentPolicy(Database &database);
// The SQL that makes `policy` true of the database, a statement each.
Result<QStringList> policySql(Database &database, const AccessPolicy &policy);
// Makes `policy` true, in one transaction; true when anything changed. Partner ops only.
Result<bool> applyPolicy(Database &database, const AccessPolicy &policy);
Result<std::vector<TeamUser>> users(Database &database);
// Puts `login` in `role` and no other; creates it when `create` (with `password`, if any, sent
// as a SCRAM verifier computed here). Answers "created" or "updated".
Result<QString> putUser(Database &database, const QString &login, Role role, bool create, const QString &password = {});
// Takes `login` out of every role; false when it was in none.
Result<bool> removeUser(Database &database, const QString &login);

// The same on a connection of the caller's own (a worker's or a job's: the window never waits
// on the server), to a database whose access() says it is a team database.
Result<AccessPolicy> currentPolicy(QSqlDatabase db);
Result<QStringList> policySql(QSqlDatabase db, const AccessPolicy &policy);
Result<bool> applyPolicy(QSqlDatabase db, const AccessPolicy &policy);
Result<std::vector<TeamUser>> users(QSqlDatabase db);
Result<QString> putUser(QSqlDatabase db, const QString &login, Role role, bool create, const QString &password = {});
Result<bool> removeUser(QSqlDatabase db, const QString &login);
// The saved views this login sees (its own, then those shared with its role), by name.
Result<std::vector<TeamView>> views(QSqlDatabase db);
// Saves (or replaces) this login's view `name`, seen by `sharedWith` too.
Result<void> saveView(QSqlDatabase db, const QString &name, const QJsonObject &definition, const QList<Role> &sharedWith);
// Deletes this login's view `name`; false when it had none of that name.
Result<bool> removeView(QSqlDatabase db, const QString &name);

} // namespace team
} // namespace lmo
