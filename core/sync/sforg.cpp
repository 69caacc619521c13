#include "sync/sforg.h"

#include "domain/salesforceid.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace lmo::sf {

QString OrgRecord::label() const
{
    return name.isEmpty() ? id : QStringLiteral("%1 (%2)").arg(name, id);
}

namespace {

bool developerEdition(const QString &type)
{
    return type.contains(QLatin1String("Developer"), Qt::CaseInsensitive);
}

bool sandboxInstance(const QString &instance)
{
    static const QRegularExpression sandbox(QStringLiteral("^(CS[0-9]+|[A-Z]{2,4}[0-9]+S)$"));
    return sandbox.match(instance.trimmed().toUpper()).hasMatch();
}

} // namespace

LmoOrg OrgRecord::asLmoOrg() const
{
    LmoOrg org;
    org.name = name;
    org.orgId = id;
    org.edition = type;
    org.instance = instance;
    org.trialExpiration = trialExpiration;
    if (sandbox || sandboxInstance(instance))
        org.kind = OrgKind::Sandbox;
    else if (developerEdition(type))
        org.kind = OrgKind::DeveloperEdition;
    else if (trialExpiration.isValid())
        org.kind = OrgKind::Trial;
    else
        org.kind = OrgKind::Production;
    return org;
}

QJsonObject OrgRecord::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("instance"), instance},
                       {QStringLiteral("sandbox"), sandbox},
                       {QStringLiteral("trial_expiration"),
                        trialExpiration.isValid() ? QJsonValue(trialExpiration.toString(Qt::ISODate)) : QJsonValue()}};
}

OrgRecord organizationFromJson(const QJsonObject &r)
{
    OrgRecord org;
    org.id = r.value(QStringLiteral("Id")).toString();
    if (auto id = SalesforceId::parse(org.id))
        org.id = id->to18();
    org.name = r.value(QStringLiteral("Name")).toString();
    org.type = r.value(QStringLiteral("OrganizationType")).toString();
    org.instance = r.value(QStringLiteral("InstanceName")).toString();
    org.sandbox = r.value(QStringLiteral("IsSandbox")).toBool();
    const QString trial = r.value(QStringLiteral("TrialExpirationDate")).toString();
    if (!trial.isEmpty())
        org.trialExpiration = QDate::fromString(trial.left(10), Qt::ISODate);
    return org;
}

Result<OrgRecord> readOrganization(Client &client)
{
    const QString soql = QStringLiteral("SELECT Id, Name, OrganizationType, IsSandbox, TrialExpirationDate, InstanceName FROM Organization");
    auto r = client.get(client.dataPath(QStringLiteral("query/?q=")) + QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    if (!r)
        return r.error();
    if (r->status != 200)
        return Client::errorOf(r.value(), QStringLiteral("reading the org's Organization record"));
    const QJsonArray records = r->json().object().value(QStringLiteral("records")).toArray();
    if (records.isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("Salesforce returned no Organization record: the user may "
                                                                "lack the permission to read it."));
    OrgRecord org = organizationFromJson(records.first().toObject());
    if (!org.id.startsWith(QLatin1String("00D")))
        return Error::make(Error::Code::Invalid, QStringLiteral("The org's id \"%1\" is not an Organization id (00D…).").arg(org.id));
    return org;
}

QStringList worstMistakes(const OrgRecord &org)
{
    QStringList out;
    const QString lose = QStringLiteral("the LMO must be the partner's paid production org: the license records go with "
                                        "this one when it is refreshed, expires or is deleted, and a package's LMO cannot "
                                        "be moved back");
    if (org.sandbox)
        out << QStringLiteral("%1 is a sandbox (IsSandbox is true): %2.").arg(org.label(), lose);
    else if (sandboxInstance(org.instance))
        out << QStringLiteral("%1 runs on %2, a sandbox instance: %3.").arg(org.label(), org.instance, lose);
    if (developerEdition(org.type))
        out << QStringLiteral("%1 is a %2 org (OrganizationType): %3.").arg(org.label(), org.type, lose);
    if (org.trialExpiration.isValid())
        out << QStringLiteral("%1 is a trial that expires on %2 (TrialExpirationDate): %3.")
                   .arg(org.label(), org.trialExpiration.toString(Qt::ISODate), lose);
    return out;
}

} // namespace lmo::sf
