#pragma once

// Signing in to the LMO: OAuth 2.0's web server flow with PKCE (S256) on a loopback redirect,
// written on QNetworkAccessManager and a QTcpServer (Qt 6.4's QtNetworkAuth has no PKCE and
// encodes the code a second time), the refresh and the revocation; or a session borrowed from the
// Salesforce CLI. Nothing here keeps a secret: the caller keeps the refresh token (in the OS
// keychain) and hands it back. See docs/sync.md.

#include "sync/sfclient.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

namespace lmo::sf {

inline constexpr quint16 kDefaultCallbackPort = 1718; // not the Salesforce CLI's 1717

QUrl loginUrlFor(const QString &text); // "login", "test", a My Domain host or a URL; invalid when none

// The app registered in the LMO: where people sign in, its consumer key, the redirect's port.
struct OAuthApp
{
    QUrl loginUrl = QUrl(QStringLiteral("https://login.salesforce.com"));
    QString clientId;
    quint16 port = kDefaultCallbackPort;
    QString redirectUri() const { return QStringLiteral("http://127.0.0.1:%1/callback").arg(port); }
};

struct Pkce
{
    QString verifier;  // 64 unreserved characters
    QString challenge; // base64url(SHA-256(verifier)), no padding
    static Pkce make();
    static QString challengeOf(const QString &verifier);
};

QUrl authorizeUrl(const OAuthApp &app, const Pkce &pkce, const QString &state);

// What the token endpoint gave: a session, and (with the refresh_token scope) a refresh token.
struct TokenGrant
{
    QString accessToken;
    QString refreshToken;
    QUrl instanceUrl;
    QUrl identityUrl; // .../id/<org id>/<user id>
    QString scope;
    QString orgId() const;  // from the identity URL (18 characters)
    QString userId() const;
};

// The browser's return: listens on 127.0.0.1 only, at the app's port, for /callback.
class LoopbackReceiver
{
public:
    LoopbackReceiver();
    ~LoopbackReceiver();
    // Listening (before the browser is sent): Unreachable, naming the port, when it is taken.
    Result<void> listen(quint16 port);
    // Waits for the redirect with this state; the code (decoded once, as it came), or why not
    // (the user refused, a state that is not ours, timeout, cancel).
    Result<QString> waitForCode(const QString &state, int timeoutMs, const std::function<bool()> &cancelled);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The whole sign-in: listening, the browser sent to Salesforce (`openBrowser`), the code
// exchanged with the verifier. `timeoutMs` for the person to sign in.
Result<TokenGrant> signIn(const OAuthApp &app, const std::function<bool(const QUrl &)> &openBrowser, int timeoutMs,
                          const std::function<bool()> &cancelled);
Result<TokenGrant> exchangeCode(const OAuthApp &app, const QString &code, const QString &verifier);
Result<TokenGrant> refreshSession(const OAuthApp &app, const QString &refreshToken);
// The signed-in user's username, from the identity URL; empty when it cannot be read.
QString identityUsername(const TokenGrant &grant);
// Revokes a token (the refresh token revokes its sessions too), at the instance or login host.
Result<void> revokeToken(const QUrl &host, const QString &token);

// A refresh token's sessions: the first asked when needed, a new one after each 401.
class RefreshTokenSource : public TokenSource
{
public:
    RefreshTokenSource(OAuthApp app, QString refreshToken, QString where);
    Result<Session> session() override;
    Result<Session> renew() override;
    QString describe() const override { return m_where; }

private:
    OAuthApp m_app;
    QString m_refreshToken;
    QString m_where;
    Session m_session;
};

// What the Salesforce CLI says of one of its orgs.
struct CliOrg
{
    QString alias;
    QUrl instanceUrl;
    QString accessToken;
    QString username;
    QString orgId;
    QString apiVersion;
};
// Runs `sf org display --target-org ALIAS --json` (instance, user, org) and, for the token,
// `sf org auth show-access-token --target-org ALIAS --json`; the token from display where the
// CLI is older and does not redact it. `program`: the sf to run (default "sf" on PATH).
Result<CliOrg> askSalesforceCli(const QString &alias, const QString &program = QString());

// The CLI's session, asked again whenever Salesforce says it expired (the CLI refreshes it).
class CliTokenSource : public TokenSource
{
public:
    explicit CliTokenSource(QString alias, QString program = QString());
    Result<Session> session() override;
    Result<Session> renew() override;
    QString describe() const override;

private:
    QString m_alias, m_program;
};

} // namespace lmo::sf
