#include "sync/sfconnection.h"

#include <QSettings>

namespace lmo::sf {

namespace {

const QString kGroup = QStringLiteral("salesforce");

QString key15(const QString &orgId)
{
    return orgId.trimmed().left(15);
}

SavedConnection readOne(QSettings &s)
{
    SavedConnection c;
    c.method = s.value(QStringLiteral("method")).toString() == QLatin1String("sf-cli") ? SavedConnection::Method::SalesforceCli
                                                                                      : SavedConnection::Method::OAuth;
    c.orgId = s.value(QStringLiteral("orgId")).toString();
    c.orgName = s.value(QStringLiteral("orgName")).toString();
    c.username = s.value(QStringLiteral("username")).toString();
    c.instanceUrl = QUrl(s.value(QStringLiteral("instanceUrl")).toString());
    c.loginUrl = QUrl(s.value(QStringLiteral("loginUrl"), QStringLiteral("https://login.salesforce.com")).toString());
    c.clientId = s.value(QStringLiteral("clientId")).toString();
    c.port = quint16(s.value(QStringLiteral("port"), kDefaultCallbackPort).toUInt());
    c.sfAlias = s.value(QStringLiteral("sfAlias")).toString();
    return c;
}

} // namespace

QString SavedConnection::secretKey() const
{
    return QStringLiteral("salesforce:%1:%2").arg(key15(orgId), username);
}

OAuthApp SavedConnection::app() const
{
    OAuthApp a;
    a.loginUrl = loginUrl;
    a.clientId = clientId;
    a.port = port;
    return a;
}

QString SavedConnection::label() const
{
    const QString org = orgName.isEmpty() ? orgId : QStringLiteral("%1 (%2)").arg(orgName, orgId);
    if (method == Method::SalesforceCli)
        return QStringLiteral("%1 through the Salesforce CLI's %2").arg(org, sfAlias);
    return username.isEmpty() ? org : QStringLiteral("%1 as %2").arg(org, username);
}

SyncSettings SyncSettings::load()
{
    QSettings s;
    SyncSettings out;
    bool ok = false;
    const double reserve = s.value(QStringLiteral("sync/reservePercent"), out.reservePercent).toDouble(&ok);
    if (ok && reserve >= 0 && reserve < 100)
        out.reservePercent = reserve;
    const qint64 threshold = s.value(QStringLiteral("sync/bulkThreshold"), out.bulkThreshold).toLongLong(&ok);
    if (ok && threshold >= 0)
        out.bulkThreshold = threshold;
    const int every = s.value(QStringLiteral("sync/everyMinutes"), 0).toInt(&ok);
    if (ok && every >= 0)
        out.everyMinutes = every;
    return out;
}

void SyncSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("sync/reservePercent"), reservePercent);
    s.setValue(QStringLiteral("sync/bulkThreshold"), bulkThreshold);
    s.setValue(QStringLiteral("sync/everyMinutes"), everyMinutes);
}

namespace connections {

QList<SavedConnection> all()
{
    QSettings s;
    s.beginGroup(kGroup);
    QList<SavedConnection> out;
    for (const QString &org : s.childGroups()) {
        s.beginGroup(org);
        out << readOne(s);
        s.endGroup();
    }
    return out;
}

std::optional<SavedConnection> find(const QString &orgId)
{
    QSettings s;
    s.beginGroup(kGroup);
    if (!s.childGroups().contains(key15(orgId)))
        return std::nullopt;
    s.beginGroup(key15(orgId));
    return readOne(s);
}

std::optional<SavedConnection> latest()
{
    QSettings s;
    const QString org = s.value(kGroup + QStringLiteral("/latest")).toString();
    if (org.isEmpty())
        return std::nullopt;
    return find(org);
}

void save(const SavedConnection &c)
{
    QSettings s;
    s.beginGroup(kGroup);
    s.beginGroup(key15(c.orgId));
    s.setValue(QStringLiteral("method"), c.method == SavedConnection::Method::SalesforceCli ? QStringLiteral("sf-cli") : QStringLiteral("oauth"));
    s.setValue(QStringLiteral("orgId"), c.orgId);
    s.setValue(QStringLiteral("orgName"), c.orgName);
    s.setValue(QStringLiteral("username"), c.username);
    s.setValue(QStringLiteral("instanceUrl"), c.instanceUrl.toString());
    s.setValue(QStringLiteral("loginUrl"), c.loginUrl.toString());
    s.setValue(QStringLiteral("clientId"), c.clientId);
    s.setValue(QStringLiteral("port"), c.port);
    s.setValue(QStringLiteral("sfAlias"), c.sfAlias);
    s.endGroup();
    s.setValue(QStringLiteral("latest"), key15(c.orgId));
}

void forget(const QString &orgId)
{
    QSettings s;
    s.beginGroup(kGroup);
    s.remove(key15(orgId));
    if (s.value(QStringLiteral("latest")).toString() == key15(orgId))
        s.remove(QStringLiteral("latest"));
}

} // namespace connections

} // namespace lmo::sf
