#include "lmo/lmoprofile.h"

#include "util/json.h"
#include "domain/salesforceid.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSqlQuery>

#include <cmath>

namespace lmo {

namespace {

const char *const kKinds[] = {"production", "sandbox", "developer-edition", "trial", "scratch"};
const char *const kAccess[] = {"none", "read", "edit"};

Access accessFrom(const QString &s)
{
    for (int i = 0; i < 3; ++i)
        if (s == QLatin1String(kAccess[i]))
            return Access(i);
    return Access::None;
}

} // namespace

QString orgKindName(OrgKind kind)
{
    return QString::fromLatin1(kKinds[int(kind)]);
}

std::optional<OrgKind> orgKindFromName(const QString &name)
{
    for (int i = 0; i < 5; ++i)
        if (name == QLatin1String(kKinds[i]))
            return OrgKind(i);
    return std::nullopt;
}

QString accessName(Access access)
{
    return QString::fromLatin1(kAccess[int(access)]);
}

QJsonObject LmoProfile::toJson() const
{
    QJsonArray packagesJson;
    for (const LinkedPackage &p : packages)
        packagesJson.append(QJsonObject{{QStringLiteral("name"), p.name},
                                        {QStringLiteral("namespace"), p.namespacePrefix},
                                        {QStringLiteral("package_id"), p.packageId}});
    QJsonArray rolesJson;
    for (const RoleAccess &r : roles)
        rolesJson.append(QJsonObject{{QStringLiteral("role"), r.role},
                                     {QStringLiteral("licenses"), accessName(r.licenses)},
                                     {QStringLiteral("subscribers"), accessName(r.subscribers)}});
    return QJsonObject{
        {QStringLiteral("pages_done"), pagesDone},
        {QStringLiteral("org"),
         QJsonObject{{QStringLiteral("name"), org.name},
                     {QStringLiteral("org_id"), org.orgId},
                     {QStringLiteral("edition"), org.edition},
                     {QStringLiteral("kind"), orgKindName(org.kind)},
                     {QStringLiteral("confirmed_paid_and_permanent"), org.confirmedPaidAndPermanent},
                     {QStringLiteral("who_needs_data"), QJsonArray::fromStringList(org.whoNeedsData)},
                     {QStringLiteral("integrations"), QJsonArray::fromStringList(org.integrations)},
                     {QStringLiteral("stability"), org.stability},
                     {QStringLiteral("placement"),
                      org.placement == OrgPlacement::Dedicated ? QStringLiteral("dedicated") : QStringLiteral("primary")}}},
        {QStringLiteral("packages"), packagesJson},
        {QStringLiteral("registered_on"), registeredOn.toString(Qt::ISODate)},
        {QStringLiteral("lma_version"), lmaVersion},
        {QStringLiteral("lma_objects_visible"), lmaObjectsVisible},
        {QStringLiteral("lma_verification"), lmaVerification},
        {QStringLiteral("roles"), rolesJson},
        {QStringLiteral("dashboards"), QJsonArray::fromStringList(dashboards)},
        {QStringLiteral("billing"), billing},
        {QStringLiteral("integration_patterns"), QJsonArray::fromStringList(integrationPatterns)},
        {QStringLiteral("licenses_today"), licensesToday},
        {QStringLiteral("growth_per_month"), growthPerMonth},
        {QStringLiteral("storage_allocation_mb"), storageAllocationMb},
        {QStringLiteral("documented"), documented},
        {QStringLiteral("designated_at"), designatedAt.isValid() ? designatedAt.toUTC().toString(Qt::ISODate) : QString()},
    };
}

LmoProfile LmoProfile::fromJson(const QJsonObject &j)
{
    LmoProfile p;
    p.pagesDone = j.value(QStringLiteral("pages_done")).toInt();
    const QJsonObject o = j.value(QStringLiteral("org")).toObject();
    p.org.name = o.value(QStringLiteral("name")).toString();
    p.org.orgId = o.value(QStringLiteral("org_id")).toString();
    p.org.edition = o.value(QStringLiteral("edition")).toString();
    p.org.kind = orgKindFromName(o.value(QStringLiteral("kind")).toString()).value_or(OrgKind::Production);
    p.org.confirmedPaidAndPermanent = o.value(QStringLiteral("confirmed_paid_and_permanent")).toBool();
    p.org.whoNeedsData = stringsFromJson(o.value(QStringLiteral("who_needs_data")));
    p.org.integrations = stringsFromJson(o.value(QStringLiteral("integrations")));
    p.org.stability = o.value(QStringLiteral("stability")).toString();
    p.org.placement = o.value(QStringLiteral("placement")).toString() == QLatin1String("dedicated") ? OrgPlacement::Dedicated
                                                                                                      : OrgPlacement::PrimaryInternal;
    for (const QJsonValue &v : j.value(QStringLiteral("packages")).toArray()) {
        const QJsonObject x = v.toObject();
        p.packages.append({x.value(QStringLiteral("name")).toString(), x.value(QStringLiteral("namespace")).toString(),
                           x.value(QStringLiteral("package_id")).toString()});
    }
    p.registeredOn = QDate::fromString(j.value(QStringLiteral("registered_on")).toString(), Qt::ISODate);
    p.lmaVersion = j.value(QStringLiteral("lma_version")).toString();
    p.lmaObjectsVisible = j.value(QStringLiteral("lma_objects_visible")).toBool();
    p.lmaVerification = j.value(QStringLiteral("lma_verification")).toString();
    for (const QJsonValue &v : j.value(QStringLiteral("roles")).toArray()) {
        const QJsonObject x = v.toObject();
        p.roles.append({x.value(QStringLiteral("role")).toString(), accessFrom(x.value(QStringLiteral("licenses")).toString()),
                        accessFrom(x.value(QStringLiteral("subscribers")).toString())});
    }
    p.dashboards = stringsFromJson(j.value(QStringLiteral("dashboards")));
    p.billing = j.value(QStringLiteral("billing")).toString();
    p.integrationPatterns = stringsFromJson(j.value(QStringLiteral("integration_patterns")));
    p.licensesToday = j.value(QStringLiteral("licenses_today")).toInteger();
    p.growthPerMonth = j.value(QStringLiteral("growth_per_month")).toInteger();
    p.storageAllocationMb = j.value(QStringLiteral("storage_allocation_mb")).toDouble();
    p.documented = j.value(QStringLiteral("documented")).toBool();
    p.designatedAt = QDateTime::fromString(j.value(QStringLiteral("designated_at")).toString(), Qt::ISODate);
    return p;
}

namespace LmoRules {

Result<QString> checkId(const QString &text, const QString &prefix, const QString &what)
{
    auto parsed = SalesforceId::parse(text);
    if (!parsed)
        return Error::make(Error::Code::Invalid, QStringLiteral("The %1 %2").arg(what, parsed.error().message));
    if (!parsed->hasKeyPrefix(prefix))
        return Error::make(Error::Code::Invalid, QStringLiteral("The %1 must begin with %2; \"%3\" begins with %4.")
                                                     .arg(what, prefix, text.trimmed(), parsed->keyPrefix()));
    return parsed->to18();
}

QStringList orgRefusals(const LmoOrg &org)
{
    QStringList out;
    if (org.name.trimmed().isEmpty())
        out << QStringLiteral("Give the org's name, as the partner's admins know it.");
    if (org.orgId.trimmed().isEmpty())
        out << QStringLiteral("Give the org id (Setup > Company Information: 15 or 18 characters beginning with 00D).");
    else if (auto id = checkId(org.orgId, QStringLiteral("00D"), QStringLiteral("org id")); !id)
        out << id.error().message;
    switch (org.kind) {
    case OrgKind::Production: break;
    case OrgKind::Sandbox:
        out << QStringLiteral("A sandbox cannot be the LMO: it is refreshed from production and wiped with it, and the "
                              "license history would go too.");
        break;
    case OrgKind::DeveloperEdition:
        out << QStringLiteral("A Developer Edition org cannot be the LMO: it is not a paid org, has tiny storage and can be "
                              "locked or deleted, and with it every license record.");
        break;
    case OrgKind::Trial:
        out << QStringLiteral("A trial org cannot be the LMO: when the trial ends the LMA becomes unreachable.");
        break;
    case OrgKind::Scratch:
        out << QStringLiteral("A scratch org cannot be the LMO: it expires within days.");
        break;
    }
    if (!org.confirmedPaidAndPermanent)
        out << QStringLiteral("Confirm that the org is paid for and meant to last: the designation is, for all practical "
                              "purposes, permanent.");
    return out;
}

QStringList packageRefusals(const QList<LinkedPackage> &packages)
{
    QStringList out;
    if (packages.isEmpty())
        out << QStringLiteral("Add at least the first managed package you register through the Partner Console.");
    for (const LinkedPackage &p : packages) {
        const QString name = p.name.trimmed().isEmpty() ? QStringLiteral("a package") : p.name.trimmed();
        if (p.name.trimmed().isEmpty())
            out << QStringLiteral("Every package needs its name.");
        if (auto id = checkId(p.packageId, QStringLiteral("033"), QStringLiteral("package id of %1").arg(name)); !id)
            out << id.error().message;
    }
    return out;
}

QList<RoleAccess> defaultRoles()
{
    return {
        {QStringLiteral("Partner ops"), Access::Edit, Access::Edit},
        {QStringLiteral("Customer success"), Access::Read, Access::Read},
        {QStringLiteral("Support"), Access::Read, Access::Read},
        {QStringLiteral("Sales"), Access::None, Access::None},
        {QStringLiteral("Finance"), Access::None, Access::None},
        {QStringLiteral("Admins"), Access::Edit, Access::Edit},
        {QStringLiteral("Everyone else"), Access::None, Access::None},
    };
}

QStringList permissionWarnings(const QList<RoleAccess> &roles)
{
    QStringList out;
    if (!roles.isEmpty()) {
        bool everyone = true;
        for (const RoleAccess &r : roles)
            everyone = everyone && (r.licenses != Access::None || r.subscribers != Access::None);
        if (everyone)
            out << QStringLiteral("Every role can see license and subscriber data. The LMA's default sharing is already "
                                  "permissive: give access only to those who work with licenses.");
    }
    for (const RoleAccess &r : roles)
        if (r.role.contains(QStringLiteral("everyone"), Qt::CaseInsensitive) && r.licenses == Access::Edit)
            out << QStringLiteral("\"%1\" may edit licenses: a mistaken edit changes what a customer can use.").arg(r.role);
    return out;
}

StorageForecast forecast(qint64 licensesToday, qint64 growthPerMonth, double allocationMb)
{
    StorageForecast f;
    f.allocationMb = allocationMb;
    f.usedMb = double(licensesToday) * StorageForecast::kKilobytesPerLicense / 1024.0;
    f.growthMbPerMonth = double(growthPerMonth) * StorageForecast::kKilobytesPerLicense / 1024.0;
    if (allocationMb <= 0)
        return f;
    if (f.usedMb >= allocationMb) {
        f.yearsLeft = 0.0;
        f.warning = QStringLiteral("The licenses alone already fill the org's data storage: buy more storage or choose another org.");
        return f;
    }
    if (f.growthMbPerMonth > 0) {
        f.yearsLeft = (allocationMb - f.usedMb) / f.growthMbPerMonth / 12.0;
        if (*f.yearsLeft < 3.0)
            f.warning = QStringLiteral("At this growth the licenses fill the org's data storage in %1 years, and they share it "
                                       "with everything else in the org. Plan more storage now.")
                            .arg(QLocale().toString(*f.yearsLeft, 'f', 1));
    }
    return f;
}

QString placementTradeOffs(OrgPlacement placement)
{
    return placement == OrgPlacement::PrimaryInternal
               ? QStringLiteral("In the primary org: license data sits beside accounts, cases and opportunities, so support and "
                                "billing can use it directly; but it shares that org's storage and API limits, and every "
                                "admin of it can touch the LMA.")
               : QStringLiteral("In a dedicated org: its storage and API limits are the LMA's alone and access is easy to keep "
                                "narrow; but licenses must be synchronised to the CRM org to reach support and billing, and "
                                "the org costs its own licenses.");
}

} // namespace LmoRules

QString lmoRunbookMarkdown(const LmoProfile &p, const QDate &today, const QList<QPair<LmoProfile, QDate>> &former)
{
    const QLocale locale;
    QString md;
    md += QStringLiteral("# LMO runbook: %1\n\n").arg(p.org.name);
    md += QStringLiteral("> **Do not retire, refresh, rename away or repurpose this org.** It is the License Management "
                         "Org (LMO) of every managed package listed below. Salesforce creates a License record here for "
                         "each install; if the org goes, the whole license history goes with it, and switching to another "
                         "LMO needs a Partner Support case and leaves the existing installs behind.\n\n");
    md += QStringLiteral("Written by LMO Desk on %1.\n\n").arg(today.toString(Qt::ISODate));
    md += QStringLiteral("## Identity\n\n| Recorded | Value |\n|---|---|\n");
    md += QStringLiteral("| Org name | %1 |\n| Org id | %2 |\n| Edition | %3 |\n| Kind | %4 |\n| Designated | %5 |\n\n")
              .arg(p.org.name, p.org.orgId, p.org.edition, orgKindName(p.org.kind),
                   p.designatedAt.isValid() ? p.designatedAt.toUTC().toString(Qt::ISODate) : QStringLiteral("not yet"));
    md += QStringLiteral("## Why this org\n\n");
    md += QStringLiteral("- Paid and permanent: %1\n").arg(p.org.confirmedPaidAndPermanent ? QStringLiteral("confirmed") : QStringLiteral("NOT confirmed"));
    md += QStringLiteral("- Who needs license data: %1\n").arg(p.org.whoNeedsData.isEmpty() ? QStringLiteral("—") : p.org.whoNeedsData.join(QStringLiteral(", ")));
    md += QStringLiteral("- What it integrates with: %1\n").arg(p.org.integrations.isEmpty() ? QStringLiteral("—") : p.org.integrations.join(QStringLiteral(", ")));
    md += QStringLiteral("- Stability: %1\n").arg(p.org.stability.isEmpty() ? QStringLiteral("—") : p.org.stability);
    md += QStringLiteral("- Placement: %1\n\n").arg(LmoRules::placementTradeOffs(p.org.placement));
    md += QStringLiteral("## Packages linked to this LMO\n\n| Package | Namespace | Package id |\n|---|---|---|\n");
    for (const LinkedPackage &pk : p.packages)
        md += QStringLiteral("| %1 | %2 | %3 |\n").arg(pk.name, pk.namespacePrefix, pk.packageId);
    md += QStringLiteral("\nRegistered through the Partner Console on %1.\n\n")
              .arg(p.registeredOn.isValid() ? p.registeredOn.toString(Qt::ISODate) : QStringLiteral("—"));
    md += QStringLiteral("## License Management App\n\nVersion %1; License and Subscriber objects visible: %2.\n")
              .arg(p.lmaVersion.isEmpty() ? QStringLiteral("—") : p.lmaVersion,
                   p.lmaObjectsVisible ? QStringLiteral("yes") : QStringLiteral("not confirmed"));
    if (!p.lmaVerification.isEmpty())
        md += QStringLiteral("Verification: %1\n").arg(p.lmaVerification);
    md += QStringLiteral("\n## Who has access\n\n| Role | Licenses | Subscribers |\n|---|---|---|\n");
    for (const RoleAccess &r : p.roles)
        md += QStringLiteral("| %1 | %2 | %3 |\n").arg(r.role, accessName(r.licenses), accessName(r.subscribers));
    for (const QString &w : LmoRules::permissionWarnings(p.roles))
        md += QStringLiteral("\n> Warning: %1\n").arg(w);
    md += QStringLiteral("\n## Dashboards and integrations\n\n- Dashboards: %1\n- Billing system: %2\n- Integration patterns: %3\n\n")
              .arg(p.dashboards.isEmpty() ? QStringLiteral("—") : p.dashboards.join(QStringLiteral(", ")),
                   p.billing.isEmpty() ? QStringLiteral("—") : p.billing,
                   p.integrationPatterns.isEmpty() ? QStringLiteral("—") : p.integrationPatterns.join(QStringLiteral(", ")));
    const StorageForecast f = LmoRules::forecast(p.licensesToday, p.growthPerMonth, p.storageAllocationMb);
    md += QStringLiteral("## Storage forecast\n\n%1 licenses today, %2 more a month, at %3 KB each: %4 MB now, %5 MB more a "
                         "month, against %6 MB of data storage.")
              .arg(locale.toString(p.licensesToday), locale.toString(p.growthPerMonth))
              .arg(StorageForecast::kKilobytesPerLicense)
              .arg(locale.toString(f.usedMb, 'f', 1), locale.toString(f.growthMbPerMonth, 'f', 2), locale.toString(f.allocationMb, 'f', 0));
    if (f.yearsLeft)
        md += QStringLiteral(" About %1 years of room.").arg(locale.toString(*f.yearsLeft, 'f', 1));
    md += QStringLiteral("\n");
    if (!f.warning.isEmpty())
        md += QStringLiteral("\n> Warning: %1\n").arg(f.warning);
    if (!former.isEmpty()) {
        md += QStringLiteral("\n## The LMOs before this one\n\nInstalls made before each switch stay in the org that was the "
                             "LMO then, with their license records: keep those orgs, and their LMA, for as long as any of "
                             "those installs exist.\n\n| Org | Org id | LMO until |\n|---|---|---|\n");
        for (const auto &[old, until] : former)
            md += QStringLiteral("| %1 | %2 | %3 |\n")
                      .arg(old.org.name.isEmpty() ? QStringLiteral("(not described)") : old.org.name,
                           old.org.orgId.isEmpty() ? QStringLiteral("—") : old.org.orgId, until.toString(Qt::ISODate));
    }
    md += QStringLiteral(
        "\n## If the LMO ever has to change\n\n"
        "1. Open a case with Salesforce Partner Support: only they can link a package to another LMO.\n"
        "2. License records do not move. Installs made before the switch stay in this org; new installs land in the new "
        "LMO. The install base is split in two from the switch date.\n"
        "3. Keep this org, and its LMA, for as long as any of those earlier installs exist.\n"
        "4. Record the switch in LMO Desk (LMO setup > Switch LMO) so that both halves stay visible together.\n");
    return md;
}

Result<LmoProfile> LmoRepository::current()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT data FROM lmo_profiles WHERE is_current = 1 ORDER BY id DESC LIMIT 1")))
        return sqlError(q.lastError(), QStringLiteral("reading the LMO profile"));
    if (!q.next())
        return LmoProfile();
    return LmoProfile::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object());
}

Result<void> LmoRepository::save(const LmoProfile &profile)
{
    const QString data = QString::fromUtf8(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Compact));
    Transaction t(m_db);
    if (auto r = t.begin(QStringLiteral("saving the LMO profile")); !r)
        return r;
    QSqlQuery update(m_db);
    update.prepare(QStringLiteral("UPDATE lmo_profiles SET data = ? WHERE is_current = 1"));
    update.addBindValue(data);
    if (!update.exec())
        return sqlError(update.lastError(), QStringLiteral("saving the LMO profile"));
    if (update.numRowsAffected() == 0) {
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES (?, 1)"));
        insert.addBindValue(data);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("saving the LMO profile"));
    }
    return t.commit(QStringLiteral("saving the LMO profile"));
}

Result<void> LmoRepository::switchTo(const LmoProfile &next, const QDate &since)
{
    Transaction t(m_db);
    if (auto r = t.begin(QStringLiteral("switching the LMO")); !r)
        return r;
    QSqlQuery retire(m_db);
    retire.prepare(QStringLiteral("UPDATE lmo_profiles SET is_current = 0, replaced_on = ? WHERE is_current = 1"));
    retire.addBindValue(dateToSql(since));
    if (!retire.exec())
        return sqlError(retire.lastError(), QStringLiteral("switching the LMO"));
    QSqlQuery insert(m_db);
    insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES (?, 1)"));
    insert.addBindValue(QString::fromUtf8(QJsonDocument(next.toJson()).toJson(QJsonDocument::Compact)));
    if (!insert.exec())
        return sqlError(insert.lastError(), QStringLiteral("switching the LMO"));
    return t.commit(QStringLiteral("switching the LMO"));
}

Result<QList<QPair<LmoProfile, QDate>>> LmoRepository::former()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT data, replaced_on FROM lmo_profiles WHERE is_current = 0 ORDER BY id")))
        return sqlError(q.lastError(), QStringLiteral("reading the former LMOs"));
    QList<QPair<LmoProfile, QDate>> out;
    while (q.next())
        out.append({LmoProfile::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object()), dateFromSql(q.value(1))});
    return out;
}

QString KnownLmo::name() const
{
    const QString org = profile.org.name.trimmed();
    if (org.isEmpty() && profile.org.orgId.isEmpty())
        return QStringLiteral("LMO %1").arg(ref);
    if (org.isEmpty())
        return profile.org.orgId;
    return profile.org.orgId.isEmpty() ? org : QStringLiteral("%1 (%2)").arg(org, profile.org.orgId);
}

QString KnownLmo::label() const
{
    if (current)
        return QStringLiteral("%1, current").arg(name());
    if (replacedOn.isValid())
        return QStringLiteral("%1, until %2").arg(name(), replacedOn.toString(Qt::ISODate));
    return name();
}

Result<qint64> resolveLmo(const QList<KnownLmo> &known, const QString &text)
{
    const QString t = text.trimmed();
    auto choices = [&] {
        QStringList lines;
        for (const KnownLmo &k : known)
            lines << QStringLiteral("%1: %2").arg(k.ref).arg(k.label());
        return lines.join(QStringLiteral("; "));
    };
    if (t.compare(QStringLiteral("current"), Qt::CaseInsensitive) == 0) {
        for (const KnownLmo &k : known)
            if (k.current)
                return k.ref;
        if (known.size() == 1)
            return known.first().ref;
    }
    bool isNumber = false;
    const qint64 number = t.toLongLong(&isNumber);
    for (const KnownLmo &k : known) {
        if (isNumber && k.ref == number)
            return k.ref;
        const SalesforceId id = SalesforceId::fromString(t);
        if (!id.isNull() && !k.profile.org.orgId.isEmpty()
            && SalesforceId::fromString(k.profile.org.orgId).to15() == id.to15())
            return k.ref;
    }
    return Error::make(Error::Code::Usage, QStringLiteral("\"%1\" is not an LMO of this database. Give its number, its org id "
                                                         "or \"current\": %2.")
                                               .arg(t, choices()));
}

Result<QList<KnownLmo>> LmoRepository::all()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT id, data, is_current, replaced_on FROM lmo_profiles ORDER BY id")))
        return sqlError(q.lastError(), QStringLiteral("reading the LMOs"));
    QList<KnownLmo> out;
    while (q.next()) {
        KnownLmo k;
        k.ref = q.value(0).toLongLong();
        k.profile = LmoProfile::fromJson(QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object());
        k.current = q.value(2).toInt() != 0;
        k.replacedOn = dateFromSql(q.value(3));
        out.append(k);
    }
    if (out.isEmpty()) {
        KnownLmo first;
        first.current = true;
        out.append(first);
    }
    return out;
}

Result<QHash<qint64, qint64>> LmoRepository::licensesByLmo()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT lmo_ref, COUNT(*) FROM licenses GROUP BY lmo_ref")))
        return sqlError(q.lastError(), QStringLiteral("counting the licenses of each LMO"));
    QHash<qint64, qint64> counts;
    while (q.next())
        counts.insert(q.value(0).toLongLong(), q.value(1).toLongLong());
    return counts;
}

Result<std::optional<qint64>> LmoRepository::defaultImportLmo()
{
    auto known = all();
    if (!known)
        return known.error();
    if (known->size() > 1)
        return std::optional<qint64>();
    return std::optional<qint64>(known->first().ref);
}

} // namespace lmo
