#include "sync/sfclient.h"

#include "util/format.h"

#include <QElapsedTimer>
#include <cmath>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QTimeZone>
#include <QTimer>
#include <QVersionNumber>

namespace lmo::sf {

QString ApiUsage::text() const
{
    if (!known())
        return QStringLiteral("not known yet");
    return QStringLiteral("%1 of %2 left").arg(groupedNumber(left()), groupedNumber(max));
}

ApiUsage parseLimitInfo(const QByteArray &header)
{
    ApiUsage usage;
    for (const QByteArray &part : header.split(',')) {
        const QByteArray p = part.trimmed();
        if (!p.startsWith("api-usage="))
            continue;
        const QList<QByteArray> n = p.mid(10).split('/');
        if (n.size() != 2)
            continue;
        bool a = false, b = false;
        const qint64 used = n[0].trimmed().toLongLong(&a), max = n[1].trimmed().toLongLong(&b);
        if (a && b && used >= 0 && max > 0)
            usage = ApiUsage{used, max};
    }
    return usage;
}

FixedTokenSource::FixedTokenSource(QUrl instanceUrl, QString accessToken, QString where)
    : m_session{std::move(instanceUrl), std::move(accessToken)}, m_where(std::move(where))
{
}

Result<Session> FixedTokenSource::session()
{
    if (m_session.accessToken.isEmpty())
        return Error::make(Error::Code::AuthFailed, QStringLiteral("No access token: %1 is empty.").arg(m_where));
    return m_session;
}

Result<Session> FixedTokenSource::renew()
{
    return Error::make(Error::Code::AuthFailed,
                       QStringLiteral("Salesforce refused the access token from %1 (it has expired or was revoked), and "
                                      "nothing can renew it: set a fresh one, or connect with lmodesk connect.")
                           .arg(m_where));
}

QByteArray formBody(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

Result<Response> exchange(QNetworkAccessManager &network, const QString &verb, const QUrl &url,
                          const QHash<QByteArray, QByteArray> &headers, const QByteArray &body, int timeoutMs,
                          const std::function<bool()> &cancelled)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(0); // the loop below keeps the time
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (auto it = headers.constBegin(); it != headers.constEnd(); ++it)
        request.setRawHeader(it.key(), it.value());
    QNetworkReply *reply = network.sendCustomRequest(request, verb.toLatin1(), body);
    QEventLoop loop;
    bool timedOut = false, stopped = false;
    QTimer poll;
    poll.setInterval(50);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancelled && cancelled()) {
            stopped = true;
            reply->abort();
        } else if (clock.elapsed() > timeoutMs) {
            timedOut = true;
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    poll.start();
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    poll.stop();
    std::unique_ptr<QNetworkReply> owned(reply);
    const QString where = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo).toString();
    if (stopped)
        return Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled while waiting for %1.").arg(where));
    if (timedOut)
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("%1 did not answer within %2 s.").arg(where).arg(timeoutMs / 1000));
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (response.status == 0) {
        return Error::make(Error::Code::Unreachable,
                           QStringLiteral("%1 could not be reached: %2.").arg(where, reply->errorString()));
    }
    response.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        response.headers.insert(pair.first.toLower(), pair.second);
    return response;
}

Client::Client(TokenSource &tokens, ClientOptions options)
    : m_tokens(tokens), m_options(std::move(options)), m_network(std::make_unique<QNetworkAccessManager>())
{
}

Client::~Client() = default;

QString Client::dataPath(const QString &rest) const
{
    return QStringLiteral("/services/data/v%1/%2").arg(m_options.apiVersion, rest);
}

Error Client::errorOf(const Response &response, const QString &doing)
{
    const QJsonDocument doc = response.json();
    QString code, message;
    if (doc.isArray() && !doc.array().isEmpty()) {
        const QJsonObject first = doc.array().first().toObject();
        code = first.value(QStringLiteral("errorCode")).toString();
        message = first.value(QStringLiteral("message")).toString();
    } else if (doc.isObject()) {
        code = doc.object().value(QStringLiteral("error")).toString();
        if (code.isEmpty())
            code = doc.object().value(QStringLiteral("errorCode")).toString();
        message = doc.object().value(QStringLiteral("error_description")).toString();
        if (message.isEmpty())
            message = doc.object().value(QStringLiteral("message")).toString();
    }
    if (message.isEmpty())
        message = QString::fromUtf8(response.body.left(200)).simplified();
    const QString said = code.isEmpty() ? message : QStringLiteral("%1: %2").arg(code, message);
    Error::Code kind = Error::Code::Invalid;
    QString advice;
    if (code == QLatin1String("REQUEST_LIMIT_EXCEEDED")) {
        kind = Error::Code::LimitReached;
        advice = QStringLiteral(" The org has used its API requests for today (they are shared with everything else it "
                                "runs): sync again once the 24-hour window has moved on.");
    } else if (response.status == 401 || code == QLatin1String("invalid_grant") || code == QLatin1String("INVALID_SESSION_ID")) {
        kind = Error::Code::AuthFailed;
        advice = QStringLiteral(" Connect to the org again (File > Connect to Salesforce…, or lmodesk connect).");
    } else if (response.status == 403) {
        kind = Error::Code::AuthFailed;
        advice = QStringLiteral(" The Salesforce user needs API access and read access to the LMA's objects.");
    } else if (response.status == 410) {
        advice = QStringLiteral(" This API version is retired: choose a newer one.");
    } else if (response.status >= 500) {
        kind = Error::Code::Unreachable;
    }
    return Error::make(kind, QStringLiteral("Salesforce refused %1 (HTTP %2, %3).%4").arg(doing).arg(response.status).arg(said, advice));
}

Result<void> Client::checkBudget(const QString &doing) const
{
    if (!m_usage.known() || m_options.reserve <= 0)
        return {};
    const qint64 keep = qint64(std::ceil(double(m_usage.max) * m_options.reserve));
    if (m_usage.left() > keep)
        return {};
    return Error::make(Error::Code::LimitReached,
                       QStringLiteral("Stopped before %1: the org has %2 of its %3 daily API requests left, and %4 (%5%) are "
                                      "kept for everything else it runs. Sync again once the 24-hour window has moved on, "
                                      "or lower the reserve.")
                           .arg(doing, groupedNumber(m_usage.left()), groupedNumber(m_usage.max), groupedNumber(keep))
                           .arg(QLocale::c().toString(m_options.reserve * 100, 'g', 3)));
}

Result<Response> Client::send(const QString &verb, const QString &path, const QHash<QByteArray, QByteArray> &extra,
                              const QByteArray &body, bool counted)
{
    if (!m_haveSession) {
        auto s = m_tokens.session();
        if (!s)
            return s.error();
        m_session = s.value();
        m_haveSession = true;
    }
    bool renewed = false;
    int attempt = 0;
    int backoff = m_options.firstBackoffMs;
    for (;;) {
        if (counted) {
            if (auto r = checkBudget(QStringLiteral("the next request")); !r)
                return r.error();
        }
        const QUrl url = path.startsWith(QLatin1String("http")) ? QUrl(path) : m_session.instanceUrl.resolved(QUrl(path));
        QHash<QByteArray, QByteArray> headers = extra;
        headers.insert("Authorization", "Bearer " + m_session.accessToken.toUtf8());
        headers.insert("Accept-Encoding", "identity");
        if (!body.isEmpty() && !headers.contains("Content-Type"))
            headers.insert("Content-Type", "application/json");
        auto r = exchange(*m_network, verb, url, headers, body, m_options.timeoutMs, m_options.cancelled);
        if (counted)
            ++m_requests;
        if (r) {
            const Response &response = r.value();
            if (const QByteArray info = response.header("sforce-limit-info"); !info.isEmpty()) {
                const ApiUsage usage = parseLimitInfo(info);
                if (usage.known())
                    m_usage = usage;
            }
            if (const QByteArray date = response.header("date"); !date.isEmpty()) {
                // "Thu, 03 Dec 2026 08:55:00 GMT" (RFC 7231's form, which Qt's RFC 2822 reading may not take).
                QDateTime t = QLocale::c().toDateTime(QString::fromLatin1(date).trimmed(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
                if (t.isValid())
                    t.setTimeZone(QTimeZone::utc());
                else
                    t = QDateTime::fromString(QString::fromLatin1(date), Qt::RFC2822Date);
                if (t.isValid())
                    m_serverTime = t.toUTC();
            }
            if (response.status == 401 && !renewed) {
                // The session expired: renewed once (a refresh token, the CLI asked again).
                auto s = m_tokens.renew();
                if (!s)
                    return s.error();
                m_session = s.value();
                renewed = true;
                continue;
            }
            if (response.status < 500)
                return r;
        } else if (r.error().code != Error::Code::Unreachable) {
            return r.error();
        }
        // A 5xx or no answer: tried again, a few times, further apart each time.
        if (attempt >= m_options.retries) {
            if (r)
                return errorOf(r.value(), QStringLiteral("%1 %2 after %3 tries").arg(verb, QUrl(path).path()).arg(attempt + 1));
            return Error::make(Error::Code::Unreachable, QStringLiteral("%1 (tried %2 times.)").arg(r.error().message).arg(attempt + 1));
        }
        ++attempt;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < backoff) {
            if (m_options.cancelled && m_options.cancelled())
                return Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled while waiting to try Salesforce again."));
            QThread::msleep(20);
        }
        backoff *= 2;
    }
}

Result<Response> Client::get(const QString &path, const QHash<QByteArray, QByteArray> &headers)
{
    return send(QStringLiteral("GET"), path, headers, {}, true);
}

Result<Response> Client::post(const QString &path, const QByteArray &json)
{
    return send(QStringLiteral("POST"), path, {}, json, true);
}

Result<Response> Client::remove(const QString &path)
{
    return send(QStringLiteral("DELETE"), path, {}, {}, true);
}

Result<QString> Client::chooseVersion()
{
    // Not counted against the org's limits, and asked without a session.
    auto s = m_haveSession ? Result<Session>(m_session) : m_tokens.session();
    if (!s)
        return s.error();
    m_session = s.value();
    m_haveSession = true;
    auto r = send(QStringLiteral("GET"), QStringLiteral("/services/data/"), {}, {}, false);
    if (!r)
        return r.error();
    if (r->status != 200)
        return errorOf(r.value(), QStringLiteral("the list of API versions"));
    QVersionNumber newest;
    bool ours = false;
    for (const QJsonValue &v : r->json().array()) {
        const QString version = v.toObject().value(QStringLiteral("version")).toString();
        if (version == m_options.apiVersion)
            ours = true;
        const QVersionNumber n = QVersionNumber::fromString(version);
        if (n > newest)
            newest = n;
    }
    if (ours)
        return QString();
    if (newest.isNull())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 lists no API versions: is it a Salesforce instance?").arg(m_session.instanceUrl.toString()));
    const QString was = m_options.apiVersion;
    m_options.apiVersion = QStringLiteral("%1.%2").arg(newest.majorVersion()).arg(newest.minorVersion());
    return QStringLiteral("The org does not offer API version %1, which LMO Desk is tested with; version %2 is used.")
        .arg(was, m_options.apiVersion);
}

} // namespace lmo::sf
