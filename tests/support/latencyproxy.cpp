#include "latencyproxy.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <deque>
#include <vector>

namespace lmo::test {

namespace {

// Bytes read from one side, to be written to the other once `due` (ms on the core's clock).
struct Chunk
{
    qint64 due = 0;
    QByteArray bytes;
};

// One way of one connection.
struct Direction
{
    QPointer<QTcpSocket> from;
    QPointer<QTcpSocket> to;
    std::deque<Chunk> queue;
    bool fromClosed = false;
};

struct Pair
{
    Direction up;   // application -> server
    Direction down; // server -> application
};

} // namespace

// Lives on the proxy's thread: the server, the sockets and the clock that releases the chunks.
class LatencyProxyCore : public QObject
{
public:
    explicit LatencyProxyCore(LatencyProxy *owner) : m_owner(owner) {}

    bool listen(QString *error)
    {
        m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            if (error)
                *error = m_server->errorString();
            return false;
        }
        m_owner->m_port = m_server->serverPort();
        connect(m_server, &QTcpServer::newConnection, this, [this] { accept(); });
        m_clock.start();
        // Released a millisecond or two late at most: the delay is 100 ms.
        m_tick = new QTimer(this);
        m_tick->setTimerType(Qt::PreciseTimer);
        m_tick->setInterval(2);
        connect(m_tick, &QTimer::timeout, this, [this] { release(); });
        m_tick->start();
        return true;
    }

    void shutdown()
    {
        for (auto &pair : m_pairs) {
            for (Direction *d : {&pair->up, &pair->down})
                if (d->from)
                    d->from->abort();
        }
        m_pairs.clear();
        delete m_server;
        m_server = nullptr;
        delete m_tick;
        m_tick = nullptr;
        // Here, on their own thread: nothing of the sockets is left for another to delete.
        qDeleteAll(findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly));
    }

private:
    void accept()
    {
        while (QTcpSocket *client = m_server->nextPendingConnection()) {
            ++m_owner->m_connections;
            auto *server = new QTcpSocket(this);
            client->setParent(this);
            client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            server->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            auto pair = std::make_shared<Pair>();
            pair->up.from = client;
            pair->up.to = server;
            pair->down.from = server;
            pair->down.to = client;
            m_pairs.push_back(pair);
            Pair *p = pair.get();
            connect(client, &QTcpSocket::readyRead, this, [this, p] { read(p->up); });
            connect(server, &QTcpSocket::readyRead, this, [this, p] { read(p->down); });
            connect(client, &QTcpSocket::disconnected, this, [p] { p->up.fromClosed = true; });
            connect(server, &QTcpSocket::disconnected, this, [p] { p->down.fromClosed = true; });
            connect(server, &QTcpSocket::errorOccurred, this, [p](QAbstractSocket::SocketError) { p->down.fromClosed = true; });
            server->connectToHost(m_owner->m_host, m_owner->m_targetPort);
            read(p->up); // what the client sent before this ran
        }
    }

    void read(Direction &d)
    {
        if (!d.from)
            return;
        const QByteArray bytes = d.from->readAll();
        if (!bytes.isEmpty())
            d.queue.push_back({m_clock.elapsed() + m_owner->m_delayMs.load(), bytes});
    }

    void release()
    {
        const qint64 now = m_clock.elapsed();
        const bool frozen = m_owner->m_frozen.load();
        for (auto it = m_pairs.begin(); it != m_pairs.end();) {
            Pair &pair = **it;
            bool done = true;
            for (Direction *d : {&pair.up, &pair.down}) {
                // The server's side is written once it is connected (what came before waits).
                const bool writable = d->to && d->to->state() == QAbstractSocket::ConnectedState;
                while (!frozen && writable && !d->queue.empty() && d->queue.front().due <= now) {
                    m_owner->m_forwarded += d->queue.front().bytes.size();
                    d->to->write(d->queue.front().bytes);
                    d->queue.pop_front();
                }
                if (!frozen && d->fromClosed && d->queue.empty() && d->to) {
                    // One side went: the other goes once it has everything.
                    if (d->to->state() == QAbstractSocket::ConnectedState)
                        d->to->disconnectFromHost();
                } else {
                    done = false;
                }
            }
            if (done) {
                for (Direction *d : {&pair.up, &pair.down})
                    if (d->from)
                        d->from->deleteLater();
                it = m_pairs.erase(it);
            } else {
                ++it;
            }
        }
    }

    LatencyProxy *m_owner;
    QTcpServer *m_server = nullptr;
    QTimer *m_tick = nullptr;
    QElapsedTimer m_clock;
    std::vector<std::shared_ptr<Pair>> m_pairs;
};

LatencyProxy::LatencyProxy(const QString &targetHost, quint16 targetPort, int delayMs)
    : m_host(targetHost), m_targetPort(targetPort), m_delayMs(delayMs)
{
}

LatencyProxy::~LatencyProxy()
{
    if (!m_thread)
        return;
    thaw();
    QMetaObject::invokeMethod(m_core, [this] { m_core->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_core; // nothing of it runs any more
    delete m_thread;
}

bool LatencyProxy::start(QString *error)
{
    if (m_thread)
        return true;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("latency-proxy"));
    m_core = new LatencyProxyCore(this);
    m_core->moveToThread(m_thread);
    m_thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_core, [this, &ok, error] { ok = m_core->listen(error); }, Qt::BlockingQueuedConnection);
    return ok;
}

QString LatencyProxy::throughProxy(const QString &uri) const
{
    // As text: the URI's own encoding (options=-csearch_path%3D…) stays as it is.
    const QString target = QStringLiteral(":%1/").arg(m_targetPort);
    QString out = uri;
    const qsizetype at = out.indexOf(target);
    if (at < 0)
        return QString();
    return out.replace(at, target.size(), QStringLiteral(":%1/").arg(m_port));
}

} // namespace lmo::test
