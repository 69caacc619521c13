#include "fakesalesforce.h"

#include "domain/salesforceid.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMetaObject>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <thread>
#include <map>

namespace lmo::test {

namespace {

struct FieldDef
{
    QString name;
    QString type; // id, string, double, boolean, date, datetime, reference, picklist
    QString relationship; // reference fields: sfLma__Package__r
};

struct Rec
{
    QString id;
    qint64 stampMs = 0;
    bool deleted = false;
    QByteArray line; // the stored columns' values, CSV
};

struct Obj
{
    QString name;
    QString prefix;
    std::vector<FieldDef> fields; // as describe lists them (Id, system fields, the LMA's)
    QStringList stored;           // the columns of each record's line: the non-system fields and relationship paths
    QSet<QString> removed;
    std::vector<Rec> recs;
    QHash<QString, int> byId;
    qint64 next = 1;
};

QByteArray csvEscape(const QByteArray &v)
{
    if (!v.contains(',') && !v.contains('"') && !v.contains('\n') && !v.contains('\r'))
        return v;
    QByteArray q = v;
    q.replace("\"", "\"\"");
    return '"' + q + '"';
}

QByteArray encodeLine(const QList<QByteArray> &values)
{
    QByteArray out;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += ',';
        out += csvEscape(values[i]);
    }
    return out;
}

QList<QByteArray> decodeLine(const QByteArray &line)
{
    QList<QByteArray> out;
    QByteArray cur;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out << cur;
            cur.clear();
        } else {
            cur += c;
        }
    }
    out << cur;
    return out;
}

// Where each cell of a stored line lies, still escaped as CSV (the output escapes alike).
void cellSpans(const QByteArray &line, std::vector<std::pair<qsizetype, qsizetype>> &spans)
{
    spans.clear();
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"')
            quoted = !quoted; // a doubled quote toggles twice
        else if (c == ',' && !quoted) {
            spans.emplace_back(start, i - start);
            start = i + 1;
        }
    }
    spans.emplace_back(start, line.size() - start);
}

QString stampText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("+0000");
}

QByteArray bulkStamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z'")).toLatin1();
}

QByteArray json(const QJsonValue &v)
{
    if (v.isArray())
        return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
}

QByteArray errorBody(const QString &code, const QString &message)
{
    return json(QJsonArray{QJsonObject{{QStringLiteral("errorCode"), code}, {QStringLiteral("message"), message}}});
}

QString makeId(const QString &prefix, qint64 n)
{
    const QString body = prefix + QStringLiteral("%1").arg(n, 12, 10, QLatin1Char('0'));
    return SalesforceId::parse(body)->to18();
}

struct Reply
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray contentType = "application/json;charset=UTF-8";
};

struct Cursor
{
    QString object;
    QStringList fields;
    std::vector<int> rows;
};

struct Job
{
    QString object;
    QStringList fields;
    std::vector<int> rows;
    int polls = 0;
    // Its results' lines, rendered on a thread of its own while the job is InProgress, as the
    // real service prepares a query job's results before the first is downloaded.
    std::shared_ptr<std::vector<QByteArray>> lines = std::make_shared<std::vector<QByteArray>>();
    std::shared_ptr<std::atomic<bool>> ready = std::make_shared<std::atomic<bool>>(false);
};

} // namespace

struct FakeSalesforce::Impl
{
    FakeSalesforce *q = nullptr;
    mutable std::mutex mutex;
    std::map<QString, Obj> objects;
    QString orgId;
    QJsonObject organization;
    QDateTime fixedNow;
    QSet<QString> accessTokens, refreshTokens;
    struct Pending
    {
        QString challenge, redirect, clientId;
    };
    QHash<QString, Pending> codes;
    int issued = 0;
    QString lastVerifier, lastCode;
    QHash<QString, Cursor> cursors;
    QHash<QString, Job> jobs;
    int nextCursor = 1;
    QStringList log;
    std::vector<std::thread> renderers; // Bulk jobs' results being prepared
    ~Impl()
    {
        for (std::thread &t : renderers)
            t.join();
    }

    qint64 nowMs() const { return (fixedNow.isValid() ? fixedNow : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch(); }

    Obj *object(const QString &name)
    {
        auto it = objects.find(name);
        return it == objects.end() ? nullptr : &it->second;
    }

    void define()
    {
        auto make = [&](const QString &name, const QString &prefix, const std::vector<FieldDef> &own, const QStringList &paths) {
            Obj o;
            o.name = name;
            o.prefix = prefix;
            o.fields = {{QStringLiteral("Id"), QStringLiteral("id"), {}},
                        {QStringLiteral("IsDeleted"), QStringLiteral("boolean"), {}},
                        {QStringLiteral("CreatedDate"), QStringLiteral("datetime"), {}},
                        {QStringLiteral("LastModifiedDate"), QStringLiteral("datetime"), {}},
                        {QStringLiteral("SystemModstamp"), QStringLiteral("datetime"), {}}};
            for (const FieldDef &f : own) {
                o.fields.push_back(f);
                o.stored << f.name;
            }
            o.stored << paths;
            objects[name] = o;
        };
        using F = FieldDef;
        const QString s = QStringLiteral("string"), d = QStringLiteral("double"), b = QStringLiteral("boolean"),
                      dt = QStringLiteral("date"), r = QStringLiteral("reference"), p = QStringLiteral("picklist"),
                      tm = QStringLiteral("datetime");
        make(QStringLiteral("sfLma__Package__c"), QStringLiteral("a08"),
             {F{QStringLiteral("Name"), s, {}}, F{QStringLiteral("sfLma__Package_ID__c"), s, {}},
              F{QStringLiteral("sfLma__Developer_Org_ID__c"), s, {}}, F{QStringLiteral("sfLma__Developer_Name__c"), s, {}},
              F{QStringLiteral("sfLma__Latest_Version__c"), s, {}}, F{QStringLiteral("sfLma__Release_Date__c"), dt, {}},
              F{QStringLiteral("sfLma__Lead_Manager__c"), r, QStringLiteral("sfLma__Lead_Manager__r")}},
             {});
        make(QStringLiteral("sfLma__Package_Version__c"), QStringLiteral("a09"),
             {F{QStringLiteral("Name"), s, {}}, F{QStringLiteral("sfLma__Package__c"), r, QStringLiteral("sfLma__Package__r")},
              F{QStringLiteral("sfLma__Version__c"), s, {}}, F{QStringLiteral("sfLma__Version_ID__c"), s, {}},
              F{QStringLiteral("sfLma__Version_Number__c"), s, {}}, F{QStringLiteral("sfLma__Is_Beta__c"), b, {}},
              F{QStringLiteral("sfLma__Sequence__c"), d, {}}, F{QStringLiteral("sfLma__Release_Date__c"), dt, {}}},
             {QStringLiteral("sfLma__Package__r.Name")});
        make(QStringLiteral("sfLma__License__c"), QStringLiteral("a0B"),
             {F{QStringLiteral("Name"), s, {}},
              F{QStringLiteral("sfLma__Account__c"), r, QStringLiteral("sfLma__Account__r")},
              F{QStringLiteral("sfLma__Contact__c"), r, QStringLiteral("sfLma__Contact__r")},
              F{QStringLiteral("sfLma__Lead__c"), r, QStringLiteral("sfLma__Lead__r")},
              F{QStringLiteral("sfLma__Package__c"), r, QStringLiteral("sfLma__Package__r")},
              F{QStringLiteral("sfLma__Package_Version__c"), r, QStringLiteral("sfLma__Package_Version__r")},
              F{QStringLiteral("sfLma__Version_Number__c"), s, {}},
              F{QStringLiteral("sfLma__Status__c"), p, {}},
              F{QStringLiteral("sfLma__License_Status__c"), s, {}},
              F{QStringLiteral("sfLma__Seats__c"), d, {}},
              F{QStringLiteral("sfLma__Licensed_Seats__c"), s, {}},
              F{QStringLiteral("sfLma__Used_Licenses__c"), d, {}},
              F{QStringLiteral("sfLma__Expiration__c"), dt, {}},
              F{QStringLiteral("sfLma__Expiration_Date__c"), s, {}},
              F{QStringLiteral("sfLma__Install_Date__c"), dt, {}},
              F{QStringLiteral("sfLma__Subscriber_Org_ID__c"), s, {}},
              F{QStringLiteral("sfLma__Org_Edition__c"), s, {}},
              F{QStringLiteral("sfLma__Instance__c"), s, {}}, // the other name of Org Instance
              F{QStringLiteral("sfLma__Org_Status__c"), s, {}},
              F{QStringLiteral("sfLma__Org_Trial_Expiration__c"), dt, {}},
              F{QStringLiteral("sfLma__Subscriber_Org_Is_Sandbox__c"), b, {}},
              F{QStringLiteral("sfLma__Package_License_ID__c"), s, {}},
              F{QStringLiteral("sfLma__Proxy_User__c"), s, {}},
              F{QStringLiteral("sfLma__License_Type__c"), s, {}},
              F{QStringLiteral("sfLma__Last_Modified__c"), tm, {}}},
             {QStringLiteral("sfLma__Account__r.Name"), QStringLiteral("sfLma__Package__r.Name"),
              QStringLiteral("sfLma__Package_Version__r.Name")});
    }

    const FieldDef *fieldOf(const Obj &o, const QString &name) const
    {
        for (const FieldDef &f : o.fields)
            if (f.name.compare(name, Qt::CaseInsensitive) == 0 && !o.removed.contains(f.name))
                return &f;
        return nullptr;
    }

    // Whether a SELECT may name this field of the object.
    bool selectable(const Obj &o, const QString &name) const
    {
        const qsizetype dot = name.indexOf(QLatin1Char('.'));
        if (dot < 0)
            return fieldOf(o, name) != nullptr;
        const QString rel = name.left(dot);
        for (const FieldDef &f : o.fields)
            if (f.relationship.compare(rel, Qt::CaseInsensitive) == 0 && !o.removed.contains(f.name))
                return name.mid(dot + 1) == QLatin1String("Name");
        return false;
    }

    QByteArray value(const Obj &o, const Rec &r, const QList<QByteArray> &cells, const QString &field) const
    {
        if (field == QLatin1String("Id"))
            return r.id.toLatin1();
        if (field == QLatin1String("SystemModstamp") || field == QLatin1String("LastModifiedDate") || field == QLatin1String("CreatedDate"))
            return stampText(r.stampMs).toLatin1();
        if (field == QLatin1String("IsDeleted"))
            return r.deleted ? "true" : "false";
        const qsizetype i = o.stored.indexOf(field);
        return i >= 0 && i < cells.size() ? cells[i] : QByteArray();
    }

    QJsonObject recordJson(const Obj &o, const Rec &r, const QStringList &fields) const
    {
        const QList<QByteArray> cells = decodeLine(r.line);
        QJsonObject rec{{QStringLiteral("attributes"),
                         QJsonObject{{QStringLiteral("type"), o.name},
                                     {QStringLiteral("url"), QStringLiteral("/services/data/v62.0/sobjects/%1/%2").arg(o.name, r.id)}}}};
        for (const QString &f : fields) {
            const QByteArray v = value(o, r, cells, f);
            const qsizetype dot = f.indexOf(QLatin1Char('.'));
            if (dot > 0) {
                const QString rel = f.left(dot);
                if (v.isEmpty()) {
                    rec.insert(rel, QJsonValue::Null);
                } else {
                    QJsonObject nested = rec.value(rel).toObject();
                    nested.insert(QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Related")}});
                    nested.insert(f.mid(dot + 1), QString::fromUtf8(v));
                    rec.insert(rel, nested);
                }
                continue;
            }
            const FieldDef *def = fieldOf(o, f);
            const QString type = def ? def->type : QStringLiteral("string");
            if (f == QLatin1String("IsDeleted"))
                rec.insert(f, r.deleted);
            else if (v.isEmpty())
                rec.insert(f, QJsonValue::Null);
            else if (type == QLatin1String("double"))
                rec.insert(f, v.toDouble());
            else if (type == QLatin1String("boolean"))
                rec.insert(f, v == "true");
            else
                rec.insert(f, QString::fromUtf8(v));
        }
        return rec;
    }

    QByteArray bulkRow(const Obj &o, const Rec &r, const QStringList &fields) const
    {
        const QList<QByteArray> cells = decodeLine(r.line);
        QByteArray out;
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i)
                out += ',';
            const QString &f = fields[i];
            if (f == QLatin1String("SystemModstamp"))
                out += bulkStamp(r.stampMs);
            else
                out += csvEscape(value(o, r, cells, f));
        }
        out += '\n';
        return out;
    }

    QString add(const QString &objectName, const QHash<QString, QString> &values, qint64 stampMs = 0)
    {
        Obj *o = object(objectName);
        if (!o)
            return {};
        Rec r;
        r.id = values.value(QStringLiteral("Id"), makeId(o->prefix, o->next++));
        r.stampMs = stampMs ? stampMs : nowMs();
        QList<QByteArray> cells;
        for (const QString &c : o->stored)
            cells << values.value(c).toUtf8();
        r.line = encodeLine(cells);
        o->byId.insert(r.id, int(o->recs.size()));
        o->recs.push_back(std::move(r));
        return o->recs.back().id;
    }

    Reply route(const QByteArray &method, const QByteArray &target, const QHash<QByteArray, QByteArray> &headers,
                const QByteArray &body);
    Reply oauth(const QByteArray &method, const QUrl &url, const QByteArray &body);
    Reply query(const Obj *, const QString &soql, bool all, int batch);
    Reply page(const QString &cursorId, int offset, int batch);
};

FakeSalesforce::FakeSalesforce() : d(std::make_unique<Impl>())
{
    d->q = this;
    d->define();
    setOrgId(SalesforceId::parse(QStringLiteral("00D5g000004Test"))->to18());
    setOrganization(QStringLiteral("Partner Licensing"), QStringLiteral("Enterprise Edition"), false, QString(), QStringLiteral("NA135"));
}

class FakeSalesforceServer : public QTcpServer
{
public:
    explicit FakeSalesforceServer(FakeSalesforce::Impl *impl) : m_impl(impl)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { serve(s); });
                connect(s, &QTcpSocket::disconnected, s, [this, s] {
                    m_buffers.remove(s);
                    s->deleteLater();
                });
            }
        });
    }

private:
    void serve(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            QHash<QByteArray, QByteArray> headers;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = headers.value("content-length").toLongLong();
            if (buf.size() < end + 4 + length)
                return;
            const QByteArray body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            const QByteArray target = first.value(1);
            if (target.contains("/query?") || target.contains("/queryAll?") || target.contains("/query/"))
                m_impl->q->waitWhileHeld();
            Reply r = m_impl->route(first.value(0), first.value(1), headers, body);
            QByteArray head = "HTTP/1.1 " + QByteArray::number(r.status) + " " + (r.status < 300 ? "OK" : r.status < 400 ? "Found" : "Error")
                              + "\r\n";
            head += "Date: "
                    + QLocale::c()
                          .toString(QDateTime::fromMSecsSinceEpoch(m_impl->nowMs(), Qt::UTC), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
                          .toLatin1()
                    + "\r\n";
            head += "Content-Type: " + r.contentType + "\r\n";
            for (const auto &[k, v] : r.headers)
                head += k + ": " + v + "\r\n";
            head += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\nConnection: keep-alive\r\n\r\n";
            s->write(head);
            s->write(r.body);
        }
    }
    FakeSalesforce::Impl *m_impl;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

FakeSalesforce::~FakeSalesforce()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
}

bool FakeSalesforce::start(QString *error)
{
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("fake-salesforce"));
    auto *server = new FakeSalesforceServer(d.get());
    server->moveToThread(m_thread);
    QObject::connect(m_thread, &QThread::finished, server, &QObject::deleteLater);
    m_thread->start();
    bool ok = false;
    QString why;
    QMetaObject::invokeMethod(server, [&] {
        ok = server->listen(QHostAddress::LocalHost, 0);
        why = server->errorString();
        m_port = server->serverPort();
    }, Qt::BlockingQueuedConnection);
    if (!ok && error)
        *error = why;
    return ok;
}

void FakeSalesforce::waitWhileHeld()
{
    if (!m_hold.load())
        return;
    ++m_heldCount;
    while (m_hold.load())
        QThread::msleep(5);
}

bool FakeSalesforce::writeCsv(const QString &object, const QStringList &fields, const QString &path) const
{
    std::lock_guard lock(d->mutex);
    const Obj *o = d->object(object);
    QFile file(path);
    if (!o || !file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QStringList columns = fields;
    if (columns.isEmpty())
        columns = QStringList{QStringLiteral("Id")} + o->stored + QStringList{QStringLiteral("SystemModstamp")};
    QByteArray chunk = columns.join(QLatin1Char(',')).toUtf8() + '\n';
    for (const Rec &r : o->recs) {
        if (r.deleted)
            continue;
        chunk += d->bulkRow(*o, r, columns);
        if (chunk.size() > (1 << 22)) {
            if (file.write(chunk) != chunk.size())
                return false;
            chunk.clear();
        }
    }
    return file.write(chunk) == chunk.size() && file.flush();
}

QString FakeSalesforce::url() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString FakeSalesforce::orgId() const
{
    std::lock_guard lock(d->mutex);
    return d->orgId;
}

void FakeSalesforce::setOrgId(const QString &id18)
{
    std::lock_guard lock(d->mutex);
    d->orgId = id18;
    d->organization.insert(QStringLiteral("Id"), id18);
}

void FakeSalesforce::setOrganization(const QString &name, const QString &type, bool sandbox, const QString &trialExpiration,
                                     const QString &instance)
{
    std::lock_guard lock(d->mutex);
    d->organization = QJsonObject{{QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Organization")}}},
                                  {QStringLiteral("Id"), d->orgId},
                                  {QStringLiteral("Name"), name},
                                  {QStringLiteral("OrganizationType"), type},
                                  {QStringLiteral("IsSandbox"), sandbox},
                                  {QStringLiteral("TrialExpirationDate"), trialExpiration.isEmpty() ? QJsonValue() : QJsonValue(trialExpiration)},
                                  {QStringLiteral("InstanceName"), instance}};
}

QString FakeSalesforce::validAccessToken() const
{
    std::lock_guard lock(d->mutex);
    const QString token = QStringLiteral("00D!ATfixed%1").arg(++d->issued);
    d->accessTokens.insert(token);
    return token;
}

void FakeSalesforce::revokeRefreshTokens()
{
    std::lock_guard lock(d->mutex);
    d->refreshTokens.clear();
}

QString FakeSalesforce::lastCodeVerifier() const
{
    std::lock_guard lock(d->mutex);
    return d->lastVerifier;
}

QString FakeSalesforce::lastReceivedCode() const
{
    std::lock_guard lock(d->mutex);
    return d->lastCode;
}

void FakeSalesforce::setLimit(qint64 used, qint64 max)
{
    m_used = used;
    m_max = max;
}

QStringList FakeSalesforce::requestLog() const
{
    std::lock_guard lock(d->mutex);
    return d->log;
}

void FakeSalesforce::clearRequestLog()
{
    std::lock_guard lock(d->mutex);
    d->log.clear();
}

void FakeSalesforce::setNow(const QDateTime &now)
{
    std::lock_guard lock(d->mutex);
    d->fixedNow = now.toUTC();
}

QDateTime FakeSalesforce::now() const
{
    std::lock_guard lock(d->mutex);
    return QDateTime::fromMSecsSinceEpoch(d->nowMs(), Qt::UTC);
}

void FakeSalesforce::removeField(const QString &object, const QString &field)
{
    std::lock_guard lock(d->mutex);
    if (Obj *o = d->object(object))
        o->removed.insert(field);
}

QString FakeSalesforce::add(const QString &object, const QHash<QString, QString> &values)
{
    std::lock_guard lock(d->mutex);
    return d->add(object, values);
}

bool FakeSalesforce::update(const QString &object, const QString &id, const QHash<QString, QString> &values)
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o || !o->byId.contains(id))
        return false;
    Rec &r = o->recs[size_t(o->byId.value(id))];
    QList<QByteArray> cells = decodeLine(r.line);
    for (auto it = values.constBegin(); it != values.constEnd(); ++it) {
        const qsizetype i = o->stored.indexOf(it.key());
        if (i >= 0 && i < cells.size())
            cells[i] = it.value().toUtf8();
    }
    r.line = encodeLine(cells);
    r.stampMs = std::max(r.stampMs + 1, d->nowMs());
    return true;
}

bool FakeSalesforce::remove(const QString &object, const QString &id)
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o || !o->byId.contains(id))
        return false;
    Rec &r = o->recs[size_t(o->byId.value(id))];
    r.deleted = true;
    r.stampMs = std::max(r.stampMs + 1, d->nowMs());
    return true;
}

void FakeSalesforce::setStamp(const QString &object, const QString &id, const QDateTime &stamp)
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (o && o->byId.contains(id))
        o->recs[size_t(o->byId.value(id))].stampMs = stamp.toMSecsSinceEpoch();
}

QDateTime FakeSalesforce::stamp(const QString &object, const QString &id) const
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o || !o->byId.contains(id))
        return {};
    return QDateTime::fromMSecsSinceEpoch(o->recs[size_t(o->byId.value(id))].stampMs, Qt::UTC);
}

void FakeSalesforce::purge(const QString &object, const QString &id)
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o || !o->byId.contains(id))
        return;
    const int at = o->byId.value(id);
    o->recs.erase(o->recs.begin() + at);
    o->byId.clear();
    for (size_t i = 0; i < o->recs.size(); ++i)
        o->byId.insert(o->recs[i].id, int(i));
}

qint64 FakeSalesforce::count(const QString &object) const
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o)
        return 0;
    return std::count_if(o->recs.begin(), o->recs.end(), [](const Rec &r) { return !r.deleted; });
}

QString FakeSalesforce::field(const QString &object, const QString &id, const QString &f) const
{
    std::lock_guard lock(d->mutex);
    Obj *o = d->object(object);
    if (!o || !o->byId.contains(id))
        return {};
    const Rec &r = o->recs[size_t(o->byId.value(id))];
    return QString::fromUtf8(d->value(*o, r, decodeLine(r.line), f));
}

QStringList FakeSalesforce::seed(int packages, int licenses, int seedValue)
{
    QStringList packageIds, packageNames, versionIds, versionNames, out;
    // Spread over the past, a minute apart (packages first), as an org's records are: a later
    // sync's lookback then reads a few of them again, not all.
    const qint64 now = this->now().toMSecsSinceEpoch();
    qint64 stamp = now - qint64(2 * packages + licenses + 1) * 60'000;
    auto addAt = [&](const QString &object, const QHash<QString, QString> &values) {
        std::lock_guard lock(d->mutex);
        stamp += 60'000;
        return d->add(object, values, stamp);
    };
    for (int p = 0; p < packages; ++p) {
        const QString name = QStringLiteral("Package %1").arg(QChar(QLatin1Char('A' + p)));
        const QString pkg = addAt(QStringLiteral("sfLma__Package__c"),
                                {{QStringLiteral("Name"), name},
                                 {QStringLiteral("sfLma__Package_ID__c"), makeId(QStringLiteral("033"), 100 + p)},
                                 {QStringLiteral("sfLma__Developer_Org_ID__c"), makeId(QStringLiteral("00D"), 900 + p)},
                                 {QStringLiteral("sfLma__Latest_Version__c"), QStringLiteral("2.%1").arg(p)},
                                 {QStringLiteral("sfLma__Release_Date__c"), QStringLiteral("2025-01-15")}});
        packageIds << pkg;
        packageNames << name;
        const QString versionName = QStringLiteral("Spring '26 %1").arg(p);
        versionIds << addAt(QStringLiteral("sfLma__Package_Version__c"),
                          {{QStringLiteral("Name"), versionName},
                           {QStringLiteral("sfLma__Package__c"), pkg},
                           {QStringLiteral("sfLma__Package__r.Name"), name},
                           {QStringLiteral("sfLma__Version__c"), QStringLiteral("2.%1").arg(p)},
                           {QStringLiteral("sfLma__Version_ID__c"), makeId(QStringLiteral("04t"), 300 + p)},
                           {QStringLiteral("sfLma__Version_Number__c"), QStringLiteral("2.%1").arg(p)},
                           {QStringLiteral("sfLma__Is_Beta__c"), QStringLiteral("false")},
                           {QStringLiteral("sfLma__Sequence__c"), QStringLiteral("1")},
                           {QStringLiteral("sfLma__Release_Date__c"), QStringLiteral("2026-02-01")}});
        versionNames << versionName;
    }
    static const char *statuses[] = {"Active", "Active", "Trial", "Suspended", "Active", "Uninstalled"};
    for (int i = 0; i < licenses; ++i) {
        const int p = packages ? i % packages : 0;
        const int n = i + seedValue * 100000;
        const QString status = QString::fromLatin1(statuses[i % 6]);
        const bool site = i % 7 == 3;
        out << addAt(QStringLiteral("sfLma__License__c"),
                   {{QStringLiteral("Name"), QStringLiteral("L-%1").arg(n, 5, 10, QLatin1Char('0'))},
                    {QStringLiteral("sfLma__Account__c"), makeId(QStringLiteral("001"), n)},
                    {QStringLiteral("sfLma__Account__r.Name"), QStringLiteral("Customer %1, Inc.").arg(i / packages)},
                    {QStringLiteral("sfLma__Package__c"), packageIds.value(p)},
                    {QStringLiteral("sfLma__Package__r.Name"), packageNames.value(p)},
                    {QStringLiteral("sfLma__Package_Version__c"), versionIds.value(p)},
                    {QStringLiteral("sfLma__Package_Version__r.Name"), versionNames.value(p)},
                    {QStringLiteral("sfLma__Version_Number__c"), QStringLiteral("2.%1").arg(p)},
                    {QStringLiteral("sfLma__Status__c"), status},
                    {QStringLiteral("sfLma__License_Status__c"), status},
                    {QStringLiteral("sfLma__Seats__c"), site ? QStringLiteral("-1") : QString::number(5 + i % 40)},
                    {QStringLiteral("sfLma__Licensed_Seats__c"), site ? QStringLiteral("Site License") : QString::number(5 + i % 40)},
                    {QStringLiteral("sfLma__Used_Licenses__c"), QString::number(i % 30)},
                    {QStringLiteral("sfLma__Expiration__c"), i % 4 == 0 ? QString() : QStringLiteral("2027-0%1-15").arg(1 + i % 9)},
                    {QStringLiteral("sfLma__Install_Date__c"), QStringLiteral("2025-%1-10").arg(1 + i % 12, 2, 10, QLatin1Char('0'))},
                    {QStringLiteral("sfLma__Subscriber_Org_ID__c"), makeId(QStringLiteral("00D"), 10000 + i / packages).left(15)},
                    {QStringLiteral("sfLma__Org_Edition__c"), i % 5 == 0 ? QStringLiteral("Developer Edition") : QStringLiteral("Enterprise Edition")},
                    {QStringLiteral("sfLma__Instance__c"), QStringLiteral("NA%1").arg(100 + i % 50)},
                    {QStringLiteral("sfLma__Org_Status__c"), QStringLiteral("ACTIVE")},
                    {QStringLiteral("sfLma__Subscriber_Org_Is_Sandbox__c"), i % 9 == 4 ? QStringLiteral("true") : QStringLiteral("false")},
                    {QStringLiteral("sfLma__Package_License_ID__c"), makeId(QStringLiteral("050"), n)},
                    {QStringLiteral("sfLma__License_Type__c"), QStringLiteral("Editable")}});
    }
    return out;
}

void FakeSalesforce::seedMany(qint64 licenses)
{
    const QStringList ids = seed(4, 0);
    Q_UNUSED(ids);
    std::lock_guard lock(d->mutex);
    Obj *packages = d->object(QStringLiteral("sfLma__Package__c"));
    Obj *versions = d->object(QStringLiteral("sfLma__Package_Version__c"));
    Obj *o = d->object(QStringLiteral("sfLma__License__c"));
    QList<QByteArray> pkgId, pkgName, verId, verName;
    for (size_t p = 0; p < packages->recs.size(); ++p) {
        pkgId << packages->recs[p].id.toLatin1();
        pkgName << decodeLine(packages->recs[p].line).value(0);
        verId << versions->recs[p].id.toLatin1();
        verName << decodeLine(versions->recs[p].line).value(0);
    }
    static const char *statuses[] = {"Active", "Active", "Trial", "Suspended", "Active", "Uninstalled"};
    o->recs.reserve(size_t(licenses));
    // One second apart, all before now (a million over eleven days, as an org fills over time:
    // the lookback of a later sync re-reads only the last few hundred).
    const qint64 base = d->nowMs() - licenses * 1000;
    for (qint64 i = 0; i < licenses; ++i) {
        const int p = int(i % 4);
        const QByteArray n = QByteArray::number(i);
        const bool site = i % 7 == 3;
        const QByteArray seats = site ? "-1" : QByteArray::number(5 + i % 40);
        const QByteArray status = statuses[i % 6];
        // The stored columns, in o->stored's order.
        QList<QByteArray> c;
        c.reserve(o->stored.size());
        c << "L-" + n.rightJustified(7, '0') << makeId(QStringLiteral("001"), i).toLatin1() << QByteArray() << QByteArray() << pkgId[p]
          << verId[p] << "2." + QByteArray::number(p) << status << status << seats
          << (site ? QByteArray("Site License") : seats) << QByteArray::number(i % 30)
          << (i % 4 == 0 ? QByteArray() : "2027-0" + QByteArray::number(1 + i % 9) + "-15")
          << QByteArray() << "2025-" + QByteArray::number(1 + i % 12).rightJustified(2, '0') + "-10"
          << makeId(QStringLiteral("00D"), 10000 + i / 4).left(15).toLatin1()
          << (i % 5 == 0 ? QByteArray("Developer Edition") : QByteArray("Enterprise Edition"))
          << "NA" + QByteArray::number(100 + i % 50) << "ACTIVE" << QByteArray() << (i % 9 == 4 ? "true" : "false")
          << makeId(QStringLiteral("050"), i).toLatin1() << QByteArray() << "Editable" << QByteArray()
          << "Customer " + QByteArray::number(i / 4) << pkgName[p] << verName[p];
        Rec r;
        r.id = makeId(o->prefix, o->next++);
        r.stampMs = base + i * 1000;
        r.line = encodeLine(c);
        o->byId.insert(r.id, int(o->recs.size()));
        o->recs.push_back(std::move(r));
    }
}

Reply FakeSalesforce::Impl::oauth(const QByteArray &method, const QUrl &url, const QByteArray &body)
{
    Reply r;
    const QString path = url.path();
    // A form body: '+' is a space, each value decoded once.
    QHash<QString, QString> fields;
    for (const QByteArray &pair : body.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        if (eq <= 0)
            continue;
        QByteArray v = pair.mid(eq + 1);
        v.replace('+', ' ');
        fields.insert(QString::fromUtf8(QByteArray::fromPercentEncoding(pair.left(eq))), QString::fromUtf8(QByteArray::fromPercentEncoding(v)));
    }
    auto fail = [&](const char *error, const char *description) {
        r.status = 400;
        r.body = json(QJsonObject{{QStringLiteral("error"), QString::fromLatin1(error)},
                                  {QStringLiteral("error_description"), QString::fromLatin1(description)}});
        return r;
    };
    if (path == QLatin1String("/services/oauth2/authorize") && method == "GET") {
        const QUrlQuery params(url);
        if (params.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded) != q->clientId)
            return fail("invalid_client_id", "client identifier invalid");
        if (params.queryItemValue(QStringLiteral("code_challenge_method")) != QLatin1String("S256"))
            return fail("invalid_request", "code_challenge_method must be S256");
        const QString code = QStringLiteral("aPrx%1Code==").arg(++issued);
        codes.insert(code, Pending{params.queryItemValue(QStringLiteral("code_challenge"), QUrl::FullyDecoded),
                                   params.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded),
                                   params.queryItemValue(QStringLiteral("client_id"), QUrl::FullyDecoded)});
        // The code arrives URL-encoded, as Salesforce sends it ("==" as %3D%3D).
        const QString location = params.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded) + QStringLiteral("?code=")
                                 + QString::fromLatin1(QUrl::toPercentEncoding(code)) + QStringLiteral("&state=")
                                 + QString::fromLatin1(QUrl::toPercentEncoding(params.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded)));
        r.status = 302;
        r.headers << qMakePair(QByteArray("Location"), location.toUtf8());
        r.contentType = "text/html";
        return r;
    }
    if (path == QLatin1String("/services/oauth2/token") && method == "POST") {
        q->m_tokenRequests++;
        const QString grant = fields.value(QStringLiteral("grant_type"));
        if (fields.value(QStringLiteral("client_id")) != q->clientId)
            return fail("invalid_client_id", "client identifier invalid");
        QString refresh;
        if (grant == QLatin1String("authorization_code")) {
            const QString code = fields.value(QStringLiteral("code"));
            lastCode = code;
            lastVerifier = fields.value(QStringLiteral("code_verifier"));
            if (!codes.contains(code))
                return fail("invalid_grant", "invalid authorization code");
            const Pending p = codes.take(code);
            const QString challenge = QString::fromLatin1(
                QCryptographicHash::hash(lastVerifier.toLatin1(), QCryptographicHash::Sha256)
                    .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
            if (challenge != p.challenge)
                return fail("invalid_grant", "invalid code verifier");
            if (fields.value(QStringLiteral("redirect_uri")) != p.redirect)
                return fail("redirect_uri_mismatch", "redirect_uri must match configuration");
            refresh = QStringLiteral("5Aep861fake%1").arg(++issued);
            refreshTokens.insert(refresh);
        } else if (grant == QLatin1String("refresh_token")) {
            if (!refreshTokens.contains(fields.value(QStringLiteral("refresh_token"))))
                return fail("invalid_grant", "expired access/refresh token");
        } else {
            return fail("unsupported_grant_type", "grant type not supported");
        }
        const QString access = QStringLiteral("00D!AT%1").arg(++issued);
        accessTokens.insert(access);
        QJsonObject o{{QStringLiteral("access_token"), access},
                      {QStringLiteral("instance_url"), q->url()},
                      {QStringLiteral("id"), QStringLiteral("%1/id/%2/%3").arg(q->url(), orgId, makeId(QStringLiteral("005"), 42))},
                      {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                      {QStringLiteral("issued_at"), QString::number(nowMs())},
                      {QStringLiteral("signature"), QStringLiteral("fake")},
                      {QStringLiteral("scope"), QStringLiteral("api refresh_token")}};
        if (!refresh.isEmpty())
            o.insert(QStringLiteral("refresh_token"), refresh);
        r.body = json(o);
        return r;
    }
    if (path == QLatin1String("/services/oauth2/revoke") && method == "POST") {
        const QString token = fields.value(QStringLiteral("token"));
        if (!refreshTokens.remove(token) && !accessTokens.remove(token))
            return fail("invalid_token", "invalid token");
        r.body.clear();
        return r;
    }
    r.status = 404;
    r.body = errorBody(QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"));
    return r;
}

Reply FakeSalesforce::Impl::query(const Obj *, const QString &soql, bool all, int batch)
{
    Reply r;
    static const QRegularExpression count(QStringLiteral("^SELECT COUNT\\(\\) FROM (\\w+)$"));
    static const QRegularExpression select(
        QStringLiteral("^SELECT (.+?) FROM (\\w+)(?: WHERE SystemModstamp >= (\\S+))?( ORDER BY SystemModstamp, Id)?$"));
    if (auto m = count.match(soql); m.hasMatch()) {
        Obj *o = object(m.captured(1));
        if (!o) {
            r.status = 400;
            r.body = errorBody(QStringLiteral("INVALID_TYPE"), QStringLiteral("sObject type '%1' is not supported.").arg(m.captured(1)));
            return r;
        }
        const qint64 n = std::count_if(o->recs.begin(), o->recs.end(), [](const Rec &x) { return !x.deleted; });
        r.body = json(QJsonObject{{QStringLiteral("totalSize"), n}, {QStringLiteral("done"), true}, {QStringLiteral("records"), QJsonArray()}});
        return r;
    }
    auto m = select.match(soql);
    if (!m.hasMatch()) {
        r.status = 400;
        r.body = errorBody(QStringLiteral("MALFORMED_QUERY"), QStringLiteral("unexpected token in: %1").arg(soql));
        return r;
    }
    const QStringList fields = m.captured(1).split(QStringLiteral(", "));
    const QString name = m.captured(2);
    if (name == QLatin1String("Organization")) {
        r.body = json(QJsonObject{{QStringLiteral("totalSize"), 1}, {QStringLiteral("done"), true},
                                  {QStringLiteral("records"), QJsonArray{organization}}});
        return r;
    }
    Obj *o = object(name);
    if (!o) {
        r.status = 400;
        r.body = errorBody(QStringLiteral("INVALID_TYPE"), QStringLiteral("sObject type '%1' is not supported.").arg(name));
        return r;
    }
    for (const QString &f : fields)
        if (!selectable(*o, f)) {
            r.status = 400;
            r.body = errorBody(QStringLiteral("INVALID_FIELD"), QStringLiteral("No such column '%1' on entity '%2'.").arg(f, name));
            return r;
        }
    qint64 since = std::numeric_limits<qint64>::min();
    if (!m.captured(3).isEmpty()) {
        const QDateTime t = QDateTime::fromString(m.captured(3), Qt::ISODate);
        if (!t.isValid()) {
            r.status = 400;
            r.body = errorBody(QStringLiteral("MALFORMED_QUERY"), QStringLiteral("bad datetime %1").arg(m.captured(3)));
            return r;
        }
        since = t.toMSecsSinceEpoch();
    }
    Cursor c;
    c.object = name;
    c.fields = fields;
    for (size_t i = 0; i < o->recs.size(); ++i) {
        const Rec &x = o->recs[i];
        if ((x.deleted && !all) || x.stampMs < since)
            continue;
        c.rows.push_back(int(i));
    }
    if (!m.captured(4).isEmpty())
        std::stable_sort(c.rows.begin(), c.rows.end(), [o](int a, int b) {
            const Rec &x = o->recs[size_t(a)], &y = o->recs[size_t(b)];
            return x.stampMs != y.stampMs ? x.stampMs < y.stampMs : x.id < y.id;
        });
    const QString id = QStringLiteral("01gFAKE%1").arg(nextCursor++);
    cursors.insert(id, c);
    return page(id, 0, batch);
}

Reply FakeSalesforce::Impl::page(const QString &cursorId, int offset, int batch)
{
    Reply r;
    if (!cursors.contains(cursorId)) {
        r.status = 400;
        r.body = errorBody(QStringLiteral("INVALID_QUERY_LOCATOR"), QStringLiteral("invalid query locator"));
        return r;
    }
    const Cursor &c = cursors[cursorId];
    Obj *o = object(c.object);
    QJsonArray records;
    const int end = std::min<int>(int(c.rows.size()), offset + batch);
    for (int i = offset; i < end; ++i)
        records.append(recordJson(*o, o->recs[size_t(c.rows[size_t(i)])], c.fields));
    QJsonObject out{{QStringLiteral("totalSize"), qint64(c.rows.size())}, {QStringLiteral("done"), end >= int(c.rows.size())},
                    {QStringLiteral("records"), records}};
    if (end < int(c.rows.size()))
        out.insert(QStringLiteral("nextRecordsUrl"), QStringLiteral("/services/data/v62.0/query/%1-%2").arg(cursorId).arg(end));
    r.body = json(out);
    return r;
}

Reply FakeSalesforce::Impl::route(const QByteArray &method, const QByteArray &target, const QHash<QByteArray, QByteArray> &headers,
                                  const QByteArray &body)
{
    std::lock_guard lock(mutex);
    q->m_requests++;
    const QUrl url(QString::fromLatin1(target));
    const QString path = url.path();
    log << QStringLiteral("%1 %2").arg(QString::fromLatin1(method), path);
    if (path.startsWith(QLatin1String("/services/oauth2/")))
        return oauth(method, url, body);
    Reply r;
    const QByteArray auth = headers.value("authorization");
    const QString token = auth.startsWith("Bearer ") ? QString::fromLatin1(auth.mid(7)) : QString();
    if (path.startsWith(QLatin1String("/id/"))) {
        if (!accessTokens.contains(token)) {
            r.status = 403;
            r.body = "Bad_OAuth_Token";
            return r;
        }
        r.body = json(QJsonObject{{QStringLiteral("username"), q->username}, {QStringLiteral("organization_id"), orgId}});
        return r;
    }
    if (path == QLatin1String("/services/data/") || path == QLatin1String("/services/data")) {
        QJsonArray versions;
        for (const char *v : {"60.0", "61.0", "62.0", "63.0", "64.0", "65.0"})
            versions.append(QJsonObject{{QStringLiteral("version"), QString::fromLatin1(v)},
                                        {QStringLiteral("url"), QStringLiteral("/services/data/v%1").arg(QString::fromLatin1(v))}});
        r.body = json(versions);
        return r;
    }
    static const QRegularExpression data(QStringLiteral("^/services/data/v(\\d+\\.\\d)/(.*)$"));
    const auto m = data.match(path);
    if (!m.hasMatch()) {
        r.status = 404;
        r.body = errorBody(QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"));
        return r;
    }
    auto limitHeader = [&] {
        return qMakePair(QByteArray("Sforce-Limit-Info"), QByteArray("api-usage=") + QByteArray::number(q->m_used.load()) + "/"
                                                              + QByteArray::number(q->m_max.load()));
    };
    if (!accessTokens.contains(token) || q->m_expireOnce.exchange(false)) {
        accessTokens.remove(token);
        r.status = 401;
        r.body = errorBody(QStringLiteral("INVALID_SESSION_ID"), QStringLiteral("Session expired or invalid"));
        r.headers << limitHeader();
        return r;
    }
    if (q->m_fail503Once.exchange(false)) {
        r.status = 503;
        r.body = errorBody(QStringLiteral("SERVER_UNAVAILABLE"), QStringLiteral("Server temporarily unavailable"));
        return r;
    }
    if (q->m_used.load() >= q->m_max.load()) {
        r.status = 403;
        r.body = errorBody(QStringLiteral("REQUEST_LIMIT_EXCEEDED"), QStringLiteral("TotalRequests Limit exceeded."));
        r.headers << limitHeader();
        return r;
    }
    q->m_used++;
    r.headers << limitHeader();
    const QString rest = m.captured(2);
    const QUrlQuery query(url);
    if (rest == QLatin1String("limits")) {
        r.body = json(QJsonObject{{QStringLiteral("DailyApiRequests"),
                                   QJsonObject{{QStringLiteral("Max"), q->m_max.load()},
                                               {QStringLiteral("Remaining"), q->m_max.load() - q->m_used.load()}}},
                                  {QStringLiteral("DailyBulkV2QueryJobs"),
                                   QJsonObject{{QStringLiteral("Max"), 10000}, {QStringLiteral("Remaining"), 9990}}}});
        return r;
    }
    static const QRegularExpression describe(QStringLiteral("^sobjects/(\\w+)/describe/?$"));
    if (auto dm = describe.match(rest); dm.hasMatch()) {
        Obj *o = object(dm.captured(1));
        if (!o) {
            r.status = 404;
            r.body = errorBody(QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"));
            return r;
        }
        QJsonArray fields;
        for (const FieldDef &f : o->fields) {
            if (o->removed.contains(f.name))
                continue;
            QJsonObject fo{{QStringLiteral("name"), f.name}, {QStringLiteral("type"), f.type}};
            fo.insert(QStringLiteral("relationshipName"), f.relationship.isEmpty() ? QJsonValue() : QJsonValue(f.relationship));
            fields.append(fo);
        }
        r.body = json(QJsonObject{{QStringLiteral("name"), o->name}, {QStringLiteral("replicateable"), true}, {QStringLiteral("fields"), fields}});
        return r;
    }
    int batch = 2000;
    const QByteArray options = headers.value("sforce-query-options");
    if (options.startsWith("batchSize=")) {
        batch = std::clamp(options.mid(10).toInt(), 200, 2000);
        q->m_batchSeen = batch;
    }
    if (rest == QLatin1String("query/") || rest == QLatin1String("query") || rest == QLatin1String("queryAll/")
        || rest == QLatin1String("queryAll")) {
        Reply x = this->query(nullptr, query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded),
                              rest.startsWith(QLatin1String("queryAll")), batch);
        x.headers << limitHeader();
        return x;
    }
    static const QRegularExpression more(QStringLiteral("^query/(01gFAKE\\d+)-(\\d+)$"));
    if (auto pm = more.match(rest); pm.hasMatch()) {
        Reply x = page(pm.captured(1), pm.captured(2).toInt(), batch);
        x.headers << limitHeader();
        return x;
    }
    if (rest == QLatin1String("jobs/query") && method == "POST") {
        const QJsonObject req = QJsonDocument::fromJson(body).object();
        static const QRegularExpression bulkSelect(QStringLiteral("^SELECT (.+?) FROM (\\w+)$"));
        const auto bm = bulkSelect.match(req.value(QStringLiteral("query")).toString());
        Obj *o = bm.hasMatch() ? object(bm.captured(2)) : nullptr;
        if (!o) {
            r.status = 400;
            r.body = errorBody(QStringLiteral("INVALIDJOB"), QStringLiteral("bad query"));
            return r;
        }
        Job job;
        job.object = o->name;
        job.fields = bm.captured(1).split(QStringLiteral(", "));
        for (const QString &f : job.fields)
            if (!selectable(*o, f)) {
                r.status = 400;
                r.body = errorBody(QStringLiteral("INVALIDJOB"), QStringLiteral("No such column '%1' on entity '%2'.").arg(f, o->name));
                return r;
            }
        for (size_t i = 0; i < o->recs.size(); ++i)
            if (!o->recs[i].deleted)
                job.rows.push_back(int(i));
        {
            Obj meta; // what rendering a row reads of its object
            meta.name = o->name;
            meta.stored = o->stored;
            std::vector<Rec> snapshot;
            snapshot.reserve(job.rows.size());
            for (int i : job.rows)
                snapshot.push_back(o->recs[size_t(i)]);
            // Each field once: -1 the Id, -2 SystemModstamp, else its column in the stored line
            // (whose cells are escaped as the output's are: copied as they are).
            std::vector<int> columns;
            bool simple = true;
            for (const QString &f : job.fields) {
                if (f == QLatin1String("Id"))
                    columns.push_back(-1);
                else if (f == QLatin1String("SystemModstamp"))
                    columns.push_back(-2);
                else if (const qsizetype i = o->stored.indexOf(f); i >= 0)
                    columns.push_back(int(i));
                else
                    simple = false;
            }
            renderers.emplace_back([this, meta = std::move(meta), snapshot = std::move(snapshot), fields = job.fields,
                                    lines = job.lines, ready = job.ready, columns = std::move(columns), simple] {
                lines->reserve(snapshot.size());
                std::vector<std::pair<qsizetype, qsizetype>> spans;
                for (const Rec &rec : snapshot) {
                    if (!simple) {
                        lines->push_back(bulkRow(meta, rec, fields));
                        continue;
                    }
                    cellSpans(rec.line, spans);
                    QByteArray out;
                    out.reserve(rec.line.size() + 64);
                    for (size_t c = 0; c < columns.size(); ++c) {
                        if (c)
                            out += ',';
                        const int k = columns[c];
                        if (k == -1)
                            out += rec.id.toLatin1();
                        else if (k == -2)
                            out += bulkStamp(rec.stampMs);
                        else if (size_t(k) < spans.size())
                            out.append(rec.line.constData() + spans[size_t(k)].first, spans[size_t(k)].second);
                    }
                    out += '\n';
                    lines->push_back(std::move(out));
                }
                ready->store(true);
            });
        }
        const QString id = QStringLiteral("750FAKE%1").arg(nextCursor++);
        jobs.insert(id, job);
        r.body = json(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("operation"), QStringLiteral("query")},
                                  {QStringLiteral("object"), o->name}, {QStringLiteral("state"), QStringLiteral("UploadComplete")}});
        return r;
    }
    static const QRegularExpression jobPath(QStringLiteral("^jobs/query/(750FAKE\\d+)(/results)?$"));
    if (auto jm = jobPath.match(rest); jm.hasMatch()) {
        const QString id = jm.captured(1);
        if (!jobs.contains(id)) {
            r.status = 404;
            r.body = errorBody(QStringLiteral("NOT_FOUND"), QStringLiteral("no such job"));
            return r;
        }
        if (method == "DELETE") {
            jobs.remove(id);
            r.status = 204;
            r.body.clear();
            return r;
        }
        Job &job = jobs[id];
        if (jm.captured(2).isEmpty()) {
            const QString state = job.polls++ == 0 || !job.ready->load() ? QStringLiteral("InProgress") : QStringLiteral("JobComplete");
            r.body = json(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("state"), state},
                                      {QStringLiteral("numberRecordsProcessed"), qint64(job.rows.size())}});
            return r;
        }
        if (!job.ready->load()) {
            r.status = 400;
            r.body = errorBody(QStringLiteral("INVALIDJOBSTATE"), QStringLiteral("The job is not complete yet."));
            return r;
        }
        const qint64 max = query.hasQueryItem(QStringLiteral("maxRecords")) ? query.queryItemValue(QStringLiteral("maxRecords")).toLongLong() : 50000;
        const qint64 from = query.queryItemValue(QStringLiteral("locator")).toLongLong();
        const qint64 to = std::min<qint64>(qint64(job.rows.size()), from + std::max<qint64>(1, max));
        QByteArray csv = job.fields.join(QLatin1Char(',')).toUtf8() + '\n';
        qsizetype bytes = csv.size();
        for (qint64 i = from; i < to; ++i)
            bytes += (*job.lines)[size_t(i)].size();
        csv.reserve(bytes);
        for (qint64 i = from; i < to; ++i)
            csv += (*job.lines)[size_t(i)];
        r.body = csv;
        r.contentType = "text/csv";
        r.headers << qMakePair(QByteArray("Sforce-Locator"), to < qint64(job.rows.size()) ? QByteArray::number(to) : QByteArray("null"));
        r.headers << qMakePair(QByteArray("Sforce-NumberOfRecords"), QByteArray::number(to - from));
        return r;
    }
    r.status = 404;
    r.body = errorBody(QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist: %1").arg(rest));
    return r;
}

} // namespace lmo::test
