#pragma once

// The orgs LMO Desk has been connected to, as the settings keep them: never a secret (the refresh
// token is in the OS keychain, under secretKey(); the access token only in memory).

#include "sync/sfauth.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace lmo::sf {

struct SavedConnection
{
    enum class Method { OAuth, SalesforceCli };
    Method method = Method::OAuth;
    QString orgId; // 18 characters
    QString orgName;
    QString username;
    QUrl instanceUrl;
    QUrl loginUrl;
    QString clientId;
    quint16 port = kDefaultCallbackPort;
    QString sfAlias; // Method::SalesforceCli

    // Where the refresh token is kept in the keychain: "salesforce:<org15>:<username>".
    QString secretKey() const;
    OAuthApp app() const;
    QString label() const; // "Acme Licensing (00D…) as ops@acme.com"
};

// How the window and lmodesk sync sync, as the settings keep them (Salesforce > Sync settings…).
struct SyncSettings
{
    double reservePercent = 10;    // of the org's daily API requests, left for everything else
    qint64 bulkThreshold = 50'000; // a full load of more records goes through Bulk API 2.0
    int everyMinutes = 0;          // the window syncs this often while it is open; 0: only when asked
    static SyncSettings load();
    void save() const;
};

namespace connections {
QList<SavedConnection> all();
// The connection for this org (15 or 18 characters); none when never connected.
std::optional<SavedConnection> find(const QString &orgId);
// The last one connected, which a sync uses when the database names no org yet.
std::optional<SavedConnection> latest();
void save(const SavedConnection &connection);
void forget(const QString &orgId);
} // namespace connections

} // namespace lmo::sf
