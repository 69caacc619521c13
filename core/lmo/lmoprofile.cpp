#include "lmo/lmoprofile.h"

#include "import/importer.h"
#include "storage/database.h"
#include "util/json.h"
#include "domain/salesforceid.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QJsonArray>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QLocale>
#include <QRegularExpression>
#include <QSqlQuery>

#include <cmath>

namespace lmo {

namespace {

const char *const kKinds[] = {"production", "sandbox", "developer-edition", "trial", "scratch"};
const char *const kKindLabels[] = {"Production", "Sandbox", "Developer Edition", "Trial", "Scratch org"};
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

QString orgKindLabel(OrgKind kind)
{
    return QString::fromLatin1(kKindLabels[int(kind)]);
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
                     {QStringLiteral("instance"), org.instance},
                     {QStringLiteral("trial_expiration"), org.trialExpiration.toString(Qt::ISODate)},
                     {QStringLiteral("status"), org.status},
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
    p.org.instance = o.value(QStringLiteral("instance")).toString();
    p.org.trialExpiration = QDate::fromString(o.value(QStringLiteral("trial_expiration")).toString(), Qt::ISODate);
    p.org.status = o.value(QStringLiteral("status")).toString();
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

namespace {

// What a key prefix someone may paste by mistake is, and where the right id is found.
// What an id of another kind is, named from the key prefixes the domain knows.
QString prefixMeaning(const QString &prefix)
{
    static const QHash<QString, QString> known{
        {QString::fromUtf16(KeyPrefix::Organization), QStringLiteral("an org id")},
        {QString::fromUtf16(KeyPrefix::Package), QStringLiteral("a package id")},
        {QString::fromUtf16(KeyPrefix::PackageVersion), QStringLiteral("a package version id")},
        {QString::fromUtf16(KeyPrefix::Package2), QStringLiteral("a second-generation package id")},
        {QString::fromUtf16(KeyPrefix::Account), QStringLiteral("an account id")},
        {QString::fromUtf16(KeyPrefix::Contact), QStringLiteral("a contact id")},
        {QString::fromUtf16(KeyPrefix::User), QStringLiteral("a user id")},
        {QString::fromUtf16(KeyPrefix::Lead), QStringLiteral("a lead id")},
    };
    return known.value(prefix);
}

QString whereToFind(const QString &prefix)
{
    if (prefix == QString::fromUtf16(KeyPrefix::Organization))
        return QStringLiteral("Setup > Company Information");
    if (prefix == QString::fromUtf16(KeyPrefix::Package))
        return QStringLiteral("the package's record in the LMA's Packages tab");
    return {};
}

} // namespace

Result<QString> checkId(const QString &text, const QString &prefix, const QString &what)
{
    const QString where = whereToFind(prefix);
    const QString from = where.isEmpty() ? QString() : QStringLiteral(", from %1").arg(where);
    if (text.trimmed().isEmpty())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("Give the %1: 15 or 18 characters beginning with %2%3.").arg(what, prefix, from));
    auto parsed = SalesforceId::parse(text);
    if (!parsed)
        return Error::make(Error::Code::Invalid, QStringLiteral("The %1 is not a valid Salesforce id: %2. Copy it again, whole%3.")
                                                     .arg(what, parsed.error().message, from));
    if (!parsed->hasKeyPrefix(prefix)) {
        const QString meaning = prefixMeaning(parsed->keyPrefix());
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("The %1 must begin with %2; \"%3\" begins with %4%5. Give its %2 id instead%6.")
                               .arg(what, prefix, text.trimmed(), parsed->keyPrefix(),
                                    meaning.isEmpty() ? QString() : QStringLiteral(", which makes it %1").arg(meaning), from));
    }
    return parsed->to18();
}

namespace {

// The kinds an answer leaves possible, as a set of OrgKind bits.
using Kinds = unsigned;
constexpr Kinds kindBit(OrgKind k) { return 1u << unsigned(k); }
constexpr Kinds kAnyKind = 0x1f;

// Why an org of this kind cannot be the LMO, as the end of a sentence.
QString whyNot(OrgKind kind)
{
    switch (kind) {
    case OrgKind::Production: break;
    case OrgKind::Sandbox:
        return QStringLiteral("a sandbox is refreshed from production and wiped with it, and the license history would go too");
    case OrgKind::DeveloperEdition:
        return QStringLiteral("a Developer Edition org is not a paid org, has tiny storage and can be locked or deleted, and "
                              "every license record with it");
    case OrgKind::Trial:
        return QStringLiteral("a trial org expires, and when the trial ends the LMA becomes unreachable");
    case OrgKind::Scratch:
        return QStringLiteral("a scratch org expires within days");
    }
    return {};
}

// What one answer says the org is: the kinds it leaves possible, in words ("the edition is
// Developer Edition"), and a problem of its own (an instance name that is none).
struct Evidence
{
    Evidence(QString f, QString c = {}, Kinds k = kAnyKind, OrgKind l = OrgKind::Production)
        : field(std::move(f)), claim(std::move(c)), kinds(k), likely(l)
    {
    }
    QString field;  // "edition", to say what to correct
    QString claim;  // "the edition is Developer Edition"
    Kinds kinds = kAnyKind;
    OrgKind likely = OrgKind::Production; // the kind it points at first, for the reason
    QString problem;
};

std::optional<Evidence> editionEvidence(const QString &text)
{
    const QString e = text.simplified();
    if (e.isEmpty())
        return std::nullopt;
    Evidence ev{QStringLiteral("edition"), QStringLiteral("the edition is %1").arg(e)};
    auto has = [&](const char *word) { return e.contains(QLatin1String(word), Qt::CaseInsensitive); };
    // Developer Edition, Partner Developer Edition and Trailhead Playgrounds are free developer
    // orgs; scratch orgs are often created with the Developer edition too.
    if (has("developer") || has("playground"))
        ev.kinds = kindBit(OrgKind::DeveloperEdition) | kindBit(OrgKind::Scratch), ev.likely = OrgKind::DeveloperEdition;
    else if (has("scratch"))
        ev.kinds = kindBit(OrgKind::Scratch), ev.likely = OrgKind::Scratch;
    else if (has("trial"))
        ev.kinds = kindBit(OrgKind::Trial) | kindBit(OrgKind::Scratch), ev.likely = OrgKind::Trial;
    else if (has("sandbox"))
        ev.kinds = kindBit(OrgKind::Sandbox), ev.likely = OrgKind::Sandbox;
    else // a paid edition (Enterprise, Unlimited…): a sandbox, trial or scratch org carries one too
        ev.kinds = kAnyKind & ~kindBit(OrgKind::DeveloperEdition);
    return ev;
}

std::optional<Evidence> instanceEvidence(const QString &text)
{
    const QString i = text.trimmed().toUpper();
    if (i.isEmpty())
        return std::nullopt;
    static const QRegularExpression name(QStringLiteral("^[A-Z]{2,4}[0-9]{1,4}S?$"));
    static const QRegularExpression sandbox(QStringLiteral("^(CS[0-9]+|[A-Z]{2,4}[0-9]+S)$"));
    Evidence ev{QStringLiteral("instance")};
    if (!name.match(i).hasMatch()) {
        ev.problem = QStringLiteral("\"%1\" is not a Salesforce instance name such as NA135, EU45, USA662 or CS142: copy "
                                    "the instance from Setup > Company Information, or leave it empty.")
                         .arg(text.trimmed());
        return ev;
    }
    // Sandboxes (and the scratch orgs created on them) run on CS instances, and on Hyperforce on
    // instances whose name ends in S; everything else is a production instance.
    if (sandbox.match(i).hasMatch()) {
        ev.claim = QStringLiteral("the instance %1 is a sandbox instance").arg(i);
        ev.kinds = kindBit(OrgKind::Sandbox) | kindBit(OrgKind::Scratch);
        ev.likely = OrgKind::Sandbox;
    } else {
        ev.claim = QStringLiteral("the instance %1 is a production instance").arg(i);
        ev.kinds = kindBit(OrgKind::Production) | kindBit(OrgKind::DeveloperEdition) | kindBit(OrgKind::Trial);
    }
    return ev;
}

std::optional<Evidence> trialEvidence(const QDate &expires)
{
    if (!expires.isValid())
        return std::nullopt;
    return Evidence{QStringLiteral("trial expiration"),
                    QStringLiteral("the org has a trial expiration date (%1)").arg(expires.toString(Qt::ISODate)),
                    kindBit(OrgKind::Trial) | kindBit(OrgKind::Scratch), OrgKind::Trial};
}

std::optional<Evidence> statusEvidence(const QString &text)
{
    const QString s = text.trimmed().toUpper();
    if (s.isEmpty())
        return std::nullopt;
    Evidence ev{QStringLiteral("status"), QStringLiteral("the org status is %1").arg(s)};
    if (s == QLatin1String("ACTIVE"))
        return ev;
    if (s == QLatin1String("TRIAL") || s == QLatin1String("SIGNING_UP")) {
        ev.kinds = kindBit(OrgKind::Trial) | kindBit(OrgKind::Scratch);
        ev.likely = OrgKind::Trial;
    } else if (s == QLatin1String("FREE")) {
        ev.claim = QStringLiteral("the org status is FREE, as a Developer Edition org's is");
        ev.kinds = kindBit(OrgKind::DeveloperEdition) | kindBit(OrgKind::Scratch);
        ev.likely = OrgKind::DeveloperEdition;
    } else if (s == QLatin1String("SUSPENDED")) {
        ev.problem = QStringLiteral("The org status is SUSPENDED: nobody can log in to a suspended org, nor reach its LMA. "
                                    "Choose an active, paid production org, or correct the status.");
    } else if (s == QLatin1String("DELETED") || s == QLatin1String("PENDING_DELETE")) {
        ev.problem = QStringLiteral("The org status is %1: the org is being deleted, and every license record with it. "
                                    "Choose an active, paid production org, or correct the status.")
                         .arg(s);
    } else {
        ev.problem = QStringLiteral("\"%1\" is not an org status the LMA records (%2): choose one of them, or leave the "
                                    "status empty.")
                         .arg(text.trimmed(), LmoRules::orgStatuses().join(QStringLiteral(", ")));
    }
    return ev;
}

QString capitalised(QString s)
{
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

} // namespace

const QStringList &orgStatuses()
{
    static const QStringList statuses{QStringLiteral("ACTIVE"),    QStringLiteral("TRIAL"),   QStringLiteral("FREE"),
                                      QStringLiteral("SIGNING_UP"), QStringLiteral("SUSPENDED"), QStringLiteral("DELETED"),
                                      QStringLiteral("PENDING_DELETE")};
    return statuses;
}

QStringList orgRefusals(const LmoOrg &org)
{
    QStringList out;
    if (org.name.trimmed().isEmpty())
        out << QStringLiteral("Give the org's name, as your admins know it.");
    if (org.orgId.trimmed().isEmpty())
        out << QStringLiteral("Give the org id: 15 or 18 characters beginning with 00D, from Setup > Company Information.");
    else if (auto id = checkId(org.orgId, QStringLiteral("00D"), QStringLiteral("org id")); !id)
        out << id.error().message;

    // The kind the user chose, refused on its own.
    switch (org.kind) {
    case OrgKind::Production: break;
    case OrgKind::Sandbox:
        out << QStringLiteral("A sandbox cannot be the LMO: it is refreshed from production and wiped with it, and the "
                              "license history would go too. Choose your paid production org.");
        break;
    case OrgKind::DeveloperEdition:
        out << QStringLiteral("A Developer Edition org cannot be the LMO: it is not a paid org, has tiny storage and can be "
                              "locked or deleted, and every license record with it. Choose your paid production org.");
        break;
    case OrgKind::Trial:
        out << QStringLiteral("A trial org cannot be the LMO: when the trial ends the LMA becomes unreachable. Choose your "
                              "paid production org.");
        break;
    case OrgKind::Scratch:
        out << QStringLiteral("A scratch org cannot be the LMO: it expires within days. Choose your paid production org.");
        break;
    }

    // Every other answer that says what the org is, against the kind and against each other.
    QList<Evidence> evidence;
    for (const std::optional<Evidence> &e : {editionEvidence(org.edition), instanceEvidence(org.instance),
                                             trialEvidence(org.trialExpiration), statusEvidence(org.status)})
        if (e)
            evidence.append(*e);
    const QString kindClaim = QStringLiteral("Kind says %1").arg(orgKindLabel(org.kind));
    for (const Evidence &e : evidence) {
        if (!e.problem.isEmpty()) {
            out << e.problem;
            continue;
        }
        if (e.kinds & kindBit(org.kind))
            continue; // agrees with the kind (whose own refusal, if any, is above)
        if (!(e.kinds & kindBit(OrgKind::Production)))
            out << QStringLiteral("%1 but %2: %3. Choose your paid production org, or correct the %4.")
                       .arg(kindClaim, e.claim, whyNot(e.likely), e.field);
        else
            out << QStringLiteral("%1 but %2: one of them is wrong. Check which org you mean and correct the kind or the %3.")
                       .arg(kindClaim, e.claim, e.field);
    }
    for (qsizetype a = 0; a < evidence.size(); ++a)
        for (qsizetype b = a + 1; b < evidence.size(); ++b)
            if (evidence[a].problem.isEmpty() && evidence[b].problem.isEmpty() && !(evidence[a].kinds & evidence[b].kinds))
                out << QStringLiteral("%1 but %2: no org is both. Check which org you mean and correct the %3 or the %4.")
                           .arg(capitalised(evidence[a].claim), evidence[b].claim, evidence[a].field, evidence[b].field);

    if (!org.confirmedPaidAndPermanent)
        out << QStringLiteral("Tick \"paid for and meant to last\" once you have made sure the org is: the designation is, "
                              "for all practical purposes, permanent.");
    return out;
}

QStringList designationRefusals(const LmoProfile &profile)
{
    return orgRefusals(profile.org) + packageRefusals(profile.packages);
}

QStringList packageRefusals(const QList<LinkedPackage> &packages)
{
    QStringList out;
    if (packages.isEmpty())
        out << QStringLiteral("Add the managed package you register through the Partner Console (at least the first one).");
    for (qsizetype i = 0; i < packages.size(); ++i) {
        const LinkedPackage &p = packages[i];
        const bool named = !p.name.trimmed().isEmpty();
        if (!named)
            out << QStringLiteral("Give the name of the package in row %1.").arg(i + 1);
        const QString what = named ? QStringLiteral("package id of %1").arg(p.name.trimmed())
                                   : QStringLiteral("package id in row %1").arg(i + 1);
        if (auto id = checkId(p.packageId, QStringLiteral("033"), what); !id)
            out << id.error().message;
    }
    return out;
}

QList<RoleAccess> defaultRoles()
{
    return {
        {QStringLiteral("Partner ops"), Access::Edit, Access::Edit},
        {QStringLiteral("Customer success"), Access::Edit, Access::Read}, // seats and expiration (Modify License)
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
            out << QStringLiteral("Every role can see license and subscriber data, and the LMA's default sharing is already "
                                  "permissive. Give access only to those who work with licenses: set the others to none.");
    }
    for (const RoleAccess &r : roles)
        if (r.role.contains(QStringLiteral("everyone"), Qt::CaseInsensitive) && r.licenses == Access::Edit)
            out << QStringLiteral("\"%1\" may edit licenses: one mistaken edit changes what a customer can use. Set its "
                                  "Licenses access to read or none.")
                       .arg(r.role);
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
    md += QStringLiteral("| Org name | %1 |\n| Org id | %2 |\n| Edition | %3 |\n| Kind | %4 |\n")
              .arg(p.org.name, p.org.orgId, p.org.edition, orgKindLabel(p.org.kind));
    if (!p.org.instance.trimmed().isEmpty())
        md += QStringLiteral("| Instance | %1 |\n").arg(p.org.instance.trimmed().toUpper());
    if (p.org.trialExpiration.isValid())
        md += QStringLiteral("| Trial expiration | %1 |\n").arg(p.org.trialExpiration.toString(Qt::ISODate));
    if (!p.org.status.trimmed().isEmpty())
        md += QStringLiteral("| Org status | %1 |\n").arg(p.org.status.trimmed().toUpper());
    md += QStringLiteral("| Designated | %1 |\n\n")
              .arg(p.designatedAt.isValid() ? p.designatedAt.toUTC().toString(Qt::ISODate) : QStringLiteral("not yet"));
    for (const QString &refusal : LmoRules::orgRefusals(p.org))
        md += QStringLiteral("> Warning: LMO Desk would refuse this org as the LMO. %1\n\n").arg(refusal);
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
    if (auto r = t.beginWrite(QStringLiteral("saving the LMO profile")); !r)
        return r;
    QSqlQuery update(m_db);
    if (!update.prepare(QStringLiteral("UPDATE lmo_profiles SET data = ? WHERE is_current = 1")))
        return sqlError(update.lastError(), QStringLiteral("saving the LMO profile"));
    update.addBindValue(data);
    if (!update.exec())
        return sqlError(update.lastError(), QStringLiteral("saving the LMO profile"));
    if (update.numRowsAffected() == 0) {
        QSqlQuery insert(m_db);
        if (!insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES (?, 1)")))
            return sqlError(insert.lastError(), QStringLiteral("saving the LMO profile"));
        insert.addBindValue(data);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("saving the LMO profile"));
    }
    return t.commit(QStringLiteral("saving the LMO profile"));
}

Result<void> LmoRepository::switchTo(const LmoProfile &next, const QDate &since)
{
    Transaction t(m_db);
    if (auto r = t.beginWrite(QStringLiteral("switching the LMO")); !r)
        return r;
    QSqlQuery retire(m_db);
    if (!retire.prepare(QStringLiteral("UPDATE lmo_profiles SET is_current = 0, replaced_on = ? WHERE is_current = 1")))
        return sqlError(retire.lastError(), QStringLiteral("switching the LMO"));
    retire.addBindValue(dateToSql(since));
    if (!retire.exec())
        return sqlError(retire.lastError(), QStringLiteral("switching the LMO"));
    QSqlQuery insert(m_db);
    if (!insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES (?, 1)")))
        return sqlError(insert.lastError(), QStringLiteral("switching the LMO"));
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

Result<qint64> LmoRepository::licensesInstalledAfter(const QDate &day)
{
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date > ?")))
        return sqlError(q.lastError(), QStringLiteral("counting the licenses installed since %1").arg(day.toString(Qt::ISODate)));
    q.addBindValue(dateToSql(day));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("counting the licenses installed since %1").arg(day.toString(Qt::ISODate)));
    return q.value(0).toLongLong();
}

Result<LmaExportCheck> checkLmaExport(const QString &file)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return Error::make(Error::Code::Io, QStringLiteral("Could not make a scratch folder to read %1 into: %2.")
                                                .arg(QFileInfo(file).fileName(), dir.errorString()));
    Database::OpenOptions create;
    create.create = true;
    // A scratch database file: the check never touches the database in use.
    auto scratch = Database::open(dir.filePath(QStringLiteral("verify.") + Database::localFileNames().suffix), create);
    if (!scratch)
        return scratch.error();
    auto report = importFile(*scratch.value(), file, ImportOptions());
    if (!report)
        return report.error();
    LmaExportCheck check;
    check.licenses = report->inserted;
    check.rejected = report->rejected;
    auto tally = [&](const QString &sql, QList<QPair<QString, qint64>> *out) -> Result<void> {
        QSqlQuery q(scratch.value()->connection());
        if (!q.exec(sql))
            return sqlError(q.lastError(), QStringLiteral("counting the licenses of %1").arg(QFileInfo(file).fileName()));
        while (q.next())
            out->append({q.value(0).toString(), q.value(1).toLongLong()});
        return {};
    };
    if (auto r = tally(QStringLiteral("SELECT p.name, COUNT(*) FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                      "GROUP BY p.name ORDER BY COUNT(*) DESC, p.name"),
                       &check.byPackage);
        !r)
        return r.error();
    if (auto r = tally(QStringLiteral("SELECT status, COUNT(*) FROM licenses GROUP BY status ORDER BY COUNT(*) DESC, status"),
                       &check.byStatus);
        !r)
        return r.error();
    return check;
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
