#include "sync/sfauth.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace lmo::sf {

namespace {

constexpr int kTokenTimeoutMs = 60'000;

QString base64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Result<TokenGrant> tokenRequest(const QUrl &loginUrl, const QList<QPair<QString, QString>> &form, const QString &doing)
{
    QNetworkAccessManager network;
    QUrl url = loginUrl;
    url.setPath(QStringLiteral("/services/oauth2/token"));
    auto r = exchange(network, QStringLiteral("POST"), url,
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
                      formBody(form), kTokenTimeoutMs, {});
    if (!r)
        return Error::make(r.error().code, QStringLiteral("%1: %2").arg(doing, r.error().message));
    const QJsonObject o = r->json().object();
    if (r->status != 200) {
        const QString error = o.value(QStringLiteral("error")).toString();
        const QString description = o.value(QStringLiteral("error_description")).toString();
        QString advice;
        if (error == QLatin1String("invalid_grant"))
            advice = QStringLiteral(" Salesforce no longer accepts this sign-in (it expired, was revoked, or the user "
                                    "changed): connect again (File > Connect to Salesforce…, or lmodesk connect).");
        else if (error == QLatin1String("invalid_client_id") || error == QLatin1String("invalid_client"))
            advice = QStringLiteral(" Check the consumer key, and that the External Client App is in this org and "
                                    "its users may use it.");
        else if (error == QLatin1String("redirect_uri_mismatch"))
            advice = QStringLiteral(" The External Client App's callback URL must be exactly the one LMO Desk listens on "
                                    "(http://127.0.0.1:PORT/callback).");
        return Error::make(Error::Code::AuthFailed, QStringLiteral("%1: Salesforce said %2 (%3).%4")
                                                        .arg(doing, error.isEmpty() ? QStringLiteral("HTTP %1").arg(r->status) : error,
                                                             description.isEmpty() ? QStringLiteral("no description") : description,
                                                             advice));
    }
    TokenGrant g;
    g.accessToken = o.value(QStringLiteral("access_token")).toString();
    g.refreshToken = o.value(QStringLiteral("refresh_token")).toString();
    g.instanceUrl = QUrl(o.value(QStringLiteral("instance_url")).toString());
    g.identityUrl = QUrl(o.value(QStringLiteral("id")).toString());
    g.scope = o.value(QStringLiteral("scope")).toString();
    if (g.accessToken.isEmpty() || !g.instanceUrl.isValid() || g.instanceUrl.host().isEmpty())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1: Salesforce's answer had no access token or instance URL.").arg(doing));
    return g;
}

} // namespace

QUrl loginUrlFor(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t == QLatin1String("login") || t == QLatin1String("production"))
        return QUrl(QStringLiteral("https://login.salesforce.com"));
    if (t == QLatin1String("test") || t == QLatin1String("sandbox"))
        return QUrl(QStringLiteral("https://test.salesforce.com"));
    QUrl url = t.contains(QLatin1String("://")) ? QUrl(t) : QUrl(QStringLiteral("https://") + t);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return QUrl();
    url.setPath(QString());
    url.setQuery(QString());
    return url;
}

Pkce Pkce::make()
{
    static const char kUnreserved[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QString verifier;
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < 64; ++i)
        verifier += QLatin1Char(kUnreserved[random->bounded(int(sizeof kUnreserved - 1))]);
    return Pkce{verifier, challengeOf(verifier)};
}

QString Pkce::challengeOf(const QString &verifier)
{
    return base64Url(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256));
}

QUrl authorizeUrl(const OAuthApp &app, const Pkce &pkce, const QString &state)
{
    QUrl url = app.loginUrl;
    url.setPath(QStringLiteral("/services/oauth2/authorize"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    q.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(QUrl::toPercentEncoding(app.clientId)));
    q.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(app.redirectUri())));
    q.addQueryItem(QStringLiteral("scope"), QStringLiteral("api%20refresh_token"));
    q.addQueryItem(QStringLiteral("state"), state);
    q.addQueryItem(QStringLiteral("code_challenge"), pkce.challenge);
    q.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    url.setQuery(q.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

QString TokenGrant::orgId() const
{
    const QStringList parts = identityUrl.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    return parts.size() >= 3 && parts[parts.size() - 3] == QLatin1String("id") ? parts[parts.size() - 2] : QString();
}

QString TokenGrant::userId() const
{
    const QStringList parts = identityUrl.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    return parts.size() >= 3 && parts[parts.size() - 3] == QLatin1String("id") ? parts.last() : QString();
}

struct LoopbackReceiver::Impl
{
    QTcpServer server;
    quint16 port = 0;
};

LoopbackReceiver::LoopbackReceiver() : d(std::make_unique<Impl>()) {}
LoopbackReceiver::~LoopbackReceiver() = default;

Result<void> LoopbackReceiver::listen(quint16 port)
{
    // The loopback address only: nothing else on the network can answer for the browser.
    if (!d->server.listen(QHostAddress::LocalHost, port))
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("Port %1 on 127.0.0.1 is taken (%2): choose another callback port, and set the "
                                          "same in the External Client App's callback URL.")
                               .arg(port)
                               .arg(d->server.errorString()));
    d->port = d->server.serverPort();
    return {};
}

Result<QString> LoopbackReceiver::waitForCode(const QString &state, int timeoutMs, const std::function<bool()> &cancelled)
{
    QEventLoop loop;
    std::optional<Result<QString>> answer;
    QHash<QTcpSocket *, QByteArray> buffers;
    QObject::connect(&d->server, &QTcpServer::newConnection, &loop, [&] {
        while (QTcpSocket *socket = d->server.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::disconnected, &loop, [&buffers, socket] {
                buffers.remove(socket);
                socket->deleteLater();
            });
            QObject::connect(socket, &QTcpSocket::readyRead, &loop, [&, socket] {
                QByteArray &buffer = buffers[socket];
                buffer += socket->readAll();
                const qsizetype end = buffer.indexOf("\r\n\r\n");
                if (end < 0 && buffer.size() < 16384)
                    return;
                const QList<QByteArray> line = buffer.left(buffer.indexOf("\r\n")).split(' ');
                const QUrl target(QString::fromLatin1(line.value(1)));
                QByteArray page;
                int status = 200;
                if (target.path() != QLatin1String("/callback")) {
                    status = 404;
                    page = "Not here: LMO Desk waits for Salesforce at /callback.";
                } else {
                    const QUrlQuery q(target);
                    const QString got = q.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
                    const QString code = q.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
                    const QString error = q.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
                    if (got != state) {
                        status = 400;
                        page = "This sign-in was not started by this LMO Desk window: start it again.";
                        if (!answer)
                            answer = Result<QString>(Error::make(Error::Code::AuthFailed,
                                                                 QStringLiteral("The browser came back with a sign-in LMO Desk "
                                                                                "did not start (its state did not match): "
                                                                                "connect again.")));
                    } else if (!error.isEmpty()) {
                        status = 400;
                        page = "Salesforce did not sign you in. You can close this tab.";
                        answer = Result<QString>(Error::make(
                            Error::Code::AuthFailed,
                            QStringLiteral("Salesforce did not sign in: %1 (%2).")
                                .arg(error, q.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded)
                                                .replace(QLatin1Char('+'), QLatin1Char(' ')))));
                    } else if (code.isEmpty()) {
                        status = 400;
                        page = "No code came back from Salesforce: start the sign-in again.";
                        answer = Result<QString>(Error::make(Error::Code::AuthFailed,
                                                             QStringLiteral("Salesforce's redirect had no code: connect again.")));
                    } else {
                        page = "LMO Desk is connected to your org. You can close this tab.";
                        answer = Result<QString>(code);
                    }
                }
                const QByteArray html = "<!doctype html><meta charset=utf-8><title>LMO Desk</title><p style=\"font:16px "
                                        "sans-serif;margin:3em\">"
                                        + page + "</p>";
                socket->write("HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Error")
                              + "\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\nContent-Length: "
                              + QByteArray::number(html.size()) + "\r\n\r\n" + html);
                socket->disconnectFromHost();
                if (answer)
                    loop.quit();
            });
        }
    });
    QElapsedTimer clock;
    clock.start();
    QTimer poll;
    poll.setInterval(100);
    bool stopped = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if ((cancelled && cancelled()) || clock.elapsed() > timeoutMs) {
            stopped = cancelled && cancelled();
            loop.quit();
        }
    });
    poll.start();
    loop.exec();
    poll.stop();
    d->server.close();
    if (answer)
        return *answer;
    if (stopped)
        return Error::make(Error::Code::Cancelled, QStringLiteral("The sign-in was cancelled: nothing was kept."));
    return Error::make(Error::Code::AuthFailed,
                       QStringLiteral("Nobody signed in within %1 minutes: connect again when ready.").arg(timeoutMs / 60000));
}

Result<TokenGrant> exchangeCode(const OAuthApp &app, const QString &code, const QString &verifier)
{
    return tokenRequest(app.loginUrl,
                        {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                         {QStringLiteral("code"), code},
                         {QStringLiteral("client_id"), app.clientId},
                         {QStringLiteral("redirect_uri"), app.redirectUri()},
                         {QStringLiteral("code_verifier"), verifier}},
                        QStringLiteral("Signing in to Salesforce"));
}

Result<TokenGrant> signIn(const OAuthApp &app, const std::function<bool(const QUrl &)> &openBrowser, int timeoutMs,
                          const std::function<bool()> &cancelled)
{
    if (app.clientId.trimmed().isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("Give the consumer key of the External Client App made in the "
                                                              "LMO (see the README, \"Connecting to the LMO\")."));
    if (!app.loginUrl.isValid() || app.loginUrl.host().isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("Give the login URL: login.salesforce.com, test.salesforce.com "
                                                              "or your My Domain."));
    LoopbackReceiver receiver;
    if (auto r = receiver.listen(app.port); !r)
        return r.error();
    const Pkce pkce = Pkce::make();
    const QString state = Pkce::make().verifier.left(24);
    const QUrl url = authorizeUrl(app, pkce, state);
    if (!openBrowser(url))
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("No web browser could be opened: open this address yourself, then sign in: %1")
                               .arg(url.toString(QUrl::FullyEncoded)));
    auto code = receiver.waitForCode(state, timeoutMs, cancelled);
    if (!code)
        return code.error();
    return exchangeCode(app, code.value(), pkce.verifier);
}

Result<TokenGrant> refreshSession(const OAuthApp &app, const QString &refreshToken)
{
    return tokenRequest(app.loginUrl,
                        {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                         {QStringLiteral("refresh_token"), refreshToken},
                         {QStringLiteral("client_id"), app.clientId}},
                        QStringLiteral("Renewing the Salesforce session"));
}

QString identityUsername(const TokenGrant &grant)
{
    if (!grant.identityUrl.isValid())
        return {};
    QNetworkAccessManager network;
    auto r = exchange(network, QStringLiteral("GET"), grant.identityUrl,
                      {{"Authorization", "Bearer " + grant.accessToken.toUtf8()}, {"Accept", "application/json"}}, {}, 30'000, {});
    if (!r || r->status != 200)
        return {};
    return r->json().object().value(QStringLiteral("username")).toString();
}

Result<void> revokeToken(const QUrl &host, const QString &token)
{
    QNetworkAccessManager network;
    QUrl url = host;
    url.setPath(QStringLiteral("/services/oauth2/revoke"));
    auto r = exchange(network, QStringLiteral("POST"), url, {{"Content-Type", "application/x-www-form-urlencoded"}},
                      formBody({{QStringLiteral("token"), token}}), kTokenTimeoutMs, {});
    if (!r)
        return r.error();
    // 400 invalid_token: revoked already (or never valid), which is what was asked.
    if (r->status == 200 || r->status == 400)
        return {};
    return Client::errorOf(r.value(), QStringLiteral("the revocation of the sign-in"));
}

RefreshTokenSource::RefreshTokenSource(OAuthApp app, QString refreshToken, QString where)
    : m_app(std::move(app)), m_refreshToken(std::move(refreshToken)), m_where(std::move(where))
{
}

Result<Session> RefreshTokenSource::session()
{
    if (!m_session.accessToken.isEmpty())
        return m_session;
    return renew();
}

Result<Session> RefreshTokenSource::renew()
{
    auto g = refreshSession(m_app, m_refreshToken);
    if (!g)
        return g.error();
    m_session = Session{g->instanceUrl, g->accessToken};
    return m_session;
}

namespace {

Result<QJsonObject> runCli(const QString &program, const QStringList &args, const QString &alias)
{
    QString sf = program;
    if (sf.isEmpty())
        sf = QStandardPaths::findExecutable(QStringLiteral("sf"));
    if (sf.isEmpty())
        return Error::make(Error::Code::Usage, QStringLiteral("The Salesforce CLI (sf) is not on PATH: install it, or "
                                                              "connect with --client-id instead."));
    QProcess p;
    p.start(sf, args);
    if (!p.waitForStarted(10'000))
        return Error::make(Error::Code::Usage, QStringLiteral("%1 could not be started: %2").arg(sf, p.errorString()));
    if (!p.waitForFinished(120'000)) {
        p.kill();
        return Error::make(Error::Code::Unreachable, QStringLiteral("%1 %2 did not finish within 2 minutes.").arg(sf, args.join(QLatin1Char(' '))));
    }
    const QByteArray out = p.readAllStandardOutput();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &parseError);
    if (!doc.isObject())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 %2 printed no JSON (%3): %4")
                                                     .arg(sf, args.join(QLatin1Char(' ')), parseError.errorString(),
                                                          QString::fromUtf8(p.readAllStandardError().left(300)).trimmed()));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("status")).toInt() != 0 || p.exitCode() != 0) {
        QString message = o.value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = QStringLiteral("exit code %1").arg(p.exitCode());
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The Salesforce CLI has no usable session for %1: %2 Log in with `sf org login web "
                                          "--alias %1`, then try again.")
                               .arg(alias, message));
    }
    return o.value(QStringLiteral("result")).toObject();
}

bool redacted(const QString &token)
{
    return token.startsWith(QLatin1String("[REDACTED]")) || token.contains(QLatin1String("REDACTED"));
}

} // namespace

Result<CliOrg> askSalesforceCli(const QString &alias, const QString &program)
{
    auto shown = runCli(program, {QStringLiteral("org"), QStringLiteral("display"), QStringLiteral("--target-org"), alias,
                                  QStringLiteral("--json")},
                        alias);
    if (!shown)
        return shown.error();
    CliOrg org;
    org.alias = alias;
    org.instanceUrl = QUrl(shown->value(QStringLiteral("instanceUrl")).toString());
    org.username = shown->value(QStringLiteral("username")).toString();
    org.orgId = shown->value(QStringLiteral("id")).toString();
    org.apiVersion = shown->value(QStringLiteral("apiVersion")).toString();
    const QString displayed = shown->value(QStringLiteral("accessToken")).toString();
    if (!org.instanceUrl.isValid() || org.instanceUrl.host().isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("sf org display gave no instance URL for %1.").arg(alias));
    // The newer CLI redacts the token in display: show-access-token prints it (refreshed first).
    auto token = runCli(program, {QStringLiteral("org"), QStringLiteral("auth"), QStringLiteral("show-access-token"),
                                  QStringLiteral("--target-org"), alias, QStringLiteral("--json")},
                        alias);
    if (token && !token->value(QStringLiteral("accessToken")).toString().isEmpty())
        org.accessToken = token->value(QStringLiteral("accessToken")).toString();
    else if (!displayed.isEmpty() && !redacted(displayed))
        org.accessToken = displayed; // a CLI from before show-access-token
    else
        return Error::make(Error::Code::AuthFailed,
                           QStringLiteral("The Salesforce CLI would not give the access token of %1 (%2). Update the CLI "
                                          "(sf update), or connect with --client-id instead.")
                               .arg(alias, token ? QStringLiteral("show-access-token printed none") : token.error().message));
    return org;
}

CliTokenSource::CliTokenSource(QString alias, QString program) : m_alias(std::move(alias)), m_program(std::move(program)) {}

Result<Session> CliTokenSource::session()
{
    auto org = askSalesforceCli(m_alias, m_program);
    if (!org)
        return org.error();
    return Session{org->instanceUrl, org->accessToken};
}

Result<Session> CliTokenSource::renew()
{
    return session(); // the CLI refreshes its own session when asked
}

QString CliTokenSource::describe() const
{
    return QStringLiteral("the Salesforce CLI's org %1").arg(m_alias);
}

} // namespace lmo::sf
