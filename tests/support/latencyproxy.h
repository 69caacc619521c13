#pragma once

#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace lmo::test {

// A TCP proxy between the application and a server, for tests that must see how the window
// behaves when every round trip is slow: it listens on 127.0.0.1 (a port of its own), forwards
// each connection to the target, and holds every chunk of bytes, in each direction, for
// `delayMs` before passing it on (a round trip then costs at least twice that). It can also be
// frozen: nothing passes, either way, until it is thawed (what a server that went silent
// looks like). It runs on a thread of its own, so that a UI thread blocked on the network
// does not stop it.
class LatencyProxy
{
public:
    LatencyProxy(const QString &targetHost, quint16 targetPort, int delayMs = 100);
    ~LatencyProxy();
    LatencyProxy(const LatencyProxy &) = delete;
    LatencyProxy &operator=(const LatencyProxy &) = delete;

    // Starts listening; false with the reason when it cannot.
    bool start(QString *error = nullptr);
    quint16 port() const { return m_port; }

    void setDelay(int delayMs) { m_delayMs = delayMs; }
    int delay() const { return m_delayMs.load(); }
    // Holds all traffic (what arrives is kept, in order) until thaw(). Any thread may call these.
    void freeze() { m_frozen = true; }
    void thaw() { m_frozen = false; }
    bool isFrozen() const { return m_frozen.load(); }

    // Bytes passed on so far (both ways), and connections accepted.
    qint64 forwardedBytes() const { return m_forwarded.load(); }
    int connections() const { return m_connections.load(); }

    // `uri` (a postgresql://host:port/… URI of the target) with the proxy's port in place of
    // the target's.
    QString throughProxy(const QString &uri) const;

private:
    friend class LatencyProxyCore;
    QString m_host;
    quint16 m_targetPort;
    quint16 m_port = 0;
    std::atomic<int> m_delayMs;
    std::atomic<bool> m_frozen{false};
    std::atomic<qint64> m_forwarded{0};
    std::atomic<int> m_connections{0};
    QThread *m_thread = nullptr;
    class LatencyProxyCore *m_core = nullptr;
};

} // namespace lmo::test
