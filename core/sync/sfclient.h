#pragma once

// Salesforce's REST API, as a sync uses it: requests made one after another on the calling
// thread (each waits in a local event loop, so a worker thread or the command line can read the
// org page by page), every response's Sforce-Limit-Info read, the org's daily requests kept above
// a reserve, a 401 answered by renewing the session once, 5xx and timeouts tried again with
// backoff, and each refusal worded with what to do. See docs/sync.md.

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace lmo::sf {

// The API version LMO Desk is tested with; an org that no longer offers it gets the newest it
// lists (and a warning).
inline constexpr const char *kApiVersion = "62.0";

// The org's daily API requests, as the last response's Sforce-Limit-Info said ("api-usage=18/15000").
struct ApiUsage
{
    qint64 used = -1;
    qint64 max = -1;
    bool known() const { return used >= 0 && max > 0; }
    qint64 left() const { return known() ? std::max<qint64>(0, max - used) : -1; }
    QString text() const; // "14,982 of 15,000 left", or "not known yet"
};

// Parses "api-usage=10018/100000" (other entries, such as per-app quotas, may follow).
ApiUsage parseLimitInfo(const QByteArray &header);

struct Response
{
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

// Where the API is and who it is for: the org's instance and a session's access token.
struct Session
{
    QUrl instanceUrl;
    QString accessToken;
};

// Hands the client its session, and a new one when Salesforce says the old one expired.
class TokenSource
{
public:
    virtual ~TokenSource() = default;
    virtual Result<Session> session() = 0;
    // After a 401: a new session (a refresh token used, the CLI asked again), or why there is
    // none ("connect again").
    virtual Result<Session> renew() = 0;
    // For messages: "the refresh token kept in the keychain", "the Salesforce CLI's org acme".
    virtual QString describe() const = 0;
};

// A session given as it is (--instance-url and LMODESK_SF_ACCESS_TOKEN): nothing can renew it.
class FixedTokenSource : public TokenSource
{
public:
    FixedTokenSource(QUrl instanceUrl, QString accessToken, QString where);
    Result<Session> session() override;
    Result<Session> renew() override;
    QString describe() const override { return m_where; }

private:
    Session m_session;
    QString m_where;
};

struct ClientOptions
{
    QString apiVersion = QString::fromLatin1(kApiVersion);
    int retries = 3;            // after a 5xx or a timeout, this many more tries
    int firstBackoffMs = 1000;  // then doubled each time
    int timeoutMs = 120'000;    // a response that has not finished by then is a timeout
    // The share of the org's daily requests no sync may spend (0.10: stop while 10% are left).
    double reserve = 0.10;
    std::function<bool()> cancelled; // polled while a request waits; true aborts it
};

// One blocking HTTP exchange, outside any session (the token endpoint, the CLI's instance):
// `cancelled` polled while it waits. Network failures come back as Unreachable.
Result<Response> exchange(QNetworkAccessManager &network, const QString &verb, const QUrl &url,
                          const QHash<QByteArray, QByteArray> &headers, const QByteArray &body, int timeoutMs,
                          const std::function<bool()> &cancelled);

// Form-encodes each value once ("abc==" becomes "abc%3D%3D"): QUrlQuery leaves '=' and '+' as
// they are, which a form body must not.
QByteArray formBody(const QList<QPair<QString, QString>> &fields);

class Client
{
public:
    Client(TokenSource &tokens, ClientOptions options = {});
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // A path on the instance ("/services/data/v62.0/limits"), or a whole URL.
    Result<Response> get(const QString &path, const QHash<QByteArray, QByteArray> &headers = {});
    Result<Response> post(const QString &path, const QByteArray &json);
    Result<Response> remove(const QString &path);

    // "/services/data/v62.0/" + rest.
    QString dataPath(const QString &rest) const;
    // Asks /services/data/ (not counted against the limits) for the versions the org offers,
    // and keeps ours or the newest; the warning when it was not ours.
    Result<QString> chooseVersion();

    // An error for a JSON error body: [{"errorCode","message"}] or {"error","error_description"}.
    static Error errorOf(const Response &response, const QString &doing);

    ApiUsage usage() const { return m_usage; }
    qint64 requests() const { return m_requests; }
    // The org's clock, as the last response's Date header said (invalid before any).
    QDateTime serverTime() const { return m_serverTime; }
    const ClientOptions &options() const { return m_options; }
    QString apiVersion() const { return m_options.apiVersion; }
    QUrl instanceUrl() const { return m_session.instanceUrl; }
    TokenSource &tokens() { return m_tokens; }
    // Checks the reserve before a request that will be counted: LimitReached when it is reached.
    Result<void> checkBudget(const QString &doing) const;

private:
    Result<Response> send(const QString &verb, const QString &path, const QHash<QByteArray, QByteArray> &headers,
                          const QByteArray &body, bool counted);

    TokenSource &m_tokens;
    ClientOptions m_options;
    std::unique_ptr<QNetworkAccessManager> m_network;
    Session m_session;
    bool m_haveSession = false;
    ApiUsage m_usage;
    qint64 m_requests = 0;
    QDateTime m_serverTime;
};

} // namespace lmo::sf
