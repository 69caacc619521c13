// Who sees what: the portable half (the roles, the policy as data, what a session may do). The
// server's half, which makes it true, is core/storage/postgres/pgteam.cpp.
#include "storage/team.h"

#include "domain/licensefields.h"
#include "lmo/lmoprofile.h"

#include <QJsonArray>

namespace lmo::team {

QString roleKey(Role role)
{
    switch (role) {
    case Role::PartnerOps: return QStringLiteral("partner_ops");
    case Role::CustomerSuccess: return QStringLiteral("customer_success");
    case Role::Support: return QStringLiteral("support");
    }
    return {};
}

QString roleName(Role role)
{
    switch (role) {
    case Role::PartnerOps: return QStringLiteral("Partner ops");
    case Role::CustomerSuccess: return QStringLiteral("Customer success");
    case Role::Support: return QStringLiteral("Support");
    }
    return {};
}

QString groupName(Role role) { return QStringLiteral("lmo_") + roleKey(role); }

QString roleOption(Role role) { return roleKey(role).replace(QLatin1Char('_'), QLatin1Char('-')); }

std::optional<Role> roleFromText(const QString &text)
{
    QString t = text.trimmed().toLower();
    t.replace(QLatin1Char('-'), QLatin1Char('_')).replace(QLatin1Char(' '), QLatin1Char('_'));
    if (t.startsWith(QLatin1String("lmo_")))
        t = t.mid(4);
    for (Role r : kRoles)
        if (roleKey(r) == t)
            return r;
    return std::nullopt;
}

AccessPolicy AccessPolicy::defaults()
{
    AccessPolicy p;
    RolePolicy ops;
    ops.role = Role::PartnerOps;
    ops.modifyAll = true;
    RolePolicy success;
    success.role = Role::CustomerSuccess;
    success.modify = {QStringLiteral("seats"), QStringLiteral("expiration")};
    RolePolicy support;
    support.role = Role::Support;
    support.hidden = {QStringLiteral("seats"), QStringLiteral("used_licenses"), QStringLiteral("contact_id"),
                      QStringLiteral("lead_id")};
    p.roles = {ops, success, support};
    return p;
}

const RolePolicy &AccessPolicy::of(Role role) const
{
    for (const RolePolicy &r : roles)
        if (r.role == role)
            return r;
    static const RolePolicy none;
    return none;
}

RolePolicy &AccessPolicy::of(Role role)
{
    for (RolePolicy &r : roles)
        if (r.role == role)
            return r;
    RolePolicy added;
    added.role = role;
    roles.push_back(added);
    return roles.back();
}

QJsonObject AccessPolicy::toJson() const
{
    QJsonObject rolesJson;
    for (Role role : kRoles) {
        const RolePolicy &r = of(role);
        QJsonObject o;
        o.insert(QStringLiteral("modify_all"), r.modifyAll);
        o.insert(QStringLiteral("modify"), QJsonArray::fromStringList(r.modify));
        o.insert(QStringLiteral("hidden"), QJsonArray::fromStringList(r.hidden));
        o.insert(QStringLiteral("sandbox"), r.sandbox);
        o.insert(QStringLiteral("reads_licenses"), r.readsLicenses);
        o.insert(QStringLiteral("reads_subscribers"), r.readsSubscribers);
        o.insert(QStringLiteral("packages"), QJsonArray::fromStringList(r.packages));
        rolesJson.insert(roleKey(role), o);
    }
    // History hides the changes of a field a role may not read: the server matches them by
    // the audit log's names of the columns.
    QJsonObject labels;
    for (const LicenseField &f : kLicenseFields)
        if (f.auditLabel)
            labels.insert(QString::fromLatin1(f.column), QString::fromLatin1(f.auditLabel));
    QJsonObject json;
    json.insert(QStringLiteral("roles"), rolesJson);
    json.insert(QStringLiteral("audit_labels"), labels);
    return json;
}

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out;
}

bool isLicenseColumn(const QString &column)
{
    for (const LicenseField &f : kLicenseFields)
        if (column == QLatin1String(f.column))
            return true;
    return false;
}

QString columnLabel(const QString &column)
{
    for (const LicenseField &f : kLicenseFields)
        if (column == QLatin1String(f.column))
            return QString::fromLatin1(f.displayLabel ? f.displayLabel : f.auditLabel ? f.auditLabel : f.column);
    if (column == QLatin1String("used_licenses"))
        return QStringLiteral("Used Licenses");
    return column;
}

} // namespace

Result<AccessPolicy> AccessPolicy::fromJson(const QJsonObject &json)
{
    AccessPolicy p;
    const QJsonObject rolesJson = json.value(QStringLiteral("roles")).toObject();
    for (Role role : kRoles) {
        const QJsonObject o = rolesJson.value(roleKey(role)).toObject();
        RolePolicy r;
        r.role = role;
        r.modifyAll = o.value(QStringLiteral("modify_all")).toBool(false);
        r.modify = strings(o.value(QStringLiteral("modify")));
        r.hidden = strings(o.value(QStringLiteral("hidden")));
        r.sandbox = o.value(QStringLiteral("sandbox")).toBool(true);
        r.readsLicenses = o.value(QStringLiteral("reads_licenses")).toBool(true);
        r.readsSubscribers = o.value(QStringLiteral("reads_subscribers")).toBool(true);
        r.packages = strings(o.value(QStringLiteral("packages")));
        for (const QString &c : r.hidden + r.modify)
            if (!isLicenseColumn(c))
                return Error::make(Error::Code::Invalid,
                                   QStringLiteral("The access policy names \"%1\" for %2, which is no license field.")
                                       .arg(c, roleName(role)));
        p.roles.push_back(r);
    }
    return p;
}

QList<QStringList> AccessPolicy::rows() const
{
    QList<QStringList> out;
    for (Role role : kRoles) {
        const RolePolicy &r = of(role);
        QStringList hiddenLabels, modifyLabels;
        for (const QString &c : r.hidden)
            hiddenLabels << columnLabel(c);
        for (const QString &c : r.modify)
            modifyLabels << columnLabel(c);
        QStringList reads;
        if (r.readsLicenses)
            reads << (hiddenLabels.isEmpty() ? QStringLiteral("licenses: every field")
                                             : QStringLiteral("licenses without %1").arg(hiddenLabels.join(QStringLiteral(", "))));
        if (r.readsSubscribers)
            reads << QStringLiteral("subscriber orgs");
        const QString changes = r.modifyAll ? QStringLiteral("everything (imports, the LMO, every field)")
                                : modifyLabels.isEmpty() ? QStringLiteral("nothing")
                                                         : modifyLabels.join(QStringLiteral(", "));
        QStringList which;
        if (!r.sandbox)
            which << QStringLiteral("no sandbox licenses");
        if (!r.packages.isEmpty())
            which << QStringLiteral("only %1").arg(r.packages.join(QStringLiteral(", ")));
        out << QStringList{QStringLiteral("%1 (%2)").arg(roleName(role), groupName(role)),
                           reads.isEmpty() ? QStringLiteral("nothing") : reads.join(QStringLiteral("; ")), changes,
                           !r.readsLicenses ? QStringLiteral("none")
                           : which.isEmpty() ? QStringLiteral("all")
                                             : which.join(QStringLiteral("; "))};
    }
    return out;
}

QStringList AccessPolicy::describe() const
{
    QStringList lines;
    for (const QStringList &row : rows())
        lines << QStringLiteral("%1: reads %2; changes %3; licenses: %4").arg(row[0], row[1], row[2], row[3]);
    return lines;
}

AccessPolicy AccessPolicy::fromWizardRoles(const QList<RoleAccess> &roles, QStringList *notEnforced)
{
    AccessPolicy p = defaults();
    for (const RoleAccess &answer : roles) {
        const std::optional<Role> role = roleFromText(answer.role);
        if (!role) {
            // Nothing is granted to anyone outside the three groups: "none" is what they get.
            if (notEnforced && (answer.licenses != Access::None || answer.subscribers != Access::None))
                *notEnforced << answer.role;
            continue;
        }
        RolePolicy &r = p.of(*role);
        if (*role == Role::PartnerOps) {
            // Partner ops import and keep the data: they see all of it, and edit it or not.
            r.modifyAll = answer.licenses == Access::Edit;
            continue;
        }
        r.readsLicenses = answer.licenses != Access::None;
        r.readsSubscribers = answer.subscribers != Access::None;
        r.modify = answer.licenses == Access::Edit ? QStringList{QStringLiteral("seats"), QStringLiteral("expiration")} : QStringList();
    }
    return p;
}

QString SessionAccess::warning() const
{
    if (!enforced)
        return {};
    if (superuser)
        return QStringLiteral("%1 is a superuser: this login sees everything, whatever the policy says").arg(login);
    if (bypassRls)
        return QStringLiteral("%1 has BYPASSRLS: this login sees everything, whatever the policy says").arg(login);
    if (owner)
        return QStringLiteral("%1 is a member of lmo_owner, which owns the tables: this login sees everything, whatever "
                              "the policy says")
            .arg(login);
    return {};
}

bool SessionAccess::mayModify(const QString &column) const
{
    if (!enforced || modifyAll || seesEverything())
        return true;
    return modifiable.contains(column);
}

QString SessionAccess::whyNotModify() const
{
    if (!enforced || modifyAll || seesEverything() || !modifiable.isEmpty())
        return {};
    if (!role)
        return QStringLiteral("%1 is in none of the team's roles: ask partner ops to add it.").arg(login);
    return QStringLiteral("%1 may not modify licenses (the team's policy for %2).").arg(login, roleName(*role));
}

QString SessionAccess::summary() const
{
    if (!enforced)
        return QStringLiteral("This database enforces no access policy: whoever can open it reads and changes everything.");
    if (const QString w = warning(); !w.isEmpty())
        return w + QLatin1Char('.');
    if (!role)
        return QStringLiteral("%1 is in none of the team's roles: it sees nothing. Ask partner ops to add it.").arg(login);
    QStringList parts;
    parts << QStringLiteral("%1 is in %2.").arg(login, roleName(*role));
    QStringList hiddenLabels;
    for (const QString &c : hidden)
        hiddenLabels << columnLabel(c);
    parts << (hiddenLabels.isEmpty() ? QStringLiteral("It reads every field.")
                                     : QStringLiteral("It reads every field but %1.").arg(hiddenLabels.join(QStringLiteral(", "))));
    if (modifyAll)
        parts << QStringLiteral("It changes everything: imports, the LMO, every field.");
    else if (modifiable.isEmpty())
        parts << QStringLiteral("It changes nothing.");
    else {
        QStringList labels;
        for (const QString &c : modifiable)
            labels << columnLabel(c);
        parts << QStringLiteral("It changes %1 (Modify License).").arg(labels.join(QStringLiteral(", ")));
    }
    if (administers)
        parts << QStringLiteral("It may change who sees what.");
    return parts.join(QLatin1Char(' '));
}

} // namespace lmo::team
